"""``kg eval``: extraction quality against the dev gold set (same figures as shared/gold/score.py) and/or
span-level scores on external corpora (TDMSci, SciERC; see ``kg.evaluation.external``)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from kg.errors import KgError


def register(sub: argparse._SubParsersAction) -> None:
    from kg.evaluation.corpora import CORPORA

    p = sub.add_parser(
        "eval",
        help="score a graph against gold annotations, or the extractor on external corpora",
        description="Score GRAPH (node-link JSON from kg build) against GOLD (JSON Lines annotated per "
        "shared/gold/GUIDELINES.md): entity, typed entity, INTRODUCES and relation P/R/F1. With --corpus, also "
        "run the extractor on an external annotated corpus (tdmsci: CoNLL with DATASET tags; scierc: DyGIE JSON "
        "Lines) and print span-level exact and relaxed (overlap) P/R/F1.",
    )
    p.add_argument("gold", type=Path, metavar="GOLD", nargs="?", help="gold JSONL file (e.g. ../shared/gold/dev.jsonl)")
    p.add_argument("--graph", type=Path, help="graph.json written by kg build (required with GOLD, unless --cv)")
    p.add_argument("--cv", type=int, default=None, metavar="K",
                   help="paper-level K-fold cross-validation on GOLD: train the models on K-1 folds, extract and "
                   "score the held-out fold (like score.py); prints per-fold, mean and pooled figures")
    p.add_argument("--repeats", type=int, default=1, metavar="R",
                   help="with --cv: repeat the cross-validation over R different splits (the first as without "
                   "--repeats, the others shuffled with seeds 1..R-1) and pool all R*K folds")
    p.add_argument("--train-fraction", type=float, default=1.0, metavar="F",
                   help="with --cv: train each fold on a fixed random share F (0 < F <= 1) of its training papers, "
                   "held-out folds unchanged (a point of a learning curve)")
    p.add_argument("--oracle-candidates", action="store_true",
                   help="with --cv: add each held-out paper's gold names to its candidates (strong, gold type; "
                   "training unchanged): what perfect candidate generation would be worth, a diagnostic")
    p.add_argument("--jobs", type=int, default=1, metavar="N",
                   help="with --cv: score N folds at a time in forked processes (same figures; default 1)")
    p.add_argument("--unseen-names", action="store_true",
                   help="with --cv: extract each held-out fold with its gold names left out of the lexicon, as if no "
                   "training paper had annotated them (abstracts of another field or era): how much rests on the lexicon")
    p.add_argument("--rules-only", action="store_true", help="with --cv or --corpus: score the rules alone (without the trained models)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.add_argument("--errors", type=Path, metavar="FILE", help="write missed/spurious items per paper (JSON Lines)")
    p.add_argument("--corpus", nargs=2, action="append", default=[], metavar=("NAME", "PATH"),
                   help=f"score the extractor on an external corpus; NAME is one of {', '.join(CORPORA)} (repeatable)")
    p.add_argument("--spacy-model", default=None, metavar="NAME",
                   help="with --corpus: use an installed spaCy pipeline instead of blank English")
    p.add_argument("--exclude-gazetteer", action="append", default=[], metavar="FILE",
                   help="with --corpus: leave out a gazetteer file (path under ontology/gazetteers, e.g. "
                   "derived/tdmsci_datasets.jsonl, which was built from TDMSci train) (repeatable)")
    p.set_defaults(func=run)


def _score_gold(args: argparse.Namespace) -> dict:
    from kg.evaluation.gold import score_files

    if args.graph is None:
        raise KgError("GOLD needs --graph graph.json")
    for path in (args.gold, args.graph):
        if not path.is_file():
            raise KgError(f"{path}: no such file")
    try:
        result, report = score_files(args.graph, args.gold)
    except (json.JSONDecodeError, KeyError) as exc:
        raise KgError(f"cannot score {args.graph} against {args.gold}: {exc}") from exc
    if args.errors:
        with open(args.errors, "w", encoding="utf-8") as fh:
            for item in report:
                fh.write(json.dumps(asdict(item), ensure_ascii=False) + "\n")
    return result


def _score_corpora(args: argparse.Namespace) -> list[dict]:
    from kg.evaluation.corpora import CORPORA
    from kg.evaluation.external import evaluate_corpus, nlp_for_eval

    for name, path in args.corpus:
        if name not in CORPORA:
            raise KgError(f"--corpus {name}: unknown corpus (expected one of {', '.join(CORPORA)})")
        if not Path(path).is_file():
            raise KgError(f"{path}: no such file")
    try:
        nlp = nlp_for_eval(args.spacy_model, args.exclude_gazetteer)
    except OSError as exc:   # spacy.load of a pipeline that is not installed
        raise KgError(f"cannot load spaCy pipeline {args.spacy_model!r}: {exc}") from exc
    progress = not args.quiet and sys.stderr.isatty()
    return [evaluate_corpus(name, path, nlp, progress=progress, rules_only=args.rules_only) for name, path in args.corpus]


def run(args: argparse.Namespace) -> int:
    from kg.evaluation.external import format_table
    from kg.evaluation.gold import format_scores

    if args.gold is None and not args.corpus:
        raise KgError("nothing to score: give GOLD --graph graph.json and/or --corpus NAME PATH")
    if args.gold is None and (args.graph or args.errors):
        raise KgError("--graph/--errors need GOLD")
    if args.cv is not None:
        return _cross_validate(args)
    gold = _score_gold(args) if args.gold is not None else None
    corpora = _score_corpora(args) if args.corpus else []
    if args.json:
        payload = gold if not corpora else ({"gold": gold, "corpora": corpora} if gold is not None else {"corpora": corpora})
        print(json.dumps(payload, indent=1, sort_keys=True))
    else:
        parts = ([format_scores(gold)] if gold is not None else []) + ([format_table(corpora)] if corpora else [])
        print("\n\n".join(parts))
    return 0


def _cross_validate(args: argparse.Namespace) -> int:
    """``kg eval --cv K GOLD``: K-fold cross-validation of the learned extractor (or the rules alone)."""
    from kg.evaluation.gold import REPORT_KEYS, load_gold
    from kg.learn.cv import GoldCorpus, cross_validate, mean_of_folds, pooled, reliability
    from kg.nlp.pipeline import build_nlp

    if args.gold is None or not args.gold.is_file():
        raise KgError(f"--cv needs a gold JSONL file: {args.gold}")
    if args.cv < 2:
        raise KgError("--cv K needs K >= 2")
    if args.jobs < 1:
        raise KgError("--jobs N needs N >= 1")
    if args.repeats < 1:
        raise KgError("--repeats R needs R >= 1")
    if not 0.0 < args.train_fraction <= 1.0:
        raise KgError("--train-fraction F needs 0 < F <= 1")
    try:
        gold = load_gold(args.gold)
    except (json.JSONDecodeError, KeyError) as exc:
        raise KgError(f"{args.gold}: not a gold JSONL file ({exc})") from exc
    if len(gold) < args.cv:
        raise KgError(f"--cv {args.cv}: {args.gold} has only {len(gold)} papers")
    nlp = build_nlp()
    nlp.get_pipe("kg_gazetteer").initialize()
    corpus = GoldCorpus.parse(gold, nlp)
    verbose = not args.quiet and not args.json

    def report(fold: int, scores: dict) -> None:
        if verbose:
            print(f"fold {fold}: " + "  ".join(f"{k} {scores[k]['f1']:.3f}" for k in REPORT_KEYS), flush=True)

    results = cross_validate(corpus, args.cv, rules_only=args.rules_only, progress=report, repeats=args.repeats,
                             train_fraction=args.train_fraction, oracle=args.oracle_candidates,
                             unseen=args.unseen_names, jobs=args.jobs)
    if args.errors:
        with open(args.errors, "w", encoding="utf-8") as fh:
            for r in results:
                for item in r["errors"]:
                    fh.write(json.dumps({"fold": r["fold"], **asdict(item)}, ensure_ascii=False) + "\n")
    summary = {"mean": mean_of_folds(results), "pooled": pooled(results), "reliability": reliability(results),
               "folds": [{k: r[k] for k in REPORT_KEYS} for r in results], "k": args.cv, "repeats": args.repeats,
               "train_fraction": args.train_fraction, "oracle_candidates": args.oracle_candidates,
               "unseen_names": args.unseen_names,
               "extractor": "rules" if args.rules_only else "learned"}
    if args.json:
        print(json.dumps(summary, indent=1, sort_keys=True))
        return 0
    times = f" x {args.repeats} splits" if args.repeats > 1 else ""
    if args.train_fraction < 1.0:
        times += f", each fold trained on {args.train_fraction:.0%} of its training papers"
    if args.unseen_names:
        times += ", held-out names left out of the lexicon"
    if args.oracle_candidates:
        times += ", gold names added to the held-out candidates"
    print(f"\n{args.cv}-fold cross-validation{times} ({summary['extractor']}), mean of folds (F1 sd) and pooled P/R/F1:")
    for k in REPORT_KEYS:
        m, v = summary["mean"][k], summary["pooled"][k]
        print(f"{k:15s} mean F1={m['f1']:.3f} (sd {m['sd']:.3f})   pooled P={v['p']:.3f} R={v['r']:.3f} F1={v['f1']:.3f}"
              f"  (tp={v['tp']} pred={v['pred']} gold={v['gold']})")
    if not args.rules_only:
        print("\nreliability of relation confidences (held-out predictions):")
        for row in summary["reliability"]:
            if row["n"]:
                print(f"  confidence {row['bin']}: {row['n']:5d} relations, mean confidence {row['confidence']:.3f}, "
                      f"correct {row['correct']:.3f}")
    return 0
