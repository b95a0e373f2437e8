"""Pure Cypher builders: each returns ``(query, params)`` and touches no server.

Labels and relationship types cannot be Cypher parameters, so they are checked against the schema's
whitelist (:data:`kg.schema.NODE_LABELS`, :data:`kg.schema.RELATION_TYPES`) before being placed in the
query text; every value (ids, names, evidence, ...) travels as a parameter. No user text is ever
formatted into Cypher.
"""

from __future__ import annotations

from kg.errors import KgError
from kg.schema import NODE_LABELS, RELATION_TYPES

COMMON_LABEL = "KgNode"  # every node this tool writes carries it, so wipe touches nothing else


def _label(label: str) -> str:
    if label not in NODE_LABELS and label != COMMON_LABEL:
        raise KgError(f"unknown node label {label!r}")
    return label


def _rel(rel: str) -> str:
    if rel not in RELATION_TYPES:
        raise KgError(f"unknown relationship type {rel!r}")
    return rel


def constraint_queries() -> list[tuple[str, dict]]:
    """Uniqueness constraints on ``id``: one for the common label (used by MERGE/MATCH) and one per label.

    Examples
    --------
    >>> constraint_queries()[0][0]
    'CREATE CONSTRAINT kg_kgnode_id IF NOT EXISTS FOR (n:KgNode) REQUIRE n.id IS UNIQUE'
    """
    out = []
    for label in (COMMON_LABEL, *NODE_LABELS):
        name = f"kg_{_label(label).lower()}_id"
        out.append((f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE", {}))
    return out


def merge_nodes_query(label: str, rows: list[dict]) -> tuple[str, dict]:
    """MERGE a batch of nodes of one label; scalar properties are set, ``aliases``/``sources`` are unioned.

    Re-running it with the same rows changes nothing; rows of a second corpus merge into shared nodes.

    Examples
    --------
    >>> q, p = merge_nodes_query("Model", [{"id": "ent:x", "props": {"name": "X"}, "aliases": [], "sources": []}])
    >>> q.splitlines()[1], p["rows"][0]["id"]
    ('MERGE (n:KgNode {id: row.id})', 'ent:x')
    """
    label = _label(label)
    query = (
        "UNWIND $rows AS row\n"
        f"MERGE (n:{COMMON_LABEL} {{id: row.id}})\n"
        f"SET n:{label}, n += row.props\n"
        "SET n.aliases = coalesce(n.aliases, []) + [x IN row.aliases WHERE NOT x IN coalesce(n.aliases, [])],\n"
        "    n.sources = coalesce(n.sources, []) + [x IN row.sources WHERE NOT x IN coalesce(n.sources, [])]"
    )
    return query, {"rows": rows}


def merge_relationships_query(rel: str, rows: list[dict]) -> tuple[str, dict]:
    """MERGE a batch of relationships of one type, identified by (source id, target id, type, paper).

    Examples
    --------
    >>> q, _ = merge_relationships_query("USES", [])
    >>> "MERGE (s)-[r:USES {paper: row.paper}]->(t)" in q
    True
    """
    rel = _rel(rel)
    query = (
        "UNWIND $rows AS row\n"
        f"MATCH (s:{COMMON_LABEL} {{id: row.source}})\n"
        f"MATCH (t:{COMMON_LABEL} {{id: row.target}})\n"
        f"MERGE (s)-[r:{rel} {{paper: row.paper}}]->(t)\n"
        "SET r += row.props"
    )
    return query, {"rows": rows}


def wipe_batch_query(batch_size: int) -> tuple[str, dict]:
    """Delete up to ``batch_size`` of this tool's nodes (and their relationships); returns ``deleted``.

    Examples
    --------
    >>> wipe_batch_query(100)[1]
    {'limit': 100}
    """
    query = (
        f"MATCH (n:{COMMON_LABEL})\n"
        "WITH n LIMIT $limit\n"
        "DETACH DELETE n\n"
        "RETURN count(*) AS deleted"
    )
    return query, {"limit": int(batch_size)}


def count_nodes_query() -> tuple[str, dict]:
    """Count this tool's nodes per contract label (``label``, ``count`` rows).

    Examples
    --------
    >>> "count(n)" in count_nodes_query()[0]
    True
    """
    query = (
        f"MATCH (n:{COMMON_LABEL})\n"
        "UNWIND [l IN labels(n) WHERE l IN $labels] AS label\n"
        "RETURN label, count(n) AS count ORDER BY label"
    )
    return query, {"labels": list(NODE_LABELS)}


def count_relationships_query() -> tuple[str, dict]:
    """Count relationships between this tool's nodes per type (``type``, ``count`` rows).

    Examples
    --------
    >>> "type(r)" in count_relationships_query()[0]
    True
    """
    query = (
        f"MATCH (:{COMMON_LABEL})-[r]->(:{COMMON_LABEL})\n"
        "RETURN type(r) AS type, count(r) AS count ORDER BY type"
    )
    return query, {}
