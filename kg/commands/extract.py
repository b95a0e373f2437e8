"""``kg extract INPUT... --out FILE.jsonl``: extractions only (shardable; ``kg build`` merges them).

With ``--dask SCHEDULER`` the extraction runs on a Dask cluster (``kg.distributed``) and ``--out`` names a
folder of shards ``extractions-part-NNNNN.jsonl``; ``kg build FOLDER --out DIR`` merges them.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.commands.common import add_input_arguments, make_reporter, print_summary, progress_enabled


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "extract",
        help="extract mentions and relations only (one JSON line per record)",
        description="Run reading and extraction only and write FILE.jsonl; run it on shards of the input in "
        "parallel (or elsewhere) and merge the files with `kg build FILE1.jsonl FILE2.jsonl ... --out DIR`. "
        "With --dask the extraction is mapped over partitions of the input on a Dask cluster and --out is a "
        "folder of shard files that `kg build FOLDER --out DIR` merges.",
    )
    add_input_arguments(p)
    p.add_argument("--out", required=True, type=Path, metavar="FILE.jsonl|DIR",
                   help="extractions file to write (with --dask: folder of shard files)")
    p.add_argument("--dask", default=None, metavar="SCHEDULER",
                   help="run on the Dask scheduler at this address (tcp://host:8786), or 'local' to start a "
                   "LocalCluster of --workers single-threaded processes")
    p.add_argument("--partition-size", type=int, default=None, metavar="N",
                   help="records per Dask task and shard file (default 500)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    progress = progress_enabled(args)
    if args.dask:
        return _run_dask(args, progress)
    if args.partition_size is not None:
        from kg.errors import KgError

        raise KgError("--partition-size needs --dask")
    from kg.pipeline import run_extract

    reporter = make_reporter(args)
    try:
        summary = run_extract(args.inputs, args.out, fmt=args.format, workers=args.workers,
                              spacy_model=args.spacy_model, progress=progress, reporter=reporter, strict=args.strict,
                              rules_only=args.rules_only)
    finally:
        reporter.close()
    if not args.quiet:
        print_summary(summary)
    return 0


def _run_dask(args: argparse.Namespace, progress: bool) -> int:
    from kg.distributed import DEFAULT_PARTITION_SIZE, run_dask_extract
    from kg.errors import KgError

    if not getattr(args, "verbose", 0):
        import os

        # The cluster's start/stop chatter: dask reads its logging levels from its config when `distributed` is
        # imported (here and in every worker process, which inherit the environment), after kg's own logging
        # set-up, so the level is given through dask's environment config, not logging.getLogger(...).setLevel.
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
    if args.out.exists() and not args.out.is_dir():
        raise KgError(f"{args.out}: with --dask, --out must be a folder (it holds one shard file per partition)")
    reporter = make_reporter(args)
    try:
        summary = run_dask_extract(args.inputs, args.out, args.dask, fmt=args.format, n_workers=args.workers,
                                   spacy_model=args.spacy_model, progress=progress,
                                   partition_size=args.partition_size or DEFAULT_PARTITION_SIZE, reporter=reporter,
                                   rules_only=args.rules_only)
    finally:
        reporter.close()
    if args.strict and (summary.skipped or reporter.skipped_files):
        from kg.errors import StrictError

        for shard in summary.shards:          # --strict: nothing written
            Path(shard).unlink(missing_ok=True)
        raise StrictError(f"--strict: {len(summary.skipped)} records and {len(reporter.skipped_files)} files skipped; "
                          f"shards removed")
    if not args.quiet:
        print(f"records read:   {summary.records}")
        print(f"dask workers:   {summary.workers}")
        print(f"skipped:        {len(summary.skipped)}")
        if reporter.skipped_files:
            print(f"skipped files:  {len(reporter.skipped_files)} ("
                  + ", ".join(f"{b.source}: {b.reason}" for b in reporter.skipped_files[:5]) + ")")
        print(f"wrote:          {len(summary.shards)} shard files in {args.out}")
    return 0
