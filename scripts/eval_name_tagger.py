#!/usr/bin/env python3
"""Score the name tagger alone on held-out folds: exact name occurrences, typed and untyped.

Why: a change to the tagger's features or training is cheapest to judge by what the tagger itself finds on papers
it never saw, before a full ``kg eval --cv`` (which retrains every model and takes about ten times as long). For
each of ``--folds`` folds of the gold papers (split ``--repeat``, the folds of ``kg eval --cv``), the script builds
the lexicon of the other folds, trains a tagger on their gold names exactly as ``kg.learn.cv.train_bundle`` does
(their own names left out of their features), tags the held-out papers and compares the names it marks with the
gold name occurrences the tagger learns from (``kg.learn.cv.gold_name_tags``). It prints the pooled precision,
recall and F1, typed (span and label) and untyped (span only).

A tagger-alone gain does not always carry over to the whole extractor: most of the tagger's names repeat a rule's
candidate, and the entity model decides (see the README's table of measured changes).

Usage::

    .venv/bin/python scripts/eval_name_tagger.py                         # ../shared/gold/train.jsonl, split 0
    .venv/bin/python scripts/eval_name_tagger.py --repeat 1 GOLD.jsonl
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_GOLD = REPO.parent / "shared" / "gold" / "train.jsonl"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="?", type=Path, default=DEFAULT_GOLD, help="gold JSON Lines (default train)")
    parser.add_argument("--folds", type=int, default=5, help="number of folds (default 5)")
    parser.add_argument("--repeat", type=int, default=0, help="split: 0 interleaved, r >= 1 shuffled with seed r")
    args = parser.parse_args(argv)
    if not args.gold.is_file():
        print(f"error: {args.gold}: no such gold file", file=sys.stderr)
        return 2

    from kg.evaluation.gold import load_gold
    from kg.evaluation.spans import prf
    from kg.learn import cv
    from kg.learn.name_tagger import NameTagger, train_tagger
    from kg.nlp.pipeline import build_nlp

    started = time.perf_counter()
    gold = load_gold(str(args.gold))
    nlp = build_nlp()
    nlp.get_pipe("kg_gazetteer").initialize()
    corpus = cv.GoldCorpus.parse(gold, nlp)
    typed = [0, 0, 0]
    untyped = [0, 0, 0]
    for test_idx in cv.folds(len(gold), args.folds, repeat=args.repeat):
        held = set(test_idx)
        train_idx = [i for i in range(len(gold)) if i not in held]
        lexicon = cv.build_lexicon(corpus, train_idx)
        features = {i: corpus.name_features(i, lexicon, exclude=corpus.pid(i)) for i in train_idx}
        tags = {i: cv.gold_name_tags(corpus, i) for i in train_idx}
        tagger = NameTagger(train_tagger(cv.tagger_sequences(features, tags, train_idx)))
        for i in test_idx:
            found = set(tagger.names_in(corpus.name_features(i, lexicon)))
            wanted = set(cv.gold_name_tags(corpus, i))
            for counts, a, b in ((typed, found, wanted),
                                 (untyped, {s[:2] for s in found}, {s[:2] for s in wanted})):
                counts[0] += len(a & b)
                counts[1] += len(a - b)
                counts[2] += len(b - a)
    for name, counts in (("typed", typed), ("untyped", untyped)):
        right, spurious, missed = counts
        score = prf(right, right + spurious, right, right + missed)
        print(f"{name:<8} P {score['p']:.3f}  R {score['r']:.3f}  F1 {score['f1']:.3f}  ({counts[0]} right, {counts[1]} spurious, "
              f"{counts[2]} missed)")
    print(f"split {args.repeat}, {args.folds} folds, {len(gold)} papers, {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
