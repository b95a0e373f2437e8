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
from typing import Any

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

_ATTRS = ("ORTH", "LOWER")


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
        matcher = PhraseMatcher(vocab, attr=self.attr)
        for key, seqs in self.rules:
            matcher.add(key, seqs)
        return matcher

    def to_json(self) -> dict[str, Any]:
        """A JSON-able form (read back by :meth:`from_json`)."""
        return {"attr": self.attr, "rules": [[key, [list(s) for s in seqs]] for key, seqs in self.rules]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "PhrasePatterns":
        """Read :meth:`to_json` output; ``ValueError`` when it is not of that shape."""
        try:
            patterns = cls(data["attr"])
            for key, seqs in data["rules"]:
                if not isinstance(key, str):
                    raise TypeError(key)
                rule = [tuple(s) for s in seqs]
                if not all(s and all(type(h) is int and 0 <= h < 2 ** 64 for h in s) for s in rule):
                    raise ValueError("not a token-hash sequence")
                patterns.rules.append((key, rule))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"bad phrase patterns: {exc}") from None
        return patterns
