"""Small helpers shared by the analyses: node names, entity tests, edge filters, sort keys.

Every analysis reads the graph through these so that the contract's details
(``label``, ``name``, ``type``, ``paper`` attributes) are interpreted in one place.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import KgError
from kg.schema import ENTITY_LABELS, PAPER


def load(path: str | Path) -> nx.MultiDiGraph:
    """Load a contract ``graph.json`` with a clear error naming the file when it is missing or malformed.

    Examples
    --------
    >>> load("/nonexistent/graph.json")
    Traceback (most recent call last):
    ...
    kg.errors.KgError: graph file not found: /nonexistent/graph.json
    """
    from kg.io.graph_json import read_graph_json

    p = Path(path)
    if not p.is_file():
        raise KgError(f"graph file not found: {p}")
    try:
        G = read_graph_json(p)
    except (ValueError, KeyError, TypeError, AttributeError, nx.NetworkXError) as exc:   # JSONDecodeError is a ValueError
        raise KgError(f"{p}: not a node-link graph.json ({type(exc).__name__}: {exc})") from exc
    missing = [n for n, d in G.nodes(data=True) if "label" not in d]
    if missing:
        raise KgError(f"{p}: {len(missing)} node(s) lack a 'label' attribute, e.g. {sorted(map(str, missing))[0]!r}")
    return G


def name_of(G: nx.MultiDiGraph, node: Any) -> str:
    """Display name of a node: ``name``, else a paper's ``title``, else its id.

    Examples
    --------
    >>> G = nx.MultiDiGraph(); G.add_node("p1", label="Paper", title="A paper")
    >>> name_of(G, "p1")
    'A paper'
    """
    d = G.nodes[node]
    return str(d.get("name") or d.get("title") or node)


def label_of(G: nx.MultiDiGraph, node: Any) -> str:
    """The node's ``label`` (Paper, Model, Dataset or Technique); ``""`` when absent."""
    return str(G.nodes[node].get("label", ""))


def is_paper(G: nx.MultiDiGraph, node: Any) -> bool:
    """True for Paper nodes."""
    return label_of(G, node) == PAPER


def is_entity(G: nx.MultiDiGraph, node: Any) -> bool:
    """True for Model, Dataset and Technique nodes."""
    return label_of(G, node) in ENTITY_LABELS


def entities(G: nx.MultiDiGraph, label: str | None = None) -> list[Any]:
    """Entity nodes (optionally of one label), sorted by (name, id)."""
    nodes = [n for n in G.nodes if is_entity(G, n) and (label is None or label_of(G, n) == label)]
    return sorted(nodes, key=lambda n: node_key(G, n))


def papers(G: nx.MultiDiGraph) -> list[Any]:
    """Paper nodes sorted by id."""
    return sorted((n for n in G.nodes if is_paper(G, n)), key=str)


def node_key(G: nx.MultiDiGraph, node: Any) -> tuple[str, str]:
    """Sort key breaking ties by case-folded name, then id, so every listing is stable."""
    return (name_of(G, node).casefold(), str(node))


def edges_of(G: nx.MultiDiGraph, types: Iterable[str],
             keep: Callable[[Any, Any, dict], bool] | None = None,
             fill: Callable[[list[tuple[Any, Any, dict]]], None] | None = None) -> Iterator[tuple[Any, Any, dict]]:
    """Yield ``(source, target, data)`` of the edges whose ``type`` is in ``types`` (and, with ``keep``, for which
    ``keep(source, target, data)`` holds: the same edges in the same order, fewer to sort), in a stable order.

    ``fill``, when given, completes the attributes of the chosen edges before they are ordered (``kg build
    --update`` holds the edges it copied with their ``type`` and ``paper`` only: ``kg.pipeline.splice.EarlierEdges``);
    ``keep`` reads only those two."""
    wanted = set(types)
    if G.is_multigraph():           # ``G.edges(data=True)``'s order, without its view objects (a third of the time)
        rows = [(u, v, d) for u, nbrs in G._adj.items() for v, keys in nbrs.items() for d in keys.values()
                if d.get("type") in wanted]
    else:
        rows = [(u, v, d) for u, v, d in G.edges(data=True) if d.get("type") in wanted]
    if keep is not None:
        rows = [(u, v, d) for u, v, d in rows if keep(u, v, d)]
    if fill is not None:
        fill(rows)
    rows.sort(key=lambda e: (str(e[0]), str(e[1]), str(e[2].get("type")), str(e[2].get("paper")),
                             str(e[2].get("evidence", ""))))
    yield from rows


def paper_of(G: nx.MultiDiGraph, u: Any, d: dict) -> Any:
    """Paper an edge came from: its ``paper`` attribute, else its source when that is a Paper."""
    p = d.get("paper")
    if p is None and is_paper(G, u):
        p = u
    return p


def introduced_by(G: nx.MultiDiGraph) -> dict[Any, list[Any]]:
    """Map each paper id to the entities it INTRODUCES (sorted by name)."""
    out: dict[Any, set] = defaultdict(set)
    for u, v, d in edges_of(G, ("INTRODUCES",)):
        if is_entity(G, v):
            out[paper_of(G, u, d)].add(v)
    return {p: sorted(vs, key=lambda n: node_key(G, n)) for p, vs in out.items()}


def papers_per_entity(G: nx.MultiDiGraph, types: Iterable[str]) -> dict[Any, set]:
    """Map each entity to the set of distinct papers whose edges of ``types`` point into it."""
    out: dict[Any, set] = defaultdict(set)
    for u, v, d in edges_of(G, types):
        if is_entity(G, v):
            p = paper_of(G, u, d)
            if p is not None:
                out[v].add(p)
    return out


def paper_entities(G: nx.MultiDiGraph, types: Iterable[str]) -> dict[Any, set]:
    """Map each paper to the entities its edges of ``types`` point to (the inverse of :func:`papers_per_entity`)."""
    out: dict[Any, set] = defaultdict(set)
    for ent, ps in papers_per_entity(G, types).items():
        for p in ps:
            out[p].add(ent)
    return out


def claim_graph(G: nx.MultiDiGraph, rel_type: str) -> nx.DiGraph:
    """Collapse the ``rel_type`` claims (OUTPERFORMS, EXTENDS) into a simple entity-level ``DiGraph``.

    An edge whose source is an entity keeps that source. An edge whose source is a Paper
    (the paper's contribution is unnamed there) is mapped to the entities that paper
    INTRODUCES when it introduces any; otherwise the Paper node itself stands for "the method
    of this paper" and stays in the graph with ``label="Paper"``. Self-loops are dropped.

    Each edge carries ``papers`` (sorted distinct paper ids), ``weight`` (their number) and
    ``evidence`` (sorted list of ``{paper, evidence, rule, confidence}`` dicts); each node
    carries ``name`` and ``label``. Nodes are inserted in (name, id) order so downstream
    algorithms see the same order on every run.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("p", label="Paper", title="T"); G.add_node("a", label="Model", name="A")
    >>> G.add_node("b", label="Model", name="B")
    >>> _ = G.add_edge("p", "a", type="INTRODUCES", paper="p")
    >>> _ = G.add_edge("p", "b", type="OUTPERFORMS", paper="p", evidence="A beats B.")
    >>> list(claim_graph(G, "OUTPERFORMS").edges(data="weight"))
    [('a', 'b', 1)]
    """
    intro = introduced_by(G)
    acc: dict[tuple, dict] = {}
    for u, v, d in edges_of(G, (rel_type,)):
        p = paper_of(G, u, d)
        sources = intro.get(u, [u]) if is_paper(G, u) else [u]
        for s in sources:
            if s == v:
                continue
            slot = acc.setdefault((s, v), {"papers": set(), "evidence": {}})
            if p is not None:
                slot["papers"].add(p)
            ev = {"paper": "" if p is None else str(p), "evidence": str(d.get("evidence", "")),
                  "rule": str(d.get("rule", "")), "confidence": d.get("confidence")}
            slot["evidence"][(ev["paper"], ev["evidence"], ev["rule"])] = ev
    D = nx.DiGraph()
    nodes = sorted({n for pair in acc for n in pair}, key=lambda n: node_key(G, n))
    for n in nodes:
        D.add_node(n, name=name_of(G, n), label=label_of(G, n))
    for (s, v) in sorted(acc, key=lambda e: (node_key(G, e[0]), node_key(G, e[1]))):
        slot = acc[(s, v)]
        D.add_edge(s, v, papers=sorted(map(str, slot["papers"])), weight=max(1, len(slot["papers"])),
                   evidence=[slot["evidence"][k] for k in sorted(slot["evidence"])])
    return D


def dkey(D: nx.DiGraph, node: Any) -> tuple[str, str]:
    """Sort key (case-folded name, id) for a node of a :func:`claim_graph`."""
    return (str(D.nodes[node].get("name", node)).casefold(), str(node))


def acyclic_part(D: nx.DiGraph) -> tuple[nx.DiGraph, list[list[Any]]]:
    """Split ``D`` into its acyclic part and its non-trivial strongly connected components.

    Edges that lie inside a strongly connected component of two or more nodes are on
    some cycle; they are removed, so the rest is a DAG on which longest paths and depths
    are well defined. The components (each sorted by name) are returned for reporting.
    """
    comps = [sorted(c, key=lambda n: dkey(D, n)) for c in nx.strongly_connected_components(D) if len(c) > 1]
    comps.sort(key=lambda c: [dkey(D, n) for n in c])
    where = {n: i for i, c in enumerate(comps) for n in c}
    A = D.copy()
    A.remove_edges_from([(u, v) for u, v in D.edges if u in where and where.get(v) == where[u]])
    return A, comps


def lexi_topo(D: nx.DiGraph) -> list[Any]:
    """Topological order of a DAG with ties broken by (name, id), for deterministic longest paths."""
    return list(nx.lexicographical_topological_sort(D, key=lambda n: dkey(D, n)))
