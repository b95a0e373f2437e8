"""Steps 4-5 of ``kg build --update``: the edges and nodes of unchanged papers are copied from the earlier files.

A paper's edges (``kg.pipeline.graph.add_paper_edges``) are a function of its records' extractions.jsonl lines (in
order) and of what the names those lines look up resolve to (entity id and label): their keys are ``TYPE|paper``,
so no two papers share an edge. Every build records, in ``DIR/.kg-graph-index.json``, per paper: a digest of its
lines, the names it looks up, a digest of their resolution and where its lines are; per edge and per node, where
it is in graph.json and graph.graphml (``kg.io.graph_files``); per node, a digest of its attributes; and the
resolution's tally with its acronym expansions (``kg.pipeline.retally``). In an update, a paper whose two digests
are unchanged gets its edges' bytes copied from the earlier files, the others are assembled and encoded as in a
full build. Every node's attributes are made anew (an entity's name, aliases and paper count can change with any
paper), and a node whose attributes have the digest recorded for it (``node_digest``) is copied. When another
view needs the whole graph (graph.html), the copied papers' edges are also added to a ``MultiDiGraph`` in the order a
full build adds them (the index records each edge's place among its paper's edges, ``nth``), so the view is drawn
from the full build's graph: with their type and paper only (from the index), the rest of their attributes parsed
from the earlier graph.json's bytes when the view reads them (``EarlierEdges.fill``: graph.html reads those of the
edges it draws and of the papers it describes, about a quarter of them at 20,200 records).

The index is used only when it is sound: the digest of its text matches, its format and the code that makes
graph files are the same, both earlier files have the size and SHA-1 it recorded, and the GraphML key ids of the
edge attributes are unchanged (of every attribute, for nodes); otherwise, or when it is missing or damaged, the
whole graph is assembled (and a new index written). Either way the files are the same bytes, and the index itself
holds nothing that depends on how the build was made (an update writes the index a full build would).
"""

from __future__ import annotations

import hashlib
import json
import logging
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.io.graph_files import (Edge, EarlierFiles, FileDigest, Places, Segment, Signature, edge_keys, edge_signature,
                                key_table, used_signatures, write_graph_files)
from kg.pipeline.graph import add_paper_edges, edge_attrs, graph_nodes
from kg.pipeline.resolve import Resolution
from kg.pipeline.retally import tally_data
from kg.pipeline.reuse import hash_sources
from kg.pipeline.write import GRAPH_INDEX as INDEX_NAME
from kg.records import Extraction

if TYPE_CHECKING:
    import networkx as nx

    from kg.pipeline.plaingraph import PlainGraph

log = logging.getLogger(__name__)

FILES = ("graph.json", "graph.graphml")
_FORMAT = 1
_PACKAGE = Path(__file__).resolve().parent.parent
#: The code that decides an edge's bytes from a paper's lines and their resolution, and the tally (``retally``).
_CODE = ("pipeline/graph.py", "pipeline/plaingraph.py", "pipeline/splice.py", "io/graph_files.py", "io/graphml.py",
         "io/graph_json.py", "jsontext.py", "pipeline/resolve.py", "pipeline/retally.py", "pipeline/store.py",
         "normalize.py", "text_clean.py", "records.py", "schema.py")


@lru_cache(maxsize=None)
def code_fingerprint() -> str:
    """Hash of the kg version and the source of the graph-assembling and file-writing code."""
    from kg import __version__

    h = hashlib.sha1(f"kg {__version__} index {_FORMAT}\n".encode())
    hash_sources(h, ((name, _PACKAGE / name) for name in _CODE))
    return h.hexdigest()


def lookups(records: list[Extraction]) -> list[str]:
    """Every name a paper's edges look up in the resolution (mention canonicals, relation targets), once each."""
    names: dict[str, None] = {}
    for ex in records:
        names.update(dict.fromkeys(m.canonical for m in ex.mentions))
        names.update(dict.fromkeys(rel.target for rel in ex.relations))
    return list(names)


def view_digest(res: Resolution, names: Iterable[str]) -> str:
    """SHA-1 of what ``names`` resolve to in ``res``: entity id and label, or nothing."""
    h = hashlib.sha1()
    for name in names:
        ent = res.entity_of(name)
        h.update(b"-\x00" if ent is None else f"{ent.id}\x01{ent.label}\x00".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def file_digest(path: Path) -> str:
    """SHA-1 of a file's bytes."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha1").hexdigest()


#: The per-edge columns of the index besides the places (``kg.io.graph_files.Places``), in file order.
_COLUMNS = ("source", "target", "key", "paper", "signature", "nth")
_PLACES = ("json_at", "json_len", "graphml_at", "graphml_len")


def node_digest(attrs: dict) -> str:
    """SHA-1 of a node's attributes, in order, with their types (their ``repr``): a node's text is a function of
    its id, its attributes and (GraphML) the key table.

    >>> node_digest({"a": 1}) != node_digest({"a": 1.0}) != node_digest({"a": "1"})
    True
    """
    return hashlib.sha1(repr(list(attrs.items())).encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class GraphIndex:
    """The earlier build's index: per paper [lines digest, view digest, names]; per edge, in file order, the
    columns ``_COLUMNS`` and ``_PLACES``; per node its attributes' digest and places; the numbered edge signatures
    and the GraphML key table."""

    papers: dict[str, list]
    edges: dict[str, list]
    signatures: list[Signature]
    keys: dict[tuple[str, str], str]          # edge attribute (name, type) -> GraphML key id
    old: EarlierFiles
    table: dict[tuple[str, str, str], str]    # the whole key table
    nodes: dict[str, tuple[str, int, int, int, int]]    # node id -> digest and places
    tally: Any = None                         # the resolution's tally (``kg.pipeline.retally.tally_data``)
    expansions: dict[str, str] = field(default_factory=dict)    # ... and the acronym expansions it was made under

    @classmethod
    def load(cls, out_dir: Path) -> "GraphIndex | None":
        """The index of ``out_dir`` when it is sound (module docstring); ``None`` (and a debug note) otherwise."""
        try:
            digest, _, text = (out_dir / INDEX_NAME).read_bytes().partition(b"\n")
            if hashlib.sha1(text).hexdigest().encode() != digest:
                raise ValueError("damaged")
            data = json.loads(text)
            if data.get("format") != _FORMAT or data.get("code") != code_fingerprint():
                raise ValueError("written by other code")
            for name, (size, digest) in zip(FILES, data["files"], strict=True):
                path = out_dir / name
                if path.stat().st_size != size or file_digest(path) != digest:
                    raise ValueError(f"{name} changed since")
            edges = data["edges"]
            if len({len(edges[c]) for c in (*_COLUMNS, *_PLACES)}) != 1 or not isinstance(data["papers"], dict):
                raise ValueError("inconsistent")
            signatures = [tuple((str(n), str(k)) for n, k in sig) for sig in data["signatures"]]
            table = {(str(n), str(k), str(scope)): str(kid) for n, k, scope, kid in data["keys"]}
            places = Places(*(edges[c] for c in _PLACES))
            old = EarlierFiles(out_dir / FILES[0], out_dir / FILES[1], places, edges["signature"])
            nodes = data["nodes"]
            node_index = dict(zip(nodes["id"], zip(nodes["digest"], *(nodes[c] for c in _PLACES), strict=True),
                                  strict=True))
            expansions = data["expansions"]
            if not isinstance(expansions, dict):
                raise ValueError("no expansions")
            return cls(data["papers"], edges, signatures, edge_keys(table), old, table, node_index, data["tally"],
                       expansions)
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            log.debug("%s: not used (%s): assembling the whole graph", out_dir / INDEX_NAME, exc)
            return None


@dataclass
class Assembly:
    """What the graph step hands the write step: every node, the edges assembled now, every edge in file order."""

    graph: nx.MultiDiGraph | PlainGraph    # every node; the edges of the papers assembled in this run (all: ``whole``)
    segments: list[Segment]                # new edges, and runs of the earlier files' edges, in file order
    signatures: list[Signature]            # the edge signatures, numbered
    old: EarlierFiles | None               # where the copied runs and nodes are
    papers: dict[str, list]                # paper id -> [lines digest, view digest, names, places of its lines]
    columns: dict[str, list]               # ``_COLUMNS`` of every edge in file order
    copied: int = 0                        # papers whose edges come from the earlier files
    node_digests: dict[str, str] = field(default_factory=dict)    # node id -> ``node_digest``
    resolution: Resolution | None = None   # what the graph was assembled from (its tally goes into the index)
    earlier: EarlierEdges | None = None    # ``whole``: the copied edges' attributes, until they are filled in

    def fill_all(self) -> None:
        """Complete the attributes of every copied edge of ``graph`` (for a view that reads them all)."""
        if self.earlier is not None:
            G = self.graph
            self.earlier.fill((u, v, d) for u, nbrs in G._adj.items() for v, kd in nbrs.items() for d in kd.values())

    def edge_types(self) -> Counter:
        """Edges per type (an edge's key is ``TYPE|paper``)."""
        return Counter(key.split("|", 1)[0] for key in self.columns["key"])


def _clean(res: Resolution, pid: str, digest: str, index: GraphIndex | None) -> list | None:
    """The index entry of ``pid`` when its lines and what they resolve to are unchanged."""
    entry = index.papers.get(pid) if index is not None else None
    if entry is None or entry[0] != digest:
        return None
    view = view_digest(res, entry[2])
    return [digest, view, entry[2]] if view == entry[1] else None


def assemble(res: Resolution, store: Any, index: GraphIndex | None = None, plain: bool = False,
             whole: bool = False) -> Assembly:
    """Assemble the graph of ``res``, taking from ``index`` the edges of every paper whose lines and resolution
    are unchanged. ``store`` is the ``ExtractionStore`` of ``res`` (its ``digest`` of a paper's lines is compared);
    ``plain``: the graph is only written to graph.json and graph.graphml, a ``PlainGraph`` will do; ``whole``: the
    graph gets every paper's edges, in the order of a full build (another view, graph.html, is drawn from it),
    though only those of changed papers are encoded."""
    G = graph_nodes(res, plain)
    papers: dict[str, list] = {}
    clean: set[str] = set()
    nth: dict[tuple[str, str, str], int] = {}       # a changed paper's edge -> its place among the paper's edges
    old = index.edges if index is not None else {c: [] for c in _COLUMNS}
    old_keys = list(zip(old["source"], old["target"], old["key"]))     # sorted: the files' edge order
    earlier = EarlierEdges.read(index, old_keys) if whole and index is not None else None
    for pid in sorted(res.extractions):
        digest = store.digest(pid)
        entry = _clean(res, pid, digest, index)
        if entry is not None:
            papers[pid] = [*entry, store.places(pid)]
            clean.add(pid)
            if earlier is not None:
                earlier.add(G, pid)
            elif whole:
                add_paper_edges(G, res, pid, res.extractions[pid])
            continue
        records = res.extractions[pid]
        names = lookups(records)
        papers[pid] = [digest, view_digest(res, names), names, store.places(pid)]
        nth.update((edge, i) for i, edge in enumerate(add_paper_edges(G, res, pid, records)))
    signatures = list(index.signatures) if index is not None else []
    numbers = {sig: i for i, sig in enumerate(signatures)}
    new = sorted((u, v, k, d) for u, nbrs in G._adj.items() for v, kd in nbrs.items() for k, d in kd.items()
                 if not clean or d["paper"] not in clean)
    columns: dict[str, list] = {c: [] for c in _COLUMNS}
    segments: list[Segment] = []
    keep = [p in clean for p in old["paper"]]

    def copy(start: int, stop: int) -> None:
        i = start
        while i < stop:
            if not keep[i]:
                i += 1
                continue
            j = i
            while j < stop and keep[j]:
                j += 1
            segments.append(range(i, j))
            for c in _COLUMNS:
                columns[c].extend(old[c][i:j])
            i = j

    at = 0
    for u, v, k, d in new:
        stop = bisect_left(old_keys, (u, v, k), at)
        copy(at, stop)
        at = stop
        signature = edge_signature(d)
        number = numbers.setdefault(signature, len(numbers))
        if number == len(signatures):
            signatures.append(signature)
        segments.append(Edge(u, v, k, d, number))
        for c, value in zip(_COLUMNS, (u, v, k, d["paper"], number, nth[u, v, k])):
            columns[c].append(value)
    copy(at, len(keep))
    digests = {n: node_digest(attrs) for n, attrs in G._node.items()}
    files = None
    if index is not None:
        files = EarlierFiles(index.old.json_path, index.old.graphml_path, index.old.places, index.old.signatures,
                             {n: place[1:] for n, place in index.nodes.items() if digests.get(n) == place[0]})
    return Assembly(G, segments, signatures, files, papers, columns, len(clean), digests, res, earlier)


@dataclass
class EarlierEdges:
    """The edges of the earlier graph.json: its edge list's bytes, parsed one edge at a time when a view reads it
    (``fill``), and the index's columns, with the rows of each paper's edges in the order the paper added them
    (``nth``)."""

    text: bytes                            # the edge list of graph.json, from its first edge to its last
    start: int                             # the file offset of ``text``
    columns: dict[str, list]               # the index's edge columns and places, in file order
    rows: dict[str, list[int]]             # paper -> its rows, in the order ``add_paper_edges`` added them
    keys: list[tuple[str, str, str]]       # (source, target, key) of each row: sorted, as the files are

    @classmethod
    def read(cls, index: GraphIndex, keys: list[tuple[str, str, str]]) -> EarlierEdges | None:
        """The edges of the earlier graph.json, whose bytes the index checked when it was loaded (``keys``: the
        index's (source, target, key) columns, zipped); ``None`` when its first or last edge is not the index's
        (then every paper's edges are assembled anew)."""
        columns, at = index.edges, index.old.places.json_at
        rows: dict[str, list[int]] = {}
        for i, paper in enumerate(columns["paper"]):
            rows.setdefault(paper, []).append(i)
        nth = columns["nth"]
        for paper_rows in rows.values():
            paper_rows.sort(key=nth.__getitem__)
        if not at:
            return cls(b"", 0, columns, rows, keys)
        try:
            with open(index.old.json_path, "rb") as fh:
                fh.seek(at[0])
                text = fh.read(at[-1] + columns["json_len"][-1] - at[0])
            earlier = cls(text, at[0], columns, rows, keys)
            earlier.edge(0)
            earlier.edge(len(at) - 1)
        except (OSError, ValueError, TypeError, KeyError) as exc:
            log.debug("%s: %s: every paper's edges assembled anew", index.old.json_path, exc)
            return None
        return earlier

    def edge(self, i: int) -> dict:
        """The attributes of row ``i`` as graph.json has them, in the graph's order (``edge_attrs``)."""
        at = self.columns["json_at"][i] - self.start
        e = json.loads(self.text[at:at + self.columns["json_len"][i]])
        if (e["source"], e["target"], e["key"], e["paper"]) != tuple(self.columns[c][i] for c in _COLUMNS[:4]):
            raise ValueError(f"edge {i} of graph.json is not the index's")
        return edge_attrs(e["type"], e["paper"], e["evidence"], e["rule"], e["confidence"], e.get("rules"))

    def add(self, G: nx.MultiDiGraph | PlainGraph, pid: str) -> None:
        """Add the edges of the unchanged paper ``pid`` in the order ``add_paper_edges`` adds them, with their type
        and paper only: ``fill`` completes the attributes of those a view reads."""
        source, target, key, paper = (self.columns[c] for c in _COLUMNS[:4])
        for i in self.rows.get(pid, ()):
            k = key[i]
            G.add_edge(source[i], target[i], key=k, type=k[:k.index("|")], paper=paper[i])

    def fill(self, rows: Iterable[tuple[str, str, dict]]) -> None:
        """Complete, in place, the attributes of the copied edges among ``rows`` (``(source, target, attributes)``,
        attributes as ``add`` left them: type and paper only); other edges are left as they are."""
        for u, v, d in rows:
            if "evidence" not in d:
                attrs = self.edge(self.row(u, v, f"{d['type']}|{d['paper']}"))
                d.clear()
                d.update(attrs)

    def row(self, u: str, v: str, k: str) -> int:
        """The row of edge (``u``, ``v``, ``k``), by bisection of the file order (graph.json's edges are sorted)."""
        i = bisect_left(self.keys, (u, v, k))
        if i == len(self.keys) or self.keys[i] != (u, v, k):
            raise ValueError(f"no edge {u} -> {v} ({k}) in the earlier graph.json")
        return i


def spliceable(asm: Assembly, index: GraphIndex) -> bool:
    """Whether the copied edges keep their GraphML key ids in the new key table; nodes are copied only when the
    whole table is unchanged (else their texts are made anew)."""
    used = [asm.signatures[i] for i in used_signatures(asm.segments, asm.old)]
    table = key_table(asm.graph, sorted(asm.graph._node), used)
    if table != index.table and asm.old is not None:
        asm.old.nodes = {}
    keys = edge_keys(table)
    return all(keys.get(pair) == kid for pair, kid in index.keys.items())


def write(asm: Assembly, json_path: Path, graphml_path: Path
          ) -> tuple[dict, Places, dict, tuple[FileDigest, FileDigest]]:
    """Write graph.json and graph.graphml of ``asm`` (``kg.io.graph_files``): the key table, the places of the
    edges and nodes, and each file's size and SHA-1."""
    return write_graph_files(asm.graph, asm.segments, asm.signatures, json_path, graphml_path, asm.old)


def save_index(out_dir: Path, asm: Assembly, keys: dict, places: Places, node_places: dict,
               files: tuple[FileDigest, FileDigest]) -> Path:
    """Write ``DIR/.kg-graph-index.json`` for the files just moved into place (atomically), whose (size, SHA-1)
    ``write`` gave as ``files``: a digest line, then the index as one JSON line."""
    edges = dict(asm.columns)
    edges.update((c, getattr(places, c)) for c in _PLACES)
    ids = sorted(node_places)
    nodes = {"id": ids, "digest": [asm.node_digests[n] for n in ids]}
    nodes.update((c, [node_places[n][i] for n in ids]) for i, c in enumerate(_PLACES))
    files = [list(f) for f in files]
    data = {"format": _FORMAT, "code": code_fingerprint(), "files": files,
            "keys": [[n, k, scope, kid] for (n, k, scope), kid in keys.items()],
            "signatures": [[list(pair) for pair in sig] for sig in asm.signatures],
            "papers": asm.papers, "edges": edges, "nodes": nodes,
            "tally": tally_data(asm.resolution.tally) if asm.resolution and asm.resolution.tally else None,
            "expansions": asm.resolution.expansions if asm.resolution else {}}
    text = json.dumps(data, separators=(",", ":"), sort_keys=True).encode() + b"\n"
    path = out_dir / INDEX_NAME
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(hashlib.sha1(text).hexdigest().encode() + b"\n" + text)
    tmp.replace(path)
    return path
