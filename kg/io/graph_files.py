"""graph.json and graph.graphml written together, edge by edge, with each node's and edge's place in both files.

The same bytes as ``kg.io.graph_json.write_graph_json`` and ``kg.io.graphml.write_graphml`` (checked by
``tests/test_update_incremental.py``), but a node or edge can also come as ready text: the bytes it had in an
earlier pair of files (``kg.pipeline.splice`` copies the edges and Paper nodes of unchanged papers that way instead
of assembling and encoding them). Every node's and edge's (offset, length) in both files is returned, so the next
update can find it again, and each file's size and SHA-1, taken as it is written (the index records them; reading
the files back to hash them cost an update of 5,000 papers a twentieth of a second).

An edge's text depends only on its endpoints, key and attributes, and, in GraphML, on the ids of the ``<key>``
entries its attributes use; those ids are numbered in order of first use over the sorted nodes and edges, so
``write_graph_files`` needs each edge's *signature* (its attribute names and GraphML types, ``edge_signature``)
and the caller must check that the key ids of copied edges did not change (``edge_keys``). Edges that were next
to each other in the earlier files and still are are copied as one block.
"""

from __future__ import annotations

import hashlib
import mmap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from kg.io.graphml import _NS, _ElementWriter, _escape_attrib, _keys, _xml_type
from kg.jsontext import encode, iterencode

if TYPE_CHECKING:            # the graph may be a ``kg.pipeline.plaingraph.PlainGraph``: only its dicts are read
    import networkx as nx

#: An edge's GraphML signature: (attribute name, GraphML type) of each attribute that is not None, in order.
Signature = tuple[tuple[str, str], ...]
#: (name, GraphML type, scope) -> key id, in order of first use (``kg.io.graphml._keys``).
KeyTable = dict[tuple[str, str, str], str]


def edge_signature(attrs: dict) -> Signature:
    """The GraphML signature of an edge's attributes.

    >>> edge_signature({"type": "USES", "confidence": 1.0, "rules": ["a"], "x": None})
    (('type', 'string'), ('confidence', 'double'), ('rules', 'string'))
    """
    return tuple((str(name), _xml_type(value, name)) for name, value in attrs.items() if value is not None)


def key_table(G: nx.MultiDiGraph, nodes: list, signatures: Iterable[Signature]) -> KeyTable:
    """The GraphML key table of ``G``'s nodes (in the order ``nodes``) and edges with these signatures, in order."""
    keys = _keys(G, nodes, [])
    for signature in dict.fromkeys(signatures):
        for name, kind in signature:
            keys.setdefault((name, kind, "edge"), f"d{len(keys)}")
    return keys


def edge_keys(keys: KeyTable) -> dict[tuple[str, str], str]:
    """The edge part of a key table: (name, type) -> key id; a copied edge's text is valid while it is unchanged."""
    return {(name, kind): kid for (name, kind, scope), kid in keys.items() if scope == "edge"}


@dataclass
class Places:
    """Where each edge's text is in graph.json and graph.graphml: offset and length in each, one list per column."""

    json_at: list[int] = field(default_factory=list)
    json_len: list[int] = field(default_factory=list)
    graphml_at: list[int] = field(default_factory=list)
    graphml_len: list[int] = field(default_factory=list)


#: Where a node's text is: (graph.json offset, length, graph.graphml offset, length).
NodePlace = tuple[int, int, int, int]
#: A written file's size and the hex SHA-1 of its bytes.
FileDigest = tuple[int, str]


@dataclass
class EarlierFiles:
    """The edges of an earlier pair of files, in their order: where each is, and its signature's number; and the
    nodes whose texts are to be copied, with their places."""

    json_path: Path
    graphml_path: Path
    places: Places
    signatures: list[int]
    nodes: dict[str, NodePlace] = field(default_factory=dict)


@dataclass(slots=True)
class Edge:
    """An edge to encode: endpoints, key, attributes and the number of its signature."""

    source: str
    target: str
    key: str
    attrs: dict[str, Any]
    signature: int


#: What ``write_graph_files`` writes, in order: an edge to encode, or consecutive edges of the earlier files.
Segment = Edge | range


class _OldFile:
    """An earlier output file, mapped read-only."""

    def __init__(self, path: Path) -> None:
        self._fh = open(path, "rb")
        try:
            self._map = mmap.mmap(self._fh.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            self._fh.close()
            raise

    def slice(self, at: int, length: int, start: bytes, end: bytes) -> bytes:
        """``length`` bytes from ``at``; ``ValueError`` unless they start and end as an edge's text does."""
        data = self._map[at:at + length]
        if len(data) != length or not data.startswith(start) or not data.endswith(end):
            raise ValueError(f"the earlier file has no edges at {at}")
        return data

    def close(self) -> None:
        self._map.close()
        self._fh.close()


class _Out:
    """A binary output file that knows its position and the SHA-1 of what was written to it."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.at = 0
        self.sha1 = hashlib.sha1()

    def write(self, data: bytes) -> int:
        self.fh.write(data)
        self.sha1.update(data)
        self.at += len(data)
        return len(data)


_SEP = b",\n  "     # between two edges in graph.json (none in GraphML)


def used_signatures(segments: Sequence[Segment], old: EarlierFiles | None) -> list[int]:
    """The signature numbers of the edges, each once, in order of first use."""
    seen: dict[int, None] = {}
    for seg in segments:
        if isinstance(seg, range):
            seen.update(dict.fromkeys(old.signatures[seg.start:seg.stop]))
        else:
            seen[seg.signature] = None
    return list(seen)


def write_graph_files(G: nx.MultiDiGraph, segments: Sequence[Segment], signatures: Sequence[Signature],
                      json_path: Path, graphml_path: Path,
                      old: EarlierFiles | None = None
                      ) -> tuple[KeyTable, Places, dict[str, NodePlace], tuple[FileDigest, FileDigest]]:
    """Write graph.json and graph.graphml of ``G``'s nodes and graph attributes and of the edges of ``segments``
    (sorted by source, target and key; ``G``'s own edges are not read); return the key table, each edge's place,
    each node's place and the (size, SHA-1) of graph.json and of graph.graphml.

    ``signatures`` numbers the edge signatures (``edge_signature``). A ``range`` of ``segments``, and each node of
    ``old.nodes``, is copied from the files of ``old``, which must have been written with the same key ids
    (``edge_keys``; the whole key table for nodes); ``ValueError`` when a copied range does not start and end as
    edges (nodes) do.
    """
    nodes = sorted(G._node)                       # GraphML's order; graph.json sorts by ``str`` (the same for kg)
    keys = key_table(G, nodes, [signatures[i] for i in used_signatures(segments, old)])
    places = Places()
    node_places: dict[str, list[int]] = {}
    olds: list[_OldFile] = []
    try:
        if old is not None and (old.nodes or any(isinstance(seg, range) for seg in segments)):
            olds = [_OldFile(old.json_path), _OldFile(old.graphml_path)]
        copied = old.nodes if old is not None else {}
        with open(json_path, "wb") as jf, open(graphml_path, "wb") as gf:
            j, g = _Out(jf), _Out(gf)
            _write_heads(G, nodes, keys, bool(segments), j, g, copied, olds, node_places)
            element = _ElementWriter(keys)
            for i, seg in enumerate(segments):
                j.write(_SEP if i else b"\n  ")
                if isinstance(seg, range):
                    _copy(seg, old.places, olds, j, g, places)
                    continue
                jtext = encode({**seg.attrs, "source": seg.source, "target": seg.target, "key": seg.key}, 2).encode()
                head = (f' source="{_escape_attrib(str(seg.source))}" target="{_escape_attrib(str(seg.target))}" '
                        f'id="{_escape_attrib(str(seg.key))}"')
                gtext = element("edge", head, seg.attrs, "edge").encode("utf-8", "xmlcharrefreplace")
                places.json_at.append(j.at)
                places.json_len.append(j.write(jtext))
                places.graphml_at.append(g.at)
                places.graphml_len.append(g.write(gtext))
            _write_tails(G, nodes, bool(segments), j, g, copied, olds, node_places)
    finally:
        for f in olds:
            f.close()
    return (keys, places, {n: (p[0], p[1], p[2], p[3]) for n, p in node_places.items()},
            ((j.at, j.sha1.hexdigest()), (g.at, g.sha1.hexdigest())))


def _copy(run: range, old: Places, olds: list[_OldFile], j: _Out, g: _Out, places: Places) -> None:
    """Copy consecutive old edges (and the separators between them) at once, and record their new places."""
    first, last = run.start, run.stop - 1
    shift = j.at - old.json_at[first]
    j.write(olds[0].slice(old.json_at[first], old.json_at[last] + old.json_len[last] - old.json_at[first],
                          b"{", b"}"))
    places.json_at.extend([at + shift for at in old.json_at[first:last + 1]])
    places.json_len.extend(old.json_len[first:last + 1])
    shift = g.at - old.graphml_at[first]
    g.write(olds[1].slice(old.graphml_at[first], old.graphml_at[last] + old.graphml_len[last] - old.graphml_at[first],
                          b"    <edge ", b"\n"))
    places.graphml_at.extend([at + shift for at in old.graphml_at[first:last + 1]])
    places.graphml_len.extend(old.graphml_len[first:last + 1])


def _write_heads(G: nx.MultiDiGraph, nodes: list, keys: KeyTable, has_edges: bool, j: _Out, g: _Out,
                 copied: dict[str, NodePlace], olds: list[_OldFile], node_places: dict[str, list[int]]) -> None:
    """graph.json up to its first edge; graph.graphml's keys and nodes, up to its first edge."""
    j.write(b'{\n "directed": true,\n "edges": ' + (b"[" if has_edges else b"[]"))
    g.write(("<?xml version='1.0' encoding='utf-8'?>\n" + _NS + "\n").encode())
    g.write("".join(f'  <key id="{_escape_attrib(kid)}" for="{scope}" attr.name="{_escape_attrib(name)}" '
                    f'attr.type="{kind}" />\n' for (name, kind, scope), kid in reversed(list(keys.items())))
            .encode("utf-8", "xmlcharrefreplace"))
    g.write(b'  <graph edgedefault="directed">\n' if nodes or has_edges
            else b'  <graph edgedefault="directed" />\n</graphml>\n')
    element = _ElementWriter(keys)
    attrs = G._node
    for n in nodes:
        place = copied.get(n)
        if place is not None:
            text = olds[1].slice(place[2], place[3], b"    <node ", b"\n")
        else:
            text = element("node", f' id="{_escape_attrib(str(n))}"', attrs[n], "node").encode("utf-8", "xmlcharrefreplace")
        node_places[n] = [0, 0, g.at, g.write(text)]


def _write_tails(G: nx.MultiDiGraph, nodes: list, has_edges: bool, j: _Out, g: _Out,
                 copied: dict[str, NodePlace], olds: list[_OldFile], node_places: dict[str, list[int]]) -> None:
    """graph.json after its last edge (graph attributes, nodes); graph.graphml's end."""
    if has_edges:
        j.write(b"\n ]")
    j.write((',\n "graph": ' + "".join(iterencode(G.graph, 2, 1)) + ',\n "multigraph": true,\n "nodes": ').encode())
    attrs = G._node
    j.write(b"[" if nodes else b"[]")
    for i, n in enumerate(sorted(attrs, key=str)):
        j.write(b",\n  " if i else b"\n  ")
        place = copied.get(n)
        if place is not None:
            text = olds[0].slice(place[0], place[1], b"{", b"}")
        else:
            text = encode({**attrs[n], "id": n}, 2).encode()
        node_places[n][0] = j.at
        node_places[n][1] = j.write(text)
    if nodes:
        j.write(b"\n ]")
    j.write(b"\n}\n")
    if nodes or has_edges:
        g.write(b"  </graph>\n</graphml>\n")
