"""Interactive, self-contained HTML views of the kg graph (pyvis / vis-network).

The public entry point is :func:`write_graph_html`, used by ``kg build`` (whole graph, capped) and
``kg viz`` (capped, focus, relation and label views). The work is split by job:

* :mod:`viz.view` chooses the subgraph (filters, ego network, cap) and records what it left out;
* :mod:`viz.layout` lays out the views that answer one question (radial around a focus, layered
  left-to-right for lineage and who-beats-whom); the whole graph keeps vis-network's physics;
* :mod:`viz.labels` decides what labels say and which ones win the space;
* :mod:`viz.style` is the visual encoding (colour/shape per label, colour per relation) and the
  view's words from ``ontology/viz.json``;
* :mod:`viz.network` turns a view into a ``Network`` of vis-network records (the ones pyvis makes) with hover-card data;
* :mod:`viz.panel` is the paper panel's data (the card of ``kg.analytics.paper_card``);
* :mod:`viz.render` inlines everything into one offline, deterministic, injection-safe page
  (``viz/templates/graph.html.j2``, ``viz/static/kg-viz.js`` and ``kg-viz.css``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

from kg.schema import PAPER
from kg.viz.view import View, ViewError, find_nodes, resolve_focus, select_view

__all__ = ["write_graph_html", "render_graph_html", "select_view", "find_nodes", "resolve_focus", "View", "ViewError"]


def _reading(layout_kind: str, relations: list[str] | None) -> str:
    """The "how to read this view" sentence shown under the page title."""
    from kg.viz.style import viz_words

    words = viz_words()
    if layout_kind == "layered" and relations:
        if len(relations) == 1 and relations[0] in words["reading"]:
            return words["reading"][relations[0]]
        verbs = " or ".join(words["verbs"].get(r, r.lower()) for r in relations)
        return words["reading"]["layered"].format(verbs=verbs)
    return words["reading"][layout_kind]


def _page_meta(view: View, layout) -> dict:
    """Everything the page script needs besides nodes and edges: legend, layout, label policy, words."""
    from kg.analytics.paper_card import SECTIONS
    from kg.viz.labels import overview_count
    from kg.viz.style import hidden_by_default, viz_words

    meta = _legend(view)
    label_all = layout.kind == "layered"
    meta.update(
        layout={"kind": layout.kind, "labelSide": layout.label_side},
        label_policy={"overview": overview_count(view.graph, view.focus, label_all), "all": label_all},
        hidden=hidden_by_default(view.stats.get("relations")),
        reading=_reading(layout.kind, view.stats.get("relations")),
        sections=viz_words()["panel_sections"],
        section_order=list(SECTIONS),
        focus=view.focus,
    )
    return meta


def _legend(view: View) -> dict:
    """Legend data for the page: every label and relation of the contract, with counts in the view."""
    from kg.schema import NODE_LABELS, RELATION_TYPES
    from kg.viz.style import edge_style, node_style

    label_counts = Counter(str(d.get("label")) for _, d in view.graph.nodes(data=True))
    rel_counts = Counter(str(d.get("type")) for *_, d in view.graph.edges(data=True))
    labels = list(NODE_LABELS) + sorted(set(label_counts) - set(NODE_LABELS))
    relations = list(RELATION_TYPES) + sorted(set(rel_counts) - set(RELATION_TYPES))
    return {
        "labels": [
            {"name": lab, "color": node_style(lab).color, "border": node_style(lab).border,
             "shape": node_style(lab).shape, "count": label_counts.get(lab, 0)}
            for lab in labels
        ],
        "relations": [
            {"name": rel, "color": edge_style(rel).color, "dashes": edge_style(rel).dashes,
             "width": edge_style(rel).width, "count": rel_counts.get(rel, 0)}
            for rel in relations
        ],
    }


def _default_title(stats: dict, G: nx.MultiDiGraph) -> str:
    """A page title that says which view this is."""
    parts = ["Knowledge graph"]
    if stats["focus"]:
        d = G.nodes[stats["focus"]]
        parts.append(f"around {d.get('name') or d.get('title') or stats['focus']}")
    if stats["relations"]:
        parts.append(" / ".join(stats["relations"]))
    if stats["labels"]:
        parts.append(" + ".join(stats["labels"]))
    return " · ".join(parts)


def render_graph_html(
    G: nx.MultiDiGraph,
    *,
    max_nodes: int | None = 2000,
    focus: str | None = None,
    depth: int = 1,
    relations: list[str] | None = None,
    labels: list[str] | None = None,
    title: str | None = None,
    size_by: str = "pagerank",
    fill: Callable[[list[tuple[Any, Any, dict]]], None] | None = None,
) -> tuple[str, dict]:
    """Return ``(html, stats)`` of a view of ``G``; the parameters are those of :func:`write_graph_html`."""
    from kg.viz.layout import compute_layout
    from kg.viz.network import build_network
    from kg.viz.panel import paper_panels
    from kg.viz.render import render_page

    view = select_view(G, max_nodes=max_nodes, focus=focus, depth=depth, relations=relations, labels=labels,
                       fill=fill)
    layout = compute_layout(view)
    net = build_network(view, G, size_by=size_by, layout=layout)
    title = title if title is not None else _default_title(view.stats, G)
    papers = sorted((n for n, d in view.graph.nodes(data=True) if d.get("label") == PAPER), key=str)
    html = render_page(net, title=title, stats=view.stats, meta=_page_meta(view, layout),
                       cards=paper_panels(G, papers, fill))
    stats = dict(view.stats)
    stats["layout"] = layout.kind
    return html, stats


def write_graph_html(
    G: nx.MultiDiGraph,
    path: str | Path,
    *,
    max_nodes: int | None = 2000,
    focus: str | None = None,
    depth: int = 1,
    relations: list[str] | None = None,
    labels: list[str] | None = None,
    title: str | None = None,
    size_by: str = "pagerank",
    fill: Callable[[list[tuple[Any, Any, dict]]], None] | None = None,
) -> dict:
    """Write an interactive, self-contained HTML view of ``G`` to ``path`` and return the view's stats.

    The page inlines vis-network (from pyvis) and loads nothing, so it opens offline; it has a legend
    with label/relation filters (MENTIONS hidden until shown), a search box (names, aliases, titles,
    ids), neighbourhood highlight and a paper's card on click, and hover cards with the evidence of each
    edge. Relation views of EXTENDS/OUTPERFORMS are layered left to right and focus views radial
    (:mod:`viz.layout`); labels are drawn at a fixed size without overlaps (:mod:`viz.labels`). The same
    graph and options always give a byte-identical file.

    Parameters
    ----------
    G:
        The ``MultiDiGraph`` of the graph contract (see ``kg.io.graph_json``).
    path:
        Output ``.html`` file; parent folders are created.
    max_nodes:
        Keep at most this many nodes (most important first; ``None``/0 for all). The page says what
        was left out.
    focus, depth:
        Show only the ego network (``depth`` hops, any direction) of the node named ``focus`` (a name,
        alias, paper title, arXiv id or node id).
    relations, labels:
        Keep only these relation types / node labels (e.g. ``["OUTPERFORMS"]`` for "who beats whom").
    title:
        Page title (default: describes the view).
    size_by:
        ``"pagerank"`` or ``"degree"``: what node size shows.
    fill:
        Completes, in place, the attributes of the edges the page reads, given as ``(source, target, attributes)``:
        ``kg build --update`` holds the edges it copied from the earlier build with their ``type`` and ``paper``
        only (``kg.pipeline.splice.EarlierEdges``), which is all the page needs of the edges it does not show.

    Returns
    -------
    dict
        ``nodes``/``edges`` drawn, ``graph_nodes``/``graph_edges``, ``cut_nodes``/``cut_edges`` (left
        out by the cap), ``nodes_by_label``, ``edges_by_type``, the options used and the ``layout``
        (``force``, ``radial`` or ``layered``).

    Raises
    ------
    ViewError
        Unknown relation/label, or a focus that matches no node or several.

    Examples
    --------
    >>> import networkx as nx, tempfile, os
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("p1", label="Paper", name="A paper", title="A paper", aliases=[], sources=["x.jsonl"])
    >>> G.add_node("ent:gsm8k", label="Dataset", name="GSM8K", aliases=["GSM-8K"], paper_count=1)
    >>> _ = G.add_edge("p1", "ent:gsm8k", type="USES", paper="p1", evidence="We evaluate on GSM8K.",
    ...                rule="uses.evaluate_on", confidence=0.9)
    >>> out = os.path.join(tempfile.mkdtemp(), "graph.html")
    >>> stats = write_graph_html(G, out)
    >>> stats["nodes"], stats["edges"], stats["cut_nodes"]
    (2, 1, 0)
    """
    html, stats = render_graph_html(
        G, max_nodes=max_nodes, focus=focus, depth=depth, relations=relations, labels=labels,
        title=title, size_by=size_by, fill=fill,
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(html)
    stats["path"] = str(path)
    stats["bytes"] = len(html.encode("utf-8"))
    return stats
