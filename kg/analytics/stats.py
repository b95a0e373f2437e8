"""Headline numbers of a graph, for ``kg stats``: counts by label and type, top-10 lists, components."""

from __future__ import annotations

from collections import Counter

import networkx as nx

from kg.analytics.rankings import rank_entities
from kg.analytics.trends import date_range
from kg.schema import ENTITY_LABELS, NODE_LABELS, RELATION_TYPES


def headline(G: nx.MultiDiGraph, top: int = 10) -> dict:
    """Return the headline numbers as a JSON-ready dict.

    Keys: ``nodes``, ``edges``, ``labels`` (count per node label), ``types`` (count per edge type),
    ``components`` (weakly connected: ``count``, ``largest``, ``isolated``, ``sizes`` of the ten
    largest), ``top_used`` (per entity label, the ``top`` entities by USES papers) and
    ``top_mentioned`` (the ``top`` entities by MENTIONS papers), ``dates`` (first and last paper date, papers
    dated / without a date / with a date lacking the year). Lists are ``[name, papers]`` pairs.

    Examples
    --------
    >>> G = nx.MultiDiGraph(); G.add_node("p", label="Paper"); G.add_node("d", label="Dataset", name="D")
    >>> _ = G.add_edge("p", "d", type="USES", paper="p")
    >>> h = headline(G); h["labels"]["Dataset"], h["types"]["USES"], h["components"]["count"]
    (1, 1, 1)
    """
    labels = Counter(d.get("label", "") for _, d in G.nodes(data=True))
    types = Counter(d.get("type", "") for _, _, d in G.edges(data=True))
    comps = sorted((len(c) for c in nx.weakly_connected_components(G)), reverse=True)

    def pairs(rows: list[dict]) -> list[list]:
        return [[r["name"], r["papers"]] for r in rows]

    return {
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "labels": {k: labels.get(k, 0) for k in NODE_LABELS} | {k: v for k, v in sorted(labels.items())
                                                               if k not in NODE_LABELS},
        "types": {k: types.get(k, 0) for k in RELATION_TYPES} | {k: v for k, v in sorted(types.items())
                                                                if k not in RELATION_TYPES},
        "components": {"count": len(comps), "largest": comps[0] if comps else 0,
                       "isolated": sum(1 for n in G if G.degree(n) == 0), "sizes": comps[:10]},
        "top_used": {lab: pairs(rank_entities(G, lab, ("USES",), top)) for lab in ENTITY_LABELS},
        "top_mentioned": pairs(rank_entities(G, None, ("MENTIONS",), top)),
        "dates": date_range(G),
    }


def headline_text(h: dict) -> str:
    """Human-readable rendering of :func:`headline` (what ``kg stats`` prints)."""
    lines = [f"nodes: {h['nodes']}   edges: {h['edges']}",
             "labels: " + ", ".join(f"{k}={v}" for k, v in h["labels"].items()),
             "types:  " + ", ".join(f"{k}={v}" for k, v in h["types"].items()),
             f"components: {h['components']['count']} (largest {h['components']['largest']} nodes, "
             f"{h['components']['isolated']} isolated)"]
    d = h["dates"]
    lines.append(f"dates: {d['first'] or '-'} to {d['last'] or '-'} ({d['dated']} papers dated, {d['undated']} without "
                 f"a date, {d['no_month']} with a date lacking the year)")
    for lab, rows in h["top_used"].items():
        lines.append(f"top {lab.lower()}s by papers using them: " + (", ".join(f"{n} ({c})" for n, c in rows) or "-"))
    lines.append("top entities by papers mentioning them: "
                 + (", ".join(f"{n} ({c})" for n, c in h["top_mentioned"]) or "-"))
    return "\n".join(lines) + "\n"
