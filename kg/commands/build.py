"""``kg build INPUT... --out DIR``: the whole pipeline on the embedded (NetworkX) default."""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.commands.common import add_input_arguments, make_reporter, print_summary, progress_enabled


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "build",
        help="build the knowledge graph from paper listings or extraction files",
        description="Read paper listings (HF Daily Papers text, arXiv Atom/OAI XML, JSONL, CSV) or extractions.jsonl "
        "files, extract entities and relations, resolve entities across papers, and write DIR/graph.json, "
        "DIR/graph.graphml, DIR/extractions.jsonl and DIR/graph.html.",
    )
    add_input_arguments(p)
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", type=Path, metavar="DIR", help="output folder (created if missing)")
    target.add_argument("--update", type=Path, metavar="DIR",
                        help="like --out DIR, but reuse the earlier build in DIR: unchanged input files are not read, "
                        "only new or changed records are extracted, only changed papers are resolved again and (with "
                        "--no-html) encoded again; same output")
    p.add_argument("--no-html", action="store_true", help="skip graph.html (an older DIR/graph.html is removed)")
    p.add_argument("--neo4j-csv", action="store_true",
                   help="for corpora too large for one in-memory graph: never build the NetworkX graph; write "
                   "DIR/extractions.jsonl and neo4j-admin import files in DIR/neo4j-import/ instead of graph.*")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kg.api import graph_writers
    from kg.pipeline import run_build

    reporter = make_reporter(args)
    try:
        summary = run_build(args.inputs, args.update or args.out, fmt=args.format, workers=args.workers,
                            spacy_model=args.spacy_model, writers=graph_writers(html=not args.no_html),
                            progress=progress_enabled(args),
                            neo4j_csv=args.neo4j_csv, reporter=reporter, strict=args.strict,
                            rules_only=args.rules_only, update=args.update is not None)
    finally:
        reporter.close()
    if not args.quiet:
        print_summary(summary)
        if summary.reused is not None:
            print(f"reused:         {summary.reused} of {summary.records} extractions "
                  f"({summary.records - summary.reused} records extracted)")
    return 0
