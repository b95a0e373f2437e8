"""What the canvas labels say and which labels win the space.

The page draws labels itself (``viz/static/kg-viz.js``) at a fixed screen size, whatever the node size
or zoom, and never lets two overlap: it walks the nodes in the order computed here and skips a label
that would cover one already drawn. At overview zoom only the first :func:`overview_count` nodes of that
order may carry a label (the focus, its neighbours, the top nodes by PageRank); zooming in admits more.

Label text is short: an entity's name, a paper's name before the colon of its title ("LoRA: Low-Rank
Adaptation of ..." gives "LoRA") or its first words. The full title is in the hover card.
"""

from __future__ import annotations

import networkx as nx

from kg.schema import PAPER

#: Longest label drawn on the canvas; the full name is in the hover card.
MAX_LABEL = 24
#: A title prefix before ":" is used as the paper's short name when it is at most this long.
MAX_PREFIX = 28
#: Labelled at overview zoom besides the focus and its neighbours: the top nodes by PageRank.
TOP_LABELLED = 20


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


def paper_label(title: str) -> str:
    """The short name of a paper: its title before a colon when that is short, else its first words.

    Examples
    --------
    >>> paper_label("QLoRA: Efficient Finetuning of Quantized LLMs")
    'QLoRA'
    >>> paper_label("Direct Preference Optimization Is Secretly a Reward Model")
    'Direct Preference…'
    """
    title = " ".join(str(title).split())
    head, sep, _ = title.partition(":")
    if sep and 0 < len(head.strip()) <= MAX_PREFIX:
        return short_label(head.strip())
    return short_label(title, 20)


def node_label(data: dict, node_id: str, limit: int = MAX_LABEL) -> str:
    """The canvas label of a node of the graph contract (entities: the name cut at ``limit``).

    Examples
    --------
    >>> node_label({"label": "Model", "name": "Llama-2-70B-chat-hf with many words"}, "x")
    'Llama-2-70B-chat-hf…'
    """
    if data.get("label") == PAPER:
        return paper_label(data.get("title") or data.get("name") or node_id)
    return short_label(data.get("name") or node_id, limit)


def label_order(H: nx.MultiDiGraph, score: dict[str, float], focus: str | None) -> list[str]:
    """Nodes in the order their labels claim space: focus, its neighbours, then by PageRank (then id).

    Examples
    --------
    >>> H = nx.MultiDiGraph([("f", "a"), ("b", "c"), ("c", "d")])
    >>> label_order(H, {"c": 0.5, "b": 0.2, "d": 0.2, "a": 0.05, "f": 0.05}, "f")
    ['f', 'a', 'c', 'b', 'd']
    """
    near = set(nx.all_neighbors(H, focus)) if focus is not None and focus in H else set()

    def key(n: str) -> tuple[int, float, str]:
        tier = 0 if n == focus else 1 if n in near else 2
        return (tier, -score.get(n, 0.0), str(n))

    return sorted(H.nodes, key=key)


def overview_count(H: nx.MultiDiGraph, focus: str | None, label_all: bool) -> int:
    """How many nodes of :func:`label_order` may carry a label at overview zoom.

    ``label_all`` (layered views, whose rows leave room for every label) admits every node.

    Examples
    --------
    >>> H = nx.MultiDiGraph([("f", n) for n in "abc"] + [("a", i) for i in range(40)])
    >>> overview_count(H, "f", False), overview_count(H, None, False), overview_count(H, None, True)
    (24, 20, 44)
    """
    if label_all:
        return H.number_of_nodes()
    near = len(set(nx.all_neighbors(H, focus))) if focus is not None and focus in H else 0
    return min(H.number_of_nodes(), (1 if focus is not None else 0) + near + TOP_LABELLED)
