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


def sentence_text_at(doc: Doc, i: int) -> str:
    """The stripped text of the sentence holding token ``i`` (the sentence texts are built once per Doc)."""
    cached = doc.user_data.get("kg_sentence_texts")
    if cached is None:
        cached = doc.user_data["kg_sentence_texts"] = {sent.start: sent.text.strip() for sent in doc.sents}
    return cached[sentence_start_of(doc)[i]]


def sentences_with(doc: Doc, labels: tuple[str, ...]) -> set[int]:
    """Start tokens of the sentences that contain a cue with one of ``labels`` (e.g. ``own.subject``)."""
    key = "kg_sents_with:" + ",".join(labels)
    cached = doc.user_data.get(key)
    if cached is None:
        start_of = sentence_start_of(doc)
        cached = doc.user_data[key] = {start_of[c.start] for c in cue_list(doc) if c.label_ in labels}
    return cached


def cues_by_sentence(doc: Doc) -> dict[int, list[Span]]:
    """The ``kg_cues`` spans of ``doc`` grouped by the start token of their sentence (built once)."""
    cached = doc.user_data.get("kg_cues_by_sentence")
    if cached is None:
        start_of = sentence_start_of(doc)
        cached = {}
        for c in cue_list(doc):
            cached.setdefault(start_of[c.start], []).append(c)
        doc.user_data["kg_cues_by_sentence"] = cached
    return cached


def token_texts(doc: Doc) -> list[str]:
    """The token texts of ``doc`` (built once, through ``Doc.to_array``: no ``Token`` object per token)."""
    cached = doc.user_data.get("kg_token_texts")
    if cached is None:
        strings = doc.vocab.strings
        cached = doc.user_data["kg_token_texts"] = [strings[orth] for orth in doc.to_array("ORTH").tolist()]
    return cached
