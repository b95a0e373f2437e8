"""Scale a graph up by disjoint copies with renamed ids, for load benchmarks and stress tests.

Copy ``i`` renames every node id ``x`` to ``x#i`` (and each edge's ``paper`` likewise), so the copies share
nothing and a load of ``k`` copies writes exactly ``k`` times the nodes and relationships.
"""

from __future__ import annotations

import networkx as nx


def scale_graph(G: nx.MultiDiGraph, copies: int) -> nx.MultiDiGraph:
    """Return the disjoint union of ``copies`` renamed copies of ``G`` (copy 0 keeps the original ids).

    Examples
    --------
    >>> G = nx.MultiDiGraph(); G.add_node("p", label="Paper"); G.add_edge("p", "p", type="MENTIONS", paper="p")
    0
    >>> H = scale_graph(G, 3)
    >>> sorted(H.nodes), sorted(d["paper"] for _, _, d in H.edges(data=True))
    (['p', 'p#1', 'p#2'], ['p', 'p#1', 'p#2'])
    """
    out = nx.MultiDiGraph()
    for i in range(copies):
        rename = (lambda x: str(x)) if i == 0 else (lambda x, i=i: f"{x}#{i}")
        for n, attrs in G.nodes(data=True):
            out.add_node(rename(n), **{**attrs, "id": rename(n)} if "id" in attrs else attrs)
        for u, v, k, attrs in G.edges(keys=True, data=True):
            data = dict(attrs)
            if data.get("paper") is not None:
                data["paper"] = rename(data["paper"])
            out.add_edge(rename(u), rename(v), key=k, **data)
    return out
