#!/usr/bin/env python3
"""Leaderboards: the OUTPERFORMS graph ranked, its longest beats chains and its cycles with evidence.

Usage: ``python scripts/analytics/leaderboards.py GRAPH_JSON --out DIR``
"""

from __future__ import annotations

import sys

from kg.analytics.cli import main, make_parser
from kg.analytics.reports import run_leaderboards


def run(argv: list[str] | None = None) -> int:
    """Parse the arguments and write leaderboard.*, beats_chains.* and beats_cycles.* (CSV, Markdown, JSON)."""
    p = make_parser("leaderboards.py", __doc__.splitlines()[0])
    return main(p, run_leaderboards, sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    raise SystemExit(run())
