"""Choose the entity mentions of one paper from the candidate span groups of its Doc.

Tier 1 (gazetteer hits, acronym definitions and their short forms, strong name shapes) is selected
first, longest span first; tier 2 (weak head-word phrases, undefined acronyms) only fills gaps and is
kept later only when a linking rule attaches it to the paper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from kg.extraction.names import clean_surface, fold
from kg.extraction.typing_rules import is_non_entity, label_from_head, type_candidate
from kg.nlp.rules import Typing

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


COMPONENT_HEADS = {"loss", "losses", "objective", "penalty", "regularizer", "term", "function", "head", "layer", "module",
                   "estimator", "sampler"}
COORDINATION = {",", "and", "or", "(", ")", "e.g.", "e.g.,", "i.e.", "as", "well", "including", "such"}


_CLASS_PLURALS = {"agents", "models", "systems", "networks", "methods", "llms", "vlms", "approaches", "algorithms", "tasks"}


def _class_phrase(name: str, typing: Typing) -> bool:
    """A lower-case plural class ("computer use agents", "graph neural networks" stays a technique via the gazetteer)."""
    words = name.split()
    return len(words) >= 2 and words[-1].lower() in _CLASS_PLURALS and all(w.islower() for w in words[1:])


def coordinated_groups(doc: Doc, mentions: list[DocMention]) -> list[list[DocMention]]:
    """Runs of mentions joined only by commas, "and", "or", brackets ("X, Y, and Z")."""
    groups: list[list[DocMention]] = []
    for m in mentions:
        if groups:
            prev = groups[-1][-1]
            between = doc[prev.end:m.start]
            if 0 < len(between) <= 3 and all(t.text.lower() in COORDINATION for t in between) and \
                    doc[prev.start].sent.start == doc[m.start].sent.start:
                groups[-1].append(m)
                continue
        groups.append([m])
    return [g for g in groups if len(g) > 1]


def propagate_list_labels(doc: Doc, mentions: list[DocMention], typing: Typing) -> None:
    """Items of one coordination share a type: a head after the list ("Zheng 1, Zheng 2 and LISC datasets") types
    them all, else items with a guessed label take the label of the items a list or head typed for sure."""
    for group in coordinated_groups(doc, mentions):
        after = doc[group[-1].end].text.lower() if group[-1].end < len(doc) else ""
        head = "Dataset" if after in typing.dataset_heads else "Model" if after in typing.model_heads else None
        sure = [m.label for m in group if m.sure_label]
        majority = max(sorted(set(sure)), key=sure.count) if sure else None
        for m in group:
            if head and not m.rule.startswith("gazetteer"):
                m.label, m.sure_label = head, True
            elif not m.sure_label and majority:
                m.label = majority


def select_mentions(doc: Doc, typing: Typing, title_end: int) -> tuple[list[DocMention], dict[str, str]]:
    """Pick non-overlapping, typed mentions; return them with the paper's acronym map (short -> canonical).

    ``title_end`` is the character offset where the title ends: capitalisation in a title says nothing,
    so head-word phrases found there are treated as weak.
    """
    gazetteer = {(s.start, s.end): s for s in doc.spans.get("kg_gazetteer", [])}
    acronyms = acronym_table(doc, gazetteer, typing)
    proposals: list[tuple[int, int, int, str | None, str, str, bool]] = []   # tier, start, end, label, canonical, rule, weak

    not_entities = {short for short, (_, label, _) in acronyms.items() if label is None}
    for span in doc.spans.get("kg_gazetteer", []):
        if span.text not in not_entities:     # the paper defined it as a task ("Simultaneous Speech Translation (SST)")
            proposals.append((1, span.start, span.end, span.label_, span.kb_id_, span.id_, False))
    compound_text: dict[tuple[int, int], str] = {}
    for span in doc.spans.get("kg_compounds", []):
        rule, prefix = span.id_.split("|", 1)
        compound_text[(span.start, span.end)] = prefix
        proposals.append((1, span.start, span.end, span.label_, span.kb_id_, rule, False))
    for short, (long_span, label, canonical) in acronyms.items():
        if label is None:
            continue
        proposals.append((1, long_span.start, long_span.end, label, canonical, "acronym:long-form", False))
    short_forms = {s: v for s, v in acronyms.items() if v[1] is not None}
    if short_forms:
        for i, text in enumerate(t.text for t in doc):
            base = text[:-1] if text.endswith("s") and text[:-1] in short_forms else text
            if base in short_forms:
                _, label, canonical = short_forms[base]
                proposals.append((1, i, i + 1, label, canonical, "acronym:short-form", False))
    for span in doc.spans.get("kg_candidates", []):
        rule, strength = span.id_.split("|")
        in_title = span.start_char < title_end
        if in_title and rule == "pattern:capitalised":
            continue                        # every title word is capitalised
        weak = strength == "weak" or (in_title and rule in ("pattern:technique-head", "pattern:model-head", "pattern:dataset-head"))
        if span.text in not_entities:
            continue
        if rule == "pattern:acronym" and span.end < len(doc) and doc[span.end].text.lower() in ("systems", "system", "task", "tasks", "track", "community", "setting", "settings", "literature"):
            continue                        # "training NMT systems": a kind of system, not a named one
        if rule == "pattern:technique-head" and span.end < len(doc) and doc[span.end].text.lower() in typing.phrase_blockers:
            continue                        # "monolingual training data": the phrase modifies a noun
        tier = 2 if weak else 1
        if rule == "pattern:technique-head" and doc[span.end - 1].text.lower() in COMPONENT_HEADS \
                and any(span.start <= g0 and g1 == span.end - 1 for g0, g1 in gazetteer):
            tier = 1        # "pruning loss" is a component of its own, not the listed "pruning" plus a word
        proposals.append((tier, span.start, span.end, span.label_ or None, span.kb_id_ or span.text, rule, weak))

    proposals.sort(key=lambda p: (p[0], -(p[2] - p[1]), PRIORITY.get(_rule_family(p[5]), 9), p[1], p[4]))
    taken = [False] * len(doc)
    chosen: list[DocMention] = []
    for tier, start, end, label, canonical, rule, weak in proposals:
        if _overlaps(taken, start, end):
            continue
        span = doc[start:end]
        text = compound_text.get((start, end)) if rule.startswith("gazetteer-compound") else \
            (canonical if rule == "pattern:name-compound" else None)     # the name part of "X-based"
        text = text or clean_surface(span.text)
        canonical = clean_surface(canonical)
        trusted = rule.startswith("gazetteer:curated")   # a curated entry is an entity even with a task-like head word
        if len(fold(canonical)) < 2 or is_non_entity(canonical, typing, heads=not trusted) or is_non_entity(text, typing, heads=not trusted):
            continue
        if re.fullmatch(r"[\d\W_]+", canonical):
            continue
        if end < len(doc) and doc[end].text.lower() in typing.metric_followers and not rule.startswith("gazetteer"):
            continue                        # "CLIP-I score": a metric
        final_label = label or type_candidate(doc, span, None, typing)
        if final_label not in ("Model", "Dataset", "Technique"):
            continue
        for i in range(start, end):
            taken[i] = True
        broad = canonical.lower() in typing.broad_terms or text.lower() in typing.broad_terms or (
            rule.startswith("acronym") and _class_phrase(canonical, typing))
        sure = bool(label) or rule.startswith(("gazetteer", "acronym")) or label_from_head(text, typing) is not None
        chosen.append(DocMention(start, end, text, final_label, canonical, rule, weak or broad, sure_label=sure))
    chosen.sort(key=lambda m: m.start)
    propagate_list_labels(doc, chosen, typing)
    acronym_map = {s: v[2] for s, v in short_forms.items()}
    return chosen, acronym_map
