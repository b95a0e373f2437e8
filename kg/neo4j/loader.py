"""Load a graph into Neo4j: constraints first, then ``UNWIND $rows … MERGE`` batches (nodes, then relationships).

Each batch runs in a managed write transaction (``session.execute_write``), which the driver retries on
transient errors and lost connections (up to the driver's ``max_transaction_retry_time``). Every statement
is a MERGE, so a load can be repeated, or resumed after a failure, and ends in the same state.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import networkx as nx

from kg.errors import KgError
from kg.neo4j import cypher
from kg.neo4j.rows import edge_rows, iter_batches, node_rows

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 5000


@dataclass
class LoadReport:
    """What a load did: rows sent and the server's counters (zero created on an idempotent re-load)."""

    nodes: int = 0
    relationships: int = 0
    nodes_created: int = 0
    relationships_created: int = 0
    properties_set: int = 0
    labels_added: int = 0
    batches: int = 0
    per_kind: dict[str, int] = field(default_factory=dict)


def _run_write(tx, query: str, params: dict):
    """Unit of work for ``execute_write``: run one statement and return its summary counters."""
    return tx.run(query, params).consume().counters


def _execute(session, query: str, params: dict, report: LoadReport) -> None:
    counters = session.execute_write(_run_write, query, params)
    report.nodes_created += counters.nodes_created
    report.relationships_created += counters.relationships_created
    report.properties_set += counters.properties_set
    report.labels_added += counters.labels_added
    report.batches += 1


def create_constraints(driver, database: str | None = None) -> None:
    """Create the ``id`` uniqueness constraints (``IF NOT EXISTS``); schema statements run one per transaction.

    Examples
    --------
    >>> create_constraints(driver)   # doctest: +SKIP
    """
    for query, params in cypher.constraint_queries():
        driver.execute_query(query, params, database_=database)


def load_graph(driver, G: nx.MultiDiGraph, *, batch_size: int = DEFAULT_BATCH_SIZE, database: str | None = None,
               progress: bool = False, source: str = "graph") -> LoadReport:
    """Merge every node and edge of ``G`` into the database behind ``driver``.

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver (see :func:`kg.neo4j.settings.open_driver`).
    G : networkx.MultiDiGraph
        A graph following the contract of :mod:`kg.graphio`.
    batch_size : int
        Rows per ``UNWIND`` transaction.
    database : str, optional
        Target database; the server default when omitted.
    progress : bool
        Show a tqdm progress bar on stderr.
    source : str
        Name used in error messages (the graph file).

    Returns
    -------
    LoadReport

    Examples
    --------
    >>> from kg.graphio import load_graph as read
    >>> with open_driver(Neo4jSettings.from_env()) as driver:          # doctest: +SKIP
    ...     load_graph(driver, read("out/graph.json")).relationships
    1234
    """
    from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired, TransientError
    from tqdm import tqdm

    nodes = node_rows(G, source)
    edges = edge_rows(G, source)
    report = LoadReport(
        nodes=sum(len(r) for r in nodes.values()),
        relationships=sum(len(r) for r in edges.values()),
        per_kind={**{k: len(v) for k, v in nodes.items()}, **{k: len(v) for k, v in edges.items()}},
    )
    bar = tqdm(total=report.nodes + report.relationships, unit="row", desc="neo4j load", disable=not progress,
               leave=False)
    done = 0
    try:
        create_constraints(driver, database)
        with driver.session(database=database) as session:
            for label, rows in nodes.items():
                for batch in iter_batches(rows, batch_size):
                    _execute(session, *cypher.merge_nodes_query(label, batch), report)
                    done += len(batch)
                    bar.update(len(batch))
            for rel, rows in edges.items():
                for batch in iter_batches(rows, batch_size):
                    _execute(session, *cypher.merge_relationships_query(rel, batch), report)
                    done += len(batch)
                    bar.update(len(batch))
    except (ServiceUnavailable, SessionExpired, TransientError, OSError) as exc:
        why = exc.code if isinstance(exc, TransientError) else type(exc).__name__
        raise KgError(f"lost the Neo4j connection while loading {source} after {done} of "
                      f"{report.nodes + report.relationships} rows, retries exhausted ({why}); the load is "
                      "idempotent: run the same command again once the server is back") from None
    except Neo4jError as exc:
        raise KgError(f"Neo4j rejected the load of {source}: {exc.code}: {exc.message}") from None
    finally:
        bar.close()
    log.info("loaded %s: %d nodes, %d relationships (%d/%d created)", source, report.nodes, report.relationships,
             report.nodes_created, report.relationships_created)
    return report


def database_counts(driver, database: str | None = None) -> dict[str, int]:
    """Node count per contract label and relationship count per type among this tool's nodes.

    Comparable with :func:`kg.neo4j.rows.expected_counts`.

    Examples
    --------
    >>> database_counts(driver)   # doctest: +SKIP
    {'Dataset': 3, 'Model': 5, 'Paper': 2, 'MENTIONS': 9, 'USES': 4}
    """
    counts: dict[str, int] = {}
    for build in (cypher.count_nodes_query, cypher.count_relationships_query):
        query, params = build()
        records = driver.execute_query(query, params, database_=database).records
        for rec in records:
            counts[rec[0]] = rec["count"]
    return counts
