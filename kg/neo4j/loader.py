"""Load a graph into Neo4j: constraints first, then ``UNWIND $rows`` batches (nodes, then relationships).

Each batch runs in one managed write transaction (``session.execute_write``), which the driver retries on
transient errors and lost connections (up to the driver's ``max_transaction_retry_time``). Inside it, a
read query first finds which of the batch's node ids the database already holds: those rows are MERGEd,
the others CREATEd. A relationship is CREATEd when this load created its source node (which therefore had
no relationships but this load's own, all of one type kept in one batch), else MERGEd. Nothing is assumed
from earlier runs, so a load can be repeated, or resumed after a failure, and ends in the same state.
One loader at a time per database: two concurrent loads of overlapping graphs could both CREATE the same
relationship (nodes are safe: the ``id`` constraint rejects the second CREATE, and the batch is re-run).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import networkx as nx

from kg.errors import KgError
from kg.neo4j import cypher
from kg.neo4j.rows import edge_rows, iter_batches, node_rows, source_batches

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
    created_path: int = 0  # rows written by CREATE (proved new, see the module docstring)
    merge_path: int = 0  # rows written by MERGE (possibly present)
    per_kind: dict[str, int] = field(default_factory=dict)


# Summary counters a load adds up over its statements.
_COUNTERS = ("nodes_created", "relationships_created", "properties_set", "labels_added")


def _run(tx, query: str, params: dict, counts: dict[str, int]) -> None:
    """Run one write statement and add its summary counters to ``counts``."""
    c = tx.run(query, params).consume().counters
    for key in _COUNTERS:
        counts[key] += getattr(c, key)


def _write_nodes(tx, label: str, rows: list[dict]) -> tuple[dict[str, int], list[str]]:
    """Unit of work for one node batch: CREATE the rows whose id is absent, MERGE the others.

    Returns the counters and the ids it created (absent when this transaction began).
    """
    counts = dict.fromkeys(_COUNTERS, 0)
    found = {r["id"] for r in tx.run(*cypher.existing_nodes_query([row["id"] for row in rows]))}
    fresh = [row for row in rows if row["id"] not in found]
    known = [row for row in rows if row["id"] in found]
    if fresh:
        _run(tx, *cypher.create_nodes_query(label, fresh), counts)
    if known:
        _run(tx, *cypher.merge_nodes_query(label, known), counts)
    counts["created_path"], counts["merge_path"] = len(fresh), len(known)
    return counts, [row["id"] for row in fresh]


def _write_relationships(tx, rel: str, rows: list[dict], new_sources: set[str],
                         attempts: list[int]) -> tuple[dict[str, int], list]:
    """Unit of work for one relationship batch: CREATE rows whose source this load created, MERGE the others.

    A source node this load created had no relationships; its ``rel`` rows all sit in this one batch
    (:func:`kg.neo4j.rows.source_batches`), so none of them exists yet and CREATE writes each exactly once.
    When the driver retries the batch (``attempts`` counts the calls), an earlier attempt may have committed
    before its connection broke, so every row is MERGEd.
    """
    attempts[0] += 1
    if attempts[0] > 1:
        new_sources = set()
    counts = dict.fromkeys(_COUNTERS, 0)
    fresh = [row for row in rows if row["source"] in new_sources]
    known = [row for row in rows if row["source"] not in new_sources]
    if fresh:
        _run(tx, *cypher.create_relationships_query(rel, fresh), counts)
    if known:
        _run(tx, *cypher.merge_relationships_query(rel, known), counts)
    counts["created_path"], counts["merge_path"] = len(fresh), len(known)
    return counts, []


def _execute(session, work, args: tuple, report: LoadReport) -> list:
    """Run one batch's unit of work in a retried write transaction, add its counters to ``report``.

    Returns what the unit of work returns besides its counters (the ids a node batch created). A node
    CREATE that collides with a node committed meanwhile by another client fails the ``id`` constraint;
    the batch is then run again, and its check now sends that row down the MERGE path.
    """
    from neo4j.exceptions import ConstraintError

    for attempt in range(3):
        try:
            counts, created = session.execute_write(work, *args)
            break
        except ConstraintError:
            if attempt == 2:
                raise
    report.nodes_created += counts["nodes_created"]
    report.relationships_created += counts["relationships_created"]
    report.properties_set += counts["properties_set"]
    report.labels_added += counts["labels_added"]
    report.created_path += counts["created_path"]
    report.merge_path += counts["merge_path"]
    report.batches += 1
    return created


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
    """Write every node and edge of ``G`` into the database behind ``driver`` (CREATE what is new, MERGE the rest).

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver (see :func:`kg.neo4j.settings.open_driver`).
    G : networkx.MultiDiGraph
        A graph following the contract of :mod:`kg.io.graph_json`.
    batch_size : int
        Rows per transaction (relationship batches grow to keep one source's rows together).
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
    >>> from kg.io.graph_json import read_graph_json as read
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
            new_nodes: set[str] = set()  # created by this load: no relationships but this load's own
            for label, rows in nodes.items():
                for batch in iter_batches(rows, batch_size):
                    new_nodes.update(_execute(session, _write_nodes, (label, batch), report))
                    done += len(batch)
                    bar.update(len(batch))
            for rel, rows in edges.items():
                for batch in source_batches(rows, batch_size):
                    _execute(session, _write_relationships, (rel, batch, new_nodes, [0]), report)
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
