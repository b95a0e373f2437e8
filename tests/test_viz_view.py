"""Tests of the viz views and of the written page, without a browser (see test_viz_browser.py for that)."""

from __future__ import annotations

import json
import re
from collections import Counter
from html import unescape
from html.parser import HTMLParser

import networkx as nx
import pytest
from viz_graphs import HOSTILE_IMG, HOSTILE_SCRIPT, hostile_graph, small_graph

from kg.cli import main as kg_main
from kg.graphio import write_graph_json
from viz import ViewError, find_nodes, render_graph_html, select_view, write_graph_html
from viz.synthetic import synthetic_graph


def page_payload(html: str) -> dict:
    """The JSON data block of a written page."""
    match = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, flags=re.S)
    assert match, "page has no kg-data block"
    return json.loads(match.group(1))


class Elements(HTMLParser):
    """Counts the elements of a page and collects inline event-handler attributes, as a browser parses them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: Counter = Counter()
        self.handlers: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        self.handlers.extend((tag, name) for name, _ in attrs if name.startswith("on"))


# ---- view selection ----------------------------------------------------------------------------


def test_whole_view_keeps_everything_under_the_cap():
    G = small_graph()
    view = select_view(G)
    assert set(view.graph.nodes) == set(G.nodes)
    assert view.stats["nodes"] == 7 and view.stats["edges"] == G.number_of_edges() == 12
    assert view.stats["cut_nodes"] == 0 and view.stats["cut_edges"] == 0


def test_relation_view_is_who_beats_whom():
    view = select_view(small_graph(), relations=["outperforms"])
    assert sorted(view.graph.nodes) == ["ent:gpt4", "ent:mathstar"]
    assert [(u, v, d["type"]) for u, v, d in view.graph.edges(data=True)] == [("ent:mathstar", "ent:gpt4", "OUTPERFORMS")]
    assert view.stats["relations"] == ["OUTPERFORMS"]


def test_lineage_view_of_lora_follows_extends_edges():
    view = select_view(small_graph(), focus="Low-Rank Adaptation", depth=1, relations=["EXTENDS"])
    assert view.focus == "ent:lora"
    assert sorted(view.graph.nodes) == ["ent:lora", "ent:mathstar", "ent:qlora"]
    assert view.distance == {"ent:lora": 0, "ent:mathstar": 1, "ent:qlora": 1}


def test_focus_depth_grows_the_ego_network():
    G = small_graph()
    one = select_view(G, focus="GSM8K", depth=1)
    two = select_view(G, focus="GSM8K", depth=2)
    assert sorted(one.graph.nodes) == ["2401.00001", "ent:gsm8k"]
    # two hops: everything the paper names, through the paper
    assert sorted(two.graph.nodes) == ["2401.00001", "ent:gpt4", "ent:gsm8k", "ent:lora", "ent:mathstar"]


def test_label_view_keeps_edges_between_kept_labels_only():
    view = select_view(small_graph(), labels=["Model", "technique"])
    assert sorted(view.graph.nodes) == ["ent:gpt4", "ent:lora", "ent:mathstar", "ent:qlora"]
    assert sorted(d["type"] for *_, d in view.graph.edges(data=True)) == ["EXTENDS", "EXTENDS", "OUTPERFORMS"]


def test_focus_matches_aliases_titles_and_ids_case_insensitively():
    G = small_graph()
    assert find_nodes(G, "ms-7b") == ["ent:mathstar"]
    assert find_nodes(G, "2401.00002") == ["2401.00002"]
    assert find_nodes(G, "  mathstar: SCALING small models for grade-school math ") == ["2401.00001"]


def test_focus_errors_are_clear():
    G = small_graph()
    with pytest.raises(ViewError, match="matches no node"):
        select_view(G, focus="AlphaZero")
    G.add_node("ent:other", label="Model", name="Other", aliases=["MS-7B"])
    with pytest.raises(ViewError, match="ambiguous"):
        select_view(G, focus="MS-7B")
    with pytest.raises(ViewError, match="unknown relation type 'BEATS'"):
        select_view(G, relations=["BEATS"])
    with pytest.raises(ViewError, match="unknown node label"):
        select_view(G, labels=["Author"])


def test_cap_keeps_the_most_connected_and_reports_what_it_cut():
    G = synthetic_graph(400, seed=3)
    view = select_view(G, max_nodes=100)
    assert view.stats["nodes"] == 100 and view.stats["cut_nodes"] == 300
    assert view.stats["cut_edges"] == G.number_of_edges() - view.graph.number_of_edges()
    assert sum(view.stats["cut_nodes_by_label"].values()) == 300
    kept_min_degree = min(dict(G.degree(view.graph.nodes)).values())
    cut = set(G.nodes) - set(view.graph.nodes)
    # PageRank on the undirected view tracks degree: the best-connected cut node is no hub
    assert max(dict(G.degree(cut)).values()) <= max(dict(G.degree(view.graph.nodes)).values())
    assert kept_min_degree >= 1
    hub = max(G.nodes, key=lambda n: (G.degree(n), str(n)))
    assert hub in view.graph


def test_focus_view_cap_keeps_the_nearest_nodes():
    G = synthetic_graph(400, seed=3)
    hub = max((n for n, d in G.nodes(data=True) if d["label"] != "Paper"), key=lambda n: (G.degree(n), str(n)))
    view = select_view(G, focus=hub, depth=2, max_nodes=10)
    assert hub in view.graph and view.stats["nodes"] == 10
    first_ring = set(nx.all_neighbors(G, hub))
    assert len(first_ring) >= 9, "fixture should give the hub at least 9 neighbours"
    assert set(view.graph.nodes) - {hub} <= first_ring


# ---- the written page ----------------------------------------------------------------------------


def test_page_is_deterministic(tmp_path):
    G = synthetic_graph(300, seed=5)
    a = write_graph_html(G, tmp_path / "a.html")
    b = write_graph_html(nx.MultiDiGraph(G), tmp_path / "b.html")
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()
    assert a["nodes"] == b["nodes"] == 300


def test_page_is_self_contained(tmp_path):
    stats = write_graph_html(small_graph(), tmp_path / "g.html")
    html = (tmp_path / "g.html").read_text(encoding="utf-8")
    assert stats["bytes"] == len(html.encode("utf-8"))
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=|<iframe|@import", html, flags=re.I)
    assert "default-src 'none'" in unescape(html)  # the CSP forbids loading anything
    assert "vis-network" in html and "sourceMappingURL" not in html
    payload = page_payload(html)
    assert len(payload["nodes"]) == stats["nodes"] == 7
    assert len(payload["edges"]) == stats["edges"] == 12
    assert all("title" not in n for n in payload["nodes"] + payload["edges"])  # no vis HTML popups


def test_hover_card_data_carries_the_evidence(tmp_path):
    html, _ = render_graph_html(small_graph())
    payload = page_payload(html)
    edge = next(e for e in payload["edges"] if e["kg"]["type"] == "OUTPERFORMS")
    assert (edge["from"], edge["to"]) == ("ent:mathstar", "ent:gpt4")
    assert edge["kg"]["evidence"].startswith("MathStar outperforms GPT-4")
    assert edge["kg"]["paper_title"] == "MathStar: scaling small models for grade-school math"
    assert edge["kg"]["rule"] == "outperforms.outperforms" and edge["kg"]["confidence"] == 0.91
    lora = next(n for n in payload["nodes"] if n["id"] == "ent:lora")
    assert lora["kg"]["aliases"] == ["Low-Rank Adaptation"] and lora["kg"]["paper_count"] == 2


def test_hostile_text_never_appears_as_markup(tmp_path):
    html, _ = render_graph_html(hostile_graph(), title=HOSTILE_SCRIPT)
    for needle in ("<script>window", "<img", "onerror=\"window"):
        assert needle not in html, needle
    elements = Elements()
    elements.feed(html)
    assert elements.tags["script"] == 3  # data, vis-network, page script: nothing injected
    assert elements.tags["img"] == 0 and elements.handlers == []
    assert "<title>&lt;script&gt;window.pwned=1&lt;/script&gt;</title>" in html
    payload = page_payload(html)  # and the text survives intact as data
    names = {n["kg"]["name"] for n in payload["nodes"]}
    assert HOSTILE_IMG in names and HOSTILE_SCRIPT in names


def test_kg_viz_cli_writes_views(tmp_path, capsys):
    graph_json = tmp_path / "graph.json"
    write_graph_json(small_graph(), graph_json)
    out = tmp_path / "beats.html"
    assert kg_main(["viz", str(graph_json), "--out", str(out), "--relation", "OUTPERFORMS"]) == 0
    assert "2 nodes, 1 edges" in capsys.readouterr().out
    assert len(page_payload(out.read_text(encoding="utf-8"))["edges"]) == 1
    out2 = tmp_path / "lora.html"
    assert kg_main(["-q", "viz", str(graph_json), "--out", str(out2), "--focus", "lora", "--depth", "1",
                    "--relation", "EXTENDS,INTRODUCES", "--max-nodes", "0"]) == 0
    assert {n["id"] for n in page_payload(out2.read_text(encoding="utf-8"))["nodes"]} == {
        "ent:lora", "ent:mathstar", "ent:qlora"}


def test_kg_viz_cli_errors_name_the_problem(tmp_path, capsys):
    missing = tmp_path / "missing.json"
    assert kg_main(["viz", str(missing), "--out", str(tmp_path / "x.html")]) == 1
    assert f"{missing}: no such file" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text('{"nodes": [', encoding="utf-8")
    assert kg_main(["viz", str(broken), "--out", str(tmp_path / "x.html")]) == 1
    assert f"{broken}: not valid JSON" in capsys.readouterr().err
    good = tmp_path / "graph.json"
    write_graph_json(small_graph(), good)
    assert kg_main(["viz", str(good), "--out", str(tmp_path / "x.html"), "--focus", "Nothing"]) == 1
    assert "matches no node" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()
