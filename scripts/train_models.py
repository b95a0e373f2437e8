#!/usr/bin/env python3
"""Rebuild the shipped extraction models (``kg/models/*.json`` and the name tagger ``names.crfsuite``) from the
annotated gold papers.

Deterministic: the same gold file and ontology give byte-identical files (lbfgs logistic regression, sorted
features, rounded weights; CRFsuite's L-BFGS over the papers in file order). Takes about a minute on 2 cores.

    python scripts/train_models.py                       # ../shared/gold/train.jsonl -> kg/models/
    python scripts/train_models.py --gold FILE --out DIR
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=REPO.parent / "shared" / "gold" / "train.jsonl",
                        help="gold JSON Lines to train on (default: ../shared/gold/train.jsonl); never dev.jsonl")
    parser.add_argument("--out", type=Path, default=REPO / "kg" / "models", help="folder for the model files")
    args = parser.parse_args(argv)
    if not args.gold.is_file():
        print(f"train_models: {args.gold}: no such file", file=sys.stderr)
        return 2

    from kg.evaluation.gold import load_gold
    from kg.learn.cv import GoldCorpus, train_bundle
    from kg.nlp.pipeline import build_nlp

    t0 = time.perf_counter()
    gold = load_gold(args.gold)
    nlp = build_nlp()
    nlp.get_pipe("kg_gazetteer").initialize()
    corpus = GoldCorpus.parse(gold, nlp)
    bundle = train_bundle(corpus, list(range(len(gold))))
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in sorted(bundle.to_files().items()):
        (args.out / name).write_bytes(data)
    for name, model in sorted(bundle.models.items()):
        print(f"{name:12s} threshold={model.threshold:.3f} {model.info}")
    print(f"wrote {len(bundle.to_files())} files to {args.out} (model version {bundle.version}) "
          f"from {len(gold)} papers in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
