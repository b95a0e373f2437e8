"""`kg neo4j load|query|wipe`: load a graph.json into Neo4j, run Cypher, delete this tool's nodes.

The connection comes from ``NEO4J_URI``, ``NEO4J_USER`` and ``NEO4J_PASSWORD``; the password is never
printed or logged.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from kg.errors import KgError, SettingError

#: URI schemes the Neo4j Bolt driver speaks (``http://`` is Neo4j's HTTP API, which kg does not use).
BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def register(sub) -> None:
    """Add ``kg neo4j`` and its nested ``load``, ``query`` and ``wipe`` commands."""
    p = sub.add_parser(
        "neo4j",
        help="load the graph into Neo4j and query it with Cypher",
        description="Load graph.json into Neo4j (idempotent, batched MERGE) and run Cypher against it. "
                    "Connection: NEO4J_URI (default bolt://127.0.0.1:7687), NEO4J_USER, NEO4J_PASSWORD.",
    )
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])
    nested = p.add_subparsers(dest="neo4j_command", metavar="ACTION")

    load = nested.add_parser("load", help="merge graph.json into Neo4j (safe to re-run)",
                             description="Create id uniqueness constraints, then MERGE nodes and relationships "
                                         "in UNWIND batches. Loading the same graph twice changes nothing.")
    load.add_argument("graph_json", type=Path, metavar="GRAPH_JSON", help="graph.json written by kg build")
    load.add_argument("--wipe", action="store_true", help="first delete this tool's nodes (label KgNode)")
    load.add_argument("--batch-size", type=int, default=5000, help="rows per transaction (default %(default)s)")
    load.add_argument("--database", help="target database (default: the server's default)")
    load.set_defaults(func=run_load)

    query = nested.add_parser("query", help="run a Cypher query and print a table or JSON",
                              description="Run CYPHER (or the query in --file) with --param values as parameters.")
    query.add_argument("cypher", nargs="?", metavar="CYPHER", help="the query text")
    query.add_argument("-f", "--file", type=Path, help="read the query from a .cypher file")
    query.add_argument("--param", action="append", default=[], metavar="K=V",
                       help="query parameter; V is parsed as JSON when possible, else taken as a string")
    query.add_argument("--json", action="store_true", help="print the rows as JSON")
    query.add_argument("--database", help="target database")
    query.set_defaults(func=run_query)

    wipe = nested.add_parser("wipe", help="delete this tool's nodes (label KgNode) in batches",
                             description="Delete every node labelled KgNode and its relationships; "
                                         "other data in the database is left alone.")
    wipe.add_argument("--batch-size", type=int, default=5000, help="nodes per transaction (default %(default)s)")
    wipe.add_argument("--database", help="target database")
    wipe.set_defaults(func=run_wipe)


def _settings(database: str | None):
    """Connection settings from the environment, with ``NEO4J_URI`` checked before the driver sees it."""
    from kg.neo4j.settings import Neo4jSettings

    settings = Neo4jSettings.from_env(database=database)
    scheme = settings.uri.split("://", 1)[0].lower() if "://" in settings.uri else ""
    if scheme not in BOLT_SCHEMES:
        shown = re.sub(r"//[^@/]*@", "//***@", settings.uri)       # never echo credentials put in the URI
        raise SettingError(f"NEO4J_URI={shown!r}: not a Bolt address; use bolt://HOST:7687 or neo4j://HOST:7687 "
                           f"(schemes: {', '.join(BOLT_SCHEMES)})")
    return settings


def run_load(args: argparse.Namespace) -> int:
    """Load GRAPH_JSON; prints one summary line."""
    from kg.commands.common import read_graph_argument
    from kg.neo4j.loader import load_graph
    from kg.neo4j.settings import open_driver
    from kg.neo4j.wipe import wipe

    G = read_graph_argument(args.graph_json)
    if args.batch_size < 1:
        raise KgError(f"--batch-size must be at least 1, got {args.batch_size}")
    settings = _settings(args.database)
    with open_driver(settings) as driver:
        if args.wipe:
            deleted = wipe(driver, batch_size=args.batch_size, database=settings.database)
            if not args.quiet:
                print(f"wiped {deleted} nodes", file=sys.stderr)
        report = load_graph(driver, G, batch_size=args.batch_size, database=settings.database,
                            progress=not args.quiet and sys.stderr.isatty(),
                            source=str(args.graph_json))
    if not args.quiet:
        print(f"loaded {args.graph_json}: {report.nodes} nodes, {report.relationships} relationships "
              f"({report.nodes_created} nodes and {report.relationships_created} relationships created)")
    return 0


def run_query(args: argparse.Namespace) -> int:
    """Run the query; prints a table (or JSON with --json)."""
    from kg.neo4j.query import format_json, format_table, parse_params, run_query as run
    from kg.neo4j.settings import open_driver

    if (args.cypher is None) == (args.file is None):
        raise KgError("give either CYPHER or --file FILE")
    if args.file is not None:
        try:
            text = args.file.read_text(encoding="utf-8")
        except OSError as exc:
            raise KgError(f"{args.file}: {exc.strerror}") from None
    else:
        text = args.cypher
    params = parse_params(args.param)
    settings = _settings(args.database)
    with open_driver(settings) as driver:
        keys, rows = run(driver, text, params, settings.database)
    print(format_json(rows) if args.json else format_table(keys, rows))
    return 0


def run_wipe(args: argparse.Namespace) -> int:
    """Delete this tool's nodes; prints how many."""
    from kg.neo4j.settings import open_driver
    from kg.neo4j.wipe import wipe

    settings = _settings(args.database)
    with open_driver(settings) as driver:
        deleted = wipe(driver, batch_size=args.batch_size, database=settings.database)
    if not args.quiet:
        print(f"wiped {deleted} nodes")
    return 0
