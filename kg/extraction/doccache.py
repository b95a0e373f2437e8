"""Per-Doc caches of span groups: a SpanGroup builds a new Span object on every iteration, and the rules
look at the cue phrases many times per paper, so they are materialised once and kept in ``doc.user_data``; and
look-ups over the cached text (``whole_word_spans``)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.attrs import IDX, SPACY
from spacy.tokens import Doc, Span


def cue_list(doc: Doc) -> list[Span]:
    """The ``kg_cues`` spans of ``doc`` as a list, built once."""
    cached = doc.user_data.get("kg_cue_list")
    if cached is None:
        cached = doc.user_data["kg_cue_list"] = list(doc.spans.get("kg_cues", []))
    return cached


def sentence_spans(doc: Doc) -> list[Span]:
    """``list(doc.sents)``, built once: ``Doc.sents`` makes new ``Span`` objects on every iteration."""
    cached = doc.user_data.get("kg_sentence_spans")
    if cached is None:
        cached = doc.user_data["kg_sentence_spans"] = list(doc.sents)
    return cached


def sentence_start_of(doc: Doc) -> list[int]:
    """For each token index, the index of the first token of its sentence (built once)."""
    cached = doc.user_data.get("kg_sent_start_of")
    if cached is None:
        cached = [0] * len(doc)
        for sent in sentence_spans(doc):
            for i in range(sent.start, sent.end):
                cached[i] = sent.start
        doc.user_data["kg_sent_start_of"] = cached
    return cached


def doc_string(doc: Doc) -> str:
    """``doc.text``, built once per Doc from the token arrays (``Doc.text`` makes a ``Token`` per token per call).

    >>> import spacy
    >>> doc = spacy.blank("en")("A  test,\\n\\nof text. ")
    >>> doc_string(doc) == doc.text
    True
    """
    cached = doc.user_data.get("kg_doc_text")
    if cached is None:
        spaces = doc.to_array(SPACY).tolist()      # one attribute per call: a 1-D array converts fastest
        cached = doc.user_data["kg_doc_text"] = "".join(
            [text + " " if space else text for text, space in zip(token_texts(doc), spaces)])
    return cached


def token_bounds(doc: Doc) -> tuple[list[int], list[int]]:
    """Start and end character offsets of every token (built once)."""
    cached = doc.user_data.get("kg_token_bounds")
    if cached is None:
        starts = doc.to_array(IDX).tolist()
        cached = doc.user_data["kg_token_bounds"] = (starts, [s + len(t) for s, t in zip(starts, token_texts(doc))])
    return cached


def span_string(doc: Doc, start: int, end: int) -> str:
    """``doc[start:end].text`` as a slice of the Doc's text: from the first token to the end of the last one.

    >>> import spacy
    >>> doc = spacy.blank("en")("A  test,\\n\\nof text. ")
    >>> all(span_string(doc, i, j) == doc[i:j].text for i in range(len(doc)) for j in range(i, len(doc) + 1))
    True
    """
    if start >= end:
        return ""
    starts, ends = token_bounds(doc)
    return doc_string(doc)[starts[start]:ends[end - 1]]


def sentence_text(doc: Doc, sent: Span) -> str:
    """``sent.text.strip()`` without a ``Token`` per token (``sent``: any span of ``doc``)."""
    return span_string(doc, sent.start, sent.end).strip()


def sentence_text_at(doc: Doc, i: int) -> str:
    """The stripped text of the sentence holding token ``i`` (the sentence texts are built once per Doc).

    >>> import spacy
    >>> nlp = spacy.blank("en"); _ = nlp.add_pipe("sentencizer")
    >>> doc = nlp("First one here.  Second one!\\n")
    >>> [sentence_text_at(doc, s.start) for s in doc.sents] == [s.text.strip() for s in doc.sents]
    True
    """
    cached = doc.user_data.get("kg_sentence_texts")
    if cached is None:
        cached = doc.user_data["kg_sentence_texts"] = {sent.start: sentence_text(doc, sent) for sent in sentence_spans(doc)}
    return cached[sentence_start_of(doc)[i]]


def sentence_at(doc: Doc, i: int) -> Span:
    """The sentence holding token ``i``, as ``doc[i].sent`` gives it (the sentence spans are built once per Doc).

    >>> import spacy
    >>> nlp = spacy.blank("en"); _ = nlp.add_pipe("sentencizer")
    >>> doc = nlp("First one here.  Second one!")
    >>> all((sentence_at(doc, i).start, sentence_at(doc, i).end) == (t.sent.start, t.sent.end) for i, t in enumerate(doc))
    True
    """
    cached = doc.user_data.get("kg_sentences")
    if cached is None:
        cached = doc.user_data["kg_sentences"] = {sent.start: sent for sent in sentence_spans(doc)}
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


def whole_word_spans(doc: Doc, surface: str, *, ignore_case: bool = False, expand: bool = False) -> Iterator[Span]:
    """The spans where ``surface`` occurs in ``doc``'s text as whole words (no letter, digit, ``_`` or hyphen
    right before or after it: "MCTS" is not found in "MCTSv2" nor in "MCTS-based"). An occurrence that does not
    start and end at token boundaries is skipped, or with ``expand`` widened to the tokens it touches.

    >>> import spacy
    >>> doc = spacy.blank("en")("MCTS (mcts) beats MCTSv2 and MCTS-based search.")
    >>> [(s.start, s.text) for s in whole_word_spans(doc, "MCTS")], len(list(whole_word_spans(doc, "MCTS", ignore_case=True)))
    ([(0, 'MCTS')], 2)
    """
    text = doc_string(doc)
    flags = re.IGNORECASE if ignore_case else 0
    for match in re.finditer(r"(?<![\w-])" + re.escape(surface) + r"(?![\w-])", text, flags):
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand" if expand else "strict")
        if span is not None:
            yield span
