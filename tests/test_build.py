"""The graph contract of ``kg build``: files written, labels/types, evidence on edges, bad records, determinism."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from kg.io.graph_json import read_graph_json

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "examples" / "sample_listing.txt"
OUTPUTS = ("graph.json", "graph.graphml", "extractions.jsonl", "graph.html")


def kg(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=REPO, capture_output=True, text=True, check=check)


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    kg("build", str(SAMPLE), "--out", str(out))
    return out


def test_seeds_graph_contract(seeds_build: Path) -> None:
    for name in OUTPUTS:
        assert (seeds_build / name).stat().st_size > 0, name
    G = read_graph_json(seeds_build / "graph.json")
    labels = [d["label"] for _, d in G.nodes(data=True)]
    assert labels.count("Paper") == 710
    assert set(labels) == {"Paper", "Model", "Dataset", "Technique"}
    types = {d["type"] for _, _, d in G.edges(data=True)}
    assert {"USES", "OUTPERFORMS", "EXTENDS", "INTRODUCES"} <= types
    assert types <= {"USES", "OUTPERFORMS", "EXTENDS", "INTRODUCES", "MENTIONS"}
    for u, v, d in G.edges(data=True):
        assert d["paper"] in G and G.nodes[d["paper"]]["label"] == "Paper"
        assert d["evidence"] and d["rule"] and 0 < d["confidence"] <= 1
    for n, d in G.nodes(data=True):
        assert d["name"] and isinstance(d["aliases"], list)
        if d["label"] == "Paper":
            assert d["title"] and d["abstract"] and d["sources"]
    lines = (seeds_build / "extractions.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 857                       # one line per input record
    first = json.loads(lines[0])
    assert {"paper", "mentions", "relations"} <= set(first)


def test_mention_offsets_point_at_the_text(seeds_build: Path) -> None:
    checked = 0
    with open(seeds_build / "extractions.jsonl", encoding="utf-8") as fh:
        for line in fh:
            ex = json.loads(line)
            for m in ex["mentions"]:
                assert ex["paper"][m["field"]][m["start"]:m["end"]] == m["text"]
                checked += 1
    assert checked > 1000


def test_duplicate_papers_keep_every_source(seeds_build: Path) -> None:
    G = read_graph_json(seeds_build / "graph.json")
    multi = [d for _, d in G.nodes(data=True) if d["label"] == "Paper" and len(d["sources"]) > 1]
    assert multi, "the seeds repeat papers across files"
    assert all(d["sources"] == sorted(set(d["sources"])) for d in multi)


def test_graphml_opens_in_networkx(sample_build: Path) -> None:
    H = nx.read_graphml(sample_build / "graph.graphml")
    G = read_graph_json(sample_build / "graph.json")
    assert H.number_of_nodes() == G.number_of_nodes()
    assert H.number_of_edges() == G.number_of_edges()
    some = next(n for n, d in H.nodes(data=True) if d["label"] != "Paper")
    assert isinstance(json.loads(H.nodes[some]["aliases"]), list)


def test_sample_build_is_byte_identical(sample_build: Path, tmp_path: Path) -> None:
    kg("build", str(SAMPLE), "--out", str(tmp_path))
    for name in OUTPUTS:
        assert (tmp_path / name).read_bytes() == (sample_build / name).read_bytes(), name


def test_seeds_build_is_byte_identical(seeds_build: Path, tmp_path: Path, seeds_dir: Path) -> None:
    kg("-q", "build", str(seeds_dir), "--out", str(tmp_path), "--no-html")
    for name in ("graph.json", "graph.graphml", "extractions.jsonl"):
        assert (tmp_path / name).read_bytes() == (seeds_build / name).read_bytes(), name


def test_sample_summary_and_dedup(tmp_path: Path) -> None:
    run = kg("build", str(SAMPLE), "--out", str(tmp_path))
    assert "records read:   9" in run.stdout
    assert "papers:         8" in run.stdout
    G = read_graph_json(tmp_path / "graph.json")
    names = {d["name"] for _, d in G.nodes(data=True)}
    assert {"Llama-2-7B", "GSM8K", "LoRA"} <= names


BAD_LISTING = (
    "Good Paper: Fine-Tuning Llama-2-7B with LoRA\n"
    "We propose GoodNet and fine-tune Llama-2-7B with LoRA on GSM8K, where GoodNet outperforms GPT-3.5.\n"
    "Broken \x00\x01 Junk Title\n"
    "Binary \x00 junk in the abstract \x02\x03 of a record that should be skipped without stopping anything.\n"
    "Another Good Paper on MMLU\n"
    "We evaluate Mistral-7B on MMLU and HumanEval and show it surpasses Llama-2-13B.\n"
)


def test_bad_records_are_skipped_and_counted(tmp_path: Path) -> None:
    listing = tmp_path / "listing.txt"
    listing.write_bytes(BAD_LISTING.encode() + b"Latin-1 \xe9t\xe9 Title\nAn abstract with \xff broken bytes in it.\n")
    out = tmp_path / "out"
    run = kg("build", str(listing), "--out", str(out))
    assert "records read:   2" in run.stdout
    assert "skipped:        2" in run.stdout
    assert "listing.txt:" in run.stderr               # the warning names the file and line
    G = read_graph_json(out / "graph.json")
    assert sum(1 for _, d in G.nodes(data=True) if d["label"] == "Paper") == 2


def test_a_failed_build_keeps_the_previous_outputs(sample_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    kg("build", str(SAMPLE), "--out", str(out))
    before = {n: (out / n).read_bytes() for n in OUTPUTS}
    empty = tmp_path / "empty.jsonl"
    empty.write_text('{"title": "", "abstract": ""}\n', encoding="utf-8")
    run = kg("build", str(empty), "--out", str(out), check=False)
    assert run.returncode != 0 and "no usable records" in run.stderr
    assert {n: (out / n).read_bytes() for n in OUTPUTS} == before
    assert not list(out.glob("*.tmp"))


def test_output_folder_inside_the_input_folder_is_not_read(tmp_path: Path) -> None:
    """``kg build . --out out`` run twice: the second build does not read the first one's outputs as listings
    (nor does ``kg extract`` its own output file), and a skipped XML entry is counted by what went wrong."""
    folder = tmp_path / "listings"
    folder.mkdir()
    (folder / "sample.txt").write_bytes(SAMPLE.read_bytes())
    (folder / "cut.xml").write_text('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry>'
                                    "<title>T</title><summary>S", encoding="utf-8")
    first = kg("build", str(folder), "--out", str(folder / "out"), "--no-html")
    before = {n: (folder / "out" / n).read_bytes() for n in ("graph.json", "extractions.jsonl")}
    second = kg("build", str(folder), "--out", str(folder / "out"), "--no-html")
    for run in (first, second):
        assert "records read:   9" in run.stdout
        assert "skipped:        1 (malformed XML: 1)" in run.stdout
    assert {n: (folder / "out" / n).read_bytes() for n in before} == before
    shard_folder = tmp_path / "shard"
    shard_folder.mkdir()
    (shard_folder / "sample.txt").write_bytes(SAMPLE.read_bytes())
    runs = [kg("extract", str(shard_folder), "--out", str(shard_folder / "ex.jsonl")) for _ in range(2)]
    assert all("records read:   9" in run.stdout for run in runs)


def test_unreadable_input_is_a_clear_error(tmp_path: Path) -> None:
    run = kg("build", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "o"), check=False)
    assert run.returncode == 1
    assert "missing.txt" in run.stderr and "Traceback" not in run.stderr


def test_extract_shards_then_build_equals_direct_build(tmp_path: Path, seeds_dir: Path, seeds_build: Path) -> None:
    """Two shards extracted by separate processes (the listings split in two) merge to the direct build."""
    listings = [str(p) for p in sorted(seeds_dir.glob("*.txt"))]
    half = len(listings) // 2
    shards = []
    for i, part in enumerate((listings[:half], listings[half:])):
        shard = tmp_path / f"shard{i}.jsonl"
        kg("-q", "extract", *part, "--out", str(shard))
        shards.append(str(shard))
    out = tmp_path / "merged"
    kg("-q", "build", *shards, "--out", str(out), "--no-html")
    assert (out / "graph.json").read_bytes() == (seeds_build / "graph.json").read_bytes()


def test_every_command_has_help() -> None:
    for cmd in ("build", "extract", "eval", "viz", "stats", "neo4j", "export"):
        run = kg(cmd, "--help")
        assert "usage: kg " + cmd in run.stdout
