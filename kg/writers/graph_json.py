"""graph.json written as a stream: the bytes of ``kg.graphio.graph_to_json_text`` without building them in memory.

``graph_to_json_text`` makes ``networkx.node_link_data`` (a second copy of every node and edge dict), sorts
it and encodes it into one string; for a large graph that transient copy was most of the build's peak
memory. This writer sorts only the node ids and edge keys, and encodes one node or edge at a time with
the same encoder settings (``indent=1``, sorted keys, unicode kept), indenting each to its depth in the
document — JSON strings hold no raw newlines, so re-indenting line by line is exact. The output is
byte-identical to ``graph_to_json_text`` (checked by ``tests/test_scale.py``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import networkx as nx

_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, indent=1)


def _indented(value, depth: int) -> str:
    """``value`` encoded with indent=1, its continuation lines shifted right by ``depth`` spaces."""
    text = _ENCODER.encode(value)
    return text.replace("\n", "\n" + " " * depth) if depth else text


def _write_list(fh: IO[str], items: Iterable[dict]) -> None:
    first = True
    for item in items:
        fh.write("[\n  " if first else ",\n  ")
        fh.write(_indented(item, 2))
        first = False
    fh.write("[]" if first else "\n ]")


def _nodes(G: nx.MultiDiGraph) -> Iterator[dict]:
    for n in sorted(G.nodes, key=str):
        yield {**G.nodes[n], "id": n}


def _edges(G: nx.MultiDiGraph) -> Iterator[dict]:
    for u, v, k in sorted(G.edges(keys=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2]))):
        yield {**G.edges[u, v, k], "source": u, "target": v, "key": k}


def write_graph_json_stream(G: nx.MultiDiGraph, path: str | Path) -> None:
    """Write ``G`` as the node-link JSON of ``kg.graphio.write_graph_json``, one node/edge in memory at a time.

    Examples
    --------
    >>> import tempfile, os
    >>> from kg.graphio import graph_to_json_text
    >>> G = nx.MultiDiGraph(); G.add_node("p", label="Paper", aliases=[]); G.add_edge("p", "e", key="k", type="USES")
    'k'
    >>> p = os.path.join(tempfile.mkdtemp(), "graph.json"); write_graph_json_stream(G, p)
    >>> open(p, encoding="utf-8").read() == graph_to_json_text(G)
    True
    """
    if not isinstance(G, nx.MultiDiGraph):
        raise TypeError("write_graph_json_stream writes the MultiDiGraph of the graph contract")
    top = {"directed": True, "multigraph": True, "graph": G.graph, "nodes": None, "edges": None}
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("{")
        for i, key in enumerate(sorted(top)):
            fh.write(("\n " if i == 0 else ",\n ") + json.dumps(key, ensure_ascii=False) + ": ")
            if key == "nodes":
                _write_list(fh, _nodes(G))
            elif key == "edges":
                _write_list(fh, _edges(G))
            else:
                fh.write(_indented(top[key], 1))
        fh.write("\n}\n")
