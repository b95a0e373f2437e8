"""Noun-phrase candidates learned from annotated names: "batch contrastive learning", "one-shot pruning".

Why: most names that no list knows are lower-case method phrases. Without a parser, a phrase is found from
its head: a token whose word ends annotated names in several training papers ("learning", "pruning",
"verifiers"), extended to the left over words that stand inside annotated names ("contrastive", "batch",
"one-shot") up to ``MAX_WORDS``. Both vocabularies come from the lexicon of the training papers, so they are
rebuilt per cross-validation fold and ship inside the model bundle; the classifier then decides which
phrases are entities.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from kg.learn.lexicon import Lexicon
from kg.nlp.provenance import Provenance, provenance_span

MAX_WORDS = 5
MIN_PAPERS = 2          # a word must end (or sit inside) annotated names of at least this many papers
PHRASE_RULE = "pattern:learned-phrase"
PHRASE_PROVENANCE = Provenance(PHRASE_RULE, strong=False)
_UNSEEN = object()
_MEMO_LIMIT = 200_000
_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*$")


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word


@dataclass
class PhraseVocabulary:
    """Head words (with the type they most often carry) and inner words of annotated names."""

    heads: dict[str, str]
    inner: frozenset[str]
    _head_labels: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

    def head_label(self, text: str) -> str | None:
        """The type of the names ``text`` ends when it is a head word (lower case, word-shaped), else None.

        Memoised per token text: a paper repeats its words, and a corpus repeats most of them.

        >>> PhraseVocabulary({"learning": "Technique"}, frozenset()).head_label("learnings")
        'Technique'
        """
        label = self._head_labels.get(text, _UNSEEN)
        if label is _UNSEEN:
            if len(self._head_labels) >= _MEMO_LIMIT:       # bounded memory on very large corpora
                self._head_labels.clear()
            label = self._head_labels[text] = (self.heads.get(_singular(text))
                                               if text.islower() and _WORD.match(text) else None)
        return label

    @classmethod
    def from_lexicon(cls, lexicon: Lexicon) -> "PhraseVocabulary":
        """Words that end / stand inside multi-word lower-case names annotated in ``MIN_PAPERS`` papers or more."""
        head_papers: Counter = Counter()
        head_types: dict[str, Counter] = {}
        inner_papers: Counter = Counter()
        for entry in lexicon.entries.values():
            words = entry.name.split()
            if len(words) < 2 or not entry.name[:1].islower():
                continue
            n = len(entry.gold)
            head = _singular(words[-1].lower())
            head_papers[head] += n
            head_types.setdefault(head, Counter())[entry.label] += n
            for w in words[:-1]:
                inner_papers[w.lower()] += n
        heads = {h: max(sorted(head_types[h]), key=head_types[h].__getitem__)
                 for h, n in head_papers.items() if n >= MIN_PAPERS}
        inner = frozenset(w for w, n in inner_papers.items() if n >= MIN_PAPERS)
        return cls(heads, inner)


def phrase_spans(doc: Doc, vocab: PhraseVocabulary) -> list[Span]:
    """The longest learned-vocabulary phrase ending at each head token (at least two words).

    Works on the token texts and the cached sentence starts: ``Token.sent`` per token would cost more than the rest.
    """
    from kg.extraction.doccache import sentence_start_of, token_texts

    texts = token_texts(doc)
    spans = []
    start_of = None
    head_label = vocab.head_label
    for i, text in enumerate(texts):
        label = head_label(text)
        if label is None:
            continue
        if start_of is None:
            start_of = sentence_start_of(doc)
        start = i
        while start > start_of[i] and i - start + 1 < MAX_WORDS:
            prev = texts[start - 1]
            if not (_WORD.match(prev) and prev.lower() in vocab.inner):
                break
            start -= 1
        if start < i:
            spans.append(provenance_span(doc, start, i + 1, PHRASE_PROVENANCE, label=label))
    return spans


def add_phrase_spans(doc: Doc, vocab: PhraseVocabulary) -> None:
    """Append the phrases to ``doc.spans["kg_candidates"]`` (rule ``pattern:learned-phrase``, weak)."""
    phrases = phrase_spans(doc, vocab)
    if phrases or "kg_candidates" not in doc.spans:
        doc.spans["kg_candidates"] = [*doc.spans.get("kg_candidates", []), *phrases]
