"""Cypher script: a graph as constraints, then one MERGE statement per node and relationship.

The script is meant for users (``cypher-shell -f graph.cypher`` or a driver, statement by statement), so
values are written as Cypher literals: strings are single-quoted with every quote, backslash and control
character escaped, property keys are backtick-quoted. Labels and types come from the schema whitelist.
The statements mirror the loader's (same identity, same properties), so the result equals a
``kg neo4j load`` of the same graph.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import networkx as nx

from kg.neo4j import cypher
from kg.neo4j.rows import edge_rows, node_rows

_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def string_literal(text: str) -> str:
    """A Cypher string literal for ``text``.

    Examples
    --------
    >>> print(string_literal("O'Neil \\\\ \\"x\\"\\n"))
    'O\\'Neil \\\\ "x"\\n'
    """
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or ch in "\u2028\u2029":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "'" + "".join(out) + "'"


def identifier(name: str) -> str:
    """A backtick-quoted Cypher identifier (backticks doubled).

    Examples
    --------
    >>> identifier("a`b")
    '`a``b`'
    """
    return "`" + name.replace("`", "``") + "`"


def literal(value: Any) -> str:
    """A Cypher literal for a property value (str, int, float, bool, list of those).

    Examples
    --------
    >>> literal([1, 2.5, True, "x"])
    "[1, 2.5, true, 'x']"
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else string_literal(str(value))
    if isinstance(value, str):
        return string_literal(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    return string_literal(json.dumps(value, ensure_ascii=False, sort_keys=True))


def map_literal(props: dict) -> str:
    """A Cypher map literal with sorted, quoted keys.

    Examples
    --------
    >>> map_literal({"b": 1, "a b": "x"})
    "{`a b`: 'x', `b`: 1}"
    """
    return "{" + ", ".join(f"{identifier(k)}: {literal(props[k])}" for k in sorted(props)) + "}"


def statements(G: nx.MultiDiGraph, source: str = "graph") -> list[str]:
    """All statements (without the trailing ``;``) that recreate ``G``, in a deterministic order.

    Examples
    --------
    >>> G = nx.MultiDiGraph(); G.add_node("p", label="Paper", name="It's")
    >>> statements(G)[-1]
    "MERGE (n:KgNode {id: 'p'}) SET n:Paper, n += {`id`: 'p', `label`: 'Paper', `name`: 'It\\\\'s'}, n.aliases = [], n.sources = []"
    """
    out = [query for query, _ in cypher.constraint_queries()]
    out += [node_statement(label, row) for label, rows in node_rows(G, source).items() for row in rows]
    out += [relationship_statement(rel, row) for rel, rows in edge_rows(G, source).items() for row in rows]
    return out


def node_statement(label: str, row: dict) -> str:
    """The MERGE statement of one node row of ``kg.neo4j.rows`` (the loader's identity and properties)."""
    return (f"MERGE (n:{cypher.COMMON_LABEL} {{id: {string_literal(row['id'])}}}) "
            f"SET n:{label}, n += {map_literal(row['props'])}, "
            f"n.aliases = {literal(row['aliases'])}, n.sources = {literal(row['sources'])}")


def relationship_statement(rel: str, row: dict) -> str:
    """The MATCH/MERGE statement of one edge row of ``kg.neo4j.rows`` (identity: endpoints, type, paper)."""
    return (f"MATCH (s:{cypher.COMMON_LABEL} {{id: {string_literal(row['source'])}}}), "
            f"(t:{cypher.COMMON_LABEL} {{id: {string_literal(row['target'])}}}) "
            f"MERGE (s)-[r:{rel} {{paper: {string_literal(row['paper'])}}}]->(t) "
            f"SET r += {map_literal(row['props'])}")


def write_cypher(G: nx.MultiDiGraph, out: str | Path, *, source: str = "graph") -> list[Path]:
    """Write the script that recreates ``G`` to ``out``, one ``;``-terminated statement per line.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph of the contract.
    out : str or Path
        The ``.cypher`` file to write.
    source : str
        Named in errors about a bad label or type.

    Returns
    -------
    list of Path
        ``[out]``.

    Examples
    --------
    >>> import tempfile, os
    >>> G = nx.MultiDiGraph(); G.add_node("p", label="Paper", name="P")
    >>> p = os.path.join(tempfile.mkdtemp(), "g.cypher"); _ = write_cypher(G, p)
    >>> read_cypher(p)[-1].startswith("MERGE (n:KgNode {id: 'p'})")
    True
    """
    out = Path(out)
    header = [f"// kg graph as Cypher: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges.",
              "// Run with: cypher-shell -f FILE (idempotent: MERGE statements)."]
    out.write_text("\n".join(header + [s + ";" for s in statements(G, source)]) + "\n", encoding="utf-8")
    return [out]


def read_cypher(path: str | Path) -> list[str]:
    """Split a script written by :func:`write_cypher` back into statements (one per non-comment line).

    Examples
    --------
    >>> read_cypher(Path("graph.cypher"))[:1]   # doctest: +SKIP
    ['CREATE CONSTRAINT kg_kgnode_id IF NOT EXISTS FOR (n:KgNode) REQUIRE n.id IS UNIQUE']
    """
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line[:-1] for line in lines if line and not line.startswith("//")]
