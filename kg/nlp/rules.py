"""Loading the rule data of ``ontology/`` (cue phrases, typing heads, function words) into fast lookup structures.

Every word a rule looks at lives in ``cues.json``, ``typing.json`` or ``words.json``; each file is read once
per ontology folder (cached) into a frozen dataclass that the components and extraction steps receive.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from kg.paths import ontology_dir


@dataclass(frozen=True)
class CueRule:
    """One linking rule: its id, relation, confidence and cue phrases."""

    id: str
    relation: str
    confidence: float
    phrases: tuple[str, ...]
    max_gap: int = 4
    needs_own_subject: bool = True
    labels: frozenset[str] = frozenset()          # empty: any label


@dataclass(frozen=True)
class Cues:
    """All linking data of ``ontology/cues.json``."""

    rules: tuple[CueRule, ...]
    negation: tuple[str, ...]
    parity: tuple[str, ...]
    agent: tuple[str, ...]
    own_subject: tuple[str, ...]
    clause_boundaries: frozenset[str]
    introduce_cues: tuple[str, ...]
    transparent: tuple[str, ...]
    subject_skip: frozenset[str]
    title_boundaries: frozenset[str]
    background_markers: tuple[str, ...]
    list_connectors: frozenset[str]
    connectors: frozenset[str]
    possessive_markers: frozenset[str]
    concessive_markers: frozenset[str]
    title_head_determiners: frozenset[str]
    exemplifiers: tuple[tuple[str, ...], ...] = ()     # each phrase as lower-case words, longest first

    def rule(self, rule_id: str) -> CueRule | None:
        """The rule with this id, or None (blockers and markers are not rules)."""
        return self._rules_by_id.get(rule_id)

    @cached_property
    def _rules_by_id(self) -> dict[str, CueRule]:
        """Rule id -> the first rule with that id (looked up per cue and per candidate feature)."""
        by_id: dict[str, CueRule] = {}
        for r in self.rules:
            by_id.setdefault(r.id, r)
        return by_id


@dataclass(frozen=True)
class Typing:
    """Head words and name suffixes of ``ontology/typing.json`` (sets for O(1) look-ups)."""

    dataset_heads: frozenset[str]
    model_heads: frozenset[str]
    technique_heads: frozenset[str]
    model_name_suffixes: tuple[str, ...]
    dataset_name_suffixes: tuple[str, ...]
    task_heads: frozenset[str]
    task_words: frozenset[str]
    metric_words: frozenset[str]
    non_entities: frozenset[str]
    generic_modifiers: frozenset[str]
    generic_heads: frozenset[str]
    broad_terms: frozenset[str]
    capitalised_common: frozenset[str]
    metric_followers: frozenset[str]
    phrase_blockers: frozenset[str]
    compound_suffixes: frozenset[str]
    model_suffix_words: frozenset[str]          # case-sensitive
    not_name_parts: frozenset[str]
    model_nouns: frozenset[str]
    organisations: frozenset[str]
    nominal_ing: frozenset[str]
    technique_model_heads: frozenset[str]
    plural_technique_heads: frozenset[str]
    class_heads: frozenset[str]
    descriptor_model_heads: frozenset[str]
    subtitle_noun_gerunds: frozenset[str]
    component_heads: frozenset[str]
    class_plurals: frozenset[str]
    kind_nouns: frozenset[str]
    eval_prepositions: frozenset[str]
    generic_title_prefixes: frozenset[str]
    capitalised_joiners: frozenset[str]
    purpose_prepositions: frozenset[str]
    size_words: tuple[str, ...]                 # the four below keep their order and case: regex alternations
    number_prefix_words: tuple[str, ...]
    number_units: tuple[str, ...]
    non_name_codes: tuple[str, ...]             # regular expressions

    @cached_property
    def plain_capitalised(self) -> frozenset[str]:
        """``capitalised_common`` without the organisations: capitalised words that never start a name ("English",
        "Table", "Figure"), where an organisation may ("OpenAI o1"). Computed once, read on the candidate hot path."""
        return self.capitalised_common - self.organisations


@dataclass(frozen=True)
class Words:
    """Function words and spelling data of ``ontology/words.json`` (see its ``_doc``)."""

    tokenizer_special_cases: tuple[str, ...]
    plural_exempt_endings: tuple[str, ...]      # tuples: used with str.endswith
    singular_endings: tuple[str, ...]
    version_list_connectors: frozenset[str]
    coordination: frozenset[str]
    eval_list_words: frozenset[str]
    subtitle_stop_words: frozenset[str]
    introduce_fillers: frozenset[str]
    naming_cues: frozenset[str]
    name_joiners: frozenset[str]
    indefinite_articles: frozenset[str]
    novelty_markers: frozenset[str]
    own_determiners: frozenset[str]
    text_macros: frozenset[str]


def _read(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=4)
def load_cues(root: Path | None = None) -> Cues:
    """Read ``cues.json`` from the ontology folder."""
    data = _read((root or ontology_dir()) / "cues.json")
    rules = tuple(
        CueRule(r["id"], r["relation"], float(r["confidence"]), tuple(r["phrases"]), int(r.get("max_gap", 4)),
                bool(r.get("needs_own_subject", True)), frozenset(r.get("labels", [])))
        for r in data["rules"]
    )
    return Cues(
        rules=rules,
        negation=tuple(data["blockers"]["negation"]),
        parity=tuple(data["blockers"]["parity"]),
        agent=tuple(data["blockers"].get("agent", [])),
        own_subject=tuple(data["own_subject"]),
        clause_boundaries=frozenset(data["clause_boundaries"]),
        introduce_cues=tuple(data["introduce_cues"]),
        transparent=tuple(data.get("transparent", [])),
        subject_skip=frozenset(data.get("subject_skip", [])),
        title_boundaries=frozenset(data.get("title_boundaries", [])),
        background_markers=tuple(data.get("background_markers", [])),
        list_connectors=frozenset(data["list_connectors"]),
        connectors=frozenset(data["connectors"]),
        possessive_markers=frozenset(data["possessive_markers"]),
        concessive_markers=frozenset(data["concessive_markers"]),
        title_head_determiners=frozenset(data["title_head_determiners"]),
        exemplifiers=tuple(sorted((tuple(p.lower().split()) for p in data.get("exemplifiers", [])),
                                  key=lambda words: (-len(words), words))),
    )


@lru_cache(maxsize=4)
def load_typing(root: Path | None = None) -> Typing:
    """Read ``typing.json`` from the ontology folder."""
    d = _read((root or ontology_dir()) / "typing.json")
    low = lambda key: frozenset(w.lower() for w in d[key])  # noqa: E731
    return Typing(
        dataset_heads=low("dataset_heads"),
        model_heads=low("model_heads"),
        technique_heads=low("technique_heads"),
        model_name_suffixes=tuple(d["model_name_suffixes"]),
        dataset_name_suffixes=tuple(d["dataset_name_suffixes"]),
        task_heads=low("task_heads"),
        task_words=low("task_words"),
        metric_words=low("metric_words"),
        non_entities=low("non_entities"),
        generic_modifiers=low("generic_modifiers"),
        generic_heads=low("generic_heads"),
        broad_terms=low("broad_terms"),
        capitalised_common=low("capitalised_common"),
        metric_followers=low("metric_followers"),
        phrase_blockers=low("phrase_blockers"),
        compound_suffixes=low("compound_suffixes"),
        model_suffix_words=frozenset(d["model_suffix_words"]),
        not_name_parts=low("not_name_parts"),
        model_nouns=low("model_nouns"),
        organisations=low("organisations"),
        nominal_ing=low("nominal_ing"),
        technique_model_heads=low("technique_model_heads"),
        plural_technique_heads=low("plural_technique_heads"),
        class_heads=low("class_heads"),
        descriptor_model_heads=low("descriptor_model_heads"),
        subtitle_noun_gerunds=low("subtitle_noun_gerunds"),
        component_heads=low("component_heads"),
        class_plurals=low("class_plurals"),
        kind_nouns=low("kind_nouns"),
        eval_prepositions=low("eval_prepositions"),
        generic_title_prefixes=low("generic_title_prefixes"),
        capitalised_joiners=low("capitalised_joiners"),
        purpose_prepositions=low("purpose_prepositions"),
        size_words=tuple(d["size_words"]),
        number_prefix_words=tuple(d["number_prefix_words"]),
        number_units=tuple(d["number_units"]),
        non_name_codes=tuple(d["non_name_codes"]),
    )


@lru_cache(maxsize=4)
def load_words(root: Path | None = None) -> Words:
    """Read ``words.json`` from the ontology folder."""
    d = _read((root or ontology_dir()) / "words.json")
    return Words(
        tokenizer_special_cases=tuple(d["tokenizer_special_cases"]),
        plural_exempt_endings=tuple(d["plural_exempt_endings"]),
        singular_endings=tuple(d["singular_endings"]),
        version_list_connectors=frozenset(d["version_list_connectors"]),
        coordination=frozenset(d["coordination"]),
        eval_list_words=frozenset(d["eval_list_words"]),
        subtitle_stop_words=frozenset(d["subtitle_stop_words"]),
        introduce_fillers=frozenset(d["introduce_fillers"]),
        naming_cues=frozenset(d["naming_cues"]),
        name_joiners=frozenset(d["name_joiners"]),
        indefinite_articles=frozenset(d["indefinite_articles"]),
        novelty_markers=frozenset(d["novelty_markers"]),
        own_determiners=frozenset(d["own_determiners"]),
        text_macros=frozenset(d["text_macros"]),
    )
