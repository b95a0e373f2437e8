"""Arguments and output shared by ``kg build`` and ``kg extract``."""

from __future__ import annotations

import argparse


def add_input_arguments(p: argparse.ArgumentParser) -> None:
    """INPUT..., --format, --workers, --spacy-model, --rules-only."""
    from kg.readers import FORMATS

    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders or glob patterns")
    p.add_argument("--format", choices=FORMATS, default=None, help="force the input format (default: detect)")
    p.add_argument("--workers", type=int, default=1, metavar="N", help="extraction processes (default 1)")
    p.add_argument("--spacy-model", default=None, metavar="NAME",
                   help="use an installed spaCy pipeline (e.g. en_core_web_sm) instead of blank English")
    p.add_argument("--rules-only", action="store_true",
                   help="let the rules decide alone, without the trained models of kg/models (for comparison)")


def print_summary(summary) -> None:
    """Print the build summary: papers, entities by label, edges by type, skipped records, timings."""
    print(f"records read:   {summary.records}")
    if summary.papers:
        print(f"papers:         {summary.papers}")
        print("entities:       " + ", ".join(f"{k} {v}" for k, v in sorted(summary.entities.items())))
        print("edges:          " + ", ".join(f"{k} {v}" for k, v in sorted(summary.edges.items())))
    skipped = summary.skipped_by_reason()
    print(f"skipped:        {len(summary.skipped)}" + (" (" + ", ".join(f"{r}: {n}" for r, n in sorted(skipped.items())) + ")" if skipped else ""))
    print("seconds:        " + ", ".join(f"{k} {v:.2f}" for k, v in summary.seconds.items()))
    print("wrote:          " + ", ".join(str(p) for p in summary.outputs))
