"""`kg stats GRAPH_JSON`: print the headline numbers of a built graph (counts, top-10 lists, components)."""

from __future__ import annotations

import argparse


def register(sub) -> None:
    """Add the ``stats`` sub-command to the ``kg`` parser."""
    p = sub.add_parser(
        "stats",
        help="headline numbers of a graph.json",
        description="Print node counts by label, edge counts by type, weakly connected components and "
                    "the top-10 datasets, models and techniques by number of papers using them.",
    )
    p.add_argument("graph", metavar="GRAPH_JSON", help="graph.json written by `kg build`")
    p.add_argument("--top", type=int, default=10, help="length of the top lists (default: 10)")
    p.add_argument("--json", action="store_true", help="print the numbers as JSON instead of text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load the graph, compute :func:`kg.analytics.stats.headline` and print it; returns 0."""
    import json
    import sys

    from kg.analytics.common import load
    from kg.analytics.stats import headline, headline_text
    from kg.errors import KgError

    if args.top < 1:
        raise KgError("--top must be at least 1")
    h = headline(load(args.graph), top=args.top)
    if args.json:
        sys.stdout.write(json.dumps(h, ensure_ascii=False, indent=1, sort_keys=False) + "\n")
    else:
        sys.stdout.write(headline_text(h))
    return 0
