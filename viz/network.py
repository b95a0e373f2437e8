"""Turn a :class:`viz.view.View` into a ``Network``: styled nodes and edges plus hover-card data.

``Network`` holds the vis-network node and edge records and the options, the records pyvis's ``Network`` makes
(pyvis itself is not imported: it imports IPython and jsonpickle, and searches its node list for every new node
and both ends of every edge); the page template (:mod:`viz.render`) inlines them. Nothing here produces HTML:
card data (names, titles, evidence) stays plain data under each record's ``kg`` key and the page renders it with
``textContent``. The vis ``title`` property is deliberately never set, because vis-network shows string titles in
its own popup.

Records are added in sorted order with ids derived from that order, so the same graph always gives
the same records.

Node records carry no vis ``label``: the page draws labels itself at a fixed screen size, in the order
of :func:`viz.labels.label_order`, and never lets two overlap (see :mod:`viz.labels`). Node size (set
here, in pixels at zoom 1) shows PageRank; edge width and opacity show the extraction confidence.
Focus and directed-claim views get positions computed in Python (:mod:`viz.layout`) and no physics.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from kg.schema import PAPER
from kg.viz.labels import label_order, node_label
from kg.viz.layout import Layout, compute_layout
from kg.viz.style import edge_style, node_style
from kg.viz.view import View

#: The focus node's label may be longer than the others (it names what the page is about).
FOCUS_LABEL = 40
#: Parallel edges between the same two nodes are drawn as arcs of growing curvature.
ARC_STEP = 0.2
#: Node radius range in pixels at zoom 1: force views (bigger hubs) and fixed layouts (rows are tight).
FORCE_SIZES, FIXED_SIZES = (7.0, 40.0), (5.0, 13.0)
#: The focus node is drawn at least this big, so the page's subject stands out whatever its PageRank.
FOCUS_SIZE = 16.0
#: Edge width factor and opacity at confidence 0 and 1 (unknown confidence counts as 1).
WIDTH_RANGE, OPACITY_RANGE = (0.6, 1.4), (0.35, 1.0)


def _str_list(value: object) -> list[str]:
    """A list attribute as a list of strings (tolerates ``None`` and a lone string)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _card(node_id: str, data: dict, degree: int) -> dict:
    """The hover-card data of one node: only what the card shows, all plain strings/numbers."""
    card = {
        "id": str(node_id),
        "label": str(data.get("label")),
        "name": str(data.get("name") or data.get("title") or node_id),
        "aliases": sorted(set(_str_list(data.get("aliases")))),
        "degree": degree,
    }
    if data.get("label") == PAPER:
        card.update(
            title=str(data.get("title") or data.get("name") or node_id),
            date=str(data["date"]) if data.get("date") else None,
            sources=_str_list(data.get("sources")),
            authors=_str_list(data.get("authors")),
            url=str(data["url"]) if data.get("url") else None,
            arxiv_id=str(data["arxiv_id"]) if data.get("arxiv_id") else None,
        )
    else:
        card["paper_count"] = data.get("paper_count")
    return card


def _node_value(view: View, node_id: str, size_by: str) -> float:
    """What node size grows with: sqrt of PageRank or of degree (tames heavy tails)."""
    raw = view.graph.degree(node_id) if size_by == "degree" else view.score.get(node_id, 0.0) * 1e4
    return math.sqrt(max(raw, 0.0))


def node_sizes(view: View, size_by: str, sizes: tuple[float, float]) -> dict[str, float]:
    """Node radius in pixels at zoom 1, linear in :func:`_node_value` between ``sizes``.

    Examples
    --------
    >>> node_sizes(View(nx.MultiDiGraph([("a", "b"), ("a", "c")]), {}), "degree", (5.0, 13.0))
    {'a': 13.0, 'b': 5.0, 'c': 5.0}
    """
    values = {n: _node_value(view, n, size_by) for n in view.graph.nodes}
    if not values:
        return {}
    lo, hi = min(values.values()), max(values.values())
    span = hi - lo
    return {n: round(sizes[0] + (sizes[1] - sizes[0]) * ((v - lo) / span if span else 0.5), 2)
            for n, v in values.items()}


def edge_look(width: float, confidence: float | None) -> tuple[float, float]:
    """(width, opacity) of an edge: its relation's width and full opacity scaled by the confidence.

    Examples
    --------
    >>> edge_look(2.0, 1.0), edge_look(2.0, 0.0), edge_look(2.0, None)
    ((2.8, 1.0), (1.2, 0.35), (2.8, 1.0))
    """
    c = 1.0 if confidence is None else min(1.0, max(0.0, float(confidence)))
    w = width * (WIDTH_RANGE[0] + (WIDTH_RANGE[1] - WIDTH_RANGE[0]) * c)
    o = OPACITY_RANGE[0] + (OPACITY_RANGE[1] - OPACITY_RANGE[0]) * c
    return round(w, 3), round(o, 3)


#: Iteration budget: iterations * n * log2(n) is about constant (Barnes-Hut steps cost n log n),
#: calibrated to 100 iterations at 2,000 nodes, within [MIN_ITERATIONS, MAX_ITERATIONS].
ITERATION_BUDGET = 2_200_000
MIN_ITERATIONS, MAX_ITERATIONS = 60, 500


def stabilization_iterations(n_nodes: int) -> int:
    """Number of physics iterations before the layout is frozen, for a view of ``n_nodes`` nodes.

    Examples
    --------
    >>> [stabilization_iterations(n) for n in (10, 500, 2000, 5000)]
    [500, 491, 100, 60]
    """
    cost = max(n_nodes, 2) * math.log2(max(n_nodes, 2))
    return int(min(MAX_ITERATIONS, max(MIN_ITERATIONS, round(ITERATION_BUDGET / cost))))


def vis_options(n_nodes: int, physics: bool = True) -> dict:
    """vis-network options: bounded stabilisation, then the page turns physics off and fits the view.

    Bigger views get fewer iterations and cheaper rendering (no edges while dragging/zooming), so a
    2,000-node view settles in a few seconds and then stays still. Views with positions computed in
    Python (``physics=False``) skip the simulation.

    Examples
    --------
    >>> vis_options(2000)["physics"]["stabilization"]["iterations"]
    100
    >>> vis_options(50, physics=False)["physics"]["enabled"]
    False
    """
    iterations = stabilization_iterations(n_nodes)
    big = n_nodes > 400
    return {
        "autoResize": True,
        "layout": {"randomSeed": 20240601, "improvedLayout": physics and n_nodes <= 150},
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -40,
                "centralGravity": 0.05,
                "springLength": 50,
                "springConstant": 0.06,
                "damping": 0.5,
                "avoidOverlap": 0.1,
                "theta": 0.9,
            },
            "maxVelocity": 60,
            "minVelocity": 1.0,
            "timestep": 0.45,
            "stabilization": {"enabled": physics, "iterations": iterations, "updateInterval": 25, "fit": False},
        },
        "interaction": {
            "hover": True,
            "hoverConnectedEdges": True,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "navigationButtons": False,
            "keyboard": {"enabled": False},
            "multiselect": False,
        },
        "nodes": {"borderWidth": 1, "borderWidthSelected": 3},
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
            "smooth": False,
            "selectionWidth": 2,
            "hoverWidth": 1.5,
            "color": {"inherit": False},
        },
    }


@dataclass
class Network:
    """The vis-network data of a directed graph: node records, edge records and options, each record the one
    pyvis's ``Network`` makes (``get_network_data`` as pyvis has it, for :func:`viz.render.render_page`).

    >>> net = Network()
    >>> net.add_node("a", shape="dot", size=3)
    >>> net.add_edge("a", "a", width=1)
    >>> net.nodes, net.edges
    ([{'size': 3, 'id': 'a', 'shape': 'dot'}], [{'width': 1, 'from': 'a', 'to': 'a', 'arrows': 'to'}])
    """

    nodes: list[dict] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)
    options: dict = field(default_factory=dict)
    node_ids: set[str] = field(default_factory=set)

    def add_node(self, n_id: str, shape: str, **options: Any) -> None:
        """A node record: ``options``, ``id`` and ``shape`` (no ``label``: the page draws labels itself)."""
        if n_id not in self.node_ids:
            self.node_ids.add(n_id)
            self.nodes.append({**options, "id": n_id, "shape": shape})

    def add_edge(self, source: str, to: str, **options: Any) -> None:
        """An edge record: ``options``, ``from``, ``to`` and (unless given) ``arrows`` ``to``; both ends must be
        nodes."""
        if source not in self.node_ids or to not in self.node_ids:
            raise ValueError(f"edge {source!r} -> {to!r}: non existent node")
        record = {**options, "from": source, "to": to}
        record.setdefault("arrows", "to")
        self.edges.append(record)

    def get_network_data(self) -> tuple[list[dict], list[dict], str, str, str, dict]:
        """(nodes, edges, heading, height, width, options), as pyvis returns them (the options as a dict)."""
        return self.nodes, self.edges, "", "600px", "100%", self.options


def build_network(
    view: View, G: nx.MultiDiGraph, *, size_by: str = "pagerank", layout: Layout | None = None
) -> Network:
    """Build the ``Network`` of ``view``; ``G`` is the whole graph (for the title of an edge's paper).

    ``layout`` defaults to :func:`viz.layout.compute_layout` of the view; fixed positions become the
    nodes' ``x``/``y`` and switch physics off. Each node's ``kg`` record carries its canvas label
    (``short``) and its place in the label order (``rank``).

    Examples
    --------
    >>> from kg.viz.view import select_view
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("p1", label="Paper", name="P", title="P")
    >>> G.add_node("ent:x", label="Model", name="X")
    >>> _ = G.add_edge("p1", "ent:x", type="INTRODUCES", paper="p1", evidence="We propose X.")
    >>> net = build_network(select_view(G), G)
    >>> [n["id"] for n in net.nodes], net.edges[0]["kg"]["paper_title"]
    (['ent:x', 'p1'], 'P')
    """
    if size_by not in ("pagerank", "degree"):
        raise ValueError(f"size_by must be 'pagerank' or 'degree', not {size_by!r}")
    H = view.graph
    layout = layout if layout is not None else compute_layout(view)
    fixed = layout.kind != "force"
    sizes = node_sizes(view, size_by, FIXED_SIZES if fixed else FORCE_SIZES)
    rank = {n: i for i, n in enumerate(label_order(H, view.score, view.focus))}
    net = Network()
    for node_id in sorted(H.nodes, key=str):
        data = H.nodes[node_id]
        style = node_style(str(data.get("label")))
        card = _card(node_id, data, H.degree(node_id))
        card["short"] = node_label(data, node_id)
        card["rank"] = rank[node_id]
        if node_id in layout.label_sides:
            card["side"] = layout.label_sides[node_id]
        if node_id == view.focus:
            card["short"] = node_label(data, node_id, limit=FOCUS_LABEL)
        is_focus = node_id == view.focus
        extra = {}
        if fixed:
            extra = {"x": layout.positions[node_id][0], "y": layout.positions[node_id][1]}
        net.add_node(
            str(node_id),
            shape=style.shape,
            color={
                "background": style.color,
                "border": "#111111" if is_focus else style.border,
                "highlight": {"background": style.color, "border": "#111111"},
                "hover": {"background": style.color, "border": "#111111"},
            },
            borderWidth=4 if is_focus else 1,
            size=max(sizes[node_id], FOCUS_SIZE) if is_focus else sizes[node_id],
            kg=card,
            **extra,
        )

    edges = sorted(
        H.edges(keys=True, data=True),
        key=lambda e: (str(e[0]), str(e[1]), str(e[3].get("type")), str(e[2])),
    )
    seen_pairs: dict[frozenset, int] = defaultdict(int)
    for index, (u, v, key, data) in enumerate(edges):
        rel = str(data.get("type"))
        style = edge_style(rel)
        paper = data.get("paper")
        paper_title = None
        if paper is not None and paper in G:
            paper_title = str(G.nodes[paper].get("title") or G.nodes[paper].get("name") or paper)
        pair = frozenset((str(u), str(v)))
        nth = seen_pairs[pair]
        seen_pairs[pair] += 1
        confidence = data.get("confidence")
        width, opacity = edge_look(style.width, confidence)
        options = {
            "id": f"e{index}",
            "color": {"color": style.color, "highlight": style.color, "hover": style.color, "inherit": False,
                      "opacity": opacity},
            "dashes": style.dashes,
            "width": width,
            "kg": {
                "type": rel,
                "key": str(key),
                "evidence": str(data["evidence"]) if data.get("evidence") is not None else None,
                "rule": str(data["rule"]) if data.get("rule") is not None else None,
                "confidence": round(float(confidence), 4) if confidence is not None else None,
                "paper": str(paper) if paper is not None else None,
                "paper_title": paper_title,
            },
        }
        if nth:
            options["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": round(ARC_STEP * nth, 3)}
        net.add_edge(str(u), str(v), **options)
    net.options = vis_options(H.number_of_nodes(), physics=not fixed)
    return net
