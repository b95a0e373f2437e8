"""Choose what a page shows: filters by relation and label, ego networks, and a cap on the node count.

A whole-corpus graph has thousands of nodes; a browser view is useful when it answers one question
("what is around GSM8K", "who beats whom", "what grew out of LoRA"). :func:`select_view` turns the
``MultiDiGraph`` of the graph contract into such a view, and records what it left out so the page can
say so instead of silently hiding nodes.

Order of operations (each documented because the result depends on it):

1. ``labels`` keeps nodes of those labels (the focus node is always kept);
2. ``relations`` keeps edges of those types between kept nodes, then drops nodes left without any
   kept edge (so "who beats whom" is not drowned in unrelated dots);
3. ``focus``/``depth`` keeps the ego network of the focus node in what remains, following edges in
   both directions;
4. ``max_nodes`` keeps the most important nodes: nearest to the focus first, then by PageRank of the
   undirected view (parallel edges count as weight), then by degree, then by id, so ties are stable.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from kg.errors import KgError
from kg.normalize import search_fold
from kg.schema import NODE_LABELS, RELATION_TYPES


class ViewError(KgError):
    """A view that cannot be built: unknown relation or label, focus name not found or ambiguous."""


@dataclass
class View:
    """A selected subgraph plus the bookkeeping needed to say honestly what is (not) shown.

    Attributes
    ----------
    graph:
        The subgraph to draw (a copy; node and edge attributes as in the contract).
    score:
        Importance of each drawn node (PageRank of the undirected candidate view), used for sizing.
    distance:
        Hops from the focus node, for focus views (empty otherwise).
    focus:
        Node id of the focus, or ``None``.
    stats:
        JSON-ready counts: drawn nodes/edges, the whole graph's, the candidates before the cap,
        what the cap cut (by label / type) and the most important names it cut.
    """

    graph: nx.MultiDiGraph
    score: dict[str, float]
    distance: dict[str, int] = field(default_factory=dict)
    focus: str | None = None
    stats: dict = field(default_factory=dict)


def _names_of(node_id: str, data: dict) -> list[str]:
    """Every string a user may type to mean this node: name, aliases, title, arXiv id, node id."""
    names = [node_id, data.get("name"), data.get("title"), data.get("arxiv_id")]
    names.extend(data.get("aliases") or [])
    return [search_fold(n) for n in names if n]


def find_nodes(G: nx.MultiDiGraph, name: str) -> list[str]:
    """Return the ids of the nodes ``name`` designates, best matches only, sorted.

    A node matches when the folded ``name`` equals its id, canonical name, an alias, a paper title or
    arXiv id. Matches on the canonical name win over matches on aliases only, so that "BERT" means the
    BERT node even if some other node lists "BERT" as an alias.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("ent:gsm8k", label="Dataset", name="GSM8K", aliases=["GSM-8K"])
    >>> find_nodes(G, "gsm-8k")
    ['ent:gsm8k']
    """
    want = search_fold(name)
    if not want:
        return []
    by_name, by_alias = [], []
    for node_id, data in G.nodes(data=True):
        if want in (search_fold(node_id), search_fold(data.get("name") or "")):
            by_name.append(node_id)
        elif want in _names_of(node_id, data):
            by_alias.append(node_id)
    return sorted(by_name or by_alias, key=str)


def resolve_focus(G: nx.MultiDiGraph, name: str) -> str:
    """Return the single node id ``name`` designates, or raise :class:`ViewError` saying why not.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("ent:lora", label="Technique", name="LoRA", aliases=["low-rank adaptation"])
    >>> resolve_focus(G, "Low-Rank  Adaptation")
    'ent:lora'
    """
    found = find_nodes(G, name)
    if len(found) == 1:
        return found[0]
    if found:
        listed = ", ".join(f"{n} ({G.nodes[n].get('label')}: {G.nodes[n].get('name')!r})" for n in found[:10])
        raise ViewError(f"--focus {name!r} is ambiguous; it matches {listed}. Pass a node id instead.")
    want = search_fold(name)
    close = sorted(
        {n for n, d in G.nodes(data=True) if any(want in s for s in _names_of(n, d))}, key=str
    )[:8]
    hint = f" Did you mean: {', '.join(repr(G.nodes[n].get('name') or n) for n in close)}?" if close else ""
    raise ViewError(f"--focus {name!r} matches no node name, alias, title or id in the graph.{hint}")


def _normalise_choices(values: list[str] | None, allowed: tuple[str, ...], what: str) -> list[str] | None:
    """Map user spellings (any case) to the contract's names; error on unknown ones."""
    if values is None:
        return None
    canon = {a.casefold(): a for a in allowed}
    out = []
    for v in values:
        if v.casefold() not in canon:
            raise ViewError(f"unknown {what} {v!r}; expected one of {', '.join(allowed)}")
        out.append(canon[v.casefold()])
    return sorted(set(out))


def importance(G: nx.MultiDiGraph) -> dict[str, float]:
    """PageRank of the undirected version of ``G``, parallel edges adding weight.

    Undirected because papers only have outgoing edges: a directed PageRank would rank every paper
    last, whereas "most connected" is what a reader expects to survive the cap.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "b"), ("a", "c"), ("d", "b")])
    >>> s = importance(G)
    >>> max(s, key=s.get) in {"a", "b"}
    True
    """
    if G.number_of_nodes() == 0:
        return {}
    weights: dict[tuple, int] = {}
    multi = G.is_multigraph()
    for u, nbrs in G._adj.items():             # ``G.edges()``'s order, parallel edges counted at once
        for v, keys in nbrs.items():
            if u != v:
                pair = (u, v) if (v, u) not in weights else (v, u)     # first-seen orientation, as add_edge keeps it
                weights[pair] = weights.get(pair, 0) + (len(keys) if multi else 1)
    U = nx.Graph()
    U.add_nodes_from(sorted(G.nodes, key=str))
    U.add_weighted_edges_from((u, v, w) for (u, v), w in weights.items())
    pr = nx.pagerank(U, weight="weight", tol=1e-10, max_iter=500)
    # Rounded so that ties computed in a different summation order still compare equal.
    return {n: round(float(s), 12) for n, s in pr.items()}


def induced_subgraph(G: nx.MultiDiGraph, nodes: list) -> nx.MultiDiGraph:
    """``G.subgraph(nodes).copy()``, built in one walk of ``G``'s adjacency rather than through filtered views: the
    same nodes, edges and (copied) attributes; nodes in ``G``'s order (the filtered view's depends on the order of a
    set of strings, so nothing drawn depends on it).

    >>> H = induced_subgraph(nx.MultiDiGraph([("a", "b"), ("a", "b"), ("b", "c")]), ["b", "a"])
    >>> list(H.nodes), list(H.edges(keys=True))
    (['a', 'b'], [('a', 'b', 0), ('a', 'b', 1)])
    """
    keep = set(nodes)
    H = nx.MultiDiGraph()
    H.graph.update(G.graph)
    H.add_nodes_from((n, d) for n, d in G._node.items() if n in keep)
    H.add_edges_from((u, v, k, d) for u, nbrs in G._adj.items() if u in keep
                     for v, keys in nbrs.items() if v in keep for k, d in keys.items())
    return H


def select_view(
    G: nx.MultiDiGraph,
    *,
    max_nodes: int | None = 2000,
    focus: str | None = None,
    depth: int = 1,
    relations: list[str] | None = None,
    labels: list[str] | None = None,
    fill: Callable[[list[tuple[Any, Any, dict]]], None] | None = None,
) -> View:
    """Select the subgraph to draw; see the module docstring for the order of the steps.

    Parameters
    ----------
    G:
        The graph of the contract.
    max_nodes:
        Cap on drawn nodes (``None`` or 0: no cap).
    focus, depth:
        Name/alias/title/id of a node and the radius of its ego network.
    relations, labels:
        Relation types and node labels to keep (any case); ``None`` keeps all.
    fill:
        Completes the attributes of the drawn edges, given as ``(source, target, attributes)``, when ``G`` holds
        some edges with their ``type`` and ``paper`` only (``kg build --update``: ``kg.pipeline.splice.EarlierEdges``);
        the selection reads only those two.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("p1", label="Paper", name="p1", title="T")
    >>> G.add_node("ent:a", label="Model", name="A")
    >>> G.add_node("ent:b", label="Model", name="B")
    >>> _ = G.add_edge("ent:a", "ent:b", type="OUTPERFORMS", paper="p1")
    >>> _ = G.add_edge("p1", "ent:a", type="INTRODUCES", paper="p1")
    >>> v = select_view(G, relations=["outperforms"])
    >>> sorted(v.graph.nodes), v.stats["edges"]
    (['ent:a', 'ent:b'], 1)
    """
    if depth < 0:
        raise ViewError(f"--depth must be >= 0, got {depth}")
    if max_nodes is not None and max_nodes < 0:
        raise ViewError(f"--max-nodes must be >= 0, got {max_nodes}")
    relations = _normalise_choices(relations, RELATION_TYPES, "relation type")
    labels = _normalise_choices(labels, NODE_LABELS, "node label")
    for node_id, data in G.nodes(data=True):
        if "label" not in data:
            raise ViewError(f"node {node_id!r} has no 'label' attribute; is this a kg graph.json?")

    focus_id = resolve_focus(G, focus) if focus is not None else None

    whole = None
    if labels is None and relations is None:
        H = whole = G.copy(as_view=True)   # nothing filtered: read ``G`` itself (no copy of the whole graph)
    else:
        keep = {n for n, d in G.nodes(data=True) if labels is None or d["label"] in labels or n == focus_id}
        H = nx.MultiDiGraph()
        H.add_nodes_from((n, G.nodes[n]) for n in keep)
        H.add_edges_from(
            (u, v, k, d)
            for u, v, k, d in G.edges(keys=True, data=True)
            if u in keep and v in keep and (relations is None or d.get("type") in relations)
        )
    if relations is not None:
        H.remove_nodes_from([n for n in list(H.nodes) if H.degree(n) == 0 and n != focus_id])

    distance: dict[str, int] = {}
    if focus_id is not None:
        distance = dict(nx.single_source_shortest_path_length(H.to_undirected(as_view=True), focus_id, cutoff=depth))
        H = H.subgraph(distance).copy()

    score = importance(H)
    cut: list[str] = []
    if max_nodes and H.number_of_nodes() > max_nodes:
        ranked = sorted(
            H.nodes,
            key=lambda n: (distance.get(n, 0), -score[n], -H.degree(n), str(n)),
        )
        kept, cut = ranked[:max_nodes], ranked[max_nodes:]
        candidates = H
        H = induced_subgraph(H, kept)
    else:
        candidates = H

    if fill is not None:
        fill([(u, v, d) for u, nbrs in H._adj.items() for v, keys in nbrs.items() for d in keys.values()])
    graph_edges = G.number_of_edges()          # counting edges walks every node: once per graph
    candidate_edges = graph_edges if candidates is whole else candidates.number_of_edges()
    edges = H.number_of_edges()
    stats = {
        "nodes": H.number_of_nodes(),
        "edges": edges,
        "graph_nodes": G.number_of_nodes(),
        "graph_edges": graph_edges,
        "candidate_nodes": candidates.number_of_nodes(),
        "candidate_edges": candidate_edges,
        "max_nodes": max_nodes or None,
        "focus": focus_id,
        "depth": depth if focus_id is not None else None,
        "relations": relations,
        "labels": labels,
        "nodes_by_label": dict(sorted(Counter(d["label"] for _, d in H.nodes(data=True)).items())),
        "edges_by_type": dict(sorted(Counter(str(d.get("type")) for *_, d in H.edges(data=True)).items())),
        "cut_nodes": len(cut),
        "cut_edges": candidate_edges - edges,
        "cut_nodes_by_label": dict(sorted(Counter(candidates.nodes[n]["label"] for n in cut).items())),
        "cut_examples": [
            {"id": n, "name": str(candidates.nodes[n].get("name") or n), "label": candidates.nodes[n]["label"]}
            for n in cut[:15]
        ],
    }
    return View(graph=H, score={n: score[n] for n in H.nodes}, distance=distance, focus=focus_id, stats=stats)
