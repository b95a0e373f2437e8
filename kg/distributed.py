"""Scale-out extraction on Dask: ``kg extract INPUT... --dask SCHEDULER --out SHARD_DIR``.

The client streams the input records (every reader of ``kg.readers`` works unchanged) and cuts them into
partitions of ``partition_size`` records. Each partition is one ``dask.distributed`` task running
``kg.pipeline.extract.extract_partition`` on a worker — spaCy and the extraction rules run there, the worker
builds its pipeline once and keeps it — and returns the partition's ``extractions.jsonl`` lines. The client
writes partition ``i`` to ``SHARD_DIR/extractions-part-{i:05d}.jsonl`` as results arrive in order, keeping
at most ``2 x worker threads`` partitions in flight, so its memory stays flat whatever the input size and
the workers need no shared file system. ``kg build SHARD_DIR --out DIR`` then merges the shards (file names
sort in input order), and the graph equals the one a single-process ``kg build INPUT...`` writes.

``scheduler`` is a scheduler address (``tcp://host:8786``) of a running cluster whose workers have kg
installed, or ``"local"`` for a ``LocalCluster`` of ``n_workers`` single-threaded worker processes.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from kg.errors import KgError
from kg.records import BadRecord, Extraction, PaperRecord

log = logging.getLogger(__name__)

SHARD_PREFIX = "extractions-part-"
DEFAULT_PARTITION_SIZE = 500


@dataclass
class DaskExtractSummary:
    """What a distributed extraction wrote: shard files, records extracted, skipped records."""

    records: int = 0
    shards: list[Path] = field(default_factory=list)
    skipped: list[BadRecord] = field(default_factory=list)
    workers: int = 0


def shard_name(index: int) -> str:
    """File name of partition ``index`` (zero-padded so that name order is input order).

    Examples
    --------
    >>> shard_name(0), shard_name(12)
    ('extractions-part-00000.jsonl', 'extractions-part-00012.jsonl')
    """
    return f"{SHARD_PREFIX}{index:05d}.jsonl"


def extract_partition_lines(items: list[PaperRecord | Extraction], spacy_model: str | None = None,
                            rules_only: bool = False) -> tuple[str, list[BadRecord]]:
    """Worker task: extract ``items`` and return (their extractions.jsonl text, records that failed).

    Examples
    --------
    >>> from kg.records import PaperRecord
    >>> text, bad = extract_partition_lines([PaperRecord("TinyNet: A Small Model", "We propose TinyNet.", "a.jsonl", 1)])
    >>> text.count("\\n"), bad
    (1, [])
    """
    from kg.pipeline.extract import extract_partition
    from kg.io.extractions import extraction_line

    lines: list[str] = []
    bad: list[BadRecord] = []
    for result in extract_partition(items, spacy_model, rules_only):
        if isinstance(result, BadRecord):
            bad.append(result)
        else:
            lines.append(extraction_line(result))
    return "".join(lines), bad


def _partitions(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def connect(scheduler: str, n_workers: int = 2):
    """A ``dask.distributed.Client`` for ``scheduler`` (an address, or ``"local"`` for a new LocalCluster).

    Returns (client, cluster); ``cluster`` is None for a remote scheduler. Raises ``KgError`` when the
    scheduler cannot be reached.
    """
    from dask.distributed import Client, LocalCluster

    if scheduler == "local":
        cluster = LocalCluster(n_workers=max(1, n_workers), threads_per_worker=1, processes=True,
                               dashboard_address=":0")
        return Client(cluster), cluster
    try:
        return Client(scheduler, timeout="20s"), None
    except (OSError, TimeoutError) as exc:
        raise KgError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None


def extract_on_dask(records: Iterable[PaperRecord | Extraction], out_dir: Path, client, *,
                    spacy_model: str | None = None, partition_size: int = DEFAULT_PARTITION_SIZE,
                    progress=None, rules_only: bool = False) -> DaskExtractSummary:
    """Map extraction over partitions of ``records`` on ``client``'s cluster; write one shard per partition.

    Shards are written as ``NAME.tmp`` and moved into place when every partition succeeded; shards of an
    earlier run with a higher index are removed then, so the folder holds exactly this run's shards.
    """
    from kg.pipeline.write import commit, discard, tmp_path

    out_dir.mkdir(parents=True, exist_ok=True)
    nthreads = client.nthreads()
    summary = DaskExtractSummary(workers=len(nthreads))
    threads = max(1, sum(nthreads.values()))
    window: deque = deque()
    written: list[Path] = []

    def drain_one() -> None:
        index, future = window.popleft()
        text, bad = future.result()
        if text:                         # a partition whose records all failed leaves no (empty) shard
            path = out_dir / shard_name(index)
            tmp_path(path).write_text(text, encoding="utf-8")
            written.append(path)
        summary.records += text.count("\n")
        summary.skipped.extend(bad)
        if progress is not None:
            progress.update(text.count("\n") + len(bad))

    try:
        for index, part in enumerate(_partitions(records, partition_size)):
            future = client.submit(extract_partition_lines, part, spacy_model, rules_only, pure=False)
            window.append((index, future))
            if len(window) >= 2 * threads:
                drain_one()
        while window:
            drain_one()
    except BaseException:
        for _, future in window:
            future.cancel()
        discard(written)
        raise
    commit(written)
    keep = {p.name for p in written}
    for stale in out_dir.glob(f"{SHARD_PREFIX}*.jsonl"):
        if stale.name not in keep:
            stale.unlink()
    summary.shards = written
    return summary


def run_dask_extract(inputs: list[str], out_dir: Path, scheduler: str, *, fmt: str | None = None,
                     n_workers: int = 2, spacy_model: str | None = None,
                     partition_size: int = DEFAULT_PARTITION_SIZE, progress: bool = True,
                     reporter=None, rules_only: bool = False) -> DaskExtractSummary:
    """Read ``inputs`` here, extract them on the Dask cluster at ``scheduler``, write shards to ``out_dir``.

    ``reporter`` (``kg.pipeline.report.Reporter``) receives the skipped records and files, as in ``kg build``.

    Examples
    --------
    >>> run_dask_extract(["listings/"], Path("shards"), "local", n_workers=2)          # doctest: +SKIP
    DaskExtractSummary(records=857, shards=[...], skipped=[], workers=2)
    """
    from tqdm import tqdm

    from kg.pipeline.read import ReadStats, iter_inputs
    from kg.pipeline.report import Reporter

    if partition_size < 1:
        raise KgError("--partition-size must be at least 1")
    stats = ReadStats(reporter=reporter or Reporter())
    client, cluster = connect(scheduler, n_workers)
    try:
        with tqdm(desc="extract (dask)", unit=" rec", disable=not progress, leave=False, mininterval=0.5) as bar:
            summary = extract_on_dask(iter_inputs(inputs, fmt, stats, skip=(out_dir,)), out_dir, client, spacy_model=spacy_model,
                                      partition_size=partition_size, progress=bar, rules_only=rules_only)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    summary.skipped = stats.skipped + summary.skipped
    return summary
