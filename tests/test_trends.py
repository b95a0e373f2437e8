"""Trends on a small dated graph whose answer is known by construction, and the date range of ``kg stats``.

The graph: months 2024-01..2024-06, two dated papers a month in the *before* window (01-03, 6 papers) and three
a month in the *recent* one (04-06, 9 papers), plus two undated papers and one dated "Apr 2" (no year).
Entity usage (papers): Mamba 0 before / 6 recent -> share 0 -> 6/9 (+0.666667, rising 1);
GSM8K 1 / 2 -> 1/6 -> 2/9 (+0.055556, rising 2); RLHF 6 / 0 -> 1 -> 0 (-1, fading 1);
LoRA 3 / 3 -> 1/2 -> 1/3 (-0.166667, fading 2); Flat 2 / 3 -> 1/3 -> 1/3 (no change: neither);
Rare 0 / 1 (support 1 < 3: not ranked). The undated papers use Mamba and are not counted.
"""

from __future__ import annotations

import json
import runpy
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from kg.analytics.trends import compute, month_of
from kg.errors import KgError
from kg.io.graph_json import write_graph_json

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "analytics" / "trends.py"
BEFORE = [f"2024-0{m}" for m in (1, 2, 3)]
RECENT = [f"2024-0{m}" for m in (4, 5, 6)]


def dated_graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    papers = {}
    for month in BEFORE + RECENT:
        for i in range(2 if month in BEFORE else 3):
            pid = f"p-{month}-{i}"
            papers.setdefault(month, []).append(pid)
            G.add_node(pid, label="Paper", name=pid, title=pid, date=f"{month}-1{i}")
    for pid, date in (("u1", None), ("u2", ""), ("u3", "Apr 2")):
        G.add_node(pid, label="Paper", name=pid, title=pid, **({"date": date} if date is not None else {}))
    for name, label in (("Mamba", "Model"), ("GSM8K", "Dataset"), ("RLHF", "Technique"), ("LoRA", "Technique"),
                        ("Flat", "Technique"), ("Rare", "Model"), ("Transformer", "Model")):
        G.add_node(f"ent:{name.lower()}", label=label, name=name, aliases=[])

    def use(pid: str, name: str, typ: str = "USES", source: str | None = None) -> None:
        G.add_edge(source or pid, f"ent:{name.lower()}", type=typ, paper=pid, evidence="x", rule="t", confidence=1.0)

    for month in RECENT:
        use(papers[month][0], "Mamba")
        use(papers[month][1], "Mamba", "MENTIONS")
        use(papers[month][1], "Mamba")            # a second edge of the same paper counts once
    for pid in ("u1", "u2", "u3"):
        use(pid, "Mamba")
    use(papers["2024-02"][0], "GSM8K")
    use(papers["2024-05"][2], "GSM8K")
    use(papers["2024-06"][2], "GSM8K", "USES", source="ent:mamba")  # an entity-to-entity edge, paper attribute
    for month in BEFORE:
        for pid in papers[month]:
            use(pid, "RLHF")
    use(papers["2024-01"][0], "LoRA"), use(papers["2024-02"][1], "LoRA"), use(papers["2024-03"][0], "LoRA")
    use(papers["2024-04"][0], "LoRA"), use(papers["2024-05"][1], "LoRA"), use(papers["2024-06"][2], "LoRA")
    use(papers["2024-01"][1], "Flat"), use(papers["2024-03"][1], "Flat")
    use(papers["2024-04"][2], "Flat"), use(papers["2024-05"][0], "Flat"), use(papers["2024-06"][1], "Flat")
    use(papers["2024-06"][0], "Rare")
    return G


@pytest.fixture
def graph_json(tmp_path: Path) -> Path:
    path = tmp_path / "graph.json"
    write_graph_json(dated_graph(), path)
    return path


def test_rising_and_fading_by_construction() -> None:
    t = compute(dated_graph(), window=3, min_support=3)
    assert (t.before, t.recent) == (BEFORE, RECENT)
    assert t.papers_per_month == {"2024-01": 2, "2024-02": 2, "2024-03": 2, "2024-04": 3, "2024-05": 3, "2024-06": 3}
    assert (len(t.dates.month), t.dates.undated, t.dates.no_month) == (15, ["u1", "u2"], ["u3"])
    assert [(x["name"], x["before"], x["recent"], x["change"]) for x in t.rising] == [
        ("Mamba", 0, 6, 0.666667), ("GSM8K", 1, 2, 0.055556)]
    assert [(x["name"], x["before"], x["recent"], x["change"]) for x in t.fading] == [
        ("RLHF", 6, 0, -1.0), ("LoRA", 3, 3, -0.166667)]
    mamba = t.usage["ent:mamba"]
    assert [mamba[m] for m in BEFORE + RECENT] == [0, 0, 0, 2, 2, 2]  # undated users not counted
    # min support 1 lets Rare in (0 -> 1 of 9)
    low = compute(dated_graph(), window=3, min_support=1)
    assert [x["name"] for x in low.rising] == ["Mamba", "Rare", "GSM8K"]


def test_window_and_end() -> None:
    t = compute(dated_graph(), window=2, min_support=1, end="2024-05")
    assert (t.before, t.recent) == (["2024-02", "2024-03"], ["2024-04", "2024-05"])
    with pytest.raises(KgError, match="span 6 month.*smaller --window"):
        compute(dated_graph(), window=4)
    with pytest.raises(KgError, match="not a month"):
        compute(dated_graph(), end="May")
    G = nx.MultiDiGraph()
    G.add_node("p", label="Paper", date="Apr 2")
    with pytest.raises(KgError, match="no paper has a date with a year and month .0 without a date, 1 with"):
        compute(G)
    assert month_of("2024-13-01") is None and month_of("2024-05-03T10:00:00Z") == "2024-05"


def test_script_writes_tables_and_plot_deterministically(graph_json: Path, tmp_path: Path, capsys) -> None:
    run = runpy.run_path(str(SCRIPT), run_name="analytics_script")["run"]
    assert run([str(graph_json), "--out", str(tmp_path / "a")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == ("dated papers: 15 of 18, 2024-01 to 2024-06; not counted: 2 without a date, "
                      "1 with a date lacking year/month (not guessed)")
    assert out[1] == "windows: before 2024-01..2024-03 (6 papers), recent 2024-04..2024-06 (9 papers)"
    assert out[2] == "rising (2): Mamba (0->6, +66.7%), GSM8K (1->2, +5.6%)"
    assert out[3] == "fading (2): RLHF (6->0, -100.0%), LoRA (3->3, -16.7%)"
    files = ["entity_months.csv", "entity_months.md", "papers_per_month.csv", "papers_per_month.md",
             "trends.csv", "trends.md", "trends.png"]
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == files
    rows = (tmp_path / "a" / "entity_months.csv").read_text().splitlines()
    assert rows[0] == "name,label,total,2024-01,2024-02,2024-03,2024-04,2024-05,2024-06,id"
    assert "RLHF,Technique,6,2,2,2,0,0,0,ent:rlhf" in rows and "Mamba,Model,6,0,0,0,2,2,2,ent:mamba" in rows
    trends = (tmp_path / "a" / "trends.csv").read_text().splitlines()
    assert trends[1] == "rising,1,Mamba,Model,0,6,6,0,0.666667,0.666667,ent:mamba"
    assert (tmp_path / "a" / "trends.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert run([str(graph_json), "--out", str(tmp_path / "b"), "-q"]) == 0
    for f in files:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f


def test_script_errors_are_one_line(graph_json: Path, tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(SCRIPT), str(graph_json), "--out", str(tmp_path), "--window", "6"],
                          capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("trends.py: error: dated papers span 6 month(s)")


def test_kg_stats_shows_the_date_range(graph_json: Path) -> None:
    text = subprocess.run([sys.executable, "-m", "kg", "stats", str(graph_json)], capture_output=True, text=True,
                          cwd=REPO, check=True).stdout
    assert ("dates: 2024-01-10 to 2024-06-12 (15 papers dated, 2 without a date, 1 with a date lacking the year)"
            in text.splitlines())
    data = json.loads(subprocess.run([sys.executable, "-m", "kg", "stats", str(graph_json), "--json"],
                                     capture_output=True, text=True, cwd=REPO, check=True).stdout)
    assert data["dates"] == {"first": "2024-01-10", "last": "2024-06-12", "dated": 15, "undated": 2, "no_month": 1}
