#!/usr/bin/env python3
"""Lineage: EXTENDS trees of techniques and models: roots, depth, most extended (tables + tree plot).

Usage: ``python scripts/analytics/lineage.py GRAPH_JSON --out DIR [--max-trees N]``
"""

from __future__ import annotations

import sys

from kg.analytics.cli import main, make_parser
from kg.analytics.reports import run_lineage


def run(argv: list[str] | None = None) -> int:
    """Parse the arguments and write lineage_*.{csv,md}, most_extended.{csv,md} and lineage.png."""
    p = make_parser("lineage.py", __doc__.splitlines()[0])
    p.add_argument("--max-trees", type=int, default=8, help="largest trees drawn in lineage.png (default: 8)")
    return main(p, run_lineage, sys.argv[1:] if argv is None else argv, lambda a: {"max_trees": a.max_trees})


if __name__ == "__main__":
    raise SystemExit(run())
