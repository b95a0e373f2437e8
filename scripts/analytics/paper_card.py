#!/usr/bin/env python3
"""Paper card: everything one paper introduces, uses, beats and extends, with evidence sentences.

Usage: ``python scripts/analytics/paper_card.py GRAPH_JSON --out DIR --paper TITLE_OR_ID``
"""

from __future__ import annotations

import sys

from kg.analytics.cli import main, make_parser
from kg.analytics.reports import run_paper_card


def run(argv: list[str] | None = None) -> int:
    """Parse the arguments and write paper_card_<id>.md/.json and paper_card_<id>_rows.{csv,md}."""
    p = make_parser("paper_card.py", __doc__.splitlines()[0])
    p.add_argument("--paper", required=True, metavar="TITLE_OR_ID", help="paper id, arXiv id, title or unique title fragment")
    return main(p, run_paper_card, sys.argv[1:] if argv is None else argv, lambda a: {"query": a.paper})


if __name__ == "__main__":
    raise SystemExit(run())
