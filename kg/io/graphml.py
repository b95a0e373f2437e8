"""GraphML writer: list and dict attributes are JSON-encoded (GraphML holds scalars only), None dropped.

The file is written as a stream, one node or edge at a time, in the exact format of networkx's
``write_graphml_xml`` (ElementTree, pretty-printed, ``d0``, ``d1``... key ids in order of first use, keys
listed last-first, ``attr.type`` from the Python type of each value) applied to ``to_graphml_graph(G)``:
the networkx writer builds the whole XML tree first, which for large graphs cost more memory than the
graph itself. A first pass over the attributes collects the keys, which GraphML puts before the graph.
``tests/test_scale.py`` checks the bytes against networkx's writer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import _escape_attrib, _escape_cdata  # the escaping networkx's writer gets

import networkx as nx

from kg.io.chunks import write_chunks

_NS = ('<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
       'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
       'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">')
_XML_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}
_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)      # what json.dumps with these arguments uses


def _scalar_attrs(attrs: dict) -> dict:
    out = {}
    for key, value in attrs.items():
        if value is None:
            continue
        out[key] = _JSON.encode(value) if isinstance(value, (list, dict, tuple)) else value
    return out


def to_graphml_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``G`` whose attributes GraphML can hold, nodes and edges in sorted order."""
    H = nx.MultiDiGraph()
    for node in sorted(G.nodes):
        H.add_node(node, **_scalar_attrs(G.nodes[node]))
    for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2]))):
        H.add_edge(u, v, key=k, **_scalar_attrs(d))
    return H


def _xml_type(value: Any, name: str) -> str:
    kind = _XML_TYPES.get(type(value))
    if kind is not None:
        return kind
    kind = str if isinstance(value, (list, dict, tuple)) else type(value)
    try:
        return _XML_TYPES[kind]
    except KeyError:
        raise nx.NetworkXError(f"GraphML writer does not support {kind} as data values (attribute {name!r})") from None


def _sorted_nodes(G: nx.MultiDiGraph) -> list:
    return sorted(G.nodes)


def _sorted_edges(G: nx.MultiDiGraph) -> list[tuple]:
    edges = ((u, v, k) for u, nbrs in G._adj.items() for v, kd in nbrs.items() for k in kd)  # G.edges(keys=True)
    return sorted(edges, key=lambda e: (e[0], e[1], str(e[2])))


def _keys(G: nx.MultiDiGraph, nodes: list, edges: list[tuple]) -> dict[tuple[str, str, str], str]:
    """(name, type, scope) -> key id, in order of first use (nodes, then edges).

    Most nodes and edges have the same attribute names and value types as one before them: only the first
    of each such signature can add keys.
    """
    keys: dict[tuple[str, str, str], str] = {}
    adj = G._adj
    for scope, items in (("node", (G._node[n] for n in nodes)), ("edge", (adj[u][v][k] for u, v, k in edges))):
        seen: set[tuple] = set()
        for attrs in items:
            signature = (tuple(attrs), tuple(map(type, attrs.values())))
            if signature in seen:
                continue
            seen.add(signature)
            for name, value in attrs.items():
                if value is not None:
                    keys.setdefault((str(name), _xml_type(value, name), scope), f"d{len(keys)}")
    return keys


def _lines(G: nx.MultiDiGraph) -> Iterator[str]:
    nodes = _sorted_nodes(G)
    edges = _sorted_edges(G)
    keys = _keys(G, nodes, edges)
    yield "<?xml version='1.0' encoding='utf-8'?>\n" + _NS + "\n"
    for (name, kind, scope), kid in reversed(list(keys.items())):
        yield (f'  <key id="{_escape_attrib(kid)}" for="{scope}" attr.name="{_escape_attrib(name)}" '
               f'attr.type="{kind}" />\n')
    if not nodes and not edges:
        yield '  <graph edgedefault="directed" />\n</graphml>\n'
        return
    yield '  <graph edgedefault="directed">\n'
    adj = G._adj
    for n in nodes:
        yield from _data_element("node", [("id", str(n))], G._node[n], keys, "node")
    for u, v, k in edges:
        yield from _data_element("edge", [("source", str(u)), ("target", str(v)), ("id", str(k))], adj[u][v][k], keys, "edge")
    yield "  </graph>\n</graphml>\n"


def _data_element(tag: str, head: list[tuple[str, str]], attrs: dict, keys: dict, scope: str) -> Iterator[str]:
    """One pretty-printed ``<node>``/``<edge>`` with its ``<data>`` children, as ElementTree writes it."""
    opening = "    <" + tag + "".join(f' {k}="{_escape_attrib(v)}"' for k, v in head)
    parts = [opening + ">\n"]
    for name, value in attrs.items():
        if value is None:
            continue
        kind = _XML_TYPES.get(type(value))
        if kind is None:
            if isinstance(value, (list, dict, tuple)):
                value, kind = _JSON.encode(value), "string"
            else:
                kind = _xml_type(value, name)
        key = keys[(str(name), kind, scope)]
        text = str(value)
        parts.append(f'      <data key="{key}">{_escape_cdata(text)}</data>\n' if text else f'      <data key="{key}" />\n')
    if len(parts) == 1:
        yield opening + " />\n"
        return
    parts.append(f"    </{tag}>\n")
    yield "".join(parts)


def write_graphml_stream(G: nx.MultiDiGraph, fh: IO[str]) -> None:
    """Write ``G`` as GraphML to the open text file ``fh`` (see the module docstring)."""
    write_chunks(fh, _lines(G))


def write_graphml(G: nx.MultiDiGraph, path: str | Path) -> None:
    """Write ``G`` as GraphML (opens in Gephi, Cytoscape, yEd; ``nx.read_graphml`` reads it back).

    Examples
    --------
    >>> import networkx as nx, tempfile, os
    >>> G = nx.MultiDiGraph(); G.add_node("a", label="Model", aliases=["A"]); G.add_edge("a", "a", key="k", type="USES")
    'k'
    >>> p = os.path.join(tempfile.mkdtemp(), "g.graphml"); write_graphml(G, p)
    >>> nx.read_graphml(p).nodes["a"]["aliases"]
    '["A"]'
    """
    with open(path, "w", encoding="utf-8", errors="xmlcharrefreplace", newline="\n") as fh:
        write_graphml_stream(G, fh)
