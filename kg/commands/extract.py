"""``kg extract INPUT... --out FILE.jsonl``: extractions only (shardable; ``kg build`` merges them)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.commands.common import add_input_arguments, print_summary


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "extract",
        help="extract mentions and relations only (one JSON line per record)",
        description="Run reading and extraction only and write FILE.jsonl; run it on shards of the input in "
        "parallel (or elsewhere) and merge the files with `kg build FILE1.jsonl FILE2.jsonl ... --out DIR`.",
    )
    add_input_arguments(p)
    p.add_argument("--out", required=True, type=Path, metavar="FILE.jsonl", help="extractions file to write")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kg.pipeline import run_extract

    summary = run_extract(args.inputs, args.out, fmt=args.format, workers=args.workers, spacy_model=args.spacy_model,
                          progress=not args.quiet and sys.stderr.isatty())
    if not args.quiet:
        print_summary(summary)
    return 0
