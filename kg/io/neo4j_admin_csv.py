"""neo4j-admin CSV: a graph as CSV files for ``neo4j-admin database import full`` (the fastest way into an empty database).

One node file per label (``nodes_<Label>.csv``: ``id:ID``, ``:LABEL``, typed property columns) and one
relationship file per type (``rels_<TYPE>.csv``: ``:START_ID``, ``:END_ID``, ``:TYPE``, typed columns),
plus ``import-command.txt`` with the matching command line. Column types are inferred per file
(``boolean``, ``long``, ``double``, ``string`` and their ``[]`` arrays). Every string is double-quoted
with quotes doubled; an absent property is an empty unquoted field. Arrays (and the ``:LABEL`` column)
are joined with the unit separator U+001F, which does not occur in titles and names, so ``;`` and ``,``
inside names are safe. Fields may hold newlines, hence ``--multiline-fields=true``.

The row functions (``node_fields``, ``relationship_fields``, ``header_line``, ``row_line``, ``column_type``)
are public: the streaming ``kg build --neo4j-csv`` path (``kg.pipeline.neo4j_csv``) writes its files with them.
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
#: The fixed leading columns of node and relationship files.
NODE_COLUMNS = ["id:ID", ":LABEL"]
RELATIONSHIP_COLUMNS = [":START_ID", ":END_ID", ":TYPE"]


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


def quote(text: str) -> str:
    """A double-quoted CSV field, quotes doubled.

    Examples
    --------
    >>> print(quote('a "b" c'))
    "a ""b"" c"
    """
    return '"' + text.replace('"', '""') + '"'


def field(value: Any, kind: str) -> str:
    """One CSV field for ``value`` in a column of type ``kind`` (empty = no property).

    Examples
    --------
    >>> field(["a", "b"], "string[]") == quote("a" + ARRAY_DELIMITER + "b"), field(None, "long"), field(2, "double")
    (True, '', '2.0')
    """
    if value is None:
        return ""
    if kind.endswith("[]"):
        items = value if isinstance(value, list) else [value]
        base = kind[:-2]
        return quote(ARRAY_DELIMITER.join(_plain(x, base) for x in items))
    if kind == "string":
        if isinstance(value, str):
            return quote(value)
        return quote(json.dumps(value, ensure_ascii=False) if isinstance(value, list) else str(value))
    return _plain(value, kind)


def _plain(value: Any, kind: str) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "double":
        return repr(float(value))
    return str(value)


def node_fields(label: str, row: dict) -> tuple[list[str], dict]:
    """The fixed fields (``id:ID``, ``:LABEL``) and the property columns of a node row of ``kg.neo4j.rows``.

    Examples
    --------
    >>> head, props = node_fields("Model", {"id": "m", "props": {"id": "m", "name": "M"}, "aliases": [], "sources": []})
    >>> head[0], sorted(props)
    ('"m"', ['aliases', 'name', 'sources'])
    """
    props = {**{k: v for k, v in row["props"].items() if k != "id"}, "aliases": row["aliases"],
             "sources": row["sources"]}
    return [quote(row["id"]), quote(ARRAY_DELIMITER.join([cypher.COMMON_LABEL, label]))], props


def relationship_fields(rel: str, row: dict) -> tuple[list[str], dict]:
    """The fixed fields (``:START_ID``, ``:END_ID``, ``:TYPE``) and the property columns of an edge row.

    Examples
    --------
    >>> relationship_fields("USES", {"source": "p", "target": "m", "paper": "p", "props": {"paper": "p"}})
    (['"p"', '"m"', 'USES'], {'paper': 'p'})
    """
    return [quote(row["source"]), quote(row["target"]), rel], row["props"]


def header_line(fixed: list[str], types: dict[str, str]) -> str:
    """The header of a CSV file: the fixed columns, then ``name:type`` for each property column in order."""
    return ",".join(fixed + [f"{k}:{kind}" for k, kind in types.items()]) + "\n"


def row_line(head: list[str], props: dict, types: dict[str, str]) -> str:
    """One CSV line: the fixed fields, then a field per property column of ``types`` (in its order)."""
    return ",".join(head + [field(props.get(k), kind) for k, kind in types.items()]) + "\n"


def import_arguments_for(database: str) -> list[str]:
    """The start of the ``neo4j-admin database import full`` command line, before the ``--nodes`` options."""
    # the database name goes before the options: --relationships takes several values, so a name after it
    # would be read as one more file
    return ["neo4j-admin", "database", "import", "full", database, f"--array-delimiter={ARRAY_DELIMITER_ARG}",
            "--multiline-fields=true", "--id-type=string"]


def _write(path: Path, fixed: list[str], rows: list[tuple[list[str], dict]]) -> None:
    keys = sorted({k for _, p in rows for k in p})
    types = {k: column_type([p.get(k) for _, p in rows]) for k in keys}
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(header_line(fixed, types))
        for head, props in rows:
            fh.write(row_line(head, props, types))


def write_neo4j_admin_csv(G: nx.MultiDiGraph, out: str | Path, *, source: str = "graph",
                          database: str = "neo4j") -> list[Path]:
    """Write the CSV files and ``import-command.txt`` of ``G`` into the folder ``out``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph of the contract.
    out : str or Path
        The folder (created if missing).
    source : str
        Named in errors about a bad label or type.
    database : str
        The database the import command names.

    Returns
    -------
    list of Path
        The written files, sorted.

    Examples
    --------
    >>> paths = write_neo4j_admin_csv(G, Path("csv"))          # doctest: +SKIP
    >>> sorted(p.name for p in paths)[:2]                      # doctest: +SKIP
    ['import-command.txt', 'nodes_Dataset.csv']
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    args = import_arguments_for(database)
    for label, rows in node_rows(G, source).items():
        path = out / f"nodes_{label}.csv"
        _write(path, NODE_COLUMNS, [node_fields(label, r) for r in rows])
        written.append(path)
        args.append(f"--nodes={path.name}")
    for rel, rows in edge_rows(G, source).items():
        path = out / f"rels_{rel}.csv"
        _write(path, RELATIONSHIP_COLUMNS, [relationship_fields(rel, r) for r in rows])
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
