"""`kg export GRAPH_JSON --format cypher|neo4j-admin-csv|gexf|cytoscape --out PATH`: bulk exports of the graph."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from kg.errors import OutputError
from kg.io import EXPORT_FORMATS, EXPORTERS


def register(sub) -> None:
    """Add ``kg export``."""
    p = sub.add_parser(
        "export",
        help="export graph.json as a Cypher script, neo4j-admin CSVs, GEXF or Cytoscape JSON",
        description="Write GRAPH_JSON in another format: 'cypher' (a MERGE script that recreates the graph), "
                    "'neo4j-admin-csv' (a folder of CSVs for `neo4j-admin database import full`), "
                    "'gexf' (Gephi) or 'cytoscape' (Cytoscape.js JSON). Output is deterministic.",
    )
    p.add_argument("graph_json", type=Path, metavar="GRAPH_JSON", help="graph.json written by kg build")
    p.add_argument("--format", required=True, choices=sorted(EXPORT_FORMATS), help="output format")
    p.add_argument("--out", type=Path, required=True,
                   help="output file (a folder for neo4j-admin-csv)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read the graph and write the chosen format; prints the written paths."""
    from kg.commands.common import read_graph_argument

    G = read_graph_argument(args.graph_json)
    if args.format != "neo4j-admin-csv" and args.out.is_dir():
        raise OutputError(f"{args.out}: is a folder; --out names a file for --format {args.format}")
    module, _, name = EXPORTERS[args.format].partition(":")
    write = getattr(importlib.import_module(module), name)
    try:
        if args.format != "neo4j-admin-csv":
            args.out.parent.mkdir(parents=True, exist_ok=True)
        paths = write(G, args.out, source=str(args.graph_json))
    except OSError as exc:
        raise OutputError(f"{exc.filename or args.out}: cannot write ({exc.strerror or exc})") from None
    if not args.quiet:
        for path in paths:
            print(path, file=sys.stdout)
    return 0
