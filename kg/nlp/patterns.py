"""Phrase patterns as token hashes: what a ``PhraseMatcher`` is built from, recorded so it can be cached.

A ``PhraseMatcher`` stores a pattern only as the sequence of its tokens' attribute hashes (``ORTH`` or
``LOWER``) and also accepts such sequences in ``add``. Making those sequences is the slow part of starting the
pipeline: tokenising ~15,000 gazetteer, cue and lexicon surface forms creates a vocabulary entry for every new
word (about 1.3 s). ``PhrasePatterns`` makes the hash sequences once, adds them, and keeps them in the order they
were added, so the same matcher can be rebuilt later from the numbers alone (``kg.nlp.pattern_cache`` stores
them on disk): the rules added in the same order give the same matches in the same order.

>>> import spacy
>>> nlp = spacy.blank("en")
>>> p = PhrasePatterns("LOWER")
>>> p.add("k", [nlp.make_doc("Deep Nets")])
>>> q = PhrasePatterns.from_json(p.to_json())
>>> [(nlp.vocab.strings[m], s, e) for m, s, e in q.matcher(nlp.vocab)(nlp.make_doc("we use deep nets"))]
[('k', 2, 4)]
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import Any

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

_ATTRS = ("ORTH", "LOWER")


def never_a_token(text: str) -> bool:
    """Whether ``text`` mixes whitespace and other characters: spaCy's tokenizer splits text at every whitespace
    run, so no token of any document is such a string.

    >>> never_a_token("Model\tBERT\tcurated"), never_a_token("monte carlo"), never_a_token("bert")
    (True, True, False)
    """
    return bool(text) and not text.isspace() and text.split() != [text]


def register_keys(vocab: Vocab, keys: list[str]) -> None:
    """Give the match keys that can never be a token (``never_a_token``) their vocabulary entries up front,
    without computing lexical attributes (shape, prefix, flags ...) nothing will read.

    ``PhraseMatcher.add`` makes a vocabulary entry for its key; for the ~9,000 gazetteer keys
    (``label<TAB>name<TAB>source``) the attribute functions were most of the time to build the matchers.
    Other keys (a lexicon key can be a plain word) are left to ``add``, so every entry a document's token can
    share keeps its attributes.
    """
    fresh = [key for key in keys if key not in vocab and never_a_token(key)]
    if not fresh:
        return
    getters = vocab.lex_attr_getters
    vocab.lex_attr_getters = {}
    try:
        for key in fresh:
            vocab[key]                       # noqa: B018 - creates the entry
    finally:
        vocab.lex_attr_getters = getters


class PhrasePatterns:
    """The rules of one ``PhraseMatcher``: (key, token-hash sequences) in the order they are added."""

    def __init__(self, attr: str) -> None:
        if attr not in _ATTRS:
            raise ValueError(f"unsupported PhraseMatcher attribute {attr!r}")
        self.attr = attr
        self.rules: list[tuple[str, list[tuple[int, ...]]]] = []

    def add(self, key: str, docs: Iterable[Doc]) -> None:
        """Add a rule made from pattern Docs (empty Docs are skipped, as ``PhraseMatcher.add`` skips them)."""
        attr = self.attr
        seqs = [tuple(t.orth if attr == "ORTH" else t.lower for t in doc) for doc in docs]
        self.rules.append((key, [s for s in seqs if s]))

    def matcher(self, vocab: Vocab) -> PhraseMatcher:
        """A new ``PhraseMatcher`` on ``vocab`` holding every rule, added in order."""
        register_keys(vocab, [key for key, _ in self.rules])
        matcher = PhraseMatcher(vocab, attr=self.attr)
        for key, seqs in self.rules:
            matcher.add(key, seqs)
        return matcher

    def to_json(self) -> dict[str, Any]:
        """A JSON-able form (read back by :meth:`from_json`)."""
        return {"attr": self.attr, "rules": [[key, [list(s) for s in seqs]] for key, seqs in self.rules]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "PhrasePatterns":
        """Read :meth:`to_json` output; ``ValueError`` when it is not of that shape.

        Every hash is checked, all rules' at once (``_hashes_valid``): a pipeline reads some 100,000 of them.

        >>> PhrasePatterns.from_json({"attr": "ORTH", "rules": [["k", [[1, 2], [3]]]]}).rules
        [('k', [(1, 2), (3,)])]
        >>> for bad in ([[]], [[1, -2]], [[1, 2 ** 64]], [[1.0]], [[True]], ["12"]):
        ...     try:
        ...         PhrasePatterns.from_json({"attr": "ORTH", "rules": [["k", bad]]})
        ...     except ValueError as exc:
        ...         print(exc)
        bad phrase patterns: not a token-hash sequence
        bad phrase patterns: not a token-hash sequence
        bad phrase patterns: not a token-hash sequence
        bad phrase patterns: not a token-hash sequence
        bad phrase patterns: not a token-hash sequence
        bad phrase patterns: not a token-hash sequence
        """
        try:
            patterns = cls(data["attr"])
            for key, seqs in data["rules"]:
                if not isinstance(key, str):
                    raise TypeError(key)
                patterns.rules.append((key, [tuple(s) for s in seqs]))
            if not _hashes_valid([s for _, rule in patterns.rules for s in rule]):
                raise ValueError("not a token-hash sequence")
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"bad phrase patterns: {exc}") from None
        return patterns


def _hashes_valid(seqs: list[tuple]) -> bool:
    """Whether every sequence is non-empty and holds only ``int`` (not ``bool``) hashes in ``[0, 2**64)``; the
    values are checked by ``map``, ``min`` and ``max`` rather than one Python comparison each."""
    if not all(seqs):
        return False
    hashes = list(chain.from_iterable(seqs))
    return not hashes or (set(map(type, hashes)) == {int} and min(hashes) >= 0 and max(hashes) < 2 ** 64)
