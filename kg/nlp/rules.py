"""Loading the rule data of ``ontology/`` (cue phrases, typing heads) into fast lookup structures."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
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

    def rule(self, rule_id: str) -> CueRule | None:
        """The rule with this id, or None (blockers and markers are not rules)."""
        return next((r for r in self.rules if r.id == rule_id), None)


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
    )
