"""graph.json written as a stream: the bytes of ``kg.graphio.graph_to_json_text`` without building them in memory.

``graph_to_json_text`` makes ``networkx.node_link_data`` (a second copy of every node and edge dict), sorts
it and encodes it into one string; for a large graph that transient copy was most of the build's peak
memory. This writer sorts only the node ids and edge keys and encodes (``indent=1``, sorted keys, unicode kept;
``kg.jsontext``, the standard library's text without its slow pure-Python indenting encoder) a document whose
node and edge lists are generated one item at a time, writing the chunks as they come. The output is
byte-identical to ``graph_to_json_text`` (checked by ``tests/test_scale.py``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
import networkx as nx

from kg.jsontext import iterencode
from kg.writers.chunks import write_chunks


class _LazyList(list):
    """A list the JSON encoder iterates without it ever being built: ``len`` is known, items come from a generator.

    The encoder (``kg.jsontext``, like ``json``'s pure-Python one) tests a list for emptiness and then iterates
    it, so this stands in for the node and edge lists of ``node_link_data``.
    """

    def __init__(self, length: int, items: Callable[[], Iterator[dict]]) -> None:
        super().__init__()
        self._length = length
        self._items = items

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[dict]:
        return self._items()


def _nodes(G: nx.MultiDiGraph) -> Iterator[dict]:
    attrs = G._node
    for n in sorted(attrs, key=str):
        yield {**attrs[n], "id": n}


def _edges(G: nx.MultiDiGraph) -> Iterator[dict]:
    adj = G._adj
    keys = sorted(((u, v, k) for u, nbrs in adj.items() for v, kd in nbrs.items() for k in kd),
                  key=lambda e: (str(e[0]), str(e[1]), str(e[2])))
    for u, v, k in keys:
        yield {**adj[u][v][k], "source": u, "target": v, "key": k}


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
    data = {
        "directed": True,
        "multigraph": True,
        "graph": G.graph,
        "nodes": _LazyList(G.number_of_nodes(), lambda: _nodes(G)),
        "edges": _LazyList(G.number_of_edges(), lambda: _edges(G)),
    }
    with open(path, "w", encoding="utf-8") as fh:
        write_chunks(fh, itertools.chain(iterencode(data), ["\n"]))
