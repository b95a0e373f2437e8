"""Analytics on small hand-built graphs whose answers are known by construction.

``toy_graph()`` is four papers written for this test (no seed text):

* P1 introduces AlphaNet; AlphaNet uses GSM8K (two sentences) and MATH; P1 uses LoRA;
  AlphaNet beats BetaLM and GammaLM and extends BetaLM.
* P2 introduces QLoRA; QLoRA extends LoRA; P2 uses GSM8K, DPO, LoRA; QLoRA uses BetaLM;
  the paper (unnamed method) beats GammaLM, which is attributed to QLoRA.
* P3 introduces nothing; it uses GSM8K, BetaLM, DPO, LoRA; it beats AlphaNet and extends
  QLoRA, both kept on the Paper node since it names no method.
* P4 introduces GammaLM; GammaLM uses MATH and MCTS; P4 uses DPO; GammaLM beats AlphaNet
  (contradicting P1) and extends BetaLM.
* ImageNet exists but no paper touches it. Every paper MENTIONS six entities.

The expected numbers in the tests below are counted by hand from this description.
"""

from __future__ import annotations

import networkx as nx
import pytest

from kg.analytics import co_usage, leaderboards, lineage, paper_card, rankings, stats, structure
from kg.analytics.common import claim_graph, load
from kg.analytics.tables import to_csv, to_markdown
from kg.errors import KgError

TITLES = {"P1": "AlphaNet: A Toy Model", "P2": "QLoRA for Toys", "P3": "An Unnamed Toy Method",
          "P4": "GammaLM Strikes Back"}
ENTS = {"AlphaNet": "Model", "BetaLM": "Model", "GammaLM": "Model", "GSM8K": "Dataset", "MATH": "Dataset",
        "ImageNet": "Dataset", "LoRA": "Technique", "QLoRA": "Technique", "DPO": "Technique", "MCTS": "Technique"}


def e(name: str) -> str:
    return "ent:" + name.lower()


def toy_graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    for p, t in TITLES.items():
        G.add_node(p, label="Paper", name=t, title=t, abstract="(written for the test)", sources=["toy.txt"],
                   authors=["A. Author"], date="2025-01-01")
    for n, lab in ENTS.items():
        G.add_node(e(n), label=lab, name=n, aliases=[], paper_count=0)

    def add(src: str, dst: str, typ: str, paper: str, ev: str = "") -> None:
        s = src if src in TITLES else e(src)
        G.add_edge(s, e(dst), type=typ, paper=paper, evidence=ev or f"{src} {typ} {dst}.", rule="test",
                   confidence=0.9)

    add("P1", "AlphaNet", "INTRODUCES", "P1")
    add("AlphaNet", "GSM8K", "USES", "P1", "We evaluate AlphaNet on GSM8K.")
    add("AlphaNet", "GSM8K", "USES", "P1", "GSM8K accuracy of AlphaNet rises.")
    add("AlphaNet", "MATH", "USES", "P1")
    add("P1", "LoRA", "USES", "P1")
    add("AlphaNet", "BetaLM", "OUTPERFORMS", "P1")
    add("AlphaNet", "GammaLM", "OUTPERFORMS", "P1", "AlphaNet beats GammaLM on GSM8K.")
    add("AlphaNet", "BetaLM", "EXTENDS", "P1")
    add("P2", "QLoRA", "INTRODUCES", "P2")
    add("QLoRA", "LoRA", "EXTENDS", "P2")
    for d in ("GSM8K", "DPO", "LoRA"):
        add("P2", d, "USES", "P2")
    add("QLoRA", "BetaLM", "USES", "P2")
    add("P2", "GammaLM", "OUTPERFORMS", "P2")
    for d in ("GSM8K", "BetaLM", "DPO", "LoRA"):
        add("P3", d, "USES", "P3")
    add("P3", "AlphaNet", "OUTPERFORMS", "P3")
    add("P3", "QLoRA", "EXTENDS", "P3")
    add("P4", "GammaLM", "INTRODUCES", "P4")
    add("GammaLM", "MATH", "USES", "P4")
    add("GammaLM", "MCTS", "USES", "P4")
    add("P4", "DPO", "USES", "P4")
    add("GammaLM", "AlphaNet", "OUTPERFORMS", "P4", "GammaLM surpasses AlphaNet.")
    add("GammaLM", "BetaLM", "EXTENDS", "P4")
    mentions = {"P1": "AlphaNet GSM8K MATH LoRA BetaLM GammaLM", "P2": "QLoRA LoRA GSM8K BetaLM DPO GammaLM",
                "P3": "GSM8K BetaLM DPO LoRA AlphaNet QLoRA", "P4": "GammaLM MATH MCTS DPO AlphaNet BetaLM"}
    for p, names in mentions.items():
        for n in names.split():
            add(p, n, "MENTIONS", p)
    return G


@pytest.fixture()
def G() -> nx.MultiDiGraph:
    return toy_graph()


# ---------------------------------------------------------------- rankings

def test_rankings_count_distinct_papers_per_label(G):
    ds = rankings.rank_entities(G, "Dataset")
    assert [(r["name"], r["papers"], r["rank"]) for r in ds] == [("GSM8K", 3, 1), ("MATH", 2, 2)]
    models = rankings.rank_entities(G, "Model")
    assert [(r["name"], r["papers"]) for r in models] == [("BetaLM", 2)]
    tech = rankings.rank_entities(G, "Technique")
    # DPO and LoRA tie at 3 papers: same dense rank, ordered by name
    assert [(r["name"], r["papers"], r["rank"]) for r in tech] == [("DPO", 3, 1), ("LoRA", 3, 1), ("MCTS", 1, 2)]


def test_rankings_by_mentions_and_top(G):
    rows = rankings.rank_entities(G, None, ("MENTIONS",), top=None)
    got = {r["name"]: r["papers"] for r in rows}
    assert got == {"BetaLM": 4, "AlphaNet": 3, "DPO": 3, "GammaLM": 3, "GSM8K": 3, "LoRA": 3, "MATH": 2,
                   "QLoRA": 2, "MCTS": 1}
    assert rows[0]["name"] == "BetaLM"
    assert [r["name"] for r in rankings.rank_entities(G, None, ("MENTIONS",), top=3)] == ["BetaLM", "AlphaNet", "DPO"]


# ---------------------------------------------------------------- co-usage

def test_model_dataset_pairs(G):
    rows = co_usage.pair_table(G, co_usage.model_dataset(G))
    assert [(r["a"], r["b"], r["papers"]) for r in rows] == [
        ("BetaLM", "GSM8K", 2), ("AlphaNet", "GSM8K", 1), ("AlphaNet", "MATH", 1), ("GammaLM", "MATH", 1)]


def test_model_dataset_matrix_drops_empty_rows(G):
    md = co_usage.model_dataset(G)
    assert co_usage.matrix(G, md) == (["AlphaNet", "BetaLM", "GammaLM"], ["GSM8K", "MATH"],
                                      [[1, 1], [2, 0], [0, 1]])
    # with one column only GSM8K is kept, and GammaLM (evaluated on MATH only) leaves the heatmap
    assert co_usage.matrix(G, md, top_rows=3, top_cols=1) == (["AlphaNet", "BetaLM"], ["GSM8K"], [[1], [2]])


def test_technique_pairs_and_symmetric_matrix(G):
    tp = co_usage.technique_pairs(G)
    rows = co_usage.pair_table(G, tp)
    assert [(r["a"], r["b"], r["papers"]) for r in rows] == [
        ("DPO", "LoRA", 2), ("DPO", "MCTS", 1), ("DPO", "QLoRA", 1), ("LoRA", "QLoRA", 1)]
    names, cols, vals = co_usage.matrix(G, tp, symmetric=True)
    assert names == cols == ["DPO", "LoRA", "QLoRA", "MCTS"]      # totals 4, 3, 2, 1
    assert vals == [[0, 2, 1, 1], [2, 0, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]]


# ---------------------------------------------------------------- lineage

def test_lineage_depths_trees_roots(G):
    L = lineage.lineage_graph(G)
    d = {L.nodes[n]["name"]: v for n, v in lineage.depths(L).items()}
    assert d == {"LoRA": 0, "QLoRA": 1, TITLES["P3"]: 2, "BetaLM": 0, "AlphaNet": 1, "GammaLM": 1}
    trees = lineage.trees(L)
    assert [(t["size"], t["depth"], t["roots"]) for t in trees] == [(3, 2, ["LoRA"]), (3, 1, ["BetaLM"])]
    assert trees[0]["longest_chain"] == f"LoRA ← QLoRA ← {TITLES['P3']}"
    assert [L.nodes[n]["name"] for n in lineage.roots_of(L)["P3"]] == ["LoRA"]
    assert lineage.cycles(L) == []


def test_most_extended(G):
    rows = lineage.most_extended(lineage.lineage_graph(G))
    assert [(r["name"], r["papers_extending"], r["children"]) for r in rows] == [
        ("BetaLM", 2, 2), ("LoRA", 1, 1), ("QLoRA", 1, 1)]


def test_lineage_depth_ignores_cycle_edges():
    L = nx.DiGraph([("a", "b"), ("b", "a"), ("c", "a")])
    nx.set_node_attributes(L, {n: n for n in L}, "name")
    assert lineage.depths(L) == {"a": 0, "b": 0, "c": 1}
    assert lineage.cycles(L) == [["a", "b"]]


# ---------------------------------------------------------------- leaderboards

def test_beats_graph_maps_paper_sources(G):
    B = leaderboards.beats_graph(G)
    edges = sorted((B.nodes[u]["name"], B.nodes[v]["name"]) for u, v in B.edges)
    assert edges == sorted([("AlphaNet", "BetaLM"), ("AlphaNet", "GammaLM"), ("QLoRA", "GammaLM"),
                            (TITLES["P3"], "AlphaNet"), ("GammaLM", "AlphaNet")])
    assert B.nodes["P3"]["label"] == "Paper"


def test_win_loss_scores(G):
    rows = {r["name"]: (r["wins"], r["losses"], r["score"]) for r in leaderboards.ranking(leaderboards.beats_graph(G))}
    assert rows == {"AlphaNet": (2, 2, 0), "BetaLM": (0, 1, -1), "GammaLM": (1, 2, -1), "QLoRA": (1, 0, 1),
                    TITLES["P3"]: (1, 0, 1)}


def test_pagerank_on_reversed_graph_hand_computed():
    # a and c both beat b. Reversed: b -> a, b -> c; a, c dangling. With alpha 0.85 and N = 3:
    # x = PR(b), y = PR(a) = PR(c): x = 0.05 + 0.85*(2y/3), x + 2y = 1  =>  y = 0.95/2.5667 = 0.370130
    B = nx.DiGraph([("a", "b"), ("c", "b")])
    nx.set_node_attributes(B, {n: n for n in B}, "name")
    nx.set_node_attributes(B, "Model", "label")
    nx.set_edge_attributes(B, 1, "weight")
    rows = leaderboards.ranking(B)
    assert [r["name"] for r in rows] == ["a", "c", "b"]
    assert rows[0]["pagerank"] == pytest.approx(0.370130, abs=1e-5)
    assert rows[2]["pagerank"] == pytest.approx(0.259740, abs=1e-5)


def test_chains_and_cycles_with_evidence(G):
    B = leaderboards.beats_graph(G)
    chains = leaderboards.longest_chains(B)
    assert [(c["chain"], c["length"]) for c in chains] == [
        (f"{TITLES['P3']} > AlphaNet > BetaLM", 2), ("QLoRA > GammaLM", 1)]
    assert chains[0]["papers"] == ["P1", "P3"]
    found = leaderboards.cycles(B)
    assert [c["names"] for c in found] == [["AlphaNet", "GammaLM"]]
    ev = [(x["winner"], x["loser"], [(v["paper"], v["evidence"]) for v in x["evidence"]]) for x in found[0]["edges"]]
    assert ev == [("AlphaNet", "GammaLM", [("P1", "AlphaNet beats GammaLM on GSM8K.")]),
                  ("GammaLM", "AlphaNet", [("P4", "GammaLM surpasses AlphaNet.")])]
    rows = leaderboards.cycle_rows(found)
    assert [r["paper"] for r in rows] == ["P1", "P4"] and rows[0]["path"] == "AlphaNet > GammaLM > AlphaNet"


def test_claim_graph_merges_papers_per_pair():
    G = nx.MultiDiGraph()
    for p in ("p", "q"):
        G.add_node(p, label="Paper", title=p)
    G.add_node("a", label="Model", name="A")
    G.add_node("b", label="Model", name="B")
    for p in ("p", "q"):
        G.add_edge(p, "a", type="INTRODUCES", paper=p)
        G.add_edge(p, "b", type="OUTPERFORMS", paper=p, evidence=f"{p}: A beats B.")
    G.add_edge("a", "b", type="OUTPERFORMS", paper="p", evidence="p: again.")
    B = claim_graph(G, "OUTPERFORMS")
    assert list(B.edges) == [("a", "b")]
    assert B.edges["a", "b"]["papers"] == ["p", "q"] and B.edges["a", "b"]["weight"] == 2
    assert len(B.edges["a", "b"]["evidence"]) == 3


# ---------------------------------------------------------------- structure

def bridge_graph() -> nx.MultiDiGraph:
    """Three papers on models A1-A3, three on datasets B1-B3; technique X with A1 in two papers, with B1 in one."""
    G = nx.MultiDiGraph()
    groups = {"Q": ["A1", "A2", "A3"], "R": ["B1", "B2", "B3"]}
    labels = {"A1": "Model", "A2": "Model", "A3": "Model", "B1": "Dataset", "B2": "Dataset", "B3": "Dataset",
              "X": "Technique"}
    for n, lab in labels.items():
        G.add_node(n, label=lab, name=n)
    papers = {f"{g}{i}": ms for g, ms in groups.items() for i in range(3)}
    papers |= {"S1": ["A1", "X"], "S2": ["A1", "X"], "S3": ["X", "B1"]}
    for p, ms in papers.items():
        G.add_node(p, label="Paper", title=p)
        for m in ms:
            G.add_edge(p, m, type="MENTIONS", paper=p)
    return G


def test_entity_graph_weights():
    E = structure.entity_graph(bridge_graph())
    assert E.edges["A1", "A2"]["weight"] == 3 and E.edges["A1", "X"]["weight"] == 2 and E.edges["X", "B1"]["weight"] == 1
    assert E.number_of_edges() == 3 + 3 + 2 and E.nodes["X"]["papers"] == 3


def test_betweenness_and_communities():
    E = structure.entity_graph(bridge_graph())
    comms = structure.communities(E, seed=42)
    assert comms == [["A1", "A2", "A3", "X"], ["B1", "B2", "B3"]]
    rows = {r["name"]: r for r in structure.centrality(E, comms)}
    # all 9 A-B shortest paths cross X and B1; n = 7 so the normaliser is (6*5)/2 = 15
    assert rows["X"]["betweenness"] == pytest.approx(9 / 15)
    assert rows["A1"]["betweenness"] == pytest.approx(8 / 15)     # A2/A3 to X and to the three B's
    assert rows["B1"]["betweenness"] == pytest.approx(8 / 15)     # A1-A3 and X to B2 and B3
    assert rows["A2"]["betweenness"] == 0
    assert rows["A2"]["pagerank"] == rows["A3"]["pagerank"] and rows["B2"]["pagerank"] == rows["B3"]["pagerank"]
    assert rows["X"]["community"] == 1 and rows["B2"]["community"] == 2
    table = structure.community_table(E, comms)
    assert [(r["size"], r["main_label"]) for r in table] == [(4, "Model"), (3, "Dataset")]
    assert table[1]["label"] == "B1, B2, B3" and table[0]["label"].endswith(" …")
    assert table[0]["labels"] == ["Model=3", "Technique=1"]


def test_pagerank_uniform_on_regular_graph():
    G = nx.MultiDiGraph()
    for n in "abc":
        G.add_node(n, label="Technique", name=n)
    for p, pair in {"p": "ab", "q": "bc", "r": "ca"}.items():
        G.add_node(p, label="Paper", title=p)
        for n in pair:
            G.add_edge(p, n, type="MENTIONS", paper=p)
    rows = structure.centrality(structure.entity_graph(G))
    assert [r["pagerank"] for r in rows] == [pytest.approx(1 / 3, abs=1e-6)] * 3
    assert [r["name"] for r in rows] == ["a", "b", "c"]     # tie broken by name


# ---------------------------------------------------------------- paper card

def test_paper_card_sections_and_later_work(G):
    card = paper_card.paper_card(G, "P1")
    s = card["sections"]
    assert card["introduces"] == ["AlphaNet"]
    assert [r["object"] for r in s["USES"]] == ["GSM8K", "GSM8K", "LoRA", "MATH"]
    assert {r["evidence"] for r in s["USES"] if r["object"] == "GSM8K"} == {
        "We evaluate AlphaNet on GSM8K.", "GSM8K accuracy of AlphaNet rises."}
    assert [r["object"] for r in s["OUTPERFORMS"]] == ["BetaLM", "GammaLM"]
    assert [r["object"] for r in s["EXTENDS"]] == ["BetaLM"]
    assert len(s["MENTIONS"]) == 6
    assert sorted((r["paper"], r["relation"]) for r in card["later"]) == [("P3", "OUTPERFORMS"), ("P4", "OUTPERFORMS")]
    md = paper_card.card_markdown(card)
    assert "## Beats (2)" in md and "> AlphaNet beats GammaLM on GSM8K." in md


def test_find_paper(G):
    assert paper_card.find_paper(G, "P3") == "P3"
    assert paper_card.find_paper(G, "gammalm strikes back") == "P4"
    assert paper_card.find_paper(G, "Unnamed") == "P3"
    with pytest.raises(KgError, match="3 papers match"):
        paper_card.find_paper(G, "toy")        # in the titles of P1, P2 (Toys) and P3
    with pytest.raises(KgError, match="no paper matches"):
        paper_card.find_paper(G, "nothing like this")


# ---------------------------------------------------------------- stats

def test_headline_numbers(G):
    h = stats.headline(G)
    assert h["nodes"] == 14 and h["edges"] == 51
    assert h["labels"] == {"Paper": 4, "Model": 3, "Dataset": 3, "Technique": 4}
    assert h["types"] == {"INTRODUCES": 3, "USES": 15, "OUTPERFORMS": 5, "EXTENDS": 4, "MENTIONS": 24}
    assert h["components"] == {"count": 2, "largest": 13, "isolated": 1, "sizes": [13, 1]}
    assert h["top_used"]["Dataset"] == [["GSM8K", 3], ["MATH", 2]]
    assert h["top_mentioned"][0] == ["BetaLM", 4]
    text = stats.headline_text(h)
    assert "Paper=4" in text and "USES=15" in text and "GSM8K (3)" in text


# ---------------------------------------------------------------- tables and loading

def test_tables_escape_hostile_names():
    rows = [{"name": "a|b <script>`x`", "papers": 2}, {"name": 'q"u,ote\nline', "papers": 1.5}]
    md = to_markdown(rows, ["name", "papers"])
    assert md.count("\n") == 4 and "<script>" not in md and "a\\|b" in md
    csv_text = to_csv(rows, ["name", "papers"])
    import csv
    import io
    back = list(csv.reader(io.StringIO(csv_text)))
    assert back == [["name", "papers"], ["a|b <script>`x`", "2"], ['q"u,ote\nline', "1.5"]]


def test_load_reports_bad_files(tmp_path):
    with pytest.raises(KgError, match="not found"):
        load(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(KgError, match="bad.json"):
        load(bad)
