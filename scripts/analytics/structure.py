#!/usr/bin/env python3
"""Structure: PageRank, betweenness and seeded Louvain communities of the entity co-occurrence graph (tables + plot).

Usage: ``python scripts/analytics/structure.py GRAPH_JSON --out DIR [--seed N]``
"""

from __future__ import annotations

import sys

from kg.analytics.cli import main, make_parser
from kg.analytics.reports import run_structure


def run(argv: list[str] | None = None) -> int:
    """Parse the arguments and write centrality.*, communities.* and structure.png."""
    p = make_parser("structure.py", __doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=42, help="Louvain random seed (default: 42)")
    return main(p, run_structure, sys.argv[1:] if argv is None else argv, lambda a: {"seed": a.seed})


if __name__ == "__main__":
    raise SystemExit(run())
