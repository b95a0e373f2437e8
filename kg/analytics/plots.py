"""PNG plots for the analytics, drawn headless with matplotlib's Agg backend.

Every function takes plain data (names and numbers), writes one PNG and returns its path.
Files are reproducible: fixed figure sizes and DPI, fixed ``svg.hashsalt``, and no
``Software``/date metadata in the PNG, so the same data gives the same bytes.
Long names are shortened with an ellipsis so labels never run into each other.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

DPI = 110
_RC = {"svg.hashsalt": "kg-analytics", "font.size": 9, "axes.titlesize": 11, "figure.titlesize": 13,
       "axes.spines.top": False, "axes.spines.right": False}


def shorten(text: str, width: int = 32) -> str:
    """Cut ``text`` to ``width`` characters with an ellipsis; `$` is escaped so mathtext never triggers.

    Examples
    --------
    >>> shorten("A very long technique name indeed", 12)
    'A very long…'
    """
    text = " ".join(str(text).split()).replace("$", r"\$")
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


# Fonts tried after DejaVu Sans for glyphs it lacks (CJK names), when installed (e.g. Debian fonts-noto-cjk).
FALLBACK_FONTS = ("Noto Sans CJK JP", "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Droid Sans Fallback")


def _font_family() -> list[str]:
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return ["DejaVu Sans", *(f for f in FALLBACK_FONTS if f in installed)]


@contextmanager
def _figure(width: float, height: float) -> Iterator[Any]:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    with matplotlib.rc_context({**_RC, "font.family": _font_family()}), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*[Gg]lyph.*missing.*")
        fig = plt.figure(figsize=(width, height), dpi=DPI)
        try:
            yield fig
        finally:
            plt.close(fig)


def _save(fig: Any, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, format="png", metadata={"Software": None}, bbox_inches="tight")
    return path


def bar_panels(panels: Sequence[tuple[str, Sequence[str], Sequence[float]]], path: str | Path,
               title: str, xlabel: str) -> Path:
    """Horizontal bar charts side by side, one per ``(panel_title, names, values)``; largest bar on top.

    Examples
    --------
    >>> import tempfile, os
    >>> p = bar_panels([("Datasets", ["GSM8K", "MATH"], [3, 1])], os.path.join(tempfile.mkdtemp(), "b.png"),
    ...                "Most used", "papers")
    >>> p.stat().st_size > 0
    True
    """
    n = max(1, len(panels))
    rows = max([len(names) for _, names, _ in panels] + [1])
    with _figure(4.6 * n, 1.2 + 0.32 * rows) as fig:
        axes = fig.subplots(1, n, squeeze=False)[0]
        for ax, (ptitle, names, values) in zip(axes, panels):
            ys = list(range(len(names)))[::-1]
            ax.barh(ys, list(values), color="#4c72b0")
            ax.set_yticks(ys, [shorten(x, 28) for x in names])
            for y, v in zip(ys, values):
                ax.text(v, y, f" {v:g}", va="center", fontsize=8)
            ax.set_title(ptitle)
            ax.set_xlabel(xlabel)
            ax.xaxis.get_major_locator().set_params(integer=True)
            if not names:
                ax.text(0.5, 0.5, "(none)", ha="center", va="center", transform=ax.transAxes)
                ax.set_yticks([])
            ax.margins(x=0.15)
        fig.suptitle(title)
        fig.tight_layout()
        return _save(fig, path)


def heatmap(row_names: Sequence[str], col_names: Sequence[str], values: Sequence[Sequence[float]],
            path: str | Path, title: str, xlabel: str, ylabel: str) -> Path:
    """Annotated heatmap of a small matrix (cells show their counts; zeros left blank)."""
    import matplotlib.ticker

    nr, nc = max(1, len(row_names)), max(1, len(col_names))
    with _figure(2.5 + 0.45 * nc, 2.0 + 0.35 * nr) as fig:
        ax = fig.subplots()
        data = [list(r) for r in values] or [[0]]
        im = ax.imshow(data, cmap="Blues", aspect="auto", vmin=0)
        ax.set_xticks(range(len(col_names)), [shorten(c, 24) for c in col_names], rotation=45, ha="right",
                      rotation_mode="anchor")
        ax.set_yticks(range(len(row_names)), [shorten(r, 28) for r in row_names])
        top = max((max(r) for r in data if r), default=0) or 1
        for i, r in enumerate(values):
            for j, v in enumerate(r):
                if v:
                    ax.text(j, i, f"{v:g}", ha="center", va="center", fontsize=7,
                            color="white" if v > top / 2 else "black")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        if not row_names or not col_names:
            ax.text(0.5, 0.5, "(no co-usage)", ha="center", va="center", transform=ax.transAxes)
        bar = fig.colorbar(im, ax=ax, label="papers", shrink=0.8)
        bar.locator = matplotlib.ticker.MaxNLocator(integer=True)
        bar.update_ticks()
        fig.tight_layout()
        return _save(fig, path)


def tree_positions(groups: Sequence[Sequence[Any]], edges: Sequence[tuple[Any, Any]], layer: dict[Any, int]
                   ) -> dict[Any, tuple[float, float]]:
    """Positions for a layered drawing: one column block per group (tree), layer ``k`` at ``y = -k``.

    Inside a block, layer 0 keeps the given order; each deeper layer is ordered by the mean x of
    the nodes it points to (its parents), then by the given order, so children sit under parents.

    Examples
    --------
    >>> tree_positions([["r", "a", "b"]], [("a", "r"), ("b", "r")], {"r": 0, "a": 1, "b": 1})
    {'r': (0.5, 0), 'a': (0.0, -1), 'b': (1.0, -1)}
    """
    parents: dict[Any, list[Any]] = {}
    for u, v in edges:
        parents.setdefault(u, []).append(v)
    pos: dict[Any, tuple[float, float]] = {}
    offset = 0.0
    for group in groups:
        order = {n: i for i, n in enumerate(group)}
        layers: dict[int, list[Any]] = {}
        for n in group:
            layers.setdefault(layer[n], []).append(n)
        width = max(len(v) for v in layers.values())
        for k in sorted(layers):
            def bary(n: Any) -> float:
                xs = [pos[p][0] for p in parents.get(n, []) if p in pos]
                return sum(xs) / len(xs) if xs else float("inf")
            row = sorted(layers[k], key=lambda n: (bary(n), order[n])) if k else layers[k]
            start = offset + (width - len(row)) / 2
            for i, n in enumerate(row):
                pos[n] = (start + i, -k)
        offset += width + 0.6
    return pos


def layered_graph(groups: Sequence[Sequence[Any]], edges: Sequence[tuple[Any, Any]], layer: dict[Any, int],
                  names: dict[Any, str], colors: dict[Any, str], path: str | Path, title: str,
                  legend: dict[str, str] | None = None) -> Path:
    """Draw DAGs as trees: ``groups`` (one list of nodes per tree) side by side, layer 0 on top.

    Arrows go from each edge's source to its target (for lineage: child -> the parent it extends).
    """
    import networkx as nx
    from matplotlib.lines import Line2D

    nodes = [n for g in groups for n in g]
    H = nx.DiGraph()
    H.add_nodes_from(nodes)
    H.add_edges_from(edges)
    pos = tree_positions(groups, edges, layer)
    xs = [x for x, _ in pos.values()] or [0.0]
    depth = max(list(layer.values()) + [0]) + 1
    with _figure(min(40.0, 2.5 + 1.45 * (max(xs) - min(xs) + 1)), 1.8 + 1.3 * depth) as fig:
        ax = fig.subplots()
        if H.number_of_nodes():
            nx.draw_networkx_edges(H, pos, ax=ax, arrows=True, arrowstyle="-|>", arrowsize=12,
                                   edge_color="#999999", node_size=260, width=1.2)
            nx.draw_networkx_nodes(H, pos, ax=ax, node_size=260, node_color=[colors.get(n, "#4c72b0") for n in H])
            for n, (x, y) in pos.items():
                ax.annotate(shorten(names[n], 20), (x, y), xytext=(8, 0), textcoords="offset points",
                            ha="left", va="center", fontsize=7,
                            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85})
            ax.set_xlim(min(xs) - 0.4, max(xs) + 1.0)
            ax.set_ylim(-depth + 0.45, 0.45)
        else:
            ax.text(0.5, 0.5, "(no EXTENDS edges)", ha="center", va="center", transform=ax.transAxes)
        if legend:
            ax.legend(handles=[Line2D([], [], marker="o", ls="", color=c, label=k) for k, c in legend.items()],
                      loc="upper right", fontsize=7, frameon=False, bbox_to_anchor=(1.0, 1.08), ncols=len(legend))
        ax.set_title(title, loc="left")
        ax.axis("off")
        fig.tight_layout()
        return _save(fig, path)


def community_plot(sizes: Sequence[int], top_names: Sequence[str], top_values: Sequence[float],
                   path: str | Path, title: str) -> Path:
    """Two panels: community size distribution (communities per size) and top entities by PageRank."""
    from collections import Counter

    dist = sorted(Counter(sizes).items())
    with _figure(11.0, 1.4 + 0.32 * max(8, len(top_names))) as fig:
        left, right = fig.subplots(1, 2)
        left.bar([str(s) for s, _ in dist], [c for _, c in dist], color="#55a868")
        left.set_xlabel("community size (entities)")
        left.set_ylabel("number of communities")
        left.set_title("Louvain community size distribution")
        left.yaxis.get_major_locator().set_params(integer=True)
        if len(dist) > 12:
            for lab in left.get_xticklabels():
                lab.set_rotation(90)
        ys = list(range(len(top_names)))[::-1]
        right.barh(ys, list(top_values), color="#4c72b0")
        right.set_yticks(ys, [shorten(n, 28) for n in top_names])
        right.set_xlabel("PageRank (co-occurrence graph)")
        right.set_title("Most central entities")
        fig.suptitle(title)
        fig.tight_layout()
        return _save(fig, path)
