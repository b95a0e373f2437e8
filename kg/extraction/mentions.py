"""Choose the entity mentions of one paper from the candidate span groups of its Doc.

Tier 1 (gazetteer hits, acronym definitions and their short forms, strong name shapes) is selected
first, longest span first; tier 2 (weak head-word phrases, undefined acronyms) only fills gaps and is
kept later only when a linking rule attaches it to the paper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from spacy.tokens import Doc, Span

from kg.extraction.doccache import sentence_start_of, span_string, token_bounds, token_texts
from kg.normalize import clean_surface, fold
from kg.extraction.typing_rules import is_non_entity, label_from_head, type_candidate
from kg.nlp.rules import Typing, load_words
from kg.schema import ENTITY_LABELS

PRIORITY = {"introduce": 0, "acronym": 1, "gazetteer": 2, "pattern": 3}


@dataclass
class DocMention:
    """A selected mention: token span in the Doc, label, the paper-level canonical name, rule, strength."""

    start: int
    end: int
    text: str
    label: str
    canonical: str
    rule: str
    weak: bool = False
    aliases: set[str] = field(default_factory=set)
    sure_label: bool = True        # False when the label is only a default guess (no list, head or shape said it)

    @property
    def key(self) -> str:
        return fold(self.canonical)


def _rule_family(rule: str) -> str:
    return rule.split(":", 1)[0].split(".", 1)[0]


def _overlaps(taken: list[bool], start: int, end: int) -> bool:
    return any(taken[start:end])


def acronym_table(doc: Doc, gazetteer: dict[tuple[int, int], Span], typing: Typing) -> dict[str, tuple[Span, str | None, str]]:
    """Short form -> (long form span, label or None, canonical) for the acronyms the paper defines.

    A definition whose long form is a task, metric or field ("text-to-speech (TTS)") maps to label None:
    its short form is then known *not* to be an entity in this paper.
    """
    table: dict[str, tuple[Span, str | None, str]] = {}
    pairs = list(doc.spans.get("kg_acronyms", []))
    for long_span, short_span in zip(pairs[0::2], pairs[1::2]):
        short = short_span.text
        long_text = clean_surface(long_span.text)
        hit = gazetteer.get((long_span.start, long_span.end))
        if hit is None and not is_non_entity(long_text, typing):
            hit = gazetteer.get((short_span.start, short_span.end))   # a task long form outranks a same-letters dataset
            if hit is not None and fold(hit.kb_id_) != fold(short) and not same_words_in_part(hit.kb_id_, long_text):
                hit = None      # the gazetteer's "ICL" is in-context learning; this paper's is its Ideal Continual Learner
        if hit is not None:
            label, canonical = hit.label_, hit.kb_id_
            if fold(canonical) == fold(short):      # the gazetteer knows the acronym only: show the long form
                canonical = long_text
        elif is_non_entity(long_text, typing) and not re.search(r"[a-z]{2,}", short):
            label, canonical = None, long_text    # "text-to-speech (TTS)": a task; CamelCase "AgenticLU" is a name
        else:
            label, canonical = label_from_head(long_text, typing), long_text
            if label is None and (sum(w[:1].isupper() for w in long_text.split()) >= 2 or re.search(r"[a-z]{2,}", short)):
                label = "Technique"
        table.setdefault(short, (long_span, label, canonical))
    return table


def same_words_in_part(a: str, b: str) -> bool:
    """Whether two expansions of one acronym share a word of three letters or more (case and hyphens aside): then
    they are two spellings of one name ("low-rank adapter", "Low-Rank Adaptation"), else two names.

    >>> same_words_in_part("Low-Rank Adaptation", "low-rank adapter"), same_words_in_part("in-context learning", "Ideal Continual Learner")
    (True, False)
    """
    words = [{w for w in re.split(r"[\W_]+", s.lower()) if len(w) >= 3} for s in (a, b)]
    return bool(words[0] & words[1])


def _class_phrase(name: str, typing: Typing) -> bool:
    """A lower-case plural class ("computer use agents", "graph neural networks" stays a technique via the gazetteer)."""
    words = name.split()
    return len(words) >= 2 and words[-1].lower() in typing.class_plurals and all(w.islower() for w in words[1:])


def coordinated_groups(doc: Doc, mentions: list[DocMention], coordination: frozenset[str] | None = None) -> list[list[DocMention]]:
    """Runs of mentions joined only by commas, "and", "or", brackets ("X, Y, and Z").

    ``coordination``: the joining tokens (default: ``words.json`` coordination).
    """
    coordination = coordination if coordination is not None else load_words().coordination
    texts, start_of = token_texts(doc), sentence_start_of(doc)
    groups: list[list[DocMention]] = []
    for m in mentions:
        if groups:
            prev = groups[-1][-1]
            if 0 < m.start - prev.end <= 3 and all(w.lower() in coordination for w in texts[prev.end:m.start]) and \
                    start_of[prev.start] == start_of[m.start]:
                groups[-1].append(m)
                continue
        groups.append([m])
    return [g for g in groups if len(g) > 1]


def propagate_list_labels(doc: Doc, mentions: list[DocMention], typing: Typing) -> None:
    """Items of one coordination share a type: a head after the list ("Zheng 1, Zheng 2 and LISC datasets") types
    them all, else items with a guessed label take the label of the items a list or head typed for sure."""
    for group in coordinated_groups(doc, mentions):
        after = token_texts(doc)[group[-1].end].lower() if group[-1].end < len(doc) else ""
        head = "Dataset" if after in typing.dataset_heads else "Model" if after in typing.model_heads else None
        sure = [m.label for m in group if m.sure_label]
        majority = max(sorted(set(sure)), key=sure.count) if sure else None
        for m in group:
            if head and not m.rule.startswith("gazetteer"):
                m.label, m.sure_label = head, True
            elif not m.sure_label and majority:
                m.label = majority


class Proposal(NamedTuple):
    """A candidate mention before selection (tier 1 is chosen before tier 2)."""

    tier: int
    start: int
    end: int
    label: str | None
    canonical: str
    rule: str
    weak: bool


def gazetteer_proposals(doc: Doc, not_entities: set[str], spans: list[Span] | None = None) -> list[Proposal]:
    """Gazetteer hits, except surfaces the paper defined as a task ("Simultaneous Speech Translation (SST)").

    ``spans``: the ``kg_gazetteer`` group already read as a list (a SpanGroup makes new Spans per iteration).
    """
    spans = spans if spans is not None else list(doc.spans.get("kg_gazetteer", []))
    return [Proposal(1, s.start, s.end, s.label_, s.kb_id_, s._.kg_rule, False)
            for s in spans if span_string(doc, s.start, s.end) not in not_entities]


def compound_proposals(doc: Doc) -> tuple[list[Proposal], dict[tuple[int, int], str]]:
    """Listed names inside "X-based" words, and the name part (``kg_prefix``) of each such token."""
    proposals, prefixes = [], {}
    for span in doc.spans.get("kg_compounds", []):
        prefixes[(span.start, span.end)] = span._.kg_prefix
        proposals.append(Proposal(1, span.start, span.end, span.label_, span.kb_id_, span._.kg_rule, False))
    return proposals, prefixes


def acronym_proposals(doc: Doc, acronyms: dict[str, tuple[Span, str | None, str]]) -> list[Proposal]:
    """The long form of every entity acronym the paper defines, and each later use of its short form."""
    proposals = [Proposal(1, long_span.start, long_span.end, label, canonical, "acronym:long-form", False)
                 for long_span, label, canonical in acronyms.values() if label is not None]
    short_forms = {s: v for s, v in acronyms.items() if v[1] is not None}
    if short_forms:
        for i, text in enumerate(token_texts(doc)):
            base = text[:-1] if text.endswith("s") and text[:-1] in short_forms else text
            if base in short_forms:
                _, label, canonical = short_forms[base]
                proposals.append(Proposal(1, i, i + 1, label, canonical, "acronym:short-form", False))
    return proposals


def candidate_proposals(doc: Doc, typing: Typing, title_end: int, gazetteer: dict[tuple[int, int], Span],
                        not_entities: set[str]) -> list[Proposal]:
    """Rule candidates (name shapes, head-word phrases): weak ones, and typed heads in the title, go to tier 2."""
    proposals = []
    texts, char_starts = token_texts(doc), token_bounds(doc)[0]     # no ``Token`` per look-up
    for span in doc.spans.get("kg_candidates", []):
        rule = span._.kg_rule
        start, end = span.start, span.end
        in_title = char_starts[start] < title_end
        if in_title and rule in ("pattern:capitalised", "pattern:capitalised-phrase"):
            continue                        # every title word is capitalised
        text = span_string(doc, start, end)
        if text in not_entities or _modifies_next_noun(doc, span, rule, typing):
            continue
        weak = not span._.kg_strong or (in_title and rule in ("pattern:technique-head", "pattern:model-head", "pattern:dataset-head"))
        tier = 2 if weak else 1
        if rule == "pattern:technique-head" and texts[end - 1].lower() in typing.component_heads \
                and any(start <= g0 and g1 == end - 1 for g0, g1 in gazetteer):
            tier = 1        # "pruning loss" is a component of its own, not the listed "pruning" plus a word
        proposals.append(Proposal(tier, start, end, span.label_ or None, span.kb_id_ or text, rule, weak))
    return proposals


def _modifies_next_noun(doc: Doc, span: Span, rule: str, typing: Typing) -> bool:
    """"training NMT systems" (a kind of system), "monolingual training data": the candidate modifies a noun."""
    if span.end >= len(doc):
        return False
    after = token_texts(doc)[span.end].lower()
    if rule == "pattern:acronym" and after in typing.kind_nouns:
        return True
    return rule == "pattern:technique-head" and after in typing.phrase_blockers


def _mention_of(doc: Doc, p: Proposal, typing: Typing, prefixes: dict[tuple[int, int], str]) -> DocMention | None:
    """The typed mention a proposal makes, or None when its name is a task, metric, number or untyped."""
    text = prefixes.get((p.start, p.end)) if p.rule.startswith("gazetteer-compound") else \
        (p.canonical if p.rule == "pattern:name-compound" else None)     # the name part of "X-based"
    text = text or clean_surface(span_string(doc, p.start, p.end))
    canonical = clean_surface(p.canonical)
    trusted = p.rule.startswith("gazetteer:curated")   # a curated entry is an entity even with a task-like head word
    if len(fold(canonical)) < 2 or is_non_entity(canonical, typing, heads=not trusted) or is_non_entity(text, typing, heads=not trusted):
        return None
    if re.fullmatch(r"[\d\W_]+", canonical):
        return None
    if p.end < len(doc) and token_texts(doc)[p.end].lower() in typing.metric_followers and not p.rule.startswith("gazetteer"):
        return None                         # a name right before "score"/"accuracy"... names a metric, not an entity
    final_label = p.label or type_candidate(doc, doc[p.start:p.end], None, typing)
    if final_label not in ENTITY_LABELS:
        return None
    broad = canonical.lower() in typing.broad_terms or text.lower() in typing.broad_terms or (
        p.rule.startswith("acronym") and _class_phrase(canonical, typing))
    sure = bool(p.label) or p.rule.startswith(("gazetteer", "acronym")) or label_from_head(text, typing) is not None
    return DocMention(p.start, p.end, text, final_label, canonical, p.rule, p.weak or broad, sure_label=sure)


def choose(doc: Doc, proposals: list[Proposal], typing: Typing, prefixes: dict[tuple[int, int], str]) -> list[DocMention]:
    """Non-overlapping mentions: tier first, then longest, then rule family priority."""
    proposals = sorted(proposals, key=lambda p: (p.tier, -(p.end - p.start), PRIORITY.get(_rule_family(p.rule), 9), p.start, p.canonical))
    taken = [False] * len(doc)
    chosen: list[DocMention] = []
    for p in proposals:
        if _overlaps(taken, p.start, p.end):
            continue
        mention = _mention_of(doc, p, typing, prefixes)
        if mention is None:
            continue
        for i in range(p.start, p.end):
            taken[i] = True
        chosen.append(mention)
    chosen.sort(key=lambda m: m.start)
    return chosen


def select_mentions(doc: Doc, typing: Typing, title_end: int) -> tuple[list[DocMention], dict[str, str]]:
    """Pick non-overlapping, typed mentions; return them with the paper's acronym map (short -> canonical).

    ``title_end`` is the character offset where the title ends: capitalisation in a title says nothing,
    so head-word phrases found there are treated as weak.
    """
    gazetteer_spans = list(doc.spans.get("kg_gazetteer", []))
    gazetteer = {(s.start, s.end): s for s in gazetteer_spans}
    acronyms = acronym_table(doc, gazetteer, typing)
    not_entities = {short for short, (_, label, _) in acronyms.items() if label is None}
    compounds, prefixes = compound_proposals(doc)
    proposals = [*gazetteer_proposals(doc, not_entities, gazetteer_spans), *compounds, *acronym_proposals(doc, acronyms),
                 *candidate_proposals(doc, typing, title_end, gazetteer, not_entities)]
    chosen = choose(doc, proposals, typing, prefixes)
    propagate_list_labels(doc, chosen, typing)
    acronym_map = {s: v[2] for s, v in acronyms.items() if v[1] is not None}
    return chosen, acronym_map
