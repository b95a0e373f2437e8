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
    from kg.io.extractions import extraction_line

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


# --- streaming writers and the on-disk extraction store ---------------------------------------------------

def _odd_graph():
    import networkx as nx

    G = nx.MultiDiGraph()
    G.add_node('é"q<&>\t\n x', label="Model", name="`{x}` <script>", aliases=["a", "b"], extra={"k": [1, {"z": None}]},
               empty="", flag=True, paper_count=3, score=0.5, gone=None, nothing=[])
    G.add_node("bare")
    G.add_node("p1", label="Paper", title="𝔘nicode title", abstract="line\nbreak \u2028 ]]> &amp;", sources=["a.txt"])
    G.add_edge('é"q<&>\t\n x', "bare", key="USES|p1", type="USES", paper="p1", evidence="x < y & z", confidence=0.1)
    G.add_edge("bare", "bare", key="MENTIONS|p1", type="MENTIONS", paper="p1", evidence="", rule="r", confidence=1.0)
    G.add_edge("p1", "bare", key="k2")
    return G


def test_streamed_graph_json_is_byte_identical_to_the_in_memory_text(sample_single: Path, tmp_path: Path) -> None:
    import networkx as nx

    from kg.io.graph_json import graph_to_json_text, read_graph_json, write_graph_json

    for i, G in enumerate([_odd_graph(), nx.MultiDiGraph(), read_graph_json(sample_single / "graph.json")]):
        path = tmp_path / f"g{i}.json"
        write_graph_json(G, path)
        assert path.read_text(encoding="utf-8") == graph_to_json_text(G)


def test_streamed_graphml_is_byte_identical_to_networkx(sample_single: Path, tmp_path: Path) -> None:
    import networkx as nx

    from kg.io.graph_json import read_graph_json
    from kg.io.graphml import to_graphml_graph, write_graphml

    for i, G in enumerate([_odd_graph(), nx.MultiDiGraph(), read_graph_json(sample_single / "graph.json")]):
        ours, theirs = tmp_path / f"ours{i}.graphml", tmp_path / f"nx{i}.graphml"
        write_graphml(G, ours)
        nx.write_graphml_xml(to_graphml_graph(G), theirs)
        assert ours.read_bytes() == theirs.read_bytes()
        assert set(nx.read_graphml(ours).nodes) == {str(n) for n in G.nodes}


def test_build_from_the_store_equals_the_in_memory_build(sample_single: Path) -> None:
    """kg build keeps extractions on disk; the graph is the one built from all extractions in memory."""
    import json

    from kg.io.graph_json import graph_to_json_text
    from kg.pipeline import extractor_version
    from kg.pipeline.graph import build_graph
    from kg.pipeline.resolve import resolve
    from kg.records import Extraction

    lines = (sample_single / "extractions.jsonl").read_text(encoding="utf-8").splitlines()
    extractions = [Extraction.from_dict(json.loads(line)) for line in lines]
    G = build_graph(resolve(extractions))
    G.graph["extractor"] = extractor_version(rules_only=False)     # what kg build records beside the graph
    in_memory = graph_to_json_text(G)
    assert (sample_single / "graph.json").read_text(encoding="utf-8") == in_memory


def test_neo4j_csv_path_writes_the_export_of_the_graph_without_networkx(sample_single: Path, tmp_path: Path) -> None:
    """``kg build --neo4j-csv`` (no NetworkX graph) writes the files ``kg export --format neo4j-admin-csv``
    writes for graph.json: node files and import command byte for byte, relationship rows as a set."""
    import csv
    import io

    streamed = tmp_path / "streamed"
    kg("-q", "build", str(SAMPLE), "--out", str(streamed), "--neo4j-csv")
    assert not (streamed / "graph.json").exists()
    assert (streamed / "extractions.jsonl").read_bytes() == (sample_single / "extractions.jsonl").read_bytes()
    exported = tmp_path / "exported"
    kg("export", "--format", "neo4j-admin-csv", "--out", str(exported), str(sample_single / "graph.json"))
    names = sorted(p.name for p in exported.iterdir())
    assert sorted(p.name for p in (streamed / "neo4j-import").iterdir()) == names
    assert any(n.startswith("rels_") for n in names) and any(n.startswith("nodes_") for n in names)
    for name in names:
        ours, theirs = (streamed / "neo4j-import" / name).read_text("utf-8"), (exported / name).read_text("utf-8")
        if not name.startswith("rels_"):
            assert ours == theirs, name
            continue
        rows_ours = list(csv.reader(io.StringIO(ours)))
        rows_theirs = list(csv.reader(io.StringIO(theirs)))
        assert rows_ours[0] == rows_theirs[0], name
        assert sorted(rows_ours[1:]) == sorted(rows_theirs[1:]) and len(rows_ours) > 1, name
