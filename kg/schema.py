"""The graph contract, read from ``ontology/schema.json``.

Every stage (extraction, Neo4j loader, viz, analytics) takes its labels and
relation types from here so that the contract lives in one data file.
"""

from __future__ import annotations

import json
from functools import lru_cache

from kg.paths import ontology_dir


@lru_cache(maxsize=1)
def load_schema() -> dict:
    """Return the parsed ``schema.json``."""
    with open(ontology_dir() / "schema.json", encoding="utf-8") as fh:
        return json.load(fh)


PAPER = "Paper"
ENTITY_LABELS: tuple[str, ...] = tuple(load_schema()["entity_labels"])
NODE_LABELS: tuple[str, ...] = (PAPER, *ENTITY_LABELS)
RELATION_TYPES: tuple[str, ...] = tuple(load_schema()["relation_types"])
CLAIM_TYPES: tuple[str, ...] = tuple(load_schema()["claim_types"])
CONTRIBUTION_LABELS: tuple[str, ...] = tuple(load_schema()["contribution_labels"])
# claim type -> the entity labels its target may have (a dataset is never beaten)
CLAIM_TARGET_LABELS: dict[str, frozenset[str]] = {
    claim: frozenset(labels) for claim, labels in load_schema()["claim_target_labels"].items()}
