"""Read and write the graph contract (node-link JSON) as a NetworkX ``MultiDiGraph``.

The contract, relied on by the Neo4j loader, the viz, the analytics and the scorer:

* nodes: ``id``, ``label`` (Paper | Model | Dataset | Technique), ``name``, ``aliases`` (list);
  papers also ``title``, ``abstract``, ``sources`` (list of input files), and ``date``, ``authors``,
  ``url``, ``arxiv_id`` when known; entities also ``paper_count``.
* edges: ``source``, ``target``, ``key``, ``type`` (INTRODUCES | USES | OUTPERFORMS | EXTENDS | MENTIONS),
  ``paper`` (id of the Paper whose text gave it), ``evidence`` (the sentence), ``rule``, ``confidence``.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx


def load_graph(path: str | Path) -> nx.MultiDiGraph:
    """Load ``graph.json`` (written by ``kg build``) into a ``MultiDiGraph``.

    Examples
    --------
    >>> G = load_graph("out/graph.json")            # doctest: +SKIP
    >>> sorted({d["label"] for _, d in G.nodes(data=True)})   # doctest: +SKIP
    ['Dataset', 'Model', 'Paper', 'Technique']
    """
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    edges_key = "edges" if "edges" in data else "links"
    data.setdefault("multigraph", True)
    data.setdefault("directed", True)
    return nx.node_link_graph(data, directed=True, multigraph=True, edges=edges_key)


def graph_to_json_text(G: nx.MultiDiGraph) -> str:
    """Serialise ``G`` as deterministic node-link JSON text (sorted nodes and edges, sorted keys)."""
    data = nx.node_link_data(G, edges="edges")
    data["nodes"] = sorted(data["nodes"], key=lambda n: str(n["id"]))
    data["edges"] = sorted(
        data["edges"], key=lambda e: (str(e["source"]), str(e["target"]), str(e.get("key", "")))
    )
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def write_graph_json(G: nx.MultiDiGraph, path: str | Path) -> None:
    """Write ``G`` to ``path`` as node-link JSON (``networkx.node_link_data(G, edges="edges")``).

    Streams the file (``kg.writers.graph_json``); the bytes equal ``graph_to_json_text(G)``.
    """
    from kg.writers.graph_json import write_graph_json_stream

    write_graph_json_stream(G, path)
