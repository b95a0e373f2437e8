"""Visual encoding of the graph contract: colour and shape per node label, colour per relation type,
and the view's words (``ontology/viz.json``).

One table, read by the page builder (node/edge styling) and by the page itself (legend and filters),
so that the legend can never disagree with what is drawn. The palette is Okabe-Ito, which stays
distinguishable for the common forms of colour blindness.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from kg.paths import ontology_dir
from kg.schema import NODE_LABELS, RELATION_TYPES


@dataclass(frozen=True)
class NodeStyle:
    """How nodes of one label are drawn: fill colour, border colour and vis-network shape."""

    color: str
    border: str
    shape: str


@dataclass(frozen=True)
class EdgeStyle:
    """How edges of one relation type are drawn: colour, dashed or not, and line width."""

    color: str
    dashes: bool
    width: float


NODE_STYLES: dict[str, NodeStyle] = {
    "Paper": NodeStyle(color="#b8c2cc", border="#5f6b77", shape="square"),
    "Model": NodeStyle(color="#0072b2", border="#004a75", shape="dot"),
    "Dataset": NodeStyle(color="#e69f00", border="#9a6a00", shape="diamond"),
    "Technique": NodeStyle(color="#009e73", border="#006a4d", shape="triangle"),
}
#: Style for a label outside the contract (drawn, never silently dropped).
UNKNOWN_NODE_STYLE = NodeStyle(color="#dddddd", border="#888888", shape="dot")

EDGE_STYLES: dict[str, EdgeStyle] = {
    "INTRODUCES": EdgeStyle(color="#56b4e9", dashes=False, width=1.5),
    "USES": EdgeStyle(color="#8c8c8c", dashes=False, width=1.0),
    "OUTPERFORMS": EdgeStyle(color="#d55e00", dashes=False, width=2.0),
    "EXTENDS": EdgeStyle(color="#cc79a7", dashes=False, width=2.0),
    "MENTIONS": EdgeStyle(color="#d9d9d9", dashes=True, width=0.6),
}
UNKNOWN_EDGE_STYLE = EdgeStyle(color="#bbbbbb", dashes=True, width=0.6)

# The tables must cover the contract; a new label or relation in ontology/schema.json fails loudly here.
assert set(NODE_STYLES) == set(NODE_LABELS), "viz.style.NODE_STYLES out of sync with ontology/schema.json"
assert set(EDGE_STYLES) == set(RELATION_TYPES), "viz.style.EDGE_STYLES out of sync with ontology/schema.json"


def node_style(label: str) -> NodeStyle:
    """Return the style of nodes labelled ``label`` (a neutral style for labels outside the contract).

    Examples
    --------
    >>> node_style("Model").shape
    'dot'
    >>> node_style("Nonsense").color
    '#dddddd'
    """
    return NODE_STYLES.get(label, UNKNOWN_NODE_STYLE)


def edge_style(rel_type: str) -> EdgeStyle:
    """Return the style of edges of type ``rel_type`` (a neutral dashed style for unknown types).

    Examples
    --------
    >>> edge_style("OUTPERFORMS").color
    '#d55e00'
    """
    return EDGE_STYLES.get(rel_type, UNKNOWN_EDGE_STYLE)


@lru_cache(maxsize=1)
def viz_words() -> dict:
    """The view's words and lists from ``ontology/viz.json`` (layered relations, hidden-by-default
    relations, "how to read" sentences, paper-panel section titles)."""
    with open(ontology_dir() / "viz.json", encoding="utf-8") as fh:
        return json.load(fh)


def layered_relations() -> tuple[str, ...]:
    """Relation types whose views are drawn as layered, left-to-right layouts (lineage, who beats whom).

    Examples
    --------
    >>> layered_relations()
    ('EXTENDS', 'OUTPERFORMS')
    """
    return tuple(viz_words()["layered_relations"])


def hidden_by_default(requested: list[str] | None) -> list[str]:
    """Relation types the page hides until asked (MENTIONS), except those the view was built for.

    Examples
    --------
    >>> hidden_by_default(None), hidden_by_default(["MENTIONS"])
    (['MENTIONS'], [])
    """
    return [r for r in viz_words()["hidden_by_default"] if r not in (requested or [])]
