"""``kg build INPUT... --update DIR``: only new or changed records are extracted, and the output is byte-identical
to a from-scratch build of the same inputs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "examples" / "sample_listing.txt"
PAPERS = [
    {"title": "LoRA-Drop: Pruning Adapters for Efficient Fine-Tuning", "abstract": "We propose LoRA-Drop, a method "
     "that prunes low-rank adapters. We fine-tune LLaMA on GLUE and outperform LoRA.", "date": "2024-05-01"},
    {"title": "Diffusion Priors for Image Restoration", "abstract": "We introduce a diffusion model prior for image "
     "restoration. Experiments on ImageNet show gains over GAN baselines.", "date": "2024-05-02"},
]
NEW = {"title": "Sparse Attention for Long Documents", "abstract": "We propose a sparse attention Transformer for "
       "long documents, evaluated on PubMed and arXiv summarization.", "date": "2024-05-03", "upvotes": 7}


def kg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=REPO, capture_output=True, text=True, timeout=300)


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def earlier(tmp_path_factory) -> tuple[Path, Path]:
    """An input folder and an earlier build of it."""
    root = tmp_path_factory.mktemp("update")
    inputs, built = root / "in", root / "built"
    inputs.mkdir()
    shutil.copy(SAMPLE, inputs / "sample_listing.txt")
    write_jsonl(inputs / "papers.jsonl", PAPERS)
    proc = kg("-q", "build", str(inputs), "--out", str(built), "--no-html")
    assert proc.returncode == 0, proc.stderr
    return inputs, built


def test_update_equals_a_full_build(earlier, tmp_path: Path) -> None:
    inputs, built = earlier
    grown, updated, scratch = tmp_path / "in", tmp_path / "updated", tmp_path / "scratch"
    shutil.copytree(inputs, grown)
    shutil.copytree(built, updated)
    changed = [dict(PAPERS[0], date="2024-04-30", upvotes=3),                   # metadata changed: reused
               dict(PAPERS[1], abstract=PAPERS[1]["abstract"] + " We also use CLIP.")]  # text changed: re-extracted
    write_jsonl(grown / "papers.jsonl", changed + [NEW])                           # plus a new paper
    proc = kg("build", str(grown), "--update", str(updated), "--no-html")
    assert proc.returncode == 0, proc.stderr
    total = len((built / "extractions.jsonl").read_text().splitlines()) + 1
    assert f"reused:         {total - 2} of {total} extractions (2 records extracted)" in proc.stdout
    assert kg("-q", "build", str(grown), "--out", str(scratch), "--no-html").returncode == 0
    assert files(updated) == files(scratch)
    assert sorted(files(updated)) == [".kg-build.json", "extractions.jsonl", "graph.graphml", "graph.json"]
    lines = [json.loads(x) for x in (updated / "extractions.jsonl").read_text().splitlines()]
    upvotes = {x["paper"]["title"]: x["paper"].get("extra", {}).get("upvotes") for x in lines}
    assert [upvotes[p["title"]] for p in (*PAPERS, NEW)] == [3, None, 7]  # the reused one has its new metadata


def test_nothing_new_reuses_everything(earlier, tmp_path: Path) -> None:
    inputs, built = earlier
    updated = tmp_path / "updated"
    shutil.copytree(built, updated)
    proc = kg("build", str(inputs), "--update", str(updated), "--no-html")
    assert proc.returncode == 0, proc.stderr
    assert "(0 records extracted)" in proc.stdout
    assert files(updated) == files(built)


def test_other_rules_or_no_earlier_build_extract_everything(earlier, tmp_path: Path) -> None:
    inputs, built = earlier
    updated = tmp_path / "updated"
    shutil.copytree(built, updated)
    (updated / ".kg-build.json").write_text('{"fingerprint": "from an older kg"}\n')
    proc = kg("build", str(inputs), "--update", str(updated), "--no-html")
    assert proc.returncode == 0, proc.stderr
    assert "built with other extraction rules: extracting every record" in proc.stderr
    assert "reused:         0 of" in proc.stdout
    assert files(updated) == files(built)
    fresh = kg("build", str(inputs), "--update", str(tmp_path / "fresh"), "--no-html")
    assert fresh.returncode == 0 and "holds no earlier build" in fresh.stderr
    assert files(tmp_path / "fresh") == files(built)


def test_out_and_update_are_exclusive(tmp_path: Path) -> None:
    proc = kg("build", str(SAMPLE), "--out", str(tmp_path / "a"), "--update", str(tmp_path / "b"))
    assert proc.returncode == 2 and "not allowed with argument" in proc.stderr
