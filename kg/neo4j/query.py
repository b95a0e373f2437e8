"""Run a Cypher query with parameters and render the result as a text table or JSON.

The query is the user's own Cypher (from the command line or a ``.cypher`` file); values go in as
parameters (``--param k=v``), never spliced into the text.
"""

from __future__ import annotations

import json
from typing import Any

from kg.errors import KgError


def parse_params(pairs: list[str] | None) -> dict[str, Any]:
    """Parse ``k=v`` pairs; ``v`` is read as JSON when it parses (numbers, lists, true/null), else as a string.

    Examples
    --------
    >>> parse_params(["limit=5", "model=GPT-4", 'names=["a", "b"]', "q=it's"])
    {'limit': 5, 'model': 'GPT-4', 'names': ['a', 'b'], 'q': "it's"}
    """
    out: dict[str, Any] = {}
    for pair in pairs or []:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise KgError(f"--param expects NAME=VALUE, got {pair!r}")
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw
        out[key.strip()] = value
    return out


def to_plain(value: Any) -> Any:
    """Convert driver values (nodes, relationships, paths, temporals) to JSON-serialisable Python.

    Examples
    --------
    >>> to_plain({"b": [1, 2.5], "a": None})
    {'a': None, 'b': [1, 2.5]}
    """
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, Node):
        return {"_labels": sorted(value.labels), **{k: to_plain(v) for k, v in sorted(value.items())}}
    if isinstance(value, Relationship):
        return {"_type": value.type, **{k: to_plain(v) for k, v in sorted(value.items())}}
    if isinstance(value, Path):
        return [to_plain(n) for n in value.nodes]
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return str(value)


def run_query(driver, query: str, params: dict | None = None, database: str | None = None
              ) -> tuple[list[str], list[dict]]:
    """Run ``query`` and return ``(column names, rows as dicts of plain values)``.

    Examples
    --------
    >>> run_query(driver, "RETURN $x AS x", {"x": 1})   # doctest: +SKIP
    (['x'], [{'x': 1}])
    """
    from neo4j.exceptions import Neo4jError

    try:
        result = driver.execute_query(query, params or {}, database_=database)
    except Neo4jError as exc:
        raise KgError(f"Cypher failed: {exc.code}: {exc.message}") from None
    keys = list(result.keys)
    return keys, [{k: to_plain(rec[k]) for k in keys} for rec in result.records]


def _cell(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def format_table(keys: list[str], rows: list[dict], max_width: int = 80) -> str:
    """Render rows as an aligned plain-text table (cells cut at ``max_width`` characters) with a row count.

    Examples
    --------
    >>> print(format_table(["name", "n"], [{"name": "GSM8K", "n": 3}]))
    name  | n
    ------+--
    GSM8K | 3
    (1 row)
    """
    cells = [[_cell(r.get(k)).replace("\n", " ") for k in keys] for r in rows]
    cells = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in row] for row in cells]
    widths = [max([len(k)] + [len(row[i]) for row in cells]) for i, k in enumerate(keys)]
    lines = [" | ".join(k.ljust(w) for k, w in zip(keys, widths)).rstrip()]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def format_json(rows: list[dict]) -> str:
    """Rows as a JSON array (keys sorted, unicode kept)."""
    return json.dumps(rows, ensure_ascii=False, sort_keys=True, indent=1)
