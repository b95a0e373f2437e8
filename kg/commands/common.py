"""Arguments and output shared by the commands: inputs of ``kg build``/``kg extract``, reading a GRAPH_JSON argument."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx


def add_input_arguments(p: argparse.ArgumentParser) -> None:
    """INPUT..., --format, --workers, --spacy-model, --rules-only, and how skipped input is reported (--strict, --log)."""
    from kg.pipeline.report import DEFAULT_MAX_WARNINGS
    from kg.readers import FORMATS

    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders or glob patterns")
    p.add_argument("--format", choices=FORMATS, default=None, help="force the input format (default: detect)")
    p.add_argument("--workers", type=int, default=1, metavar="N", help="extraction processes (default 1)")
    p.add_argument("--spacy-model", default=None, metavar="NAME",
                   help="use an installed spaCy pipeline (e.g. en_core_web_sm) instead of blank English")
    p.add_argument("--rules-only", action="store_true",
                   help="let the rules decide alone, without the trained models of kg/models (for comparison)")
    p.add_argument("--strict", action="store_true",
                   help="fail (exit 4, nothing written) when any record or file is skipped")
    p.add_argument("--log", type=Path, default=None, metavar="FILE",
                   help="write every skipped record, skipped file and merged duplicate to FILE as JSON Lines "
                   "(file, line, kind, reason)")
    p.add_argument("--max-warnings", type=int, default=DEFAULT_MAX_WARNINGS, metavar="N",
                   help="warning lines printed per input file before '… and K more' (default %(default)s)")


def read_graph_argument(path: Path) -> nx.MultiDiGraph:
    """Read the GRAPH_JSON argument of ``kg export``/``kg neo4j load``, with a one-line ``KgError`` naming the file."""
    from kg.errors import KgError
    from kg.io.graph_json import read_graph_json

    if not path.is_file():
        raise KgError(f"{path}: no such file")
    try:
        return read_graph_json(path)
    except (ValueError, KeyError, TypeError) as exc:
        raise KgError(f"{path}: not a kg graph.json ({type(exc).__name__}: {exc})") from None


def make_reporter(args: argparse.Namespace):
    """The ``Reporter`` the --log and --max-warnings options ask for."""
    from kg.pipeline.report import Reporter

    return Reporter(max_per_file=args.max_warnings, log_path=args.log)


def progress_enabled(args: argparse.Namespace) -> bool:
    """Progress bars only on a terminal, and never with -q."""
    return not args.quiet and sys.stderr.isatty()


def _counts(counter) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counter.items()))


def print_summary(summary) -> None:
    """Print the build summary: papers, entities by label, edges by type, what was skipped or merged, timings."""
    print(f"records read:   {summary.records}")
    if summary.papers:
        print(f"papers:         {summary.papers}")
    if summary.duplicates:
        differing = f" ({summary.duplicates_differing} with different text, merged)" if summary.duplicates_differing else ""
        print(f"duplicates:     {summary.duplicates} papers listed more than once{differing}")
    if summary.entities:
        print(f"entities:       {_counts(summary.entities)}")
    if summary.edges:
        print(f"edges:          {_counts(summary.edges)}")
    skipped = summary.skipped_by_reason()
    print(f"skipped:        {len(summary.skipped)}" + (" (" + ", ".join(f"{r}: {n}" for r, n in sorted(skipped.items())) + ")" if skipped else ""))
    if summary.skipped_files:
        print(f"skipped files:  {len(summary.skipped_files)} ("
              + ", ".join(f"{b.source}: {b.reason}" for b in summary.skipped_files[:5])
              + (", …" if len(summary.skipped_files) > 5 else "") + ")")
    print("seconds:        " + ", ".join(f"{k} {v:.2f}" for k, v in summary.seconds.items()))
    print("wrote:          " + ", ".join(str(p) for p in summary.outputs))
    if summary.removed:
        print("removed:        " + ", ".join(str(p) for p in summary.removed) + " (not written by this run)")
