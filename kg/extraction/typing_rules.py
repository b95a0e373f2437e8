"""Type a phrase no gazetteer knows, from its head word and its context (rules in ``ontology/typing.json``)."""

from __future__ import annotations

from spacy.tokens import Doc, Span

from kg.extraction.doccache import sentence_start_of, span_string, token_texts
from kg.nlp.candidates import guess_name_label
from kg.nlp.rules import Typing, load_words


def is_non_entity(text: str, typing: Typing, heads: bool = True) -> bool:
    """Tasks, fields, metrics, hardware, organisations: never entities (gold guidelines).

    With ``heads``, a phrase whose last word is a task head ("depth estimation") is a task too.
    """
    low = text.lower().strip()
    if low in typing.task_words or low in typing.metric_words or low in typing.non_entities:
        return True
    words = low.split()
    return heads and bool(words) and words[-1] in typing.task_heads and words[-1] not in typing.technique_heads


def label_from_head(text: str, typing: Typing) -> str | None:
    """Dataset/Model/Technique from the last word of a phrase, or None when the head says nothing."""
    words = text.split()
    if not words:
        return None
    head = words[-1].lower()
    if head in typing.dataset_heads:
        return "Dataset"
    if head in typing.model_heads and head not in typing.class_heads:
        return "Model"
    if head in typing.technique_heads or head in typing.class_heads:
        return "Technique"
    return None


def label_from_context(doc: Doc, span: Span, typing: Typing) -> str | None:
    """Look around a bare name: ``X dataset`` -> Dataset, ``on X`` (evaluation) -> Dataset, ``X model`` -> Model."""
    texts = token_texts(doc)                   # no ``Token`` per look-up
    if span.end < len(doc):
        nxt = texts[span.end].lower()
        if nxt in typing.dataset_heads:
            return "Dataset"
        if nxt in typing.model_heads:
            return "Model"
        if nxt in typing.technique_heads:
            return "Technique"
    list_words = load_words().eval_list_words
    i = span.start - 1
    sent_start = sentence_start_of(doc)[span.start]
    while i >= sent_start and span.start - i <= 6:
        low = texts[i].lower()
        if low in typing.eval_prepositions:
            return "Dataset"
        if low not in list_words and not texts[i][:1].isupper():
            break
        i -= 1
    return None


def type_candidate(doc: Doc, span: Span, proposed: str | None, typing: Typing) -> str | None:
    """Final label of a rule candidate: proposed label, else head, else context, else shape."""
    if proposed:
        return proposed
    text = span_string(span.doc, span.start, span.end)       # ``span.text`` makes a ``Token`` per token per call
    return (
        label_from_head(text, typing)
        or label_from_context(doc, span, typing)
        or guess_name_label(text, typing)
        or ("Model" if any(c.isdigit() for c in text) else "Technique")
    )
