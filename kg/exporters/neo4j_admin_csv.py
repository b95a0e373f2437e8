"""Export a graph as CSV files for ``neo4j-admin database import full`` (the fastest way into an empty database).

One node file per label (``nodes_<Label>.csv``: ``id:ID``, ``:LABEL``, typed property columns) and one
relationship file per type (``rels_<TYPE>.csv``: ``:START_ID``, ``:END_ID``, ``:TYPE``, typed columns),
plus ``import-command.txt`` with the matching command line. Column types are inferred per file
(``boolean``, ``long``, ``double``, ``string`` and their ``[]`` arrays). Every string is double-quoted
with quotes doubled; an absent property is an empty unquoted field. Arrays (and the ``:LABEL`` column)
are joined with the unit separator U+001F, which does not occur in titles and names, so ``;`` and ``,``
inside names are safe. Fields may hold newlines, hence ``--multiline-fields=true``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx

from kg.neo4j import cypher
from kg.neo4j.rows import edge_rows, node_rows

ARRAY_DELIMITER = "\x1f"
ARRAY_DELIMITER_ARG = "U+001F"


def _scalar_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    return "string"


def column_type(values: list[Any]) -> str:
    """The neo4j-admin type of a column holding ``values`` (``None`` ignored).

    Examples
    --------
    >>> column_type([1, 2.5]), column_type([["a"], []]), column_type([1, "x"]), column_type([True])
    ('double', 'string[]', 'string', 'boolean')
    """
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, list) for v in present):
        inner = {column_type([x]) for v in present for x in v} or {"string"}
        if inner == {"long", "double"}:
            inner = {"double"}
        return (inner.pop() if len(inner) == 1 else "string") + "[]"
    kinds = {_scalar_type(v) for v in present if not isinstance(v, list)}
    if any(isinstance(v, list) for v in present):
        return "string"
    if kinds == {"long", "double"}:
        return "double"
    return kinds.pop() if len(kinds) == 1 else "string"


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _field(value: Any, kind: str) -> str:
    """One CSV field for ``value`` of column type ``kind`` (empty = no property)."""
    if value is None:
        return ""
    if kind.endswith("[]"):
        items = value if isinstance(value, list) else [value]
        base = kind[:-2]
        return _quote(ARRAY_DELIMITER.join(_plain(x, base) for x in items))
    if kind == "string":
        if isinstance(value, str):
            return _quote(value)
        return _quote(json.dumps(value, ensure_ascii=False) if isinstance(value, list) else str(value))
    return _plain(value, kind)


def _plain(value: Any, kind: str) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "double":
        return repr(float(value))
    return str(value)


def _write(path: Path, fixed: list[str], fixed_values: list[list[str]], props: list[dict]) -> None:
    keys = sorted({k for p in props for k in p})
    types = {k: column_type([p.get(k) for p in props]) for k in keys}
    header = fixed + [f"{k}:{types[k]}" for k in keys]
    lines = [",".join(header)]
    for head, p in zip(fixed_values, props):
        lines.append(",".join(head + [_field(p.get(k), types[k]) for k in keys]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def export(G: nx.MultiDiGraph, out: Path, source: str = "graph", database: str = "neo4j") -> list[Path]:
    """Write the CSV files and ``import-command.txt`` into the folder ``out``; return the written paths.

    Examples
    --------
    >>> paths = export(G, Path("csv"))          # doctest: +SKIP
    >>> sorted(p.name for p in paths)[:2]       # doctest: +SKIP
    ['import-command.txt', 'nodes_Dataset.csv']
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    # the database name goes before the options: --relationships takes several values, so a name after it
    # would be read as one more file
    args = ["neo4j-admin", "database", "import", "full", database, f"--array-delimiter={ARRAY_DELIMITER_ARG}",
            "--multiline-fields=true", "--id-type=string"]
    for label, rows in node_rows(G, source).items():
        path = out / f"nodes_{label}.csv"
        props = [{**{k: v for k, v in r["props"].items() if k != "id"}, "aliases": r["aliases"],
                  "sources": r["sources"]} for r in rows]
        heads = [[_quote(r["id"]), _quote(ARRAY_DELIMITER.join([cypher.COMMON_LABEL, label]))] for r in rows]
        _write(path, ["id:ID", ":LABEL"], heads, props)
        written.append(path)
        args.append(f"--nodes={path.name}")
    for rel, rows in edge_rows(G, source).items():
        path = out / f"rels_{rel}.csv"
        heads = [[_quote(r["source"]), _quote(r["target"]), rel] for r in rows]
        _write(path, [":START_ID", ":END_ID", ":TYPE"], heads, [r["props"] for r in rows])
        written.append(path)
        args.append(f"--relationships={path.name}")
    written.append(write_import_command(out, args))
    return sorted(written)


def write_import_command(out: Path, args: list[str]) -> Path:
    """Write ``out/import-command.txt``: the ``neo4j-admin database import full`` call for the CSVs in ``out``."""
    cmd = Path(out) / "import-command.txt"
    cmd.write_text("# run inside this folder, with the server stopped and the database empty or absent;\n"
                   "# afterwards `kg neo4j load` (or the constraints of kg.neo4j.cypher) adds the id constraints.\n"
                   + " ".join(args) + "\n", encoding="utf-8")
    return cmd


def import_arguments(out: Path) -> list[str]:
    """The ``neo4j-admin`` arguments (after ``neo4j-admin``) from ``import-command.txt``, with absolute paths."""
    out = Path(out)
    line = [ln for ln in (out / "import-command.txt").read_text(encoding="utf-8").splitlines()
            if ln and not ln.startswith("#")][0]
    args = line.split()[1:]
    fixed = []
    for a in args:
        if a.startswith(("--nodes=", "--relationships=")):
            opt, _, name = a.partition("=")
            a = f"{opt}={out.resolve() / name}"
        fixed.append(a)
    return fixed
