"""A lexicon of the names annotated in gold papers, used as a candidate source and as a feature.

Why: names recur across papers of the same listings ("GSM8K", "LoRA", "chain-of-thought prompting"); a name
that annotators marked in other papers is a strong candidate, and how often it was marked where it occurred
(its *annotation rate*) says more than any shape rule. The lexicon is derived from the training side only:
inside cross-validation it is rebuilt per fold, and a training paper's own annotations never count for it
(leave-one-paper-out counts), so no paper's names leak into its own features.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from kg.normalize import fold
from kg.text_clean import LATEX_MACRO
from kg.gazetteer_data import surface_is_case_sensitive
from kg.nlp.patterns import PhrasePatterns
from kg.nlp.provenance import Provenance, provenance_span

LEXICON_SOURCE = "lexicon"
LEXICON_PROVENANCE = Provenance(f"gazetteer:{LEXICON_SOURCE}", source=LEXICON_SOURCE)


def paper_key(title: str) -> str:
    """The key a paper's annotations are counted under: 12 hex digits of the SHA-1 of its normalised title.

    The same key is computed when a paper is extracted, so a training paper met again (the seed listings hold
    the annotated papers) leaves its own annotations out of its features, exactly as in training.

    >>> paper_key("DarwinLM: Evolutionary Pruning!") == paper_key("darwinlm  evolutionary pruning")
    True
    """
    import hashlib

    from kg.normalize import normalize_title

    return hashlib.sha1(normalize_title(title).encode("utf-8")).hexdigest()[:12]


@dataclass
class LexiconEntry:
    """One annotated name: display name, majority type, every surface form, and in which papers it was
    annotated (``gold``) or merely present (``seen``)."""

    name: str
    label: str
    surfaces: list[str]
    gold: set[str] = field(default_factory=set)
    seen: set[str] = field(default_factory=set)
    types: Counter = field(default_factory=Counter)

    def counts(self, exclude: str | None = None) -> tuple[int, int]:
        """(papers where annotated, papers where present), leaving out paper ``exclude``."""
        gold = len(self.gold) - (exclude in self.gold)
        seen = len(self.seen) - (exclude in self.seen)
        return gold, max(seen, gold)


class Lexicon:
    """Annotated names keyed by their fold; build with :meth:`from_gold`, apply with :meth:`spans`."""

    def __init__(self, entries: dict[str, LexiconEntry]) -> None:
        self.entries = entries
        self.by_form: dict[str, str] = {}
        for key, entry in sorted(entries.items()):
            for surface in entry.surfaces:
                self.by_form.setdefault(fold(surface), key)
        self._matchers: dict[int, tuple[PhraseMatcher, PhraseMatcher]] = {}
        self._states: dict[int, dict] = {}    # vocab id -> what the matchers were built from
        self._phrases = None                 # kg.learn.phrases.PhraseVocabulary, built on first use

    @classmethod
    def from_gold(cls, gold: Iterable[dict]) -> "Lexicon":
        """Collect the annotated surface forms (names and aliases) and their types from gold records.

        Every surface form is an entry of its own, named as annotators wrote it: an alias one paper gave
        ("distillation" for its "data distillation") must not rename the same words in another paper.
        """
        entries: dict[str, LexiconEntry] = {}
        names: dict[str, Counter] = {}
        for rec in gold:
            pid = paper_key(rec["title"])
            for ent in rec["entities"]:
                for surface in dict.fromkeys((ent["name"], *ent.get("aliases", []))):
                    key = fold(surface)
                    if len(key) < 2 or LATEX_MACRO.match(surface):
                        continue            # "\\sysname" is one paper's placeholder for its own name
                    entry = entries.get(key)
                    if entry is None:
                        entry = entries[key] = LexiconEntry(surface, ent["type"], [])
                        names[key] = Counter()
                    if pid not in entry.gold:
                        names[key][surface] += 1
                        entry.types[ent["type"]] += 1
                        entry.gold.add(pid)
                    if surface not in entry.surfaces:
                        entry.surfaces.append(surface)
        for key, entry in entries.items():
            entry.name = max(sorted(names[key]), key=names[key].__getitem__)
            entry.label = max(sorted(entry.types), key=entry.types.__getitem__)
            entry.surfaces.sort()
        return cls(entries)

    def lookup(self, *forms: str) -> LexiconEntry | None:
        """The entry one of ``forms`` folds to, if any."""
        for form in forms:
            key = self.by_form.get(fold(form))
            if key is not None:
                return self.entries[key]
        return None

    def _matcher(self, nlp: Language) -> tuple[PhraseMatcher, PhraseMatcher]:
        cached = self._matchers.get(id(nlp.vocab))
        if cached is not None:
            return cached
        self.load_matcher_state(nlp, self.matcher_state(nlp))
        return self._matchers[id(nlp.vocab)]

    def matcher_state(self, nlp: Language, make_pattern: Callable[[str], Doc] | None = None) -> dict:
        """The token hashes of every surface for ``nlp``'s tokenizer, JSON-able (cached by ``kg.nlp.pattern_cache``;
        ``make_pattern``: a ``kg.nlp.components.pattern_tokenizer`` to share)."""
        cached = self._states.get(id(nlp.vocab))
        if cached is not None:
            return cached
        from kg.nlp.components import pattern_tokenizer

        make = make_pattern or pattern_tokenizer(nlp)
        exact, lower = PhrasePatterns("ORTH"), PhrasePatterns("LOWER")
        for key, entry in sorted(self.entries.items()):
            ex = [make(s) for s in entry.surfaces if surface_is_case_sensitive(s)]
            lo = [make(s) for s in entry.surfaces if not surface_is_case_sensitive(s)]
            if ex:
                exact.add(key, ex)
            if lo:
                lower.add(key, lo)
        return {"exact": exact.to_json(), "lower": lower.to_json()}

    def load_matcher_state(self, nlp: Language, state: dict) -> None:
        """Build the matchers for ``nlp`` from a ``matcher_state``; ``ValueError`` when malformed."""
        exact, lower = PhrasePatterns.from_json(state["exact"]), PhrasePatterns.from_json(state["lower"])
        if not all(key in self.entries for p in (exact, lower) for key, _ in p.rules):
            raise ValueError("lexicon patterns of other entries")
        self._matchers[id(nlp.vocab)] = (exact.matcher(nlp.vocab), lower.matcher(nlp.vocab))
        self._states[id(nlp.vocab)] = state

    def matches(self, doc: Doc, nlp: Language) -> list[tuple[str, int, int]]:
        """(entry key, start, end) of every lexicon form in ``doc``."""
        out = []
        for matcher in self._matcher(nlp):
            for match_id, start, end in matcher(doc):
                out.append((nlp.vocab.strings[match_id], start, end))
        return sorted(set(out), key=lambda m: (m[1], -m[2], m[0]))

    def record_presence(self, pid: str, doc: Doc, nlp: Language) -> None:
        """Count paper ``pid`` as one where the matched entries are present (for the annotation rate)."""
        for key, _, _ in self.matches(doc, nlp):
            self.entries[key].seen.add(pid)

    def add_spans(self, doc: Doc, nlp: Language, exclude: str | None = None) -> None:
        """Add the lexicon's matches to ``doc.spans["kg_gazetteer"]`` (rule ``gazetteer:lexicon``).

        With ``exclude`` (a training paper's id), names annotated only in that paper are not matched.
        """
        matches = self.matches(doc, nlp)
        if not matches and "kg_gazetteer" in doc.spans:
            return                  # nothing to add: the group stays as the gazetteer sorted it
        spans = list(doc.spans.get("kg_gazetteer", []))
        have = {(s.start, s.end) for s in spans}
        added = False
        for key, start, end in matches:
            entry = self.entries[key]
            if (start, end) in have or entry.counts(exclude)[0] == 0:
                continue
            spans.append(provenance_span(doc, start, end, LEXICON_PROVENANCE, label=entry.label, kb_id=entry.name))
            have.add((start, end))
            added = True
        if added or "kg_gazetteer" not in doc.spans:  # else sorting the sorted group again would change nothing
            doc.spans["kg_gazetteer"] = sorted(spans, key=lambda s: (s.start, -s.end, s.label_))

    def phrase_vocabulary(self):
        """Head and inner words of the annotated names (``kg.learn.phrases``), computed once."""
        if self._phrases is None:
            from kg.learn.phrases import PhraseVocabulary

            self._phrases = PhraseVocabulary.from_lexicon(self)
        return self._phrases

    # --- package data ----------------------------------------------------------------------------------

    def to_json(self) -> dict:
        """A deterministic JSON form; papers appear only as title-hash keys (``paper_key``)."""
        return {"entries": [
            {"key": key, "name": e.name, "label": e.label, "surfaces": e.surfaces, "gold": sorted(e.gold),
             "seen": sorted(e.seen)}
            for key, e in sorted(self.entries.items())]}

    @classmethod
    def from_json(cls, data: dict) -> "Lexicon":
        """Read :meth:`to_json` output."""
        entries = {}
        for rec in data["entries"]:
            entry = LexiconEntry(rec["name"], rec["label"], list(rec["surfaces"]))
            entry.gold = set(rec["gold"])
            entry.seen = set(rec["seen"])
            entries[rec["key"]] = entry
        return cls(entries)

    @classmethod
    def load(cls, path: Path) -> "Lexicon":
        with open(path, encoding="utf-8") as fh:
            return cls.from_json(json.load(fh))
