"""Project a gold paper annotation onto its candidates: the training targets.

A candidate is a gold entity when one of its surface forms (canonical name or mention text) folds, the way
``shared/gold/score.py`` folds, to the gold name or one of its aliases.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.normalize import score_fold
from kg.learn.features import EntityCandidate, PaperCandidates


@dataclass
class PaperTargets:
    """Targets per candidate, in the order of ``PaperCandidates``: entity (bool), its gold type (or None),
    relation (bool), introduced (bool)."""

    entity: list[bool]
    entity_type: list[str | None]
    relation: list[bool]
    intro: list[bool]


def gold_index(gold: dict) -> dict[str, dict]:
    """Folded surface form -> gold entity (name and aliases)."""
    index: dict[str, dict] = {}
    for ent in gold["entities"]:
        for s in (ent["name"], *ent.get("aliases", [])):
            index.setdefault(score_fold(s), ent)
    return index


def match_entity(cand: EntityCandidate, index: dict[str, dict]) -> dict | None:
    """The gold entity a candidate names, if any."""
    for form in (cand.canonical, *(m.text for m in cand.mentions)):
        ent = index.get(score_fold(form))
        if ent is not None:
            return ent
    return None


def project(gold: dict, cands: PaperCandidates) -> PaperTargets:
    """Targets of one paper's candidates from its gold annotation."""
    index = gold_index(gold)
    relations = {(r["relation"], r["object"]) for r in gold["relations"]}
    introduced = set(gold.get("introduces", []))
    matched = {id(c): match_entity(c, index) for c in cands.entities}
    entity = [matched[id(c)] is not None for c in cands.entities]
    types = [matched[id(c)]["type"] if matched[id(c)] else None for c in cands.entities]
    rel = []
    for rc in cands.relations:
        ent = matched[id(rc.entity)]
        rel.append(ent is not None and (rc.type, ent["name"]) in relations)
    intro = []
    for ic in cands.intros:
        ent = None
        for s in (ic.intro.canonical, *ic.intro.aliases):
            ent = index.get(score_fold(s))
            if ent:
                break
        intro.append(ent is not None and ent["name"] in introduced)
    return PaperTargets(entity, types, rel, intro)
