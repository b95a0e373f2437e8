"""Step 4+5 without NetworkX: stream the resolved graph into ``neo4j-admin database import`` CSV files.

For corpora whose graph should not be held in memory (``kg build INPUT --out DIR --neo4j-csv``), nodes and
edges go straight from the resolution and the on-disk extractions (``kg.pipeline.store``) to the CSV
files of ``kg.io.neo4j_admin_csv`` — same files, columns, types, quoting and ``import-command.txt``,
so the same ``neo4j-admin`` command imports them; only the row order of relationship files differs (by
paper instead of by source id). Each paper's edges come from ``kg.pipeline.graph``'s own per-paper
assembly run on a throw-away one-paper graph, so the edges are exactly those of ``graph.json``.

Column types depend on every value of a column, and the header comes first: rows are spooled to a
temporary JSON-lines file per CSV while one example value per type signature is kept per column, then
each CSV is written from its spool under the header those examples give (``column_type``). Rows, fields
and headers are made by the public functions of ``kg.neo4j.rows`` and ``kg.io.neo4j_admin_csv``, as in the exporter.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import networkx as nx

from kg.io.neo4j_admin_csv import (NODE_COLUMNS, RELATIONSHIP_COLUMNS, column_type, header_line, import_arguments_for,
                                   node_fields, relationship_fields, row_line, write_import_command)
from kg.neo4j.rows import edge_row, node_row
from kg.pipeline.graph import add_paper_edges, paper_node_attrs
from kg.pipeline.resolve import Resolution
from kg.schema import NODE_LABELS


def _signature(value: Any) -> Any:
    """What ``column_type`` can tell apart about a value: its kind, or for a list the kinds of its items."""
    if isinstance(value, list):
        return ("list", frozenset(column_type([x]) for x in value))
    return type(value)


class _Spool:
    """Rows of one CSV file on their way to disk: fixed head fields + properties, and the columns seen."""

    def __init__(self, fixed: list[str], workdir: Path, name: str) -> None:
        self.fixed = fixed
        self.fh: IO[str] = open(workdir / f"{name}.jsonl", "w+", encoding="utf-8")
        self.examples: dict[str, dict[Any, Any]] = {}

    def add(self, fields: tuple[list[str], dict]) -> None:
        head, props = fields
        for key, value in props.items():
            if value is not None:
                self.examples.setdefault(key, {}).setdefault(_signature(value), value)
        self.fh.write(json.dumps([head, props], ensure_ascii=False) + "\n")

    def write_csv(self, path: Path) -> None:
        types = {k: column_type(list(self.examples[k].values())) for k in sorted(self.examples)}
        self.fh.seek(0)
        with open(path, "w", encoding="utf-8") as out:
            out.write(header_line(self.fixed, types))
            for line in self.fh:
                head, props = json.loads(line)
                out.write(row_line(head, props, types))
        self.fh.close()


def _node_attrs(res: Resolution) -> Iterator[tuple[str, dict]]:
    """(id, attributes) of every node, as ``build_graph`` sets them, papers then entities, each sorted."""
    for pid in sorted(res.papers):
        yield pid, paper_node_attrs(res.papers[pid])
    for eid in sorted(res.entities):
        ent = res.entities[eid]
        yield eid, {"label": ent.label, "name": ent.name, "aliases": list(ent.aliases), "paper_count": len(ent.papers)}


def _edges(res: Resolution) -> Iterator[tuple[str, str, Any, dict]]:
    """(source, target, key, attributes) of every edge, one paper's edges in memory at a time."""
    for pid in sorted(res.extractions):
        one = nx.MultiDiGraph()
        add_paper_edges(one, res, pid, res.extractions[pid])
        yield from one.edges(keys=True, data=True)


def stream_neo4j_csv(res: Resolution, out: Path, *, database: str = "neo4j", source: str = "graph",
                     edge_counts: Counter | None = None) -> list[Path]:
    """Write ``nodes_<Label>.csv``, ``rels_<TYPE>.csv`` and ``import-command.txt`` for ``res`` into ``out``.

    Returns the written paths, sorted. The files are those ``kg export neo4j-admin-csv`` writes for the
    graph of ``res`` (relationship rows in paper order). ``edge_counts``, when given, is filled with the
    number of relationships per type.
    """
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kg-neo4j-csv-") as tmp:
        workdir = Path(tmp)
        nodes: dict[str, _Spool] = {}
        for node_id, attrs in _node_attrs(res):
            label, row = node_row(node_id, attrs, source)
            spool = nodes.get(label) or nodes.setdefault(label, _Spool(NODE_COLUMNS, workdir, f"n-{label}"))
            spool.add(node_fields(label, row))
        rels: dict[str, _Spool] = {}
        for u, v, key, attrs in _edges(res):
            rel, row = edge_row(u, v, key, attrs, source)
            spool = rels.get(rel) or rels.setdefault(rel, _Spool(RELATIONSHIP_COLUMNS, workdir, f"r-{rel}"))
            spool.add(relationship_fields(rel, row))
            if edge_counts is not None:
                edge_counts[rel] += 1

        written: list[Path] = []
        args = import_arguments_for(database)
        for label in [lb for lb in NODE_LABELS if lb in nodes]:
            path = out / f"nodes_{label}.csv"
            nodes[label].write_csv(path)
            written.append(path)
            args.append(f"--nodes={path.name}")
        for rel in sorted(rels):
            path = out / f"rels_{rel}.csv"
            rels[rel].write_csv(path)
            written.append(path)
            args.append(f"--relationships={path.name}")
    written.append(write_import_command(out, args))
    for stale in sorted({*out.glob("nodes_*.csv"), *out.glob("rels_*.csv")} - set(written)):
        stale.unlink()      # a label or type of an earlier build that this graph lacks: not part of this import
    return sorted(written)
