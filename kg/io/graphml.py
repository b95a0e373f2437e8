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
from typing import IO, TYPE_CHECKING, Any
from xml.etree.ElementTree import _escape_attrib, _escape_cdata  # the escaping networkx's writer gets

from kg.io.chunks import write_chunks

if TYPE_CHECKING:            # ``kg.io.graph_files`` writes without networkx (a tenth of a second to import)
    import networkx as nx

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
    import networkx as nx

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
        import networkx as nx

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
    element = _ElementWriter(keys)
    for n in nodes:
        yield element("node", f' id="{_escape_attrib(str(n))}"', G._node[n], "node")
    for u, v, k in edges:
        head = f' source="{_escape_attrib(str(u))}" target="{_escape_attrib(str(v))}" id="{_escape_attrib(str(k))}"'
        yield element("edge", head, adj[u][v][k], "edge")
    yield "  </graph>\n</graphml>\n"


class _ElementWriter:
    """Writes one pretty-printed ``<node>``/``<edge>`` with its ``<data>`` children, as ElementTree writes it.

    The ``<data key="dN">`` opening of each (scope, attribute name, value type) is made once and looked up.
    """

    def __init__(self, keys: dict[tuple[str, str, str], str]) -> None:
        self._keys = keys
        self._openings: dict[tuple[str, object, type], str] = {}

    def _opening(self, scope: str, name: object, value: Any) -> tuple[str, bool]:
        """The ``<data key="dN">`` text for this attribute and whether its value is JSON-encoded."""
        kind = _XML_TYPES.get(type(value))
        encoded = kind is None and isinstance(value, (list, dict, tuple))
        if kind is None:
            kind = "string" if encoded else _xml_type(value, name)
        opening = f'      <data key="{self._keys[(str(name), kind, scope)]}"'
        if not encoded:                      # a container is encoded each time (see ``__call__``)
            self._openings[(scope, name, type(value))] = opening
        return opening, encoded

    def __call__(self, tag: str, head: str, attrs: dict, scope: str) -> str:
        opening = "    <" + tag + head
        parts = [opening + ">\n"]
        openings = self._openings
        for name, value in attrs.items():
            if value is None:
                continue
            data = openings.get((scope, name, type(value)))
            if data is None:
                data, encoded = self._opening(scope, name, value)
                if encoded:
                    value = _JSON.encode(value)
            text = value if type(value) is str else str(value)
            if not text:
                parts.append(data + " />\n")
            elif "&" in text or "<" in text or ">" in text:
                parts.append(data + ">" + _escape_cdata(text) + "</data>\n")
            else:
                parts.append(data + ">" + text + "</data>\n")
        if len(parts) == 1:
            return opening + " />\n"
        parts.append("    </" + tag + ">\n")
        return "".join(parts)


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
