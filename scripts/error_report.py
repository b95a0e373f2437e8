#!/usr/bin/env python3
"""Write a Markdown error report of the extraction against the dev gold set, to guide rule work.

The graph is read (``--graph graph.json``), built from listings (``--inputs ../shared/seeds``: the same as
``kg build``, in a temporary folder), or by default built in memory from the gold file's own titles and
abstracts (fast; entity resolution then only sees those papers). The report lists, per gold paper, missed
and spurious entities / relations / introduced names, with the evidence sentence and the rule of every
spurious edge, the error categories with counts, and per-rule precision. The report is an output file: it
quotes gold text, so keep it out of the repository (default ``out/error_report.md``).

Usage::

    .venv/bin/python scripts/error_report.py --gold ../shared/gold/dev.jsonl [--graph out/graph.json |
        --inputs ../shared/seeds] [--spacy-model NAME] [--out out/error_report.md]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_GOLD = REPO.parent / "shared" / "gold" / "dev.jsonl"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help=f"gold JSONL (default {DEFAULT_GOLD})")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--graph", type=Path, help="read this graph.json instead of building one")
    src.add_argument("--inputs", nargs="+", metavar="INPUT", help="build the graph from these listings (as kg build)")
    p.add_argument("--spacy-model", default=None, metavar="NAME", help="installed spaCy pipeline for building")
    p.add_argument("--out", type=Path, default=Path("out/error_report.md"), help="report path (default out/error_report.md)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress or summary")
    return p.parse_args(argv)


def load_or_build(args: argparse.Namespace, gold: list[dict]) -> tuple[dict, str]:
    """The node-link graph dict and a one-line description of where it came from."""
    if args.graph:
        with open(args.graph, encoding="utf-8") as fh:
            return json.load(fh), str(args.graph)
    if args.inputs:
        from kg.pipeline import run_build

        with tempfile.TemporaryDirectory(prefix="kg-error-report-") as tmp:
            run_build(args.inputs, Path(tmp), spacy_model=args.spacy_model,
                      progress=not args.quiet and sys.stderr.isatty())
            with open(Path(tmp) / "graph.json", encoding="utf-8") as fh:
                graph = json.load(fh)
        return graph, "built from " + " ".join(args.inputs) + (f" with {args.spacy_model}" if args.spacy_model else "")
    import networkx as nx

    from kg.api import build_graph_from_papers, default_nlp

    g = build_graph_from_papers([(r["title"], r["abstract"]) for r in gold], nlp=default_nlp(args.spacy_model))
    desc = f"built in memory from the {len(gold)} gold papers' titles and abstracts"
    return nx.node_link_data(g, edges="edges"), desc + (f" with {args.spacy_model}" if args.spacy_model else "")


def main(argv: list[str] | None = None) -> int:
    from kg.errors import KgError
    from kg.evaluation.gold import load_gold
    from kg.evaluation.report import collect_errors, error_summary, render_markdown

    args = parse_args(argv)
    try:
        for path in (args.gold, args.graph):
            if path is not None and not path.is_file():
                raise KgError(f"{path}: no such file")
        try:
            gold = load_gold(args.gold)
            graph, desc = load_or_build(args, gold)
            report = collect_errors(graph, gold)
        except (json.JSONDecodeError, KeyError) as exc:
            raise KgError(f"cannot score against {args.gold}: {type(exc).__name__}: {exc}") from exc
    except KgError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render_markdown(report, graph_desc=desc, gold_desc=args.gold.name), encoding="utf-8")
    if not args.quiet:
        print(f"wrote {args.out}")
        for name, count in error_summary(report)[:10]:
            print(f"{count:4d}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
