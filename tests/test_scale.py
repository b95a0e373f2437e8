"""Scale: ``--workers N`` and the Dask path write exactly what one process writes.

* the process pool of ``extract_records`` (chunks of 2 records, several in flight) yields the same
  extractions, in the same order, as one process;
* ``kg build --workers 2`` on the seeds writes the same bytes as the one-process seeds build;
* a real ``dask.distributed.LocalCluster`` (2 worker processes, 1 thread each) extracts partitions into
  shard files, and ``kg build SHARDS`` writes the same graph as ``kg build INPUT`` — on the sample listing
  through the API and the CLI (``kg extract --dask ADDRESS``), and on the seeds.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kg.records import PaperRecord

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "examples" / "sample_listing.txt"
GRAPH_FILES = ("graph.json", "graph.graphml", "extractions.jsonl")


def kg(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=REPO, capture_output=True, text=True, check=check)


def assert_same_files(a: Path, b: Path, names=GRAPH_FILES) -> None:
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), f"{name} differs between {a} and {b}"


@pytest.fixture(scope="module")
def sample_single(tmp_path_factory) -> Path:
    """One-process build of the sample listing."""
    out = tmp_path_factory.mktemp("single")
    kg("-q", "build", str(SAMPLE), "--out", str(out), "--no-html")
    return out


@pytest.fixture(scope="module")
def cluster():
    """A real LocalCluster: two worker processes with one thread each, and a client on it."""
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as lc:
        with distributed.Client(lc) as client:
            yield lc, client


# --- one machine, several processes --------------------------------------------------------------------

def _records() -> list[PaperRecord]:
    from kg.readers import read_records

    return [r for r in read_records(SAMPLE) if isinstance(r, PaperRecord)]


def test_process_pool_yields_the_same_extractions_in_order() -> None:
    from kg.nlp.pipeline import build_nlp
    from kg.pipeline.extract import extract_records
    from kg.writers.extractions import extraction_line

    records = _records()
    # a record whose extraction fails must come back as a failure, at its place, in both modes
    # (unsortable extra keys make paper_metadata raise inside the per-record guard)
    records.insert(3, PaperRecord("Broken", "We test it.", "made-up.jsonl", 99, extra={1: "x", "b": "y"}))
    nlp = build_nlp()
    fail_one: list = []
    fail_pool: list = []
    one = [extraction_line(e) for e in extract_records(records, nlp, failures=fail_one)]
    pool = [extraction_line(e) for e in extract_records(records, nlp, n_process=2, chunk_size=2, failures=fail_pool)]
    assert len(one) == len(records) - 1 == 9
    assert pool == one
    assert [str(b) for b in fail_pool] == [str(b) for b in fail_one] and len(fail_one) == 1
    assert "made-up.jsonl:99" in str(fail_one[0])


def test_workers_build_is_byte_identical_on_the_sample(sample_single: Path, tmp_path: Path) -> None:
    kg("-q", "build", str(SAMPLE), "--out", str(tmp_path), "--no-html", "--workers", "2")
    assert_same_files(sample_single, tmp_path)


def test_workers_build_is_byte_identical_on_the_seeds(seeds_dir: Path, seeds_build: Path, tmp_path: Path) -> None:
    kg("-q", "build", str(seeds_dir), "--out", str(tmp_path), "--no-html", "--workers", "2")
    assert_same_files(seeds_build, tmp_path)


# --- Dask ----------------------------------------------------------------------------------------------

def test_dask_shards_merge_to_the_single_process_graph(cluster, sample_single: Path, tmp_path: Path) -> None:
    from kg.distributed import extract_on_dask, shard_name

    _, client = cluster
    shards = tmp_path / "shards"
    (shards).mkdir()
    (shards / shard_name(42)).write_text("stale shard of an earlier run\n")      # must be cleared
    summary = extract_on_dask(_records(), shards, client, partition_size=2)
    assert summary.records == 9 and summary.workers == 2 and not summary.skipped
    assert sorted(p.name for p in shards.iterdir()) == [shard_name(i) for i in range(5)]
    out = tmp_path / "out"
    kg("-q", "build", str(shards), "--out", str(out), "--no-html")
    assert_same_files(sample_single, out)


def test_kg_extract_dask_cli_on_a_running_scheduler(cluster, sample_single: Path, tmp_path: Path) -> None:
    lc, _ = cluster
    shards = tmp_path / "shards"
    done = kg("extract", str(SAMPLE), "--out", str(shards), "--dask", lc.scheduler_address, "--partition-size", "3")
    assert "records read:   9" in done.stdout and "dask workers:   2" in done.stdout
    assert len(list(shards.glob("extractions-part-*.jsonl"))) == 3
    out = tmp_path / "out"
    kg("-q", "build", str(shards), "--out", str(out), "--no-html")
    assert_same_files(sample_single, out)


def test_dask_on_the_seeds_equals_the_single_process_build(cluster, seeds_dir: Path, seeds_build: Path,
                                                           tmp_path: Path) -> None:
    from kg.distributed import extract_on_dask
    from kg.pipeline.read import ReadStats, iter_inputs

    _, client = cluster
    shards = tmp_path / "shards"
    summary = extract_on_dask(iter_inputs([str(seeds_dir)], None, ReadStats()), shards, client, partition_size=200)
    assert summary.records == sum(1 for _ in open(seeds_build / "extractions.jsonl", encoding="utf-8"))
    out = tmp_path / "out"
    kg("-q", "build", str(shards), "--out", str(out), "--no-html")
    assert_same_files(seeds_build, out)


def test_dask_out_must_be_a_folder(tmp_path: Path) -> None:
    target = tmp_path / "file.jsonl"
    target.write_text("")
    done = kg("extract", str(SAMPLE), "--out", str(target), "--dask", "local", check=False)
    assert done.returncode == 1
    assert "must be a folder" in done.stderr


def test_partition_size_needs_dask(tmp_path: Path) -> None:
    done = kg("extract", str(SAMPLE), "--out", str(tmp_path / "x.jsonl"), "--partition-size", "5", check=False)
    assert done.returncode == 1 and "--partition-size needs --dask" in done.stderr
