"""``kg eval GOLD --graph graph.json``: extraction quality against a gold set (same figures as shared/gold/score.py)."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from kg.errors import KgError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "eval",
        help="score a graph against gold annotations",
        description="Score GRAPH (node-link JSON from kg build) against GOLD (JSON Lines annotated per "
        "shared/gold/GUIDELINES.md): entity, typed entity, INTRODUCES and relation P/R/F1.",
    )
    p.add_argument("gold", type=Path, metavar="GOLD", help="gold JSONL file (e.g. ../shared/gold/dev.jsonl)")
    p.add_argument("--graph", required=True, type=Path, help="graph.json written by kg build")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.add_argument("--errors", type=Path, metavar="FILE", help="write missed/spurious items per paper (JSON Lines)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kg.evaluation.gold import format_scores, score_files

    for path in (args.gold, args.graph):
        if not path.is_file():
            raise KgError(f"{path}: no such file")
    try:
        result, report = score_files(args.graph, args.gold)
    except (json.JSONDecodeError, KeyError) as exc:
        raise KgError(f"cannot score {args.graph} against {args.gold}: {exc}") from exc
    print(json.dumps(result, indent=1, sort_keys=True) if args.json else format_scores(result))
    if args.errors:
        with open(args.errors, "w", encoding="utf-8") as fh:
            for item in report:
                fh.write(json.dumps(asdict(item), ensure_ascii=False) + "\n")
    return 0
