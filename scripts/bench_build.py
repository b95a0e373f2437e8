#!/usr/bin/env python3
"""Benchmark ``kg build`` against a spaCy tokenizer-only pass over the same abstracts, for several corpus sizes.

For each N the script

1. generates a JSONL corpus of N abstracts *at run time* in a temporary folder by recombining the seed
   abstracts (first sentences of one seed + the rest of another) under new, unique titles — nothing is
   copied into the repository and the corpus is deleted afterwards (``--keep`` keeps it);
2. runs, as separate whole processes and back to back, (a) a tokenizer-only pass — ``spacy.blank("en")``
   plus the ``sentencizer`` over ``title + "\\n\\n" + abstract`` read from the same JSONL — and (b)
   ``python -m kg build CORPUS --out DIR --no-html``;
3. records for each process its wall time, CPU time (user + system) and peak RSS (``os.wait4``), and for
   ``kg build`` the time of each stage (load, read, extract, resolve, graph, write) that it prints;
4. prints one table: abstracts/s and words/s of both, the kg/tokenizer ratio (wall and CPU), stage times,
   peak memory, and the growth of time per abstract relative to the smallest N.

The machine may be shared: CPU time is the steadier figure, wall time is what a user waits.

Usage::

    .venv/bin/python scripts/bench_build.py --sizes 1000 10000            # the quick run
    .venv/bin/python scripts/bench_build.py --sizes 3550                  # the 2x target of issue 7
    .venv/bin/python scripts/bench_build.py --sizes 100000 --json out.json
    .venv/bin/python scripts/bench_build.py --sizes 10000 --workers 2     # kg build --workers 2
    .venv/bin/python scripts/bench_build.py --sizes 3550 --rules-only     # without the trained models
    .venv/bin/python scripts/bench_build.py --profile 3550                # pyinstrument profile of kg build
    .venv/bin/python scripts/bench_build.py --steps 3550                  # CPU ms per abstract of each extraction step

The tokenizer-only pass is this same file run with ``--tokenize-only CORPUS``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS = Path(os.environ.get("KG_SHARED", REPO.parent / "shared")) / "seeds"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_STAGES = ("load", "read", "extract", "resolve", "graph", "write")


# --- corpus -----------------------------------------------------------------------------------------------

def seed_papers(seeds: Path) -> list[tuple[str, str]]:
    """(title, abstract) of every distinct seed paper, in reading order."""
    sys.path.insert(0, str(REPO))
    from kg.readers import expand_inputs, read_records
    from kg.normalize import normalize_title
    from kg.records import PaperRecord

    seen: set[str] = set()
    papers = []
    for path in expand_inputs([str(seeds)]):
        for rec in read_records(path):
            if isinstance(rec, PaperRecord) and normalize_title(rec.title) not in seen:
                seen.add(normalize_title(rec.title))
                papers.append((rec.title, rec.abstract))
    if not papers:
        raise SystemExit(f"no seed papers found in {seeds}")
    return papers


def generate_corpus(papers: list[tuple[str, str]], n: int, path: Path, seed: int = 7) -> int:
    """Write ``n`` recombined abstracts as JSONL to ``path``; return the number of words written.

    Paper ``i`` takes the title and first sentences of one seed and the remaining sentences of another,
    and is titled ``"<seed title> (corpus study i)"`` so every title (hence every paper id) is unique.
    The generator is sequential, so the corpus of N is a prefix of the corpus of any larger N.
    """
    rng = random.Random(seed)
    split = [_SENTENCE_END.split(abstract.strip()) for _, abstract in papers]
    words = 0
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            a, b = rng.randrange(len(papers)), rng.randrange(len(papers))
            head, tail = split[a], split[b]
            cut_a = max(1, len(head) // 2)
            cut_b = min(len(tail) - 1, len(tail) // 2) if len(tail) > 1 else len(tail)
            abstract = " ".join(head[:cut_a] + tail[cut_b:]) if a != b else " ".join(head)
            title = f"{papers[a][0]} (corpus study {i})"
            words += len(title.split()) + len(abstract.split())
            fh.write(json.dumps({"title": title, "abstract": abstract}, ensure_ascii=False) + "\n")
    return words


# --- the tokenizer-only baseline (run as its own process) --------------------------------------------------

def tokenize_only(corpus: Path, batch_size: int = 256) -> None:
    """Read the JSONL corpus and run blank English tokenizer + sentencizer over each title + abstract."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")

    def texts():
        with open(corpus, encoding="utf-8") as fh:
            for line in fh:
                obj = json.loads(line)
                yield obj["title"] + "\n\n" + obj["abstract"]

    docs = tokens = sents = 0
    for doc in nlp.pipe(texts(), batch_size=batch_size):
        docs += 1
        tokens += len(doc)
        sents += sum(1 for _ in doc.sents)
    print(json.dumps({"docs": docs, "tokens": tokens, "sentences": sents}))


def time_steps(corpus: Path) -> dict[str, float]:
    """CPU seconds of each step of the default (learned) extraction over ``corpus``, in this process.

    Steps: ``load`` (pipeline, gazetteer, models and lexicon matchers), ``spacy`` (``nlp.pipe``: tokenizer,
    sentencizer and kg's components), ``learned`` (lexicon, learned-phrase and name-tagger spans), ``rules`` (mention
    choice, introductions and links: ``propose``), ``features`` (the candidates' feature dicts) and ``models``
    (the six linear models' decisions, timed as ``decide`` minus the features it recomputes).
    """
    sys.path.insert(0, str(REPO))
    from kg.extraction.assemble import doc_text, propose
    from kg.learn.decide import default_decider, paper_key
    from kg.nlp.rules import load_cues, load_typing
    from kg.pipeline.extract import LazyPipeline
    from kg.pipeline.read import paper_metadata
    from kg.readers import read_records
    from kg.text_clean import clean_text

    clock = time.process_time
    steps = dict.fromkeys(("load", "spacy", "learned", "rules", "features", "models"), 0.0)
    t0 = clock()
    nlp = LazyPipeline().get()
    decider = default_decider(nlp)
    decider.add_learned_spans(nlp("warm up"), {"title": ""})   # builds the lexicon matchers, opens the tagger
    typing, cues = load_typing(), load_cues()
    steps["load"] = clock() - t0
    records = list(read_records(str(corpus)))
    t0 = clock()
    docs = list(nlp.pipe(((doc_text(clean_text(r.title), clean_text(r.abstract)), r) for r in records), as_tuples=True))
    steps["spacy"] = clock() - t0
    for doc, record in docs:
        paper = paper_metadata(record)
        t0 = clock()
        decider.add_learned_spans(doc, paper)
        t1 = clock()
        proposals = propose(doc, paper, typing, cues)
        t2 = clock()
        decider.candidates(proposals, paper_key(paper["title"]))
        t3 = clock()
        decider.decide(proposals)
        t4 = clock()
        steps["learned"] += t1 - t0
        steps["rules"] += t2 - t1
        steps["features"] += t3 - t2
        steps["models"] += max(0.0, (t4 - t3) - (t3 - t2))
    return steps


# --- running and measuring whole processes ---------------------------------------------------------------

@dataclass
class Run:
    """One measured process."""

    wall: float
    cpu: float
    peak_rss_mb: float
    stdout: str
    stages: dict[str, float] = field(default_factory=dict)


def measure(cmd: list[str], timeout: float | None = None) -> Run:
    """Run ``cmd`` to completion; wall time, user+system CPU time and peak RSS of that process alone."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=out, stderr=err)
        deadline = None if timeout is None else t0 + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.perf_counter() > deadline:
                proc.kill()
                _, status, usage = os.wait4(proc.pid, 0)
                raise SystemExit(f"timed out after {timeout:.0f} s: {' '.join(cmd)}")
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        stdout = out.read()
        if proc.returncode != 0:
            raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err.read()[-3000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout)


def parse_stages(stdout: str) -> dict[str, float]:
    """The ``seconds:`` line of the ``kg build`` summary as {stage: seconds}."""
    for line in stdout.splitlines():
        if line.startswith("seconds:"):
            parts = [p.strip().rsplit(" ", 1) for p in line.split(":", 1)[1].split(",") if p.strip()]
            return {k: float(v) for k, v in parts}
    return {}


@dataclass
class Row:
    """The figures of one corpus size."""

    n: int
    words: int
    tok: Run
    kg: Run

    def figures(self) -> dict:
        return {
            "n": self.n, "words": self.words,
            "tok_wall": self.tok.wall, "tok_cpu": self.tok.cpu, "tok_rss_mb": self.tok.peak_rss_mb,
            "kg_wall": self.kg.wall, "kg_cpu": self.kg.cpu, "kg_rss_mb": self.kg.peak_rss_mb,
            "ratio_wall": self.kg.wall / self.tok.wall, "ratio_cpu": self.kg.cpu / self.tok.cpu,
            "kg_abstracts_per_s": self.n / self.kg.wall, "kg_words_per_s": self.words / self.kg.wall,
            "tok_abstracts_per_s": self.n / self.tok.wall, "tok_words_per_s": self.words / self.tok.wall,
            "stages": self.kg.stages,
        }


def bench_size(n: int, papers: list[tuple[str, str]], work: Path, *, workers: int, timeout: float | None,
               extra: list[str]) -> Row:
    """Generate the corpus of ``n`` abstracts and measure both processes on it."""
    corpus = work / f"corpus_{n}.jsonl"
    words = generate_corpus(papers, n, corpus)
    tok = measure([sys.executable, __file__, "--tokenize-only", str(corpus)], timeout)
    docs = json.loads(tok.stdout.strip().splitlines()[-1])["docs"]
    if docs != n:
        raise SystemExit(f"tokenizer pass saw {docs} documents, expected {n}")
    out = work / f"out_{n}"
    cmd = [sys.executable, "-m", "kg", "build", str(corpus), "--out", str(out), "--no-html", "--workers", str(workers), *extra]
    kg = measure(cmd, timeout)
    kg.stages = parse_stages(kg.stdout)
    records = next((int(line.split()[-1]) for line in kg.stdout.splitlines() if line.startswith("records read:")), -1)
    if records != n:
        raise SystemExit(f"kg build read {records} records, expected {n}")
    shutil.rmtree(out, ignore_errors=True)
    return Row(n, words, tok, kg)


# --- report ----------------------------------------------------------------------------------------------

def print_table(rows: list[Row], workers: int) -> None:
    print(f"\nkg build (--no-html, --workers {workers}) vs spaCy blank('en') tokenizer + sentencizer; whole processes\n")
    head = (f"{'N':>7} {'words':>9} | {'tok s':>7} {'tok abs/s':>9} {'tok w/s':>9} | {'kg s':>7} {'kg cpu':>7} "
            f"{'kg abs/s':>8} {'kg w/s':>8} | {'ratio':>5} {'cpu':>5} | {'tok MB':>6} {'kg MB':>6}")
    print(head)
    print("-" * len(head))
    for r in rows:
        f = r.figures()
        print(f"{r.n:>7} {r.words:>9} | {f['tok_wall']:>7.1f} {f['tok_abstracts_per_s']:>9.0f} {f['tok_words_per_s']:>9.0f} | "
              f"{f['kg_wall']:>7.1f} {f['kg_cpu']:>7.1f} {f['kg_abstracts_per_s']:>8.0f} {f['kg_words_per_s']:>8.0f} | "
              f"{f['ratio_wall']:>5.2f} {f['ratio_cpu']:>5.2f} | {f['tok_rss_mb']:>6.0f} {f['kg_rss_mb']:>6.0f}")
    print("\nkg build stages (seconds, wall, as printed by kg build)\n")
    print(f"{'N':>7} " + " ".join(f"{s:>8}" for s in _STAGES) + f" {'ms/abs':>7} {'growth':>6} {'cpu ms':>7} {'growth':>6}")
    base = rows[0]
    for r in rows:
        per, cpu = r.kg.wall / r.n, r.kg.cpu / r.n
        print(f"{r.n:>7} " + " ".join(f"{r.kg.stages.get(s, float('nan')):>8.2f}" for s in _STAGES)
              + f" {1000 * per:>7.2f} {per / (base.kg.wall / base.n):>6.2f} {1000 * cpu:>7.2f} {cpu / (base.kg.cpu / base.n):>6.2f}")
    print(f"\ngrowth = time per abstract (wall, then CPU) relative to N={base.n}; "
          "ratio = kg build / tokenizer-only (wall, CPU)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], metavar="N", help="corpus sizes")
    ap.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS, help="seed listings to recombine")
    ap.add_argument("--workdir", type=Path, default=None, help="where corpora and outputs go (default: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the generated corpora")
    ap.add_argument("--workers", type=int, default=1, help="kg build --workers")
    ap.add_argument("--rules-only", action="store_true", help="kg build --rules-only (without the trained models)")
    ap.add_argument("--timeout", type=float, default=None, help="give up on a process after this many seconds")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    ap.add_argument("--profile", type=int, default=None, metavar="N",
                    help="instead of benchmarking, profile kg build on N abstracts with pyinstrument")
    ap.add_argument("--steps", type=int, default=None, metavar="N",
                    help="instead of benchmarking, print the CPU ms per abstract of each extraction step on N abstracts")
    ap.add_argument("--tokenize-only", type=Path, default=None, metavar="CORPUS", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.tokenize_only:
        tokenize_only(args.tokenize_only)
        return 0
    papers = seed_papers(args.seeds)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        if args.profile:
            corpus = work / f"corpus_{args.profile}.jsonl"
            generate_corpus(papers, args.profile, corpus)
            subprocess.run([sys.executable, "-m", "pyinstrument", "-r", "text", "-m", "kg", "-q", "build", str(corpus),
                            "--out", str(work / "out_profile"), "--no-html"], cwd=REPO, check=True)
            return 0
        if args.steps:
            corpus = work / f"corpus_{args.steps}.jsonl"
            generate_corpus(papers, args.steps, corpus)
            steps = time_steps(corpus)
            print(f"\nkg extraction steps on {args.steps} abstracts (CPU, one process; load in seconds)\n")
            for name, seconds in steps.items():
                print(f"{name:>9}  {seconds:7.2f} s" + ("" if name == "load" else f"  {1000 * seconds / args.steps:6.2f} ms/abstract"))
            return 0
        rows = []
        for n in args.sizes:
            print(f"N={n}: generating and measuring ...", file=sys.stderr, flush=True)
            rows.append(bench_size(n, papers, work, workers=args.workers, timeout=args.timeout,
                                   extra=["--rules-only"] if args.rules_only else []))
            print_table(rows, args.workers)
            if args.json:
                args.json.write_text(json.dumps({"workers": args.workers, "rows": [r.figures() for r in rows]}, indent=1))
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
