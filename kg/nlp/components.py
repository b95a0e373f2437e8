"""spaCy pipeline components of kg: thin ``@Language.factory`` wrappers around pure functions.

Components write their findings into ``doc.spans`` groups, so the extraction step reads one Doc:

* ``kg_field_boundary``  sentence break between title and abstract (the text is ``title + "\\n\\n" + abstract``)
* ``kg_gazetteer``       ``doc.spans["kg_gazetteer"]``: gazetteer hits (PhraseMatcher; data loaded at ``initialize``)
* ``kg_candidates``      ``doc.spans["kg_candidates"]`` (name shapes, typed heads) and ``doc.spans["kg_acronyms"]``
                         (long form, short form pairs: even index long, odd index short)
* ``kg_cues``            ``doc.spans["kg_cues"]``: cue phrases of ``ontology/cues.json``, label = rule id
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Callable, Iterable

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span

from kg.extraction.doccache import doc_string, token_texts
from kg.nlp.candidates import (STRONG, find_acronyms, find_capitalised_phrases, find_headed_phrases,
                               find_name_tokens)
from kg.nlp.patterns import PhrasePatterns
from kg.nlp.provenance import Provenance, provenance_span
from kg.nlp.rules import load_cues, load_typing, load_words

FIELD_SEPARATOR = "\n\n"


# --- title/abstract boundary ------------------------------------------------------------------------------

@Language.factory("kg_field_boundary")
def make_field_boundary(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """Start a new sentence at the first token of the abstract."""

    def field_boundary(doc: Doc) -> Doc:
        # Scan the title's tokens only: ``doc.text`` would rebuild the whole text (a Token per token) per doc.
        parts: list[str] = []
        sep = -1
        for tok in doc:
            if sep < 0:
                parts.append(tok.text_with_ws)
                if "\n" not in parts[-1]:
                    continue
                sep = "".join(parts).find(FIELD_SEPARATOR)
                if sep < 0:
                    continue
            if tok.idx > sep and not tok.is_space:
                tok.is_sent_start = True
                break
        return doc

    return field_boundary


# --- gazetteer --------------------------------------------------------------------------------------------

def pattern_tokenizer(nlp: Language) -> Tokenizer:
    """A copy of ``nlp``'s tokenizer (same vocab, rules and special cases) for making PhraseMatcher patterns.

    Tokenising the gazetteer's thousands of surface forms with ``nlp.tokenizer`` itself left that tokenizer
    about three times slower on every later document (0.23 s -> 0.6-0.9 s CPU to tokenise the 857 seed
    abstracts, best of three); a copy on the same vocab gives the same pattern tokens.

    Examples
    --------
    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> [t.text for t in pattern_tokenizer(nlp)("GPT-4 (base)")] == [t.text for t in nlp.make_doc("GPT-4 (base)")]
    True
    """
    data = nlp.tokenizer.to_bytes()
    cached = _PATTERN_TOKENIZERS.get(nlp)
    if cached is not None and cached[0] == data:     # the gazetteer, the cues and the lexicon share one copy
        return cached[1]
    copy = Tokenizer(nlp.vocab)
    copy.from_bytes(data)
    _PATTERN_TOKENIZERS[nlp] = (data, copy)
    return copy


# Copying a tokenizer (its thousands of special cases) costs about 0.1 s: one copy per pipeline, made again
# only if the pipeline's tokenizer has changed since (its serialised form differs).
_PATTERN_TOKENIZERS: "weakref.WeakKeyDictionary[Language, tuple[bytes, Tokenizer]]" = weakref.WeakKeyDictionary()


def plural_variants(surfaces: Iterable[str], no_plural: tuple[str, ...] | None = None) -> list[str]:
    """The surfaces plus their spelling variants: the plural of multi-word ones ("Vision Transformer" ->
    "Vision Transformers") and hyphen/space swaps of names of 2-4 words ("Retrieval-Augmented Generation" ->
    "Retrieval Augmented Generation", "mixture of experts" -> "mixture-of-experts").

    ``no_plural``: last-word endings that get no "+s" plural (default: ``words.json`` plural_exempt_endings).

    >>> plural_variants(["Vision Transformer", "Mixture of Experts"])
    ['Vision Transformer', 'Mixture of Experts', 'Vision Transformers']
    """
    no_plural = no_plural if no_plural is not None else load_words().plural_exempt_endings
    out = list(dict.fromkeys(surfaces))
    for surface in list(out):
        words = surface.split()
        if "-" in surface and not any(c.isdigit() for c in surface) and len(surface.replace("-", " ").split()) <= 4:
            out.append(surface.replace("-", " "))
        if 2 <= len(words) <= 4 and surface.islower() and all(w.isalpha() for w in words):
            out.append("-".join(words))
    out = list(dict.fromkeys(out))
    for surface in list(out):
        last = surface.split()[-1] if " " in surface else ""
        if last.isalpha() and len(last) > 3 and not last.endswith(no_plural):
            plural = surface + "s"
            if plural not in out:
                out.append(plural)
    return out


class GazetteerMatcher:
    """Match gazetteer surface forms with two PhraseMatchers: exact case and lower case.

    Short or acronym-like forms ("MATH", "SAM") match only with their exact case; long, distinctive
    forms match whatever the case (policy: ``kg.gazetteer_data.surface_is_case_sensitive``).
    The entries are loaded at ``initialize`` (or lazily on first call) from ``ontology/gazetteers``, or the
    matchers are rebuilt from the token hashes of an earlier ``state()`` (``kg.nlp.pattern_cache``).
    """

    def __init__(self, nlp: Language, name: str, ontology: str | None = None) -> None:
        self.nlp = nlp
        self.name = name
        self.ontology = Path(ontology) if ontology else None
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.single_exact: dict[str, str] = {}     # one-word surface -> match key, for "X-based" compounds
        self.single_folded: dict[str, str] = {}
        self.compound_suffixes: frozenset[str] = frozenset()   # "X-based", "X-guided": ``typing.json``
        self._entries: dict[int, tuple[str, str, Provenance]] = {}     # match key -> parsed entry (``_entry``)
        self.ready = False
        self._state: dict | None = None

    def initialize(self, get_examples: Callable[[], Iterable] | None = None, *, nlp: Language | None = None,
                   make_pattern: Callable[[str], Doc] | None = None) -> None:
        """Load the gazetteer and build the matchers (``make_pattern``: a ``pattern_tokenizer`` to share)."""
        from kg.gazetteer_data import load_gazetteer, surface_is_case_sensitive

        entries = load_gazetteer(self.ontology)
        no_plural = load_words().plural_exempt_endings
        make_pattern = make_pattern or pattern_tokenizer(self.nlp)
        exact: dict[str, list[Doc]] = {}
        folded: dict[str, list[Doc]] = {}
        single_exact: dict[str, str] = {}
        single_folded: dict[str, str] = {}
        for entry in entries:
            key = f"{entry.label}\t{entry.name}\t{entry.source}"
            for surface in plural_variants((entry.name, *entry.aliases), no_plural):
                sensitive = surface_is_case_sensitive(surface)
                target = exact if sensitive else folded
                target.setdefault(key, []).append(make_pattern(surface))
                if " " not in surface and "-" not in surface:
                    if sensitive:
                        single_exact.setdefault(surface, key)
                    else:
                        single_folded.setdefault(surface.lower(), key)
        exact_patterns, folded_patterns = PhrasePatterns("ORTH"), PhrasePatterns("LOWER")
        for key, docs in exact.items():
            exact_patterns.add(key, docs)
        for key, docs in folded.items():
            folded_patterns.add(key, docs)
        self.load_state({"exact": exact_patterns.to_json(), "folded": folded_patterns.to_json(),
                         "single_exact": single_exact, "single_folded": single_folded})

    def state(self) -> dict:
        """What ``initialize`` computed, JSON-able, for ``load_state`` in another process (``kg.nlp.pattern_cache``)."""
        if not self.ready:
            self.initialize()
        return self._state

    def load_state(self, state: dict) -> None:
        """Build the matchers from a ``state()`` instead of the gazetteer files; ``ValueError`` when malformed."""
        exact, folded = PhrasePatterns.from_json(state["exact"]), PhrasePatterns.from_json(state["folded"])
        singles = state["single_exact"], state["single_folded"]
        if not all(isinstance(d, dict) for d in singles):
            raise ValueError("bad gazetteer state: one-word surfaces")
        keys = [key for p in (exact, folded) for key, _ in p.rules] + [k for d in singles for k in d.values()]
        if not all(isinstance(k, str) and k.count("\t") == 2 for k in keys):
            raise ValueError("bad gazetteer state: match keys")
        self.exact, self.folded = exact.matcher(self.nlp.vocab), folded.matcher(self.nlp.vocab)
        self.single_exact, self.single_folded = dict(singles[0]), dict(singles[1])
        self.compound_suffixes = load_typing().compound_suffixes
        self._state = state
        self.ready = True

    def __call__(self, doc: Doc) -> Doc:
        if not self.ready:
            self.initialize()
        spans = []
        for matcher in (self.exact, self.folded):
            for match_id, start, end in matcher(doc):
                label, canonical, prov = self._entry(match_id)
                spans.append(provenance_span(doc, start, end, prov, label=label, kb_id=canonical))
        doc.spans["kg_gazetteer"] = sorted(spans, key=lambda s: (s.start, -s.end, s.label_))
        doc.spans["kg_compounds"] = self.compounds(doc)
        doc.spans["kg_name_parts"] = self.name_parts(doc)
        return doc

    def _entry(self, match_id: int) -> tuple[str, str, Provenance]:
        """(label, canonical name, provenance) of a match key, parsed once per key rather than once per match."""
        entry = self._entries.get(match_id)
        if entry is None:
            label, canonical, source = self.nlp.vocab.strings[match_id].split("\t")
            entry = self._entries[match_id] = (label, canonical, Provenance(f"gazetteer:{source}", source=source))
        return entry

    def compounds(self, doc: Doc) -> list[Span]:
        """Listed names inside "X-based", "X-guided", "X-style" words ("Transformer-based" names Transformer).

        The span is the whole token; its ``kg_prefix`` extension carries the prefix so the mention's text is just the name.
        """
        spans = []
        if "-" not in doc_string(doc):
            return spans
        for i, text in enumerate(token_texts(doc)):     # no ``Token`` object per token
            if "-" not in text:
                continue
            prefix, _, suffix = text.rpartition("-")
            if suffix.lower() not in self.compound_suffixes or not prefix:
                continue
            key = self.one_word_key(prefix)
            if key is not None:
                label, canonical, source = key.split("\t")
                prov = Provenance(f"gazetteer-compound:{source}", source=source, prefix=prefix)
                spans.append(provenance_span(doc, i, i + 1, prov, label=label, kb_id=canonical))
        return spans

    def one_word_key(self, text: str) -> str | None:
        """The match key of the listed one-word name ``text`` (exact case, or any case for a long, distinctive
        form), or None: the look-up of the "X-based" compounds and of the names inside one-word names."""
        return self.single_exact.get(text) or self.single_folded.get(text.lower())

    def name_parts(self, doc: Doc) -> list[Span]:
        """Listed names inside a longer one-word name ("TinyLLaVA" holds LLaVA, "KeyBART" BART): one span over the
        token per part found, labelled with the part's label, the part as ``kb_id``. A part starts at a capital and
        has at least ``MIN_NAME_PART`` characters; leftmost-longest parts, not overlapping. What a paper's own name
        is made of says what kind of thing it is (the type model reads it)."""
        spans = []
        for i, text in enumerate(token_texts(doc)):
            if len(text) <= MIN_NAME_PART or text.islower():
                continue
            for part in name_parts_in(text, self.one_word_key):
                label, canonical, _ = part.split("\t")
                spans.append(Span(doc, i, i + 1, label=label, kb_id=canonical))
        return spans


MIN_NAME_PART = 4


def name_parts_in(word: str, lookup: Callable[[str], str | None]) -> list[str]:
    """Match keys (``lookup``: a piece's key or None) of the listed one-word names inside ``word`` but not all of
    it (leftmost-longest, not overlapping), each starting at a capital and at least ``MIN_NAME_PART`` characters.

    >>> listed = {"LLaVA": "key of LLaVA"}.get
    >>> name_parts_in("TinyLLaVA", listed)
    ['key of LLaVA']
    >>> name_parts_in("LLaVA", listed), name_parts_in("Tinyllava", listed)
    ([], [])
    """
    keys = []
    n, i = len(word), 0
    while i < n - MIN_NAME_PART + 1:
        key = None
        if word[i].isupper():
            for j in range(n, i + MIN_NAME_PART - 1, -1):
                if i == 0 and j == n:
                    continue                      # the whole word is the gazetteer's own match
                key = lookup(word[i:j])
                if key is not None:
                    keys.append(key)
                    i = j
                    break
        if key is None:
            i += 1
    return keys


@Language.factory("kg_gazetteer", default_config={"ontology": None})
def make_gazetteer(nlp: Language, name: str, ontology: str | None) -> GazetteerMatcher:
    """Gazetteer matcher component (see ``GazetteerMatcher``)."""
    return GazetteerMatcher(nlp, name, ontology)


# --- rule-based candidates ---------------------------------------------------------------------------------

@Language.factory("kg_candidates")
def make_candidates(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """Names no list knows: name-shaped tokens, typed-head phrases, capitalised phrases, acronym definitions."""
    typing = load_typing()
    provenances: dict[tuple[str, bool], Provenance] = {}       # one record per (rule, strength), made once

    def candidates(doc: Doc) -> Doc:
        spans = []
        words = token_texts(doc)              # built once from the token arrays, shared by the finders
        found = [*find_name_tokens(doc, typing, words), *find_headed_phrases(doc, typing, words),
                 *find_capitalised_phrases(doc, typing, words, STRONG)]
        for cand in found:
            strong = cand.strength == STRONG
            prov = provenances.get((cand.rule, strong))
            if prov is None:
                prov = provenances[(cand.rule, strong)] = Provenance(cand.rule, strong=strong)
            spans.append(provenance_span(doc, cand.start, cand.end, prov, label=cand.label or "", kb_id=cand.canonical))
        doc.spans["kg_candidates"] = spans
        pairs = []
        for long_span, short_span in find_acronyms(doc):
            pairs.extend((long_span, short_span))
        doc.spans["kg_acronyms"] = pairs
        return doc

    return candidates


# --- cue phrases -------------------------------------------------------------------------------------------

class CueMatcher:
    """Find linking cue phrases (``ontology/cues.json``) with one case-insensitive PhraseMatcher.

    The patterns are made on the first call (or ``initialize``), or taken from a cached ``state``
    (``kg.nlp.pattern_cache``), so building the pipeline does not tokenise them.
    """

    def __init__(self, nlp: Language, name: str) -> None:
        self.vocab = nlp.vocab
        self._nlp = nlp
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.ready = False
        self._state: dict | None = None

    def initialize(self, get_examples: Callable[[], Iterable] | None = None, *, nlp: Language | None = None,
                   make_pattern: Callable[[str], Doc] | None = None) -> None:
        """Tokenise the cue phrases into the matcher (``make_pattern``: a ``pattern_tokenizer`` to share)."""
        make_pattern = make_pattern or pattern_tokenizer(self._nlp)
        cues = load_cues()
        groups: dict[str, list[str]] = {rule.id: list(rule.phrases) for rule in cues.rules}
        groups["block.negation"] = list(cues.negation)
        groups["block.parity"] = list(cues.parity) + list(cues.agent)
        groups["own.subject"] = list(cues.own_subject)
        groups["introduce"] = list(cues.introduce_cues)
        groups["background"] = list(cues.background_markers)
        patterns = PhrasePatterns("LOWER")
        for rule_id, phrases in groups.items():
            patterns.add(rule_id, [make_pattern(p) for p in phrases])
        self.load_state({"patterns": patterns.to_json()})

    def state(self) -> dict:
        """What ``initialize`` computed, JSON-able (see ``GazetteerMatcher.state``)."""
        if not self.ready:
            self.initialize()
        return self._state

    def load_state(self, state: dict) -> None:
        """Build the matcher from a ``state()``; ``ValueError`` when malformed."""
        self.matcher = PhrasePatterns.from_json(state["patterns"]).matcher(self.vocab)
        self._state = state
        self.ready = True

    def __call__(self, doc: Doc) -> Doc:
        if not self.ready:
            self.initialize()
        spans = [Span(doc, s, e, label=m) for m, s, e in self.matcher(doc)]      # the match id is the label's hash
        doc.spans["kg_cues"] = sorted(spans, key=lambda s: (s.start, -s.end, s.label_))
        return doc


@Language.factory("kg_cues")
def make_cues(nlp: Language, name: str) -> CueMatcher:
    """Cue phrase matcher component (see ``CueMatcher``)."""
    return CueMatcher(nlp, name)
