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
from kg.io.graph_json import write_graph_json
from kg.viz import ViewError, find_nodes, render_graph_html, select_view, write_graph_html
from kg.viz.synthetic import synthetic_graph


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


def partial_edges(G: nx.MultiDiGraph) -> tuple[nx.MultiDiGraph, dict]:
    """``G`` with every edge's attributes cut to type and paper (as ``kg build --update`` holds copied edges), and
    a ``fill`` that puts the rest back, recording which edges it was asked for."""
    H = G.copy()
    whole = {(u, v, k): dict(d) for u, v, k, d in G.edges(keys=True, data=True)}
    for u, v, k, d in H.edges(keys=True, data=True):
        kept = {"type": d["type"], "paper": d.get("paper")}
        d.clear()
        d.update(kept)
    asked: dict = {"rows": []}

    def fill(rows):
        for u, v, d in rows:
            asked["rows"].append((u, v, d["type"]))
            if "evidence" not in d:
                full = next(a for (s, t, _), a in whole.items() if (s, t) == (u, v) and a["type"] == d["type"]
                            and a.get("paper") == d["paper"])
                d.clear()
                d.update(full)
    return H, {"fill": fill, "asked": asked}


@pytest.mark.parametrize("cap", [3, None])
def test_a_view_completes_only_the_edges_it_draws(cap):
    """Given ``fill``, the view and the page ask for the attributes of the edges they show and of the drawn papers'
    cards only, and the page is the one drawn from the whole graph."""
    G = small_graph()
    H, f = partial_edges(G)
    view = select_view(H, max_nodes=cap, fill=f["fill"])
    drawn = {(u, v, d["type"]) for u, v, d in view.graph.edges(data=True)}
    assert set(f["asked"]["rows"]) == drawn and all("evidence" in d for *_, d in view.graph.edges(data=True))
    assert render_graph_html(H, max_nodes=cap, fill=f["fill"]) == render_graph_html(G, max_nodes=cap)
    if cap:
        assert len(set(f["asked"]["rows"])) < G.number_of_edges()


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


# ---- layouts, labels, the quieter default and the paper panel ----------------------------------------


def _nodes(payload: dict) -> dict:
    return {n["id"]: n for n in payload["nodes"]}


def test_focus_view_is_radial_around_the_focus():
    from kg.viz.layout import RADIAL_STRETCH

    G = synthetic_graph(400, seed=3)
    hub = max((n for n, d in G.nodes(data=True) if d["label"] != "Paper"), key=lambda n: (G.degree(n), str(n)))
    html, stats = render_graph_html(G, focus=hub, depth=2)
    payload = page_payload(html)
    nodes = _nodes(payload)
    assert stats["layout"] == payload["meta"]["layout"]["kind"] == "radial"
    assert payload["options"]["physics"]["enabled"] is False  # positions come from Python
    assert (nodes[hub]["x"], nodes[hub]["y"]) == (0.0, 0.0)
    view = select_view(G, focus=hub, depth=2)
    radius = {n: ((nodes[n]["x"] / RADIAL_STRETCH) ** 2 + nodes[n]["y"] ** 2) ** 0.5 for n in nodes}
    ring1 = {round(radius[n]) for n, k in view.distance.items() if k == 1}
    ring2 = {round(radius[n]) for n, k in view.distance.items() if k == 2}
    assert len(ring1) == len(ring2) == 1 and ring1.pop() * 2 == ring2.pop()  # two evenly spaced rings
    pts = [(n["x"], n["y"]) for n in nodes.values()]
    closest = min(((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5 for i, a in enumerate(pts) for b in pts[i + 1:])
    assert closest > 30  # no two nodes on top of each other


@pytest.mark.parametrize("relation", ["EXTENDS", "OUTPERFORMS"])
def test_lineage_and_beats_views_are_layered_left_to_right(relation):
    G = synthetic_graph(600, seed=11)
    html, stats = render_graph_html(G, relations=[relation])
    payload = page_payload(html)
    nodes = _nodes(payload)
    assert stats["layout"] == "layered" and payload["options"]["physics"]["enabled"] is False
    view = select_view(G, relations=[relation])
    D = nx.DiGraph((u, v) for u, v in view.graph.edges() if u != v)
    on_cycle = {n for c in nx.strongly_connected_components(D) if len(c) > 1 for n in c}
    edges = [(e["from"], e["to"]) for e in payload["edges"] if not (e["from"] in on_cycle and e["to"] in on_cycle)]
    assert edges and all(nodes[u]["x"] < nodes[v]["x"] for u, v in edges)
    # pure sources carry their label on the left, so their edges leave from the unlabelled side
    sources = {n for n in D if D.out_degree(n) and not D.in_degree(n)}
    assert {n for n, d in nodes.items() if d["kg"].get("side") == "left"} == sources
    assert payload["meta"]["reading"].startswith("Lineage" if relation == "EXTENDS" else "Who beats whom")


def test_whole_view_keeps_physics_and_hides_mentions_by_default():
    payload = page_payload(render_graph_html(small_graph())[0])
    assert payload["meta"]["layout"]["kind"] == "force" and payload["options"]["physics"]["enabled"] is True
    assert payload["meta"]["hidden"] == ["MENTIONS"]
    assert all("x" not in n for n in payload["nodes"])
    # a view asked for MENTIONS shows them
    payload = page_payload(render_graph_html(small_graph(), relations=["MENTIONS"])[0])
    assert payload["meta"]["hidden"] == []


def test_labels_are_short_ranked_and_not_drawn_by_vis():
    html, _ = render_graph_html(small_graph(), focus="LoRA", depth=2)
    payload = page_payload(html)
    nodes = _nodes(payload)
    assert all("label" not in n for n in payload["nodes"])  # the page draws labels at a fixed size
    assert nodes["2401.00001"]["kg"]["short"] == "MathStar"  # title before the colon
    assert nodes["2401.00001"]["kg"]["title"].startswith("MathStar: scaling")  # full title in the card
    ranks = sorted(nodes, key=lambda n: nodes[n]["kg"]["rank"])
    assert ranks[0] == "ent:lora"
    neighbours = {"ent:mathstar", "ent:qlora", "2401.00001", "2401.00002"}
    assert set(ranks[1:5]) == neighbours  # the focus, then its neighbours, then the rest
    assert payload["meta"]["label_policy"] == {"overview": 7, "all": False}


def test_edge_width_and_opacity_follow_confidence():
    G = small_graph()
    G.add_edge("ent:qlora", "ent:gpt4", type="OUTPERFORMS", paper="2401.00002", evidence="QLoRA beats GPT-4.",
               rule="outperforms.outperforms", confidence=0.3)
    edges = {(e["from"], e["to"], e["kg"]["type"]): e for e in page_payload(render_graph_html(G)[0])["edges"]}
    sure, unsure = edges[("ent:mathstar", "ent:gpt4", "OUTPERFORMS")], edges[("ent:qlora", "ent:gpt4", "OUTPERFORMS")]
    assert sure["width"] > unsure["width"] and sure["color"]["opacity"] > unsure["color"]["opacity"]
    assert unsure["kg"]["confidence"] == 0.3


def test_page_carries_the_paper_card_of_every_drawn_paper():
    from kg.analytics.paper_card import SECTIONS, paper_card

    G = hostile_graph()
    payload = page_payload(render_graph_html(G)[0])
    papers = sorted(n for n, d in G.nodes(data=True) if d["label"] == "Paper")
    assert sorted(payload["cards"]) == papers
    for p in papers:
        card, shown = paper_card(G, p), payload["cards"][p]
        for section in SECTIONS:
            assert [r["object_id"] for r in shown["sections"][section]] == [r["object_id"] for r in card["sections"][section]]
            if section != "MENTIONS":
                assert [r["evidence"] for r in shown["sections"][section]] == [r["evidence"] for r in card["sections"][section]]
        assert [r["evidence"] for r in shown["later"]] == [r["evidence"] for r in card["later"]]
    assert payload["cards"]["t-hostile"]["sections"]["EXTENDS"][0]["evidence"] == HOSTILE_IMG + HOSTILE_SCRIPT


def test_paper_cards_match_paper_card_one_by_one():
    from kg.analytics.paper_card import paper_card, paper_cards

    G = synthetic_graph(300, seed=2)
    papers = sorted(n for n, d in G.nodes(data=True) if d["label"] == "Paper")
    batch = paper_cards(G, papers)
    assert all(batch[p] == paper_card(G, p) for p in papers)


@pytest.mark.parametrize("options", [dict(relations=["EXTENDS"]), dict(focus="ent:model-00000", depth=2)],
                         ids=["layered", "radial"])
def test_fixed_layouts_are_deterministic(options):
    G = synthetic_graph(500, seed=9)
    shuffled = nx.MultiDiGraph()
    shuffled.add_nodes_from(sorted(G.nodes(data=True), reverse=True))
    shuffled.add_edges_from(sorted(G.edges(keys=True, data=True), key=lambda e: (str(e[1]), str(e[0])), reverse=True))
    a, _ = render_graph_html(G, **options)
    b, _ = render_graph_html(shuffled, **options)
    assert a == b
