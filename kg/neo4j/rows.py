"""Turn graph nodes and edges into rows of Neo4j-storable properties.

Neo4j properties are scalars or homogeneous lists of scalars. So: ``None`` values are dropped, dicts (and
lists holding dicts, ``None`` or mixed types) are JSON-encoded, lists of one scalar type stay lists, and NaN
or infinite floats become strings. The rows are what both the loader and the ``kg.io`` exporters write.
"""

from __future__ import annotations

import json
import math
from typing import Any, Iterator

import networkx as nx

from kg.errors import KgError
from kg.schema import NODE_LABELS, RELATION_TYPES

# List properties merged as sets on re-load (aliases of one entity found by several corpora).
UNION_LIST_PROPS = ("aliases", "sources")
# Edge attributes that are identity or structure, not stored as relationship properties.
EDGE_STRUCTURAL = ("source", "target", "type")
# Types stored as they are (exact types: subclasses go through the checks of ``to_property``).
_PLAIN = frozenset({str, int, bool})


def to_property(value: Any) -> Any:
    """Return ``value`` as a Neo4j property value, or ``None`` to mean "drop it".

    Examples
    --------
    >>> to_property(["a", "b"]), to_property({"b": 1, "a": 2}), to_property(None)
    (['a', 'b'], '{"a": 2, "b": 1}', None)
    >>> to_property([1, "x"])
    '[1, "x"]'
    """
    if value is None:
        return None
    if type(value) in _PLAIN:  # the common case first: loads call this for every property of every row
        return value
    if isinstance(value, bool) or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (list, tuple)):
        items = list(value)
        kinds = {type(v) for v in items}
        if not items or (len(kinds) == 1 and kinds <= {str, int, float, bool}
                         and all(not isinstance(v, float) or math.isfinite(v) for v in items)):
            return items
        return json.dumps(items, ensure_ascii=False, sort_keys=True)
    if isinstance(value, (set, frozenset)):
        return to_property(sorted(value, key=str))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def properties(attrs: dict, skip: tuple[str, ...] = ()) -> dict:
    """Storable properties of an attribute dict, keys sorted, ``None`` dropped.

    Examples
    --------
    >>> properties({"b": None, "a": 1.5, "type": "USES"}, skip=("type",))
    {'a': 1.5}
    """
    out = {}
    for key in sorted(attrs):
        if key in skip:
            continue
        value = to_property(attrs[key])
        if value is not None:
            out[str(key)] = value
    return out


def node_label(node_id: str, attrs: dict, source: str = "graph") -> str:
    """The node's contract label, checked against the schema (it is put in Cypher as a label)."""
    label = attrs.get("label")
    if label not in NODE_LABELS:
        raise KgError(f"{source}: node {node_id!r} has label {label!r}; expected one of {', '.join(NODE_LABELS)}")
    return label


def edge_type(u: str, v: str, attrs: dict, source: str = "graph") -> str:
    """The edge's relation type, checked against the schema (it is put in Cypher as a type)."""
    rel = attrs.get("type")
    if rel not in RELATION_TYPES:
        raise KgError(f"{source}: edge {u!r}->{v!r} has type {rel!r}; expected one of {', '.join(RELATION_TYPES)}")
    return rel


def node_rows(G: nx.MultiDiGraph, source: str = "graph") -> dict[str, list[dict]]:
    """Node rows grouped by label: ``{label: [{"id", "props", "aliases", "sources"}, ...]}`` sorted by id.

    ``props`` excludes the union lists, which the loader merges separately.

    Examples
    --------
    >>> G = nx.MultiDiGraph(); G.add_node("ent:x", label="Model", name="X", aliases=["x"])
    >>> node_rows(G)["Model"]
    [{'id': 'ent:x', 'props': {'id': 'ent:x', 'label': 'Model', 'name': 'X'}, 'aliases': ['x'], 'sources': []}]
    """
    grouped: dict[str, list[dict]] = {label: [] for label in NODE_LABELS}
    for node_id in sorted(G.nodes, key=str):
        label, row = node_row(node_id, G.nodes[node_id], source)
        grouped[label].append(row)
    return {label: rows for label, rows in grouped.items() if rows}


def node_row(node_id: Any, attrs: dict, source: str = "graph") -> tuple[str, dict]:
    """The label and the row (``{"id", "props", "aliases", "sources"}``) of one node.

    The one place a node becomes a row: :func:`node_rows` (loader, exporters) and the streaming
    ``kg build --neo4j-csv`` path (``kg.pipeline.neo4j_csv``) both call it.

    Examples
    --------
    >>> node_row("ent:x", {"label": "Model", "name": "X", "aliases": "x"})
    ('Model', {'id': 'ent:x', 'props': {'id': 'ent:x', 'label': 'Model', 'name': 'X'}, 'aliases': ['x'], 'sources': []})
    """
    attrs = {**attrs, "id": str(node_id)}
    label = node_label(str(node_id), attrs, source)
    row = {"id": str(node_id), "props": properties(attrs, skip=UNION_LIST_PROPS)}
    for key in UNION_LIST_PROPS:
        value = to_property(attrs.get(key))
        row[key] = [str(v) for v in value] if isinstance(value, list) else ([value] if value else [])
    return label, row


def edge_rows(G: nx.MultiDiGraph, source: str = "graph") -> dict[str, list[dict]]:
    """Edge rows grouped by type: ``{type: [{"source", "target", "paper", "props"}, ...]}``, sorted.

    The identity of a relationship in Neo4j is (source id, target id, type, paper); when several graph
    edges share it, the last one (in key order) wins.

    Examples
    --------
    >>> G = nx.MultiDiGraph(); G.add_edge("p", "ent:x", type="USES", paper="p", confidence=0.9)
    0
    >>> edge_rows(G)["USES"]
    [{'source': 'p', 'target': 'ent:x', 'paper': 'p', 'props': {'confidence': 0.9, 'key': 0, 'paper': 'p'}}]
    """
    grouped: dict[str, dict[tuple, tuple[str, dict]]] = {}
    for u, v, key, attrs in G.edges(keys=True, data=True):
        rel, row = edge_row(u, v, key, attrs, source)
        ident, order = (row["source"], row["target"], row["paper"]), str(key)
        rows = grouped.setdefault(rel, {})
        if ident in rows and rows[ident][0] > order:  # the last in key order wins, whatever the edge order
            continue
        rows[ident] = (order, row)
    return {rel: [rows[k][1] for k in sorted(rows)] for rel, rows in sorted(grouped.items())}


def edge_row(u: Any, v: Any, key: Any, attrs: dict, source: str = "graph") -> tuple[str, dict]:
    """The relation type and the row (``{"source", "target", "paper", "props"}``) of one edge.

    The one place an edge becomes a row: :func:`edge_rows` (loader, exporters) and the streaming
    ``kg build --neo4j-csv`` path (``kg.pipeline.neo4j_csv``) both call it.

    Examples
    --------
    >>> edge_row("p", "ent:x", 0, {"type": "USES", "paper": "p", "confidence": 0.9})
    ('USES', {'source': 'p', 'target': 'ent:x', 'paper': 'p', 'props': {'confidence': 0.9, 'key': 0, 'paper': 'p'}})
    """
    u, v = str(u), str(v)
    rel = edge_type(u, v, attrs, source)
    paper = attrs.get("paper")
    paper = "" if paper is None else str(paper)
    props = properties({**attrs, "key": key, "paper": paper}, skip=EDGE_STRUCTURAL)
    return rel, {"source": u, "target": v, "paper": paper, "props": props}


def expected_counts(G: nx.MultiDiGraph) -> dict[str, int]:
    """Node count per label and relationship count per type that a load of ``G`` must produce.

    Examples
    --------
    >>> G = nx.MultiDiGraph(); G.add_node("p", label="Paper"); G.add_node("m", label="Model")
    >>> G.add_edge("p", "m", type="MENTIONS", paper="p")
    0
    >>> expected_counts(G)
    {'Model': 1, 'Paper': 1, 'MENTIONS': 1}
    """
    counts: dict[str, int] = {}
    for label, rows in sorted(node_rows(G).items()):
        counts[label] = len(rows)
    for rel, rows in edge_rows(G).items():
        counts[rel] = len(rows)
    return counts


def iter_batches(rows: list, size: int) -> Iterator[list]:
    """Consecutive slices of ``rows`` of at most ``size`` items.

    Examples
    --------
    >>> [len(b) for b in iter_batches(list(range(5)), 2)]
    [2, 2, 1]
    """
    if size < 1:
        raise KgError(f"batch size must be at least 1, got {size}")
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def source_batches(rows: list[dict], size: int) -> Iterator[list[dict]]:
    """Batches of about ``size`` relationship rows that never split one source's rows across two batches.

    ``rows`` are sorted by source (as :func:`edge_rows` returns them). Keeping a source's relationships of
    one type in one transaction is what lets the loader CREATE them when it created the source node: no
    earlier batch can have written one of them (see :mod:`kg.neo4j.loader`). A batch grows past ``size``
    only to finish its last source.

    Examples
    --------
    >>> rows = [{"source": s} for s in "aabbbc"]
    >>> [[r["source"] for r in b] for b in source_batches(rows, 3)]
    [['a', 'a', 'b', 'b', 'b'], ['c']]
    """
    if size < 1:
        raise KgError(f"batch size must be at least 1, got {size}")
    start = 0
    while start < len(rows):
        end = min(start + size, len(rows))
        while end < len(rows) and rows[end]["source"] == rows[end - 1]["source"]:
            end += 1
        yield rows[start:end]
        start = end
