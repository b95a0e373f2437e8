"""Node-link JSON (``graph.json``): the graph contract as a NetworkX ``MultiDiGraph``, read and written.

The contract, relied on by the Neo4j loader, the viz, the analytics and the scorer:

* nodes: ``id``, ``label`` (one of ``kg.schema.NODE_LABELS``), ``name``, ``aliases`` (list);
  papers also ``title``, ``abstract``, ``sources`` (list of input files), and ``date``, ``authors``,
  ``url``, ``arxiv_id`` when known; entities also ``paper_count``.
* edges: ``source``, ``target``, ``key``, ``type`` (one of ``kg.schema.RELATION_TYPES``),
  ``paper`` (id of the Paper whose text gave it), ``evidence`` (the sentence), ``rule``, ``confidence``.

``write_graph_json`` writes the file as a stream: ``graph_to_json_text`` makes ``networkx.node_link_data``
(a second copy of every node and edge dict), sorts it and encodes it into one string; for a large graph that
transient copy was most of the build's peak memory. The writer sorts only the node ids and edge keys and encodes
(``indent=1``, sorted keys, unicode kept; ``kg.jsontext``, the standard library's text without its slow
pure-Python indenting encoder) a document whose node and edge lists are generated one item at a time, writing
the chunks as they come. The bytes equal ``graph_to_json_text(G)``
(checked by ``tests/test_scale.py``).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from kg.io.chunks import write_chunks
from kg.jsontext import iterencode

if TYPE_CHECKING:            # networkx is imported where a graph is read or checked: a tenth of a second
    import networkx as nx


def read_graph_json(path: str | Path) -> nx.MultiDiGraph:
    """Read ``graph.json`` (written by ``kg build``) into a ``MultiDiGraph``.

    Parameters
    ----------
    path : str or Path
        A node-link JSON file; edges under ``"edges"`` (kg) or ``"links"`` (older NetworkX).

    Returns
    -------
    networkx.MultiDiGraph

    Examples
    --------
    >>> G = read_graph_json("out/graph.json")            # doctest: +SKIP
    >>> sorted({d["label"] for _, d in G.nodes(data=True)})   # doctest: +SKIP
    ['Dataset', 'Model', 'Paper', 'Technique']
    """
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    edges_key = "edges" if "edges" in data else "links"
    data.setdefault("multigraph", True)
    data.setdefault("directed", True)
    import networkx as nx

    return nx.node_link_graph(data, directed=True, multigraph=True, edges=edges_key)


def graph_to_json_text(G: nx.MultiDiGraph) -> str:
    """Serialise ``G`` as deterministic node-link JSON text (sorted nodes and edges, sorted keys).

    The in-memory reference of :func:`write_graph_json`, which writes the same bytes without building them.
    """
    import networkx as nx

    data = nx.node_link_data(G, edges="edges")
    data["nodes"] = sorted(data["nodes"], key=lambda n: str(n["id"]))
    data["edges"] = sorted(
        data["edges"], key=lambda e: (str(e["source"]), str(e["target"]), str(e.get("key", "")))
    )
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


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


def write_graph_json(G: nx.MultiDiGraph, path: str | Path) -> None:
    """Write ``G`` to ``path`` as node-link JSON (``networkx.node_link_data(G, edges="edges")``), streamed.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph of the contract (see the module docstring).
    path : str or Path
        The file to write (UTF-8, one trailing newline).

    Examples
    --------
    >>> import networkx as nx, tempfile, os
    >>> G = nx.MultiDiGraph(); G.add_node("p", label="Paper", aliases=[]); G.add_edge("p", "e", key="k", type="USES")
    'k'
    >>> p = os.path.join(tempfile.mkdtemp(), "graph.json"); write_graph_json(G, p)
    >>> open(p, encoding="utf-8").read() == graph_to_json_text(G)
    True
    """
    import networkx as nx

    if not isinstance(G, nx.MultiDiGraph):
        raise TypeError("write_graph_json writes the MultiDiGraph of the graph contract")
    data = {
        "directed": True,
        "multigraph": True,
        "graph": G.graph,
        "nodes": _LazyList(G.number_of_nodes(), lambda: _nodes(G)),
        "edges": _LazyList(G.number_of_edges(), lambda: _edges(G)),
    }
    with open(path, "w", encoding="utf-8") as fh:
        write_chunks(fh, itertools.chain(iterencode(data), ["\n"]))
