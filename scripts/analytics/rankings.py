#!/usr/bin/env python3
"""Rankings: most used datasets, models and techniques by number of papers (tables + bar charts).

Usage: ``python scripts/analytics/rankings.py GRAPH_JSON --out DIR [--top N]``
"""

from __future__ import annotations

import sys

from kg.analytics.cli import main, make_parser
from kg.analytics.reports import run_rankings


def run(argv: list[str] | None = None) -> int:
    """Parse the arguments and write rankings.{csv,md,png} and rankings_mentions.{csv,md}."""
    p = make_parser("rankings.py", __doc__.splitlines()[0])
    p.add_argument("--top", type=int, default=15, help="entities per label (default: 15)")
    return main(p, run_rankings, sys.argv[1:] if argv is None else argv, lambda a: {"top": a.top})


if __name__ == "__main__":
    raise SystemExit(run())
