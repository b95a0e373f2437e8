"""Score a graph (node-link JSON) against gold paper annotations, with the same figures as ``shared/gold/score.py``.

For each gold paper (found by folded title), the predicted relations are the ``(type, target name)``
pairs of the edges whose ``paper`` is that paper; the predicted entities are the non-Paper nodes at
either end of those edges (MENTIONS included); introduced names are the INTRODUCES targets. A name
matches a gold entity when its folded form equals the folded gold name or one of its aliases.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from kg.normalize import score_fold
from kg.schema import CLAIM_TYPES, PAPER

RELATIONS: tuple[str, ...] = CLAIM_TYPES
REPORT_KEYS: tuple[str, ...] = ("entities", "entities_typed", "introduces", *CLAIM_TYPES, "relations")


@dataclass
class PaperErrors:
    """Missed and spurious items of one gold paper (for the error report)."""

    title: str
    found: bool
    missed_entities: list[str] = field(default_factory=list)
    spurious_entities: list[str] = field(default_factory=list)
    missed_relations: list[list[str]] = field(default_factory=list)
    spurious_relations: list[list[str]] = field(default_factory=list)
    missed_introduces: list[str] = field(default_factory=list)
    spurious_introduces: list[str] = field(default_factory=list)


def _prf(tp: int, npred: int, ngold: int) -> tuple[float, float, float]:
    p = tp / npred if npred else (1.0 if not ngold else 0.0)
    r = tp / ngold if ngold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def load_gold(path: str | Path) -> list[dict]:
    """Gold records (JSON Lines), in file order."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def score_graph(graph: dict, gold: list[dict]) -> tuple[dict, list[PaperErrors]]:
    """Score a node-link graph dict against gold records; return (figures, per-paper errors)."""
    nodes = {n["id"]: n for n in graph["nodes"]}
    edges = graph.get("edges", graph.get("links", []))
    by_title: dict[str, str] = {}
    for n in nodes.values():
        if n.get("label") == PAPER:
            by_title.setdefault(score_fold(n.get("title") or n.get("name") or ""), n["id"])
    per_paper: dict[str, list[dict]] = defaultdict(list)
    for e in edges:
        per_paper[e.get("paper", e["source"])].append(e)

    def name_of(node: dict, fallback: str) -> str:
        return node.get("name") or node.get("title") or fallback

    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    report: list[PaperErrors] = []
    missing = 0
    for g in gold:
        canon: dict[str, str] = {}
        for ent in g["entities"]:
            for s in (ent["name"], *ent.get("aliases", [])):
                canon.setdefault(score_fold(s), ent["name"])
        gold_ents = {(e["name"], e["type"]) for e in g["entities"]}
        gold_rel = {(r["relation"], r["object"]) for r in g["relations"]}
        gold_intro = set(g.get("introduces", []))
        pid = by_title.get(score_fold(g["title"]))
        pred_ents: set[tuple[str, str | None]] = set()
        pred_rel: set[tuple[str, str]] = set()
        pred_intro: set[str] = set()
        if pid is None:
            missing += 1
        else:
            for e in per_paper.get(pid, []):
                for end in (e["source"], e["target"]):
                    n = nodes.get(end, {})
                    if n.get("label") != PAPER and end != pid:
                        nm = name_of(n, str(end))
                        pred_ents.add((canon.get(score_fold(nm), nm), n.get("label")))
                t = nodes.get(e["target"], {})
                tname = name_of(t, str(e["target"]))
                tkey = canon.get(score_fold(tname), tname)
                if e.get("type") in RELATIONS:
                    pred_rel.add((e["type"], tkey))
                elif e.get("type") == "INTRODUCES":
                    pred_intro.add(tkey)
        gold_names = {k[0] for k in gold_ents}
        pred_names = {k[0] for k in pred_ents}
        for key, tp, npred, ngold in (
            ("entities", len(pred_names & gold_names), len(pred_names), len(gold_ents)),
            ("entities_typed", len(pred_ents & gold_ents), len(pred_ents), len(gold_ents)),
            ("introduces", len(pred_intro & gold_intro), len(pred_intro), len(gold_intro)),
        ):
            c = counts[key]
            c[0] += tp; c[1] += npred; c[2] += ngold
        for rel in RELATIONS:
            gs = {x for x in gold_rel if x[0] == rel}
            ps = {x for x in pred_rel if x[0] == rel}
            c = counts[rel]
            c[0] += len(gs & ps); c[1] += len(ps); c[2] += len(gs)
        c = counts["relations"]
        c[0] += len(gold_rel & pred_rel); c[1] += len(pred_rel); c[2] += len(gold_rel)
        report.append(PaperErrors(
            title=g["title"], found=pid is not None,
            missed_entities=sorted(gold_names - pred_names), spurious_entities=sorted(pred_names - gold_names),
            missed_relations=sorted(map(list, gold_rel - pred_rel)), spurious_relations=sorted(map(list, pred_rel - gold_rel)),
            missed_introduces=sorted(gold_intro - pred_intro), spurious_introduces=sorted(pred_intro - gold_intro),
        ))
    result: dict = {}
    for key, (tp, npred, ngold) in counts.items():
        p, r, f = _prf(tp, npred, ngold)
        result[key] = {"p": round(p, 3), "r": round(r, 3), "f1": round(f, 3), "tp": tp, "pred": npred, "gold": ngold}
    result["papers_not_found"] = missing
    return result, report


def score_files(graph_path: str | Path, gold_path: str | Path) -> tuple[dict, list[PaperErrors]]:
    """Score ``graph.json`` against a gold JSONL file."""
    with open(graph_path, encoding="utf-8") as fh:
        graph = json.load(fh)
    return score_graph(graph, load_gold(gold_path))


def format_scores(result: dict) -> str:
    """The scorer's text table."""
    lines = []
    for k in REPORT_KEYS:
        v = result.get(k, {"p": 0, "r": 0, "f1": 0, "tp": 0, "pred": 0, "gold": 0})
        lines.append(f"{k:15s} P={v['p']:.3f} R={v['r']:.3f} F1={v['f1']:.3f}  (tp={v['tp']} pred={v['pred']} gold={v['gold']})")
    lines.append(f"papers not found in graph: {result['papers_not_found']}")
    return "\n".join(lines)
