"""Positions computed in Python for the views that answer one question, so they read at a glance.

* **radial** (focus views): the focus in the middle, each ring one more hop away; every node sits in
  the angular wedge of the ring-1 node it is reached through, so a neighbour's own neighbours stay
  beside it. Rings are stretched into ellipses to use a landscape window.
* **layered** (lineage ``EXTENDS`` / who beats whom ``OUTPERFORMS``): every edge points left to right.
  Columns are NetworkX topological generations of each weakly connected component (edges on a cycle
  are set aside first), rows are ordered by the barycentre heuristic to cut crossings, and the
  components are packed as blocks into newspaper columns so the whole picture has the window's shape.
* **force**: anything else keeps vis-network's physics in the browser.

Positions are in vis-network canvas units, roughly screen pixels at zoom 1; the page fits them to the
window. The same view always gives the same positions (sorted iteration, explicit tie-breaks).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import networkx as nx

from kg.viz.style import layered_relations
from kg.viz.view import View

#: Radial layout: distance between rings, smallest gap between neighbours on a ring, ellipse stretch.
RING_GAP, ARC_GAP, RADIAL_STRETCH = 170.0, 44.0, 1.45
#: Layered layout: distance between columns (room for a label right of each node), between rows and
#: between packed blocks, in canvas units.
COLUMN_GAP, ROW_GAP, BLOCK_GAP = 250.0, 30.0, 18.0
#: The packing of blocks aims at this canvas area in screen pixels (a laptop window minus the sidebar),
#: keeps this much screen room left and right for labels, and this much between newspaper columns
#: (labels right of one column and left of the next), whatever the zoom.
VIEW_W, VIEW_H, LABEL_ROOM, PACK_ROOM = 1300.0, 820.0, 170.0, 300.0
#: Barycentre sweeps (down and up) when ordering the rows of a layered component.
SWEEPS = 4


@dataclass
class Layout:
    """How a view is laid out: ``kind`` (``force``, ``radial`` or ``layered``), fixed positions
    (empty for ``force``) and the side of the node its label is drawn on."""

    kind: str
    positions: dict[str, tuple[float, float]] = field(default_factory=dict)
    label_side: str = "below"
    #: Per-node exceptions to ``label_side``: in layered views a node that only points right (a first
    #: column) is labelled on its left, so its outgoing edges do not run through its label.
    label_sides: dict[str, str] = field(default_factory=dict)


def layout_kind(view: View) -> str:
    """Which layout answers the view's question: layered for directed-claim relation views,
    radial for focus views, force otherwise.

    Examples
    --------
    >>> from kg.viz.view import View
    >>> layout_kind(View(nx.MultiDiGraph(), {}, stats={"relations": ["EXTENDS"]}))
    'layered'
    >>> layout_kind(View(nx.MultiDiGraph(), {}, focus="x", stats={"relations": None}))
    'radial'
    """
    relations = view.stats.get("relations")
    if relations and set(relations) <= set(layered_relations()):
        return "layered"
    if view.focus is not None:
        return "radial"
    return "force"


def compute_layout(view: View) -> Layout:
    """The :class:`Layout` of ``view`` (see :func:`layout_kind`)."""
    kind = layout_kind(view)
    if kind == "layered" and view.graph.number_of_nodes():
        H = view.graph
        left = {n: "left" for n in H.nodes
                if any(v != n for v in H.successors(n)) and not any(u != n for u in H.predecessors(n))}
        return Layout("layered", layered_layout(H, view.score), label_side="right", label_sides=left)
    if kind == "radial" and view.focus is not None:
        return Layout("radial", radial_layout(view.graph, view.focus, view.distance, view.score))
    return Layout("force")


def _rank_key(score: dict, node: str) -> tuple[float, str]:
    """Most important first, then by id: the tie-break of every ordering here."""
    return (-score.get(node, 0.0), str(node))


def _spread(angles: list[float], gap: float, span: float = math.inf) -> list[float]:
    """Move sorted ``angles`` as little as possible (least squares) so consecutive ones are ``gap`` apart
    and the last is at most ``span - gap`` after the first (on a circle, ``span`` is a full turn).

    Pool-adjacent-violators on ``angles[i] - i * gap``, which must be non-decreasing; the result is then
    clamped (a monotone map) into a window that keeps the ends apart.

    Examples
    --------
    >>> [round(a, 2) for a in _spread([0.0, 0.0, 0.0], 1.0)]
    [-1.0, 0.0, 1.0]
    >>> [round(a, 2) for a in _spread([0.0, 5.0, 5.0, 5.0], 1.0, span=6.0)]
    [1.0, 4.0, 5.0, 6.0]
    """
    shifted = [a - i * gap for i, a in enumerate(angles)]
    blocks: list[list[float]] = []  # [mean, count]
    for value in shifted:
        blocks.append([value, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, c2 = blocks.pop()
            m1, c1 = blocks.pop()
            blocks.append([(m1 * c1 + m2 * c2) / (c1 + c2), c1 + c2])
    fitted = [m for m, c in blocks for _ in range(c)]
    room = span - len(angles) * gap
    if fitted and fitted[-1] - fitted[0] > room:
        middle = sum(fitted) / len(fitted)
        lo = min(max(middle - room / 2, fitted[0]), fitted[-1] - room)
        fitted = [min(max(f, lo), lo + room) for f in fitted]
    return [f + i * gap for i, f in enumerate(fitted)]


def radial_layout(
    H: nx.MultiDiGraph, focus: str, distance: dict[str, int], score: dict[str, float]
) -> dict[str, tuple[float, float]]:
    """Rings around ``focus``: ring ``k`` holds the nodes ``k`` hops away, grouped under their parent.

    Each node's parent is its most important neighbour one ring in; a node gets an angular wedge
    proportional to the leaves below it (their square root on the first ring), and each ring is then spread so neighbours on it stay at least
    ``ARC_GAP`` apart. Rings are evenly spaced (ring ``k`` at ``k`` times the first radius), the first
    radius large enough for the most crowded ring.

    Examples
    --------
    >>> H = nx.MultiDiGraph([("f", "a"), ("f", "b"), ("a", "c")])
    >>> pos = radial_layout(H, "f", {"f": 0, "a": 1, "b": 1, "c": 2}, {})
    >>> pos["f"], round(math.hypot(pos["c"][0] / RADIAL_STRETCH, pos["c"][1]))
    ((0.0, 0.0), 340)
    """
    U = H.to_undirected(as_view=True)
    nodes = sorted((n for n in H.nodes if n in distance), key=lambda n: (distance[n], *_rank_key(score, n)))
    children: dict[str, list[str]] = {n: [] for n in nodes}
    for n in nodes:
        if n == focus:
            continue
        inner = [m for m in U.neighbors(n) if distance.get(m) == distance[n] - 1]
        parent = min(inner, key=lambda m: _rank_key(score, m))
        children[parent].append(n)
    leaves: dict[str, float] = {}
    for n in reversed(nodes):  # outer rings first
        leaves[n] = max(1, sum(leaves[c] for c in children[n]))
    # A wedge is shared among siblings by leaves, except on the first ring, where the square root keeps
    # one big neighbour from pushing all the others into one arc.
    weight = dict(leaves)
    for c in children[focus]:
        weight[c] = math.sqrt(leaves[c])
    angle: dict[str, float] = {focus: 0.0}
    stack = [(focus, -math.pi / 2, 1.5 * math.pi)]
    while stack:
        node, start, end = stack.pop()
        total = sum(weight[c] for c in children[node])
        at = start
        for c in children[node]:
            width = (end - start) * weight[c] / total
            angle[c] = at + width / 2
            stack.append((c, at, at + width))
            at += width
    pos: dict[str, tuple[float, float]] = {focus: (0.0, 0.0)}
    rings: dict[int, list[str]] = {}
    for n in nodes:
        if n != focus:
            rings.setdefault(distance[n], []).append(n)
    step = max([RING_GAP] + [len(ring) * ARC_GAP / (2 * math.pi) / k for k, ring in rings.items()])
    for k in sorted(rings):
        ring = sorted(rings[k], key=lambda n: (angle[n], str(n)))
        radius = k * step
        gap = min(2 * math.pi / len(ring), ARC_GAP / radius)
        # Cut the circle at its widest gap so the spread never pushes two ends into each other.
        thetas = [angle[n] for n in ring]
        gaps = [(thetas[(i + 1) % len(ring)] - thetas[i]) % (2 * math.pi) for i in range(len(ring))]
        cut = (max(range(len(ring)), key=lambda i: (gaps[i], -i)) + 1) % len(ring)
        order = ring[cut:] + ring[:cut]
        unwrapped, last = [], None
        for n in order:
            a = angle[n]
            while last is not None and a < last:
                a += 2 * math.pi
            unwrapped.append(a)
            last = a
        for n, a in zip(order, _spread(unwrapped, gap, 2 * math.pi)):
            pos[n] = (round(RADIAL_STRETCH * radius * math.cos(a), 3), round(radius * math.sin(a), 3))
    return pos


def _columns(A: nx.DiGraph, component: set[str], score: dict[str, float]) -> list[list[str]]:
    """Topological generations of one component, each ordered by barycentre sweeps."""
    sub = A.subgraph(component)
    layers = [sorted(g, key=lambda n: _rank_key(score, n)) for g in nx.topological_generations(sub)]
    where = {n: (i, j) for i, layer in enumerate(layers) for j, n in enumerate(layer)}
    U = sub.to_undirected(as_view=True)

    def reorder(i: int, ref: int) -> None:
        def bary(n: str) -> tuple[float, float, str]:
            near = [where[m][1] for m in U.neighbors(n) if where[m][0] == ref]
            own = where[n][1]
            return (sum(near) / len(near) if near else own, own, str(n))
        layers[i].sort(key=bary)
        for j, n in enumerate(layers[i]):
            where[n] = (i, j)

    for _ in range(SWEEPS):
        for i in range(1, len(layers)):
            reorder(i, i - 1)
        for i in range(len(layers) - 2, -1, -1):
            reorder(i, i + 1)
    return layers


Block = tuple[float, float, dict[str, tuple[float, float]]]


def _pack(blocks: list[Block], limit: float, gap: float) -> list[tuple[float, float, Block]]:
    """Place blocks top to bottom in newspaper columns at most ``limit`` tall, ``gap`` apart.

    Returns ``(x, y, block)`` per block, in order.
    """
    placed = []
    x = y = column_width = 0.0
    for block in blocks:
        w, h, _ = block
        if y > 0 and y + h > limit:
            x, y, column_width = x + column_width + gap, 0.0, 0.0
        placed.append((x, y, block))
        y += h + BLOCK_GAP
        column_width = max(column_width, w)
    return placed


def _best_limit(blocks: list[Block]) -> tuple[float, float]:
    """The column height whose packing fits the aimed-at window at the largest zoom: ``(limit, zoom)``.

    Label room and the gaps between newspaper columns are screen pixels, so they are taken off the
    window before the canvas width is scaled.
    """
    tallest = max(h for _, h, _ in blocks)
    total = sum(h + BLOCK_GAP for _, h, _ in blocks)
    best = (tallest, 0.0)
    steps = 40
    for i in range(steps + 1):
        limit = tallest * (total / tallest) ** (i / steps)
        placed = _pack(blocks, limit, 0.0)
        columns = len({x for x, _, _ in placed})
        width = max(1.0, max(x + w for x, _, (w, _, _) in placed))
        height = max(1.0, max(y + h for _, y, (_, h, _) in placed))
        room = VIEW_W - 2 * LABEL_ROOM - (columns - 1) * PACK_ROOM
        zoom = min(room / width if room > 0 else 0.0, (VIEW_H - 32) / height)
        if zoom > best[1] + 1e-9:
            best = (limit, zoom)
    if best[1] <= 0:
        best = (total, (VIEW_H - 32) / total)
    return best


def layered_layout(H: nx.MultiDiGraph, score: dict[str, float]) -> dict[str, tuple[float, float]]:
    """Left-to-right layers: every edge not on a cycle goes from a column to a column further right.

    Examples
    --------
    >>> H = nx.MultiDiGraph([("qlora", "lora"), ("lora", "adapters"), ("x", "y")])
    >>> pos = layered_layout(H, {})
    >>> pos["qlora"][0] < pos["lora"][0] < pos["adapters"][0], pos["x"][0] < pos["y"][0]
    (True, True)
    >>> layered_layout(nx.MultiDiGraph([("lone", "lone")]), {})
    {'lone': (0.0, 0.0)}
    """
    D = nx.DiGraph()
    D.add_nodes_from(sorted(H.nodes, key=str))
    D.add_edges_from(sorted(((u, v) for u, v in H.edges() if u != v), key=lambda e: (str(e[0]), str(e[1]))))
    # Edges inside a strongly connected component lie on a cycle: set aside for the layering.
    scc = {n: i for i, c in enumerate(nx.strongly_connected_components(D)) for n in c}
    A = D.copy()
    A.remove_edges_from([(u, v) for u, v in D.edges if scc[u] == scc[v]])

    comps = sorted(nx.weakly_connected_components(A), key=lambda c: (-len(c), min(map(str, c))))
    blocks: list[Block] = []
    for comp in comps:
        layers = _columns(A, comp, score)
        rows = max(len(layer) for layer in layers)
        local = {
            n: (i * COLUMN_GAP, (j - (len(layer) - 1) / 2) * ROW_GAP)
            for i, layer in enumerate(layers) for j, n in enumerate(layer)
        }
        blocks.append(((len(layers) - 1) * COLUMN_GAP, rows * ROW_GAP, local))

    limit, fit = _best_limit(blocks)
    pos: dict[str, tuple[float, float]] = {}
    for x, y, (_, h, local) in _pack(blocks, limit, PACK_ROOM / fit):
        for n, (lx, ly) in local.items():
            pos[n] = (lx + x, ly + y + h / 2)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    return {n: (round(px - cx, 3), round(py - cy, 3)) for n, (px, py) in sorted(pos.items())}
