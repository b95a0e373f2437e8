"""Turn a :class:`viz.view.View` into a pyvis ``Network``: styled nodes and edges plus hover-card data.

pyvis holds the vis-network node and edge records and the options; the page template
(:mod:`viz.render`) inlines them. Nothing here produces HTML: card data (names, titles, evidence) stays
plain data under each record's ``kg`` key and the page renders it with ``textContent``. The vis
``title`` property is deliberately never set, because vis-network shows string titles in its own popup.

Records are added in sorted order with ids derived from that order, so the same graph always gives
the same records.
"""

from __future__ import annotations

import math
from collections import defaultdict

import networkx as nx
from pyvis.network import Network

from viz.style import edge_style, node_style
from viz.view import View

#: Longest label drawn on the canvas; the full name is in the hover card.
MAX_LABEL = 36
#: Parallel edges between the same two nodes are drawn as arcs of growing curvature.
ARC_STEP = 0.2


def short_label(text: str, limit: int = MAX_LABEL) -> str:
    """Shorten ``text`` to at most ``limit`` characters on a word boundary, with an ellipsis.

    Examples
    --------
    >>> short_label("Attention Is All You Need, Again and Again", 20)
    'Attention Is All…'
    """
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:-") + "…"


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
    if data.get("label") == "Paper":
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
    """Value vis-network scales the node size with: sqrt of PageRank or of degree (tames heavy tails)."""
    raw = view.graph.degree(node_id) if size_by == "degree" else view.score.get(node_id, 0.0) * 1e4
    return round(math.sqrt(max(raw, 0.0)), 6)


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


def vis_options(n_nodes: int) -> dict:
    """vis-network options: bounded stabilisation, then the page turns physics off.

    Bigger views get fewer iterations and cheaper rendering (no edges while dragging/zooming), so a
    2,000-node view settles in a few seconds and then stays still.

    Examples
    --------
    >>> vis_options(2000)["physics"]["stabilization"]["iterations"]
    100
    """
    iterations = stabilization_iterations(n_nodes)
    big = n_nodes > 400
    return {
        "autoResize": True,
        "layout": {"randomSeed": 20240601, "improvedLayout": n_nodes <= 150},
        "physics": {
            "enabled": True,
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
            "stabilization": {"enabled": True, "iterations": iterations, "updateInterval": 25, "fit": True},
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
        "nodes": {
            "borderWidth": 1,
            "borderWidthSelected": 3,
            "font": {
                "size": 13,
                "face": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
                "color": "#1f2933",
                "strokeWidth": 3,
                "strokeColor": "rgba(255,255,255,0.85)",
            },
            "scaling": {
                "min": 7,
                "max": 44,
                "label": {"enabled": True, "min": 11, "max": 44, "maxVisible": 26, "drawThreshold": 7},
            },
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
            "smooth": False,
            "selectionWidth": 2,
            "hoverWidth": 1.5,
            "color": {"inherit": False},
        },
    }


def build_network(view: View, G: nx.MultiDiGraph, *, size_by: str = "pagerank") -> Network:
    """Build the pyvis ``Network`` of ``view``; ``G`` is the whole graph (for the title of an edge's paper).

    Examples
    --------
    >>> from viz.view import select_view
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
    net = Network(directed=True, cdn_resources="in_line")
    for node_id in sorted(H.nodes, key=str):
        data = H.nodes[node_id]
        style = node_style(str(data.get("label")))
        card = _card(node_id, data, H.degree(node_id))
        is_focus = node_id == view.focus
        net.add_node(
            str(node_id),
            label=short_label(card.get("title") or card["name"]),
            shape=style.shape,
            color={
                "background": style.color,
                "border": "#111111" if is_focus else style.border,
                "highlight": {"background": style.color, "border": "#111111"},
                "hover": {"background": style.color, "border": "#111111"},
            },
            borderWidth=4 if is_focus else 1,
            value=_node_value(view, node_id, size_by),
            kg=card,
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
        options = {
            "id": f"e{index}",
            "color": {"color": style.color, "highlight": style.color, "hover": style.color, "inherit": False},
            "dashes": style.dashes,
            "width": style.width,
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
    net.options = vis_options(H.number_of_nodes())
    return net
