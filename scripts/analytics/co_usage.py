#!/usr/bin/env python3
"""Co-usage: which models are evaluated on which datasets, and technique pairs used together (tables + heatmaps).

Usage: ``python scripts/analytics/co_usage.py GRAPH_JSON --out DIR [--top N]``
"""

from __future__ import annotations

import sys

from kg.analytics.cli import main, make_parser
from kg.analytics.reports import run_co_usage


def run(argv: list[str] | None = None) -> int:
    """Parse the arguments and write model_dataset.* and technique_pairs.* (CSV, Markdown, PNG heatmap)."""
    p = make_parser("co_usage.py", __doc__.splitlines()[0])
    p.add_argument("--top", type=int, default=15, help="rows/columns of each heatmap (default: 15)")
    return main(p, run_co_usage, sys.argv[1:] if argv is None else argv, lambda a: {"top": a.top})


if __name__ == "__main__":
    raise SystemExit(run())
