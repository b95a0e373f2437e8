"""Lineage: the EXTENDS trees/DAGs of techniques and models.

The lineage graph is :func:`kg.analytics.common.claim_graph` of EXTENDS, with edges
``child -> parent`` ("child extends parent"). Paper-sourced EXTENDS edges are attributed
to the entities the paper introduces, or to the paper itself when it names none.

* a **root** extends nothing but is extended by something;
* the **depth** of a node is the number of EXTENDS hops on its longest chain up to a root
  (roots have depth 0), computed on the acyclic part (edges inside an EXTENDS cycle, which
  would make "depth" undefined, are set aside and reported as cycles);
* a **tree** is a weakly connected component of the lineage graph;
* **most extended** ranks parents by the number of distinct papers extending them.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from kg.analytics.common import acyclic_part, claim_graph, dkey, lexi_topo

NODE_COLUMNS = ("name", "label", "depth", "extends", "extended_by", "papers_extending", "roots", "tree", "id")
TREE_COLUMNS = ("tree", "size", "depth", "roots", "longest_chain")
EXTENDED_COLUMNS = ("rank", "name", "label", "papers_extending", "children", "id")


def lineage_graph(G: nx.MultiDiGraph) -> nx.DiGraph:
    """The EXTENDS graph (child -> parent) with ``papers``/``weight``/``evidence`` on edges."""
    return claim_graph(G, "EXTENDS")


def depths(L: nx.DiGraph) -> dict[Any, int]:
    """Depth of every node: hops on the longest EXTENDS chain from it up to a root (acyclic part).

    Examples
    --------
    >>> L = nx.DiGraph([("c", "b"), ("b", "a"), ("c", "a")])
    >>> dict(sorted(depths(L).items()))
    {'a': 0, 'b': 1, 'c': 2}
    """
    A, _ = acyclic_part(L)
    depth: dict[Any, int] = {}
    for n in reversed(lexi_topo(A)):            # parents (successors) come later in topological order
        depth[n] = 1 + max((depth[p] for p in A.successors(n)), default=-1)
    return depth


def roots_of(L: nx.DiGraph) -> dict[Any, list[Any]]:
    """Map each node to the roots its EXTENDS chains reach (itself for a root), sorted by name."""
    A, _ = acyclic_part(L)
    out = {}
    for n in L.nodes:
        reach = nx.descendants(A, n) | {n}
        out[n] = sorted((r for r in reach if A.out_degree(r) == 0), key=lambda r: dkey(L, r))
    return out


def node_table(L: nx.DiGraph) -> list[dict]:
    """One row per lineage node, sorted by tree, depth, then name."""
    depth = depths(L)
    roots = roots_of(L)
    tree_of = {n: i for i, t in enumerate(trees(L), start=1) for n in t["nodes"]}
    rows = []
    for n in L.nodes:
        papers = {p for _, _, d in L.in_edges(n, data=True) for p in d["papers"]}
        rows.append({
            "id": str(n), "name": L.nodes[n]["name"], "label": L.nodes[n]["label"], "depth": depth[n],
            "extends": sorted((L.nodes[p]["name"] for p in L.successors(n)), key=str.casefold),
            "extended_by": sorted((L.nodes[c]["name"] for c in L.predecessors(n)), key=str.casefold),
            "papers_extending": len(papers),
            "roots": [L.nodes[r]["name"] for r in roots[n]], "tree": tree_of[n],
        })
    rows.sort(key=lambda r: (r["tree"], r["depth"], r["name"].casefold(), r["id"]))
    return rows


def longest_chain(L: nx.DiGraph, nodes: set | None = None) -> list[Any]:
    """Longest EXTENDS chain (root first) within ``nodes`` (all when None), on the acyclic part.

    Uses ``nx.dag_longest_path`` with a name-ordered topological sort so ties resolve the same
    way every run.

    Examples
    --------
    >>> longest_chain(nx.DiGraph([("c", "b"), ("b", "a"), ("d", "a")]))
    ['a', 'b', 'c']
    """
    A, _ = acyclic_part(L if nodes is None else L.subgraph(nodes))
    if A.number_of_nodes() == 0:
        return []
    R = A.reverse(copy=True)                       # parent -> child, so the path reads root first
    return list(nx.dag_longest_path(R, weight=None, topo_order=lexi_topo(R)))


def trees(L: nx.DiGraph) -> list[dict]:
    """Weakly connected components, largest first: nodes, size, depth, roots and longest chain (names)."""
    depth = depths(L)
    out = []
    for comp in nx.weakly_connected_components(L):
        nodes = sorted(comp, key=lambda n: dkey(L, n))
        sub = L.subgraph(nodes)
        A, _ = acyclic_part(sub)
        rts = [n for n in nodes if A.out_degree(n) == 0 and A.in_degree(n) > 0] or nodes[:1]
        chain = longest_chain(L, set(nodes))
        out.append({"nodes": nodes, "size": len(nodes), "depth": max(depth[n] for n in nodes),
                    "roots": [L.nodes[r]["name"] for r in rts],
                    "longest_chain": " ← ".join(L.nodes[n]["name"] for n in chain), "chain_ids": chain})
    out.sort(key=lambda t: (-t["size"], -t["depth"], [dkey(L, n) for n in t["nodes"]]))
    for i, t in enumerate(out, start=1):
        t["tree"] = i
    return out


def most_extended(L: nx.DiGraph, top: int | None = 10) -> list[dict]:
    """Parents ranked by distinct papers extending them, then by number of children, then name."""
    rows = []
    for n in L.nodes:
        if L.in_degree(n) == 0:
            continue
        papers = {p for _, _, d in L.in_edges(n, data=True) for p in d["papers"]}
        rows.append({"id": str(n), "name": L.nodes[n]["name"], "label": L.nodes[n]["label"],
                     "papers_extending": len(papers), "children": L.in_degree(n)})
    rows.sort(key=lambda r: (-r["papers_extending"], -r["children"], r["name"].casefold(), r["id"]))
    for i, r in enumerate(rows, start=1):
        r["rank"] = i
    return rows if top is None else rows[:top]


def cycles(L: nx.DiGraph, length_bound: int = 8) -> list[list[Any]]:
    """EXTENDS cycles (contradictory lineage), each rotated to start at its smallest name."""
    found = []
    for c in nx.simple_cycles(L, length_bound=length_bound):
        i = min(range(len(c)), key=lambda k: dkey(L, c[k]))
        found.append(c[i:] + c[:i])
    found.sort(key=lambda c: (len(c), [dkey(L, n) for n in c]))
    return found
