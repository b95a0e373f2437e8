"""Step 3 — resolve: merge duplicate papers and resolve entity surface forms into nodes across papers.

Papers: records with the same normalised title (or the same id) are one paper; every record's mentions and
relations are kept (``kg.pipeline.duplicates``).

Entities: a mention's identity is the fold key of its paper-level canonical name (``kg.normalize.fold``:
case, hyphens, spaces and plural folded; acronyms already mapped to the long form the paper defines).
Across papers, a bare acronym (``MCTS``) joins the long form (``Monte Carlo Tree Search``) when the papers
that define it agree on one long form; an acronym defined differently by different papers stays apart.
The node name is the form most papers write, a form counted once per paper that writes it in any case or
spacing (its fold key): a paper that defines "Monte Carlo Tree Search (MCTS)" writes both forms, one that only
says "MCTS" writes one, so the name is the form the most papers would recognise as theirs. Ties go to the form
most papers name the entity by (per paper: the long form when the paper defines the acronym, else the surface
form as written), then the longer form; the gazetteer's canonical name and every other surface form are kept as
aliases, so search and Cypher find the node by any of them. The label is the majority label (gazetteer labels
win).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from kg.normalize import clean_surface, fold
from kg.pipeline.duplicates import DuplicateGroup, group_papers
from kg.text_clean import clean_text
from kg.records import Extraction
from kg.schema import ENTITY_LABELS as LABEL_ORDER

SENTENCE_ENDS = ".!?"      # the character before a sentence's first word (spaces aside)


class Memo(dict):
    """A cache, for one resolve run, of a pure function of a string: most mention texts and names repeat
    across papers, and cleaning and folding them (several regular expressions each) was most of the step.

    >>> calls = []
    >>> m = Memo(lambda s: calls.append(s) or s.upper()); m["a"], m["a"], calls
    ('A', 'A', ['a'])
    """

    def __init__(self, fn: Callable[[str], str]) -> None:
        super().__init__()
        self._fn = fn

    def __missing__(self, key: str) -> str:
        value = self[key] = self._fn(key)
        return value


@dataclass
class EntityNode:
    """A resolved entity: stable id, display name, label, aliases and the papers that name it."""

    id: str
    name: str
    label: str
    aliases: list[str]
    papers: set[str] = field(default_factory=set)


@dataclass
class Resolution:
    """Output of the resolve step: deduplicated papers and their extractions, entities, and a name lookup."""

    papers: dict[str, dict]                        # paper id -> merged paper metadata
    extractions: Mapping[str, list[Extraction]]    # paper id -> its records' extractions, newest first
    entities: dict[str, EntityNode]                # entity id -> node
    key_to_entity: dict[str, str]                  # fold key -> entity id
    duplicates: list[DuplicateGroup] = field(default_factory=list)   # papers listed more than once
    tally: Tally | None = None                     # what the entities were resolved from
    expansions: dict[str, str] = field(default_factory=dict)   # acronym fold key -> long form's

    def entity_of(self, canonical: str) -> EntityNode | None:
        """The entity node a paper-level canonical name resolved to."""
        eid = self.key_to_entity.get(fold(canonical))     # ``fold`` is memoised
        return self.entities.get(eid) if eid else None


def written_form(text: str) -> str:
    """A mention's text as a name: LaTeX/URL clean-up ("Task~Arithmetic" -> "Task Arithmetic"), spaces collapsed."""
    return clean_surface(clean_text(text))


def display_form(m, written: Callable[[str], str] = written_form) -> tuple[int, str]:
    """How a paper names the entity of mention ``m``, with a rank (lower wins within the paper).

    What the paper introduces is named as introduced; otherwise the text as written: an acronym's long form,
    then a gazetteer hit, then other rule-made names (their canonical form: "X 2.4" for the bare "2.4" of
    "X 2.1 and 2.4"). A bare short form ("CoT") names the entity only when nothing else in the paper does.
    """
    if m.rule.startswith("introduce"):
        return 0, m.canonical
    if m.rule.startswith("acronym:long-form"):
        return 1, written(m.text)
    if m.rule.startswith("gazetteer"):
        return 2, written(m.text)
    if m.rule.startswith("acronym"):
        return 4, m.canonical
    return 3, m.canonical


def case_of_the_place(paper: dict, m) -> bool:
    """Whether mention ``m`` may be capitalised by where it stands rather than as a name: in the title (title
    case) or at the start of a sentence of the abstract.

    >>> from kg.records import Mention
    >>> paper = {"title": "Model Merging at Scale", "abstract": "Model merging helps. We study model merging."}
    >>> [case_of_the_place(paper, Mention("m", f, a, b, "Technique", "model merging", "r"))
    ...  for f, a, b in (("title", 0, 13), ("abstract", 0, 13), ("abstract", 30, 43))]
    [True, True, False]
    """
    if m.field == "title":
        return True
    before = (paper.get(m.field) or "")[:m.start].rstrip()
    return not before or before[-1] in SENTENCE_ENDS


def _has_letter(text: str) -> bool:
    """Whether a written form can name an entity by itself ("Qwen 2.5", "o1"), unlike a bare version ("2.5").

    >>> _has_letter("2.5"), _has_letter("o1")
    (False, True)
    """
    return any(c.isalpha() for c in text)


def _names_a_maker(prefix: str) -> bool:
    """Whether the words before a shorter name are a capitalised maker or family ("OpenAI " in "OpenAI o1"),
    not a lower-case modifier ("data " in "data distillation": a kind of distillation, not its full name)."""
    return any(c.isupper() or c.isdigit() for c in prefix)


def distinct(extractions: list[Extraction]) -> list[Extraction]:
    """The records of one paper without exact repeats (a paper listed twice with the same text counts once)."""
    seen: list[tuple] = []
    out = []
    for ex in extractions:
        sig = (ex.mentions, ex.relations, ex.acronyms)
        if sig not in seen:
            seen.append(sig)
            out.append(ex)
    return out


def acronym_expansions(extractions: Mapping[str, list[Extraction]]) -> dict[str, str]:
    """Acronym fold key -> long-form fold key, for acronyms every defining paper expands the same way.

    An ``ExtractionStore`` reads just the acronyms of its lines (``acronyms()``) instead of whole extractions.
    """
    acronym_maps = extractions.acronyms() if hasattr(extractions, "acronyms") else (
        ex.acronyms for exs in extractions.values() for ex in exs)
    seen: dict[str, set[str]] = defaultdict(set)
    for acronyms in acronym_maps:
        for short, long_form in acronyms.items():
            seen[fold(short)].add(fold(long_form))
    return {short: next(iter(longs)) for short, longs in seen.items() if len(longs) == 1}


@dataclass
class Tally:
    """What the papers say about each node key, summed over papers, so a paper can be added or taken away
    (``kg.pipeline.retally``): the form each paper names it by, its labels (every mention), its gazetteer labels,
    the papers writing each surface form, the papers writing each form verbatim, the papers writing each form
    up to case and spacing (its fold key), and the papers."""

    spellings: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    labels: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    gazetteer_labels: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    surfaces: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    literal: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    written: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    papers: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, pid: str, records: list[Extraction], keys: Mapping[str, str], written: Mapping[str, str],
            sign: int = 1) -> None:
        """Add (``sign`` 1) or take away (``sign`` -1) what paper ``pid`` says through its distinct ``records``;
        ``keys`` maps a canonical name to its node key, ``written`` a mention text to its written form."""
        placed = [(ex.paper, m) for ex in records for m in ex.mentions]
        mentions = [m for _, m in placed]
        display: dict[str, tuple[tuple[int, bool], str]] = {}
        labels: dict[str, Counter] = defaultdict(Counter)
        gazetteer: dict[str, Counter] = defaultdict(Counter)
        surfaces: dict[str, set[str]] = defaultdict(set)
        for paper, m in placed:
            key = keys[m.canonical]
            # Gazetteer hits show the text as written; rule-made names show their canonical form (an acronym's long
            # form, an introduced name, "X 2.4" for the bare "2.4" of "X 2.1 and 2.4").
            rank, form = display_form(m, written.__getitem__)
            # A title capitalises every word ("Model Merging") and a sentence its first one: where the paper also
            # writes the name elsewhere, that spelling names the entity ("model merging").
            order = (rank, case_of_the_place(paper, m))
            if key not in display or order < display[key][0]:
                display[key] = (order, form)
            labels[key][m.label] += 1
            if m.rule.startswith("gazetteer"):
                gazetteer[key][m.label] += 1
            surfaces[key].add(m.canonical)
            if _has_letter(m.text):         # a bare version ("3.1" of "Llama 3, 3.1") names nothing alone
                surfaces[key].add(written[m.text])
        for key, (_, form) in display.items():
            _count(self.spellings, key, form, sign)
            if sign > 0:
                self.papers[key].add(pid)
            else:
                self.papers[key].discard(pid)
                if not self.papers[key]:
                    del self.papers[key]
        forms = {(keys[m.canonical], written[m.text]) for m in mentions if _has_letter(m.text)}
        for key, form in forms:
            _count(self.literal, key, form, sign)             # once per paper that writes this form
        for key, folded in {(key, fold(form)) for key, form in forms}:
            _count(self.written, key, folded, sign)           # once per paper that writes it in any case
        for key, forms in surfaces.items():
            for form in forms:
                _count(self.surfaces, key, form, sign)
        for mine, total in ((labels, self.labels), (gazetteer, self.gazetteer_labels)):
            for key, counts in mine.items():
                for label, n in counts.items():
                    _count(total, key, label, sign * n)


def _count(table: dict[str, Counter], key: str, item: str, n: int) -> None:
    """Add ``n`` (maybe negative) to ``table[key][item]``, dropping what falls to zero."""
    counts = table[key]
    counts[item] += n
    if counts[item] <= 0:
        del counts[item]
        if not counts:
            del table[key]


def node_keys(expansions: Mapping[str, str]) -> Memo:
    """Canonical name -> node key: its fold key, or the long form's when it is an acronym every definer expands
    the same way."""
    def node_key(canonical: str) -> str:
        key = fold(canonical)
        return expansions.get(key, key)

    return Memo(node_key)


def resolve_entities(papers: dict[str, dict], extractions: Mapping[str, list[Extraction]]) -> Resolution:
    """Resolve every mention of every paper (all of its records) to an ``EntityNode``."""
    expansions = acronym_expansions(extractions)
    tally = Tally()
    keys, written = node_keys(expansions), Memo(written_form)
    for pid in sorted(extractions):
        tally.add(pid, distinct(extractions[pid]), keys, written)
    return resolution_of(papers, extractions, tally, expansions)


def resolution_of(papers: dict[str, dict], extractions: Mapping[str, list[Extraction]], tally: Tally,
                  expansions: Mapping[str, str]) -> Resolution:
    """The entities of a tally: the name most papers write, the majority label, every other form as an alias."""
    spellings, literal = tally.spellings, tally.literal

    def pick(counter: Counter, seen: Counter, papers_writing: Counter) -> str:
        """The form the most papers write (``papers_writing``: per fold key); ties go to the form most papers
        name the entity by (``counter``), where a form counts also for the shorter forms it completes ("OpenAI
        o1" for "o1"), then to the form more papers write verbatim, then to the longer one."""
        votes = Counter(counter)
        for form in counter:
            for other in counter:
                if other != form and len(other) > len(form) and other.endswith(" " + form) \
                        and _names_a_maker(other[: -len(form)]):
                    votes[other] += counter[form]
        group_seen = Counter()
        for form, n in seen.items():
            group_seen[fold(form)] += n
        return min(set(votes) | set(seen), key=lambda form: (
            -papers_writing[fold(form)], -votes[form], -group_seen[fold(form)], -seen[form], -len(form), form))

    entities: dict[str, EntityNode] = {}
    key_to_entity: dict[str, str] = {}
    for key in sorted(spellings):
        name = pick(spellings[key], literal.get(key, Counter()), tally.written.get(key, Counter()))
        label_counts = tally.gazetteer_labels.get(key) or tally.labels[key]
        label = sorted(label_counts.items(), key=lambda kv: (-kv[1], LABEL_ORDER.index(kv[0])))[0][0]
        eid = f"ent:{key}"
        aliases = sorted({s for s in tally.surfaces[key] if s != name})
        entities[eid] = EntityNode(eid, name, label, aliases, set(tally.papers[key]))
        key_to_entity[key] = eid
    for short, long_key in expansions.items():
        if long_key in key_to_entity:
            key_to_entity.setdefault(short, key_to_entity[long_key])
    return Resolution(papers, extractions, entities, key_to_entity, tally=tally, expansions=dict(expansions))


def resolve(extractions: list, load: Callable[[dict], Mapping[str, list[Extraction]]] | None = None) -> Resolution:
    """Run paper merging then entity resolution.

    ``extractions`` are ``Extraction`` objects, or any objects with their ``paper`` dict when ``load`` is
    given: ``load`` maps paper id -> that paper's items (newest first) to a mapping paper id -> its
    ``Extraction`` list (``kg build`` passes ``kg.pipeline.store.PaperRef`` items and reads the extractions
    back from extractions.jsonl). ``Resolution.duplicates`` lists the papers read more than once.
    """
    groups = group_papers(extractions)
    res = resolve_entities(groups.papers, load(groups.members) if load is not None else groups.members)
    res.duplicates = groups.duplicates
    return res
