"""Shared command line of the ``scripts/analytics/*.py`` scripts: ``NAME.py GRAPH_JSON --out DIR``.

Parses the common arguments, loads the graph with a clear error naming the file, runs the
analysis from :mod:`kg.analytics.reports`, prints its summary and the files written, and
turns :class:`kg.errors.KgError` into exit code 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from kg.errors import KgError

Runner = Callable[..., tuple[list[str], list[Path]]]


def make_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """Parser with the positional ``GRAPH_JSON`` and the required ``--out DIR``."""
    p = argparse.ArgumentParser(prog=prog, description=description)
    p.add_argument("graph", metavar="GRAPH_JSON", help="graph.json written by `kg build`")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the tables and plots (created)")
    p.add_argument("-q", "--quiet", action="store_true", help="do not list the files written")
    return p


def main(parser: argparse.ArgumentParser, runner: Runner, argv: Sequence[str] | None = None,
         extra: Callable[[argparse.Namespace], dict] | None = None) -> int:
    """Parse ``argv``, run ``runner(G, out, **extra(args))``, print the summary; return the exit code."""
    args = parser.parse_args(argv)
    try:
        from kg.analytics.common import load

        G = load(args.graph)
        out = Path(args.out)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise KgError(f"cannot create output folder {out}: {exc}") from exc
        lines, files = runner(G, out, **(extra(args) if extra else {}))
    except KgError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 1
    for line in lines:
        print(line)
    if not args.quiet:
        print(f"wrote {len(files)} files to {out}: " + ", ".join(f.name for f in files))
    return 0
