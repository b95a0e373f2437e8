"""Delete this tool's nodes (label ``KgNode``) and their relationships, in batches, leaving all else alone."""

from __future__ import annotations

from kg.errors import KgError
from kg.neo4j import cypher


def _delete_batch(tx, query: str, params: dict) -> int:
    return tx.run(query, params).single()["deleted"]


def wipe(driver, *, batch_size: int = 5000, database: str | None = None) -> int:
    """Delete every ``:KgNode`` in transactions of at most ``batch_size`` nodes; return how many were deleted.

    Nodes without the ``KgNode`` label (other applications' data) are never touched.

    Examples
    --------
    >>> wipe(driver, batch_size=1000)   # doctest: +SKIP
    4213
    """
    from neo4j.exceptions import Neo4jError

    if batch_size < 1:
        raise KgError(f"batch size must be at least 1, got {batch_size}")
    total = 0
    query, params = cypher.wipe_batch_query(batch_size)
    try:
        with driver.session(database=database) as session:
            while True:
                deleted = session.execute_write(_delete_batch, query, params)
                total += deleted
                if deleted < batch_size:
                    return total
    except Neo4jError as exc:
        raise KgError(f"Neo4j rejected the wipe: {exc.code}: {exc.message}") from None
