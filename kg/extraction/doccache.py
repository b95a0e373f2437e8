"""Per-Doc caches of span groups: a SpanGroup builds a new Span object on every iteration, and the rules
look at the cue phrases many times per paper, so they are materialised once and kept in ``doc.user_data``."""

from __future__ import annotations

from spacy.tokens import Doc, Span


def cue_list(doc: Doc) -> list[Span]:
    """The ``kg_cues`` spans of ``doc`` as a list, built once."""
    cached = doc.user_data.get("kg_cue_list")
    if cached is None:
        cached = doc.user_data["kg_cue_list"] = list(doc.spans.get("kg_cues", []))
    return cached


def sentence_start_of(doc: Doc) -> list[int]:
    """For each token index, the index of the first token of its sentence (built once)."""
    cached = doc.user_data.get("kg_sent_start_of")
    if cached is None:
        cached = [0] * len(doc)
        for sent in doc.sents:
            for i in range(sent.start, sent.end):
                cached[i] = sent.start
        doc.user_data["kg_sent_start_of"] = cached
    return cached


def sentences_with(doc: Doc, labels: tuple[str, ...]) -> set[int]:
    """Start tokens of the sentences that contain a cue with one of ``labels`` (e.g. ``own.subject``)."""
    key = "kg_sents_with:" + ",".join(labels)
    cached = doc.user_data.get(key)
    if cached is None:
        start_of = sentence_start_of(doc)
        cached = doc.user_data[key] = {start_of[c.start] for c in cue_list(doc) if c.label_ in labels}
    return cached
