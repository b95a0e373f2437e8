#!/usr/bin/env python3
"""Measure ``kg build --update`` against a from-scratch build, for a 1% addition, and check they are byte-identical.

For each corpus (the seeds, and generated corpora of N abstracts made at run time by recombining the seed
abstracts, as in ``scripts/bench_build.py``) the script

1. builds a folder of the *old* inputs into ``UPDATED`` (an earlier build; not timed);
2. adds 1% new records to that folder (a ``new.jsonl`` of generated abstracts with unique titles), as a fetch of
   new days does, and times, as separate whole processes, ``kg build FOLDER --out SCRATCH`` and
   ``kg build FOLDER --update UPDATED`` (the old input files are unchanged, so the update leaves them unread);
3. checks that every file of ``UPDATED`` equals the one in ``SCRATCH`` byte for byte, and prints one table:
   records, new records, reused extractions, wall and CPU (user + system) time of both builds and their ratios,
   and the stage times. On a shared machine CPU time is the steadier figure.

Usage::

    .venv/bin/python scripts/bench_update.py                      # seeds + a generated corpus of 5000
    .venv/bin/python scripts/bench_update.py --sizes 2000 20000 --no-seeds
    .venv/bin/python scripts/bench_update.py --html                # builds that also write graph.html
"""

from __future__ import annotations

import argparse
import filecmp
import runpy
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_bench = runpy.run_path(str(REPO / "scripts" / "bench_build.py"), run_name="bench_build")
DEFAULT_SEEDS, seed_papers, generate_corpus = _bench["DEFAULT_SEEDS"], _bench["seed_papers"], _bench["generate_corpus"]
measure, parse_stages = _bench["measure"], _bench["parse_stages"]


def kg_build(inputs: Path, *target: str, html: bool = False):
    """Time one ``kg build`` process; ``html``: it also writes graph.html (the default of ``kg build``)."""
    return measure([sys.executable, "-m", "kg", "build", str(inputs), *target, *(() if html else ("--no-html",))])


def same_files(a: Path, b: Path) -> bool:
    names = sorted(p.name for p in a.iterdir())
    return names == sorted(p.name for p in b.iterdir()) and all(
        filecmp.cmp(a / n, b / n, shallow=False) for n in names)


def bench(name: str, old_files: list[Path], new_records: int, papers, work: Path, html: bool = False) -> dict:
    """Build the old inputs, add ``new_records`` generated ones, time scratch vs update; return the figures."""
    listings = work / f"{name}-listings"
    listings.mkdir()
    for f in old_files:
        shutil.copy(f, listings / f.name)
    updated, scratch = work / f"{name}-updated", work / f"{name}-scratch"
    kg_build(listings, "--out", str(updated), html=html)
    generated = work / f"{name}-gen.jsonl"
    generate_corpus(papers, new_records, generated, seed=99)   # another seed: not in the old inputs
    lines = generated.read_text(encoding="utf-8").splitlines(keepends=True)
    (listings / "new.jsonl").write_text("".join(l.replace("(corpus study", "(new study") for l in lines),
                                        encoding="utf-8")
    full = kg_build(listings, "--out", str(scratch), html=html)
    upd = kg_build(listings, "--update", str(updated), html=html)
    records = next(int(l.split()[-1]) for l in full.stdout.splitlines() if l.startswith("records read:"))
    reused = next((int(l.split()[1]) for l in upd.stdout.splitlines() if l.startswith("reused:")), -1)
    return {"corpus": name, "records": records, "new": new_records, "reused": reused, "full_s": full.wall,
            "update_s": upd.wall, "ratio": upd.wall / full.wall, "full_cpu": full.cpu, "update_cpu": upd.cpu,
            "cpu_ratio": upd.cpu / full.cpu, "identical": same_files(updated, scratch),
            "full_stages": parse_stages(full.stdout), "update_stages": parse_stages(upd.stdout)}


def count_records(folder: Path) -> int:
    from kg.readers import expand_inputs, read_records
    from kg.records import PaperRecord

    return sum(isinstance(r, PaperRecord) for f in expand_inputs([str(folder)]) for r in read_records(f))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS, help="seed listings (default ../shared/seeds)")
    p.add_argument("--sizes", type=int, nargs="*", default=[5000], help="generated corpus sizes (default 5000)")
    p.add_argument("--no-seeds", action="store_true", help="skip the seeds corpus")
    p.add_argument("--share", type=float, default=0.01, help="share of new records (default 0.01)")
    p.add_argument("--html", action="store_true",
                   help="time builds that also write graph.html, as kg build does by default (else --no-html)")
    args = p.parse_args(argv)
    papers = seed_papers(args.seeds)
    rows = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-update-") as tmp:
        work = Path(tmp)
        if not args.no_seeds:
            seeds = sorted(f for f in args.seeds.iterdir() if f.is_file())
            n_seed = count_records(args.seeds)
            rows.append(bench("seeds", seeds, max(1, round(n_seed * args.share)), papers, work, args.html))
        for n in args.sizes:
            base = work / f"base-{n}.jsonl"
            generate_corpus(papers, n, base)
            rows.append(bench(f"generated-{n}", [base], max(1, round(n * args.share)), papers, work, args.html))
    print(f"{'corpus':<16} {'records':>8} {'new':>5} {'reused':>7} {'full wall/cpu s':>16} "
          f"{'update wall/cpu s':>18} {'ratio wall/cpu':>15}  identical")
    for r in rows:
        print(f"{r['corpus']:<16} {r['records']:>8} {r['new']:>5} {r['reused']:>7} "
              f"{r['full_s']:>9.1f} /{r['full_cpu']:>5.1f} {r['update_s']:>10.1f} /{r['update_cpu']:>5.1f} "
              f"{r['ratio']:>8.0%} /{r['cpu_ratio']:>4.0%}  {r['identical']}")
    for r in rows:
        for kind in ("full", "update"):
            stages = ", ".join(f"{k} {v:.2f}" for k, v in r[f"{kind}_stages"].items())
            print(f"{r['corpus']} {kind} stages: {stages}")
    return 0 if all(r["identical"] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
