"""Pure Cypher builders: each returns ``(query, params)`` and touches no server.

Two write paths per batch: ``merge_*`` (idempotent, for rows the database may already hold) and
``create_*`` (plain CREATE, for rows the loader proved absent: see :mod:`kg.neo4j.loader`).

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


# Both relationship writers find their endpoints the same way: by ``id`` on the common label's constraint.
_RELATIONSHIP_ENDPOINTS = (
    "UNWIND $rows AS row\n"
    f"MATCH (s:{COMMON_LABEL} {{id: row.source}})\n"
    f"MATCH (t:{COMMON_LABEL} {{id: row.target}})\n"
)


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
        _RELATIONSHIP_ENDPOINTS
        + f"MERGE (s)-[r:{rel} {{paper: row.paper}}]->(t)\n"
        "SET r += row.props"
    )
    return query, {"rows": rows}


def existing_nodes_query(ids: list[str]) -> tuple[str, dict]:
    """Which of ``ids`` already exist as ``:KgNode`` (``id`` rows); decides each node row's write path.

    Run in the loader's write transaction, so the unique-index seeks lock the keys they looked at: a
    concurrent loader creating one of them waits, or fails the constraint and is retried.

    Examples
    --------
    >>> existing_nodes_query(["a", "b"])[1]
    {'ids': ['a', 'b']}
    """
    query = (
        "UNWIND $ids AS id\n"
        f"MATCH (n:{COMMON_LABEL} {{id: id}})\n"
        "RETURN n.id AS id"
    )
    return query, {"ids": list(ids)}


def create_nodes_query(label: str, rows: list[dict]) -> tuple[str, dict]:
    """CREATE a batch of nodes of one label that the database does not hold yet (see :func:`existing_nodes_query`).

    Writes exactly what :func:`merge_nodes_query` writes into an empty database, without the MERGE's lookup
    and list union. A concurrent creation of the same id fails the ``id`` constraint instead of duplicating.

    Examples
    --------
    >>> q, _ = create_nodes_query("Model", [])
    >>> q.splitlines()[1]
    'CREATE (n:KgNode:Model)'
    """
    label = _label(label)
    query = (
        "UNWIND $rows AS row\n"
        f"CREATE (n:{COMMON_LABEL}:{label})\n"
        "SET n = row.props, n.aliases = row.aliases, n.sources = row.sources"
    )
    return query, {"rows": rows}


def create_relationships_query(rel: str, rows: list[dict]) -> tuple[str, dict]:
    """CREATE a batch of relationships of one type whose source nodes have none of that type yet.

    Same result as :func:`merge_relationships_query` for such rows, without MERGE's expand, lock and
    re-check (the loader uses it for sources it created itself, see :mod:`kg.neo4j.loader`).

    Examples
    --------
    >>> q, _ = create_relationships_query("USES", [])
    >>> "CREATE (s)-[r:USES]->(t)" in q
    True
    """
    rel = _rel(rel)
    query = (
        _RELATIONSHIP_ENDPOINTS
        + f"CREATE (s)-[r:{rel}]->(t)\n"
        "SET r = row.props"
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
