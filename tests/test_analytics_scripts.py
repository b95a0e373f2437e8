"""The ``scripts/analytics/*.py`` scripts and ``kg stats``: files written, determinism, errors, seeds graph."""

from __future__ import annotations

import json
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from kg.io.graph_json import write_graph_json
from test_analytics import toy_graph

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = REPO / "scripts" / "analytics"

# script -> (extra arguments, files it must write)
EXPECTED = {
    "rankings": ([], ["rankings.csv", "rankings.md", "rankings.png", "rankings_mentions.csv", "rankings_mentions.md"]),
    "co_usage": ([], ["model_dataset.csv", "model_dataset.md", "model_dataset.png", "technique_pairs.csv",
                      "technique_pairs.md", "technique_pairs.png"]),
    "lineage": ([], ["lineage.png", "lineage_cycles.csv", "lineage_cycles.md", "lineage_nodes.csv", "lineage_nodes.md",
                     "lineage_trees.csv", "lineage_trees.md", "most_extended.csv", "most_extended.md"]),
    "leaderboards": ([], ["beats_chains.csv", "beats_chains.md", "beats_cycles.csv", "beats_cycles.json",
                          "beats_cycles.md", "leaderboard.csv", "leaderboard.md"]),
    "structure": ([], ["centrality.csv", "centrality.md", "communities.csv", "communities.md", "structure.png"]),
    "paper_card": (["--paper", "P1"], ["paper_card_P1.json", "paper_card_P1.md", "paper_card_P1_rows.csv",
                                       "paper_card_P1_rows.md"]),
}
PNG_SCRIPTS = ("rankings", "co_usage", "lineage", "structure")


def script_run(name: str):
    """The script's ``run(argv)`` function, loaded from its file (not as ``__main__``)."""
    return runpy.run_path(str(SCRIPTS / f"{name}.py"), run_name="analytics_script")["run"]


@pytest.fixture(scope="module")
def toy_json(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("toy") / "graph.json"
    write_graph_json(toy_graph(), path)
    return path


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_script_writes_files_deterministically(name, toy_json, tmp_path, capsys):
    extra, files = EXPECTED[name]
    run = script_run(name)
    assert run([str(toy_json), "--out", str(tmp_path / "a"), *extra]) == 0
    out = capsys.readouterr().out
    assert f"wrote {len(files)} files" in out
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == files
    for f in files:
        assert (tmp_path / "a" / f).stat().st_size > 0
        if f.endswith(".png"):
            assert (tmp_path / "a" / f).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert run([str(toy_json), "--out", str(tmp_path / "b"), "-q", *extra]) == 0
    for f in files:    # tables and plots are byte-identical across runs
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f


def test_script_tables_hold_the_toy_numbers(toy_json, tmp_path):
    assert script_run("leaderboards")([str(toy_json), "--out", str(tmp_path)]) == 0
    cycles = (tmp_path / "beats_cycles.csv").read_text(encoding="utf-8").splitlines()
    assert cycles[0] == "cycle,path,winner,loser,paper,evidence"
    assert cycles[1:] == ["1,AlphaNet > GammaLM > AlphaNet,AlphaNet,GammaLM,P1,AlphaNet beats GammaLM on GSM8K.",
                          "1,AlphaNet > GammaLM > AlphaNet,GammaLM,AlphaNet,P4,GammaLM surpasses AlphaNet."]
    assert script_run("rankings")([str(toy_json), "--out", str(tmp_path)]) == 0
    md = (tmp_path / "rankings.md").read_text(encoding="utf-8")
    assert "| Dataset | 1 | GSM8K | 3 | 3 | ent:gsm8k |" in md


def test_script_errors_name_the_file(tmp_path):
    missing = tmp_path / "nope.json"
    proc = subprocess.run([sys.executable, str(SCRIPTS / "rankings.py"), str(missing), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 1 and str(missing) in proc.stderr


def test_paper_card_unknown_paper_fails(toy_json, tmp_path, capsys):
    assert script_run("paper_card")([str(toy_json), "--out", str(tmp_path), "--paper", "no such title"]) == 1
    assert "no paper matches" in capsys.readouterr().err


def test_kg_stats_text_and_json(toy_json):
    text = subprocess.run([sys.executable, "-m", "kg", "stats", str(toy_json)], capture_output=True, text=True,
                          cwd=REPO, check=True).stdout
    assert text.splitlines()[0] == "nodes: 14   edges: 51"
    data = json.loads(subprocess.run([sys.executable, "-m", "kg", "stats", str(toy_json), "--json", "--top", "1"],
                                     capture_output=True, text=True, cwd=REPO, check=True).stdout)
    assert data["labels"]["Technique"] == 4 and data["top_used"]["Technique"] == [["DPO", 3]]
    bad = subprocess.run([sys.executable, "-m", "kg", "stats", "/nonexistent/graph.json"], capture_output=True,
                         text=True, cwd=REPO)
    assert bad.returncode == 1 and "/nonexistent/graph.json" in bad.stderr


# ---------------------------------------------------------------- on the real seeds graph

@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_script_runs_on_seeds_graph(name, seeds_graph_path, tmp_path):
    extra, files = EXPECTED[name]
    if name == "paper_card":
        from kg.analytics.common import load, papers

        first = papers(load(seeds_graph_path))[0]
        extra = ["--paper", str(first)]
    proc = subprocess.run([sys.executable, str(SCRIPTS / f"{name}.py"), str(seeds_graph_path), "--out",
                           str(tmp_path), *extra], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip()
    written = sorted(p.name for p in tmp_path.iterdir())
    if name == "paper_card":
        assert len(written) == 4 and all(w.startswith("paper_card_") for w in written)
    else:
        assert written == files
    if name in PNG_SCRIPTS:
        assert any(w.endswith(".png") for w in written)
    for w in written:
        if w.endswith(".md") or w.endswith(".csv"):
            assert (tmp_path / w).read_text(encoding="utf-8").strip()


def test_kg_stats_on_seeds_graph(seeds_graph_path):
    data = json.loads(subprocess.run([sys.executable, "-m", "kg", "stats", str(seeds_graph_path), "--json"],
                                     capture_output=True, text=True, cwd=REPO, check=True).stdout)
    assert data["labels"]["Paper"] > 0 and data["nodes"] == sum(data["labels"].values())
