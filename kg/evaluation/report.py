"""Error report of a graph against the dev gold set: what was missed and what is spurious, per paper, and
which rule produced each wrong item, so one sees which rule to fix.

``collect_errors`` scores with exactly the matching of ``kg.evaluation.gold`` (names folded by
``score_fold``, gold aliases map to the gold name) and keeps, for every predicted item, the edges behind it
(rule, confidence, evidence sentence). ``render_markdown`` writes the report; ``rule_precision`` counts,
per rule id, how many predicted edges of the gold papers are correct. Everything is sorted, so the same
graph and gold give a byte-identical report.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from kg.evaluation.gold import RELATIONS, format_scores, score_graph
from kg.normalize import score_fold
from kg.schema import PAPER


@dataclass(frozen=True)
class EdgeInfo:
    """A predicted edge as the report shows it."""

    type: str
    target: str          # the scored name (gold name when it matches a gold name or alias)
    label: str           # label of the target node
    rule: str
    confidence: float
    evidence: str


@dataclass
class PaperReport:
    """Missed and spurious items of one gold paper, with the edges behind every predicted item."""

    title: str
    found: bool
    missed_entities: list[tuple[str, str]] = field(default_factory=list)        # (gold name, gold type)
    spurious_entities: list[tuple[str, str, str]] = field(default_factory=list)  # (name, our label, rules)
    mistyped_entities: list[tuple[str, str, str]] = field(default_factory=list)  # (name, gold type, our label)
    missed_relations: list[tuple[str, str, bool]] = field(default_factory=list)  # (type, object, entity found?)
    spurious_relations: list[EdgeInfo] = field(default_factory=list)
    missed_introduces: list[tuple[str, bool]] = field(default_factory=list)      # (name, entity found?)
    spurious_introduces: list[EdgeInfo] = field(default_factory=list)
    edges: list[tuple[EdgeInfo, bool]] = field(default_factory=list)             # every scored edge, correct?


@dataclass
class ErrorReport:
    """The whole report: the scorer's figures and one ``PaperReport`` per gold paper (gold file order)."""

    scores: dict
    papers: list[PaperReport]


def collect_errors(graph: dict, gold: list[dict]) -> ErrorReport:
    """Missed/spurious items per gold paper of a node-link ``graph`` dict, with rules and evidence.

    Examples
    --------
    >>> graph = {"nodes": [{"id": "p", "label": "Paper", "title": "T"},
    ...                    {"id": "e1", "label": "Dataset", "name": "MNIST"},
    ...                    {"id": "e2", "label": "Model", "name": "Foo"}],
    ...          "edges": [{"source": "p", "target": "e1", "type": "USES", "paper": "p", "rule": "use.evaluate",
    ...                     "confidence": 0.8, "evidence": "We evaluate on MNIST."},
    ...                    {"source": "p", "target": "e2", "type": "USES", "paper": "p", "rule": "use.apply",
    ...                     "confidence": 0.7, "evidence": "We use Foo."}]}
    >>> gold = [{"title": "T", "entities": [{"name": "MNIST", "type": "Dataset", "aliases": []}],
    ...          "relations": [{"relation": "USES", "object": "MNIST"}], "introduces": []}]
    >>> rep = collect_errors(graph, gold)
    >>> [(e.target, e.rule) for e in rep.papers[0].spurious_relations], rule_precision(rep)["USES use.evaluate"]
    ([('Foo', 'use.apply')], (1, 1))
    """
    scores, _ = score_graph(graph, gold)
    nodes = {n["id"]: n for n in graph["nodes"]}
    by_title: dict[str, str] = {}
    for n in nodes.values():
        if n.get("label") == PAPER:
            by_title.setdefault(score_fold(n.get("title") or n.get("name") or ""), n["id"])
    per_paper: dict[str, list[dict]] = defaultdict(list)
    for e in graph.get("edges", graph.get("links", [])):
        per_paper[e.get("paper", e["source"])].append(e)

    papers = []
    for g in gold:
        canon: dict[str, str] = {}
        for ent in g["entities"]:
            for s in (ent["name"], *ent.get("aliases", [])):
                canon.setdefault(score_fold(s), ent["name"])
        gold_types = {e["name"]: e["type"] for e in g["entities"]}
        gold_rel = {(r["relation"], r["object"]) for r in g["relations"]}
        gold_intro = set(g.get("introduces", []))
        pid = by_title.get(score_fold(g["title"]))
        rep = PaperReport(title=g["title"], found=pid is not None)
        pred_ents: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))  # name -> label -> rules
        for e in per_paper.get(pid, []) if pid is not None else []:
            for end in (e["source"], e["target"]):
                n = nodes.get(end, {})
                if n.get("label") != PAPER and end != pid:
                    nm = n.get("name") or n.get("title") or str(end)
                    rule = e.get("rule", "") if end == e["target"] else ""
                    pred_ents[canon.get(score_fold(nm), nm)][n.get("label") or ""].update({rule} - {""})
            t = nodes.get(e["target"], {})
            tname = t.get("name") or t.get("title") or str(e["target"])
            info = EdgeInfo(e.get("type", ""), canon.get(score_fold(tname), tname), t.get("label") or "",
                            e.get("rule", ""), float(e.get("confidence", 0.0)), e.get("evidence", ""))
            if info.type in RELATIONS:
                ok = (info.type, info.target) in gold_rel
                if not ok:
                    rep.spurious_relations.append(info)
            elif info.type == "INTRODUCES":
                ok = info.target in gold_intro
                if not ok:
                    rep.spurious_introduces.append(info)
            else:   # MENTIONS: correct when the entity is a gold entity
                ok = info.target in gold_types
            rep.edges.append((info, ok))
        pred_rel = {(i.type, i.target) for i, _ in rep.edges if i.type in RELATIONS}
        pred_intro = {i.target for i, _ in rep.edges if i.type == "INTRODUCES"}
        rep.missed_entities = sorted((n, t) for n, t in gold_types.items() if n not in pred_ents)
        rep.spurious_entities = sorted(
            (n, "/".join(sorted(labels)), ", ".join(sorted(set().union(*labels.values()))))
            for n, labels in pred_ents.items() if n not in gold_types)
        rep.mistyped_entities = sorted(
            (n, gold_types[n], "/".join(sorted(labels))) for n, labels in pred_ents.items()
            if n in gold_types and gold_types[n] not in labels)
        rep.missed_relations = sorted((t, o, o in pred_ents) for t, o in gold_rel - pred_rel)
        rep.missed_introduces = sorted((n, n in pred_ents) for n in gold_intro - pred_intro)
        rep.spurious_relations.sort(key=_edge_key)
        rep.spurious_introduces.sort(key=_edge_key)
        rep.edges.sort(key=lambda x: _edge_key(x[0]))
        papers.append(rep)
    return ErrorReport(scores, papers)


def _edge_key(e: EdgeInfo) -> tuple:
    return (e.type, e.target, e.rule, -e.confidence, e.evidence, e.label)


def rule_precision(report: ErrorReport) -> dict[str, tuple[int, int]]:
    """``rule id -> (predicted edges, correct edges)`` over the gold papers (MENTIONS rules included)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for paper in report.papers:
        for info, ok in paper.edges:
            c = counts[f"{info.type} {info.rule}" if info.type != "MENTIONS" else info.rule]
            c[0] += 1
            c[1] += int(ok)
    return {k: (v[0], v[1]) for k, v in sorted(counts.items())}


def error_summary(report: ErrorReport) -> list[tuple[str, int]]:
    """Error categories with counts, most frequent first (ties by name): the input for rule work."""
    c: Counter[str] = Counter()
    for p in report.papers:
        for _, t in p.missed_entities:
            c[f"missed entity ({t})"] += 1
        for _, label, _ in p.spurious_entities:
            c[f"spurious entity ({label})"] += 1
        for _, gt, ours in p.mistyped_entities:
            c[f"mistyped entity (gold {gt}, ours {ours})"] += 1
        for t, _, seen in p.missed_relations:
            c[f"missed {t} ({'entity found, no relation' if seen else 'entity not found'})"] += 1
        for e in p.spurious_relations:
            c[f"spurious {e.type} [{e.rule}]"] += 1
        for _, seen in p.missed_introduces:
            c[f"missed INTRODUCES ({'entity found' if seen else 'entity not found'})"] += 1
        for e in p.spurious_introduces:
            c[f"spurious INTRODUCES [{e.rule}]"] += 1
    return sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))


def _md(text: str) -> str:
    """Escape text for a Markdown table cell or list item (pipes, backticks, angle brackets, newlines)."""
    return (str(text).replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`").replace("<", "&lt;")
            .replace(">", "&gt;").replace("\n", " "))


def render_markdown(report: ErrorReport, *, graph_desc: str, gold_desc: str) -> str:
    """The report as Markdown: figures, error categories, per-rule precision, then one section per paper."""
    out = ["# Error report", "", f"Graph: {_md(graph_desc)}  ", f"Gold: {_md(gold_desc)}", "",
           "## Scores", "", "```", format_scores(report.scores), "```", "",
           "## Error categories", "", "| category | count |", "| --- | ---: |"]
    out += [f"| {_md(k)} | {v} |" for k, v in error_summary(report)]
    out += ["", "## Per-rule precision (edges of the gold papers)", "",
            "A relation edge is correct when its (type, target) is a gold relation, an INTRODUCES edge when its "
            "target is a gold introduced name, a MENTIONS edge when its target is a gold entity.", "",
            "| rule | predicted | correct | precision |", "| --- | ---: | ---: | ---: |"]
    for rule, (n, ok) in rule_precision(report).items():
        out.append(f"| {_md(rule)} | {n} | {ok} | {ok / n:.2f} |")
    out += ["", "## Papers", ""]
    for i, p in enumerate(report.papers, start=1):
        out += [f"### {i}. {_md(p.title)}", ""]
        if not p.found:
            out += ["*Paper not found in the graph.*", ""]
            continue
        items = []
        items += [f"- missed entity: **{_md(n)}** ({t})" for n, t in p.missed_entities]
        items += [f"- spurious entity: **{_md(n)}** ({_md(lbl)}; rules: {_md(r) or '-'})" for n, lbl, r in p.spurious_entities]
        items += [f"- mistyped entity: **{_md(n)}** gold {gt}, ours {_md(ours)}" for n, gt, ours in p.mistyped_entities]
        items += [f"- missed {t}: **{_md(o)}** ({'entity found, no relation' if seen else 'entity not found'})"
                  for t, o, seen in p.missed_relations]
        items += [f"- missed INTRODUCES: **{_md(n)}** ({'entity found' if seen else 'entity not found'})"
                  for n, seen in p.missed_introduces]
        for e in (*p.spurious_relations, *p.spurious_introduces):
            items.append(f"- spurious {e.type}: **{_md(e.target)}** ({_md(e.label)}) rule {_md(e.rule)}, "
                         f"conf {e.confidence:.2f}  \n  > {_md(e.evidence)}")
        out += (items or ["- no errors"]) + [""]
    return "\n".join(out).rstrip("\n") + "\n"
