"""GEXF 1.2 (Gephi): a graph as GEXF, via ``networkx.generate_gexf``.

GEXF attributes are scalars, so list values (aliases, authors, sources) are JSON-encoded strings and
``None`` values are dropped. GEXF reserves ``label`` (display text) and an edge's ``type``
(directed/undirected): the node's contract label is written as attribute ``kind`` with ``label`` = its name,
and the edge's relation type as attribute ``relation`` with ``label`` = the type. The writer's ``lastmodifieddate`` (today's date) is removed so that the
output depends only on the graph. Nodes and edges are written in sorted order.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx

from kg.neo4j.rows import to_property


def _scalar(value):
    value = to_property(value)
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value


def gexf_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A sorted copy of ``G`` whose attributes GEXF can hold.

    Examples
    --------
    >>> G = nx.MultiDiGraph(); G.add_node("a", label="Model", aliases=["x"], url=None)
    >>> dict(gexf_graph(G).nodes["a"])
    {'aliases': '["x"]', 'kind': 'Model', 'label': 'a'}
    """
    H = nx.MultiDiGraph()
    for n in sorted(G.nodes, key=str):
        attrs = {k: _scalar(v) for k, v in sorted(G.nodes[n].items()) if _scalar(v) is not None}
        attrs["kind"] = attrs.pop("label", None)
        attrs["label"] = attrs.get("name", str(n))
        H.add_node(str(n), **{k: v for k, v in sorted(attrs.items()) if v is not None})
    for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2]))):
        attrs = {a: _scalar(x) for a, x in sorted(d.items()) if _scalar(x) is not None}
        attrs["relation"] = attrs.pop("type", None)
        attrs["label"] = attrs["relation"]
        H.add_edge(str(u), str(v), key=str(k), **{a: x for a, x in attrs.items() if x is not None})
    return H


def write_gexf(G: nx.MultiDiGraph, out: str | Path, *, source: str = "graph") -> list[Path]:
    """Write ``G`` to ``out`` as GEXF (attributes as in :func:`gexf_graph`, no date); return ``[out]``.

    ``source`` is accepted for the common exporter signature (this format has nothing to check).
    """
    out = Path(out)
    text = "\n".join(nx.generate_gexf(gexf_graph(G), encoding="utf-8", prettyprint=True)) + "\n"
    text = re.sub(r' lastmodifieddate="[^"]*"', "", text, count=1)
    out.write_text(text, encoding="utf-8")
    return [out]
