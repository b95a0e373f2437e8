"""Leaderboards: who beats whom, from the OUTPERFORMS claims.

The *beats graph* is :func:`kg.analytics.common.claim_graph` of OUTPERFORMS: an edge
``winner -> loser`` per distinct pair, weighted by the number of distinct papers claiming
it. Entity-sourced edges keep their source; Paper-sourced ones are attributed to the
entities the paper introduces, or, when the paper names none, to the Paper node itself
("this paper's method"), so no claim is lost. Paper nodes are labelled ``Paper`` in
every table so they are easy to tell apart.

* **ranking**: wins (distinct opponents beaten), losses (distinct opponents lost to),
  ``score = wins - losses``, and PageRank on the reversed graph (losers pass rank to the
  entities that beat them, so beating a strong entity counts more);
* **chains**: the longest "A beats B beats C" paths, on the acyclic part of the graph;
* **cycles**: "A beats B ... beats A" — contradictions, listed with each edge's evidence.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from kg.analytics.common import acyclic_part, claim_graph, dkey, lexi_topo

RANK_COLUMNS = ("rank", "name", "label", "wins", "losses", "score", "pagerank", "beaten", "beaten_by", "id")
CHAIN_COLUMNS = ("length", "chain", "papers")
CYCLE_COLUMNS = ("cycle", "length", "winner", "loser", "paper", "evidence")


def beats_graph(G: nx.MultiDiGraph) -> nx.DiGraph:
    """The OUTPERFORMS graph ``winner -> loser`` with ``papers``/``weight``/``evidence`` per edge."""
    return claim_graph(G, "OUTPERFORMS")


def ranking(B: nx.DiGraph, top: int | None = None) -> list[dict]:
    """Rank the beats graph's nodes by PageRank on the reversed graph, then score, then name.

    Examples
    --------
    >>> B = nx.DiGraph([("a", "b"), ("b", "c")])
    >>> nx.set_node_attributes(B, {n: n for n in B}, "name"); nx.set_node_attributes(B, "Model", "label")
    >>> [(r["name"], r["wins"], r["losses"], r["score"]) for r in ranking(B)]
    [('a', 1, 0, 1), ('b', 1, 1, 0), ('c', 0, 1, -1)]
    """
    if B.number_of_nodes() == 0:
        return []
    pr = nx.pagerank(B.reverse(copy=True), alpha=0.85, weight="weight")
    rows = []
    for n in B.nodes:
        rows.append({
            "id": str(n), "name": B.nodes[n]["name"], "label": B.nodes[n]["label"],
            "wins": B.out_degree(n), "losses": B.in_degree(n), "score": B.out_degree(n) - B.in_degree(n),
            "pagerank": round(pr[n], 6),
            "beaten": sorted((B.nodes[v]["name"] for v in B.successors(n)), key=str.casefold),
            "beaten_by": sorted((B.nodes[u]["name"] for u in B.predecessors(n)), key=str.casefold),
        })
    rows.sort(key=lambda r: (-r["pagerank"], -r["score"], r["name"].casefold(), r["id"]))
    for i, r in enumerate(rows, start=1):
        r["rank"] = i
    return rows if top is None else rows[:top]


def longest_chains(B: nx.DiGraph, top: int = 10) -> list[dict]:
    """The longest "beats" chain from every unbeaten starting node, longest first.

    Computed on the acyclic part (edges inside a cycle are contradictions, see :func:`cycles`)
    with ``nx.dag_longest_path`` per start node and a name-ordered topological sort.

    Examples
    --------
    >>> B = nx.DiGraph([("a", "b"), ("b", "c"), ("d", "c")])
    >>> nx.set_node_attributes(B, {n: n for n in B}, "name")
    >>> nx.set_edge_attributes(B, [], "papers")
    >>> [c["chain"] for c in longest_chains(B)]
    ['a > b > c', 'd > c']
    """
    A, _ = acyclic_part(B)
    starts = [n for n in A.nodes if A.in_degree(n) == 0 and A.out_degree(n) > 0]
    out = []
    for s in starts:
        sub = A.subgraph(nx.descendants(A, s) | {s})
        path = nx.dag_longest_path(sub, weight=None, topo_order=lexi_topo(sub))
        papers = sorted({p for u, v in zip(path, path[1:]) for p in A.edges[u, v]["papers"]})
        out.append({"length": len(path) - 1, "chain": " > ".join(B.nodes[n]["name"] for n in path),
                    "nodes": path, "papers": papers})
    out.sort(key=lambda c: (-c["length"], [dkey(B, n) for n in c["nodes"]]))
    return out[:top]


def cycles(B: nx.DiGraph, length_bound: int = 6) -> list[dict]:
    """Simple cycles of the beats graph (contradictions), each with the evidence of every edge.

    Each cycle is rotated to start at its smallest name; returns ``{nodes, names, edges}`` where
    ``edges`` lists ``{winner, loser, evidence: [...]}`` in cycle order.

    Examples
    --------
    >>> B = nx.DiGraph(); B.add_edge("a", "b", evidence=[]); B.add_edge("b", "a", evidence=[])
    >>> nx.set_node_attributes(B, {n: n for n in B}, "name")
    >>> [c["names"] for c in cycles(B)]
    [['a', 'b']]
    """
    found = []
    for c in nx.simple_cycles(B, length_bound=length_bound):
        i = min(range(len(c)), key=lambda k: dkey(B, c[k]))
        c = c[i:] + c[:i]
        edges = [{"winner": B.nodes[u]["name"], "loser": B.nodes[v]["name"], "evidence": B.edges[u, v]["evidence"]}
                 for u, v in zip(c, c[1:] + c[:1])]
        found.append({"nodes": c, "names": [B.nodes[n]["name"] for n in c], "edges": edges})
    found.sort(key=lambda x: (len(x["nodes"]), [dkey(B, n) for n in x["nodes"]]))
    return found


def cycle_rows(found: list[dict]) -> list[dict]:
    """Flatten :func:`cycles` to one table row per (cycle, edge, evidence sentence)."""
    rows: list[dict[str, Any]] = []
    for i, c in enumerate(found, start=1):
        label = " > ".join(c["names"] + c["names"][:1])
        for e in c["edges"]:
            for ev in e["evidence"] or [{"paper": "", "evidence": ""}]:
                rows.append({"cycle": i, "length": len(c["nodes"]), "winner": e["winner"], "loser": e["loser"],
                             "paper": ev["paper"], "evidence": ev["evidence"], "path": label})
    return rows
