"""Cytoscape.js JSON: a graph as (``{"elements": {"nodes": [...], "edges": [...]}}``).

Built with ``networkx.cytoscape_data``; nodes and edges are sorted, keys sorted, ``None`` values dropped,
so the file is deterministic. ``networkx.cytoscape_graph`` reads it back.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx


def cytoscape_json(G: nx.MultiDiGraph) -> dict:
    """The Cytoscape.js document for ``G`` (sorted, ``None`` dropped).

    Examples
    --------
    >>> G = nx.MultiDiGraph(); G.add_node("a", name="A", label="Model"); G.add_edge("a", "a", type="USES")
    0
    >>> d = cytoscape_json(G); d["elements"]["nodes"][0]["data"]["name"], len(d["elements"]["edges"])
    ('A', 1)
    """
    H = nx.MultiDiGraph()
    for n in sorted(G.nodes, key=str):
        H.add_node(n, **{k: v for k, v in G.nodes[n].items() if v is not None})
    for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2]))):
        H.add_edge(u, v, key=k, **{a: x for a, x in d.items() if x is not None})
    return nx.cytoscape_data(H)


def write_cytoscape(G: nx.MultiDiGraph, out: str | Path, *, source: str = "graph") -> list[Path]:
    """Write ``G`` to ``out`` as Cytoscape.js JSON (sorted keys, ``indent=1``); return ``[out]``.

    ``source`` is accepted for the common exporter signature (this format has nothing to check).
    """
    out = Path(out)
    out.write_text(json.dumps(cytoscape_json(G), ensure_ascii=False, sort_keys=True, indent=1) + "\n",
                   encoding="utf-8")
    return [out]


def read_cytoscape(path: str | Path) -> nx.MultiDiGraph:
    """Read a file written by :func:`write_cytoscape` back into a ``MultiDiGraph`` (``networkx.cytoscape_graph``).

    Examples
    --------
    >>> import tempfile, os
    >>> G = nx.MultiDiGraph(); G.add_node("a", name="A", label="Model"); G.add_edge("a", "a", type="USES")
    0
    >>> p = os.path.join(tempfile.mkdtemp(), "g.json"); _ = write_cytoscape(G, p)
    >>> H = read_cytoscape(p); H.nodes["a"]["label"], H.number_of_edges()
    ('Model', 1)
    """
    with open(path, encoding="utf-8") as fh:
        return nx.MultiDiGraph(nx.cytoscape_graph(json.load(fh)))
