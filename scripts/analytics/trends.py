#!/usr/bin/env python3
"""Trends: papers per month using each entity, the rising and fading entities, a line plot of the top rising.

Usage: ``python scripts/analytics/trends.py GRAPH_JSON --out DIR [--window N] [--min-support N] [--end YYYY-MM]``

Papers without a usable date (no year and month) are counted and reported, never guessed. See
:mod:`kg.analytics.trends` for the definition of rising and fading.
"""

from __future__ import annotations

import sys

from kg.analytics.cli import main, make_parser
from kg.analytics.trends import run_trends


def run(argv: list[str] | None = None) -> int:
    """Parse the arguments and write papers_per_month.*, entity_months.*, trends.* and trends.png."""
    p = make_parser("trends.py", __doc__.splitlines()[0])
    p.add_argument("--window", type=int, default=3, metavar="N", help="months per compared window (default: 3)")
    p.add_argument("--min-support", type=int, default=3, metavar="N",
                   help="least papers over both windows for an entity to be ranked (default: 3)")
    p.add_argument("--end", default=None, metavar="YYYY-MM", help="last month of the recent window (default: the "
                   "last month with dated papers)")
    p.add_argument("--top", type=int, default=5, metavar="N", help="rising entities drawn in trends.png (default: 5)")
    return main(p, run_trends, sys.argv[1:] if argv is None else argv,
                lambda a: {"window": a.window, "min_support": a.min_support, "end": a.end, "top": a.top})


if __name__ == "__main__":
    raise SystemExit(run())
