"""GraphML writer: list and dict attributes are JSON-encoded (GraphML holds scalars only), None dropped."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx


def _scalar_attrs(attrs: dict) -> dict:
    out = {}
    for key, value in attrs.items():
        if value is None:
            continue
        out[key] = json.dumps(value, ensure_ascii=False, sort_keys=True) if isinstance(value, (list, dict, tuple)) else value
    return out


def to_graphml_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``G`` whose attributes GraphML can hold, nodes and edges in sorted order."""
    H = nx.MultiDiGraph()
    for node in sorted(G.nodes):
        H.add_node(node, **_scalar_attrs(G.nodes[node]))
    for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2]))):
        H.add_edge(u, v, key=k, **_scalar_attrs(d))
    return H


def write_graphml(G: nx.MultiDiGraph, path: str | Path) -> None:
    """Write ``G`` as GraphML (opens in Gephi, Cytoscape, yEd; ``nx.read_graphml`` reads it back).

    Examples
    --------
    >>> import networkx as nx, tempfile, os
    >>> G = nx.MultiDiGraph(); G.add_node("a", label="Model", aliases=["A"]); G.add_edge("a", "a", key="k", type="USES")
    'k'
    >>> p = os.path.join(tempfile.mkdtemp(), "g.graphml"); write_graphml(G, p)
    >>> nx.read_graphml(p).nodes["a"]["aliases"]
    '["A"]'
    """
    nx.write_graphml_lxml(to_graphml_graph(G), str(path)) if _has_lxml() else nx.write_graphml_xml(to_graphml_graph(G), str(path))


def _has_lxml() -> bool:
    try:
        import lxml  # noqa: F401
    except ImportError:
        return False
    return True
