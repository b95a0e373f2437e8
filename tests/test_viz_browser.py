"""The viz page in a real headless browser: Debian's chromium driven by Playwright (no browser download).

Checks that a page loads offline with no console errors, draws exactly the view's nodes and edges,
that search finds an entity through an alias, that hover cards show the evidence, that the filters
hide what they say, and that markup in titles/names executes nothing and is shown as text. The seeds
view (``kg build ../shared/seeds``) is opened too and a screenshot kept in test-artifacts/.

Needs /usr/bin/chromium (``apt-get install chromium``); without it these tests FAIL, unless
``KG_SKIP_BROWSER=1`` is set, which skips them.
"""

from __future__ import annotations

import os
from pathlib import Path

import networkx as nx
import pytest
from viz_graphs import HOSTILE_IMG, HOSTILE_SCRIPT, OUTPERFORMS_EVIDENCE, hostile_graph, small_graph

from kg.graphio import load_graph
from viz import find_nodes, select_view, write_graph_html

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
READY = "() => window.kgView && window.kgView.ready"


@pytest.fixture(scope="module")
def browser():
    """One headless Debian chromium for the module."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("KG_SKIP_BROWSER") == "1":
            pytest.skip(f"{CHROMIUM} missing and KG_SKIP_BROWSER=1")
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) "
                    "or set KG_SKIP_BROWSER=1 to skip the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class Opened:
    """A page opened from a file, with its console errors and every network request it made."""

    def __init__(self, browser, path: Path, timeout_ms: int = 60_000, bypass_csp: bool = False):
        self.context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=bypass_csp)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.url = path.resolve().as_uri()
        self.page.goto(self.url)
        self.page.wait_for_function(READY, timeout=timeout_ms, polling=50)
        self.view = self.page.evaluate("window.kgView")

    def foreign_requests(self) -> list[str]:
        return [u for u in self.requests if u != self.url]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_page(browser):
    opened: list[Opened] = []

    def _open(path: Path, **kw) -> Opened:
        o = Opened(browser, path, **kw)
        opened.append(o)
        return o

    yield _open
    for o in opened:
        o.close()


def hover(page, x: float, y: float) -> None:
    """Move the mouse to (x, y) in small steps, as a person would, so vis-network sees the hover."""
    page.mouse.move(x - 30, y - 30)
    page.mouse.move(x, y, steps=6)


def test_page_loads_offline_and_draws_the_view(tmp_path, open_page):
    stats = write_graph_html(small_graph(), tmp_path / "g.html")
    o = open_page(tmp_path / "g.html")
    assert o.errors == []
    assert o.foreign_requests() == []  # nothing fetched: works offline
    v = o.view
    assert (v["nodes"], v["edges"]) == (stats["nodes"], stats["edges"]) == (7, 12)
    assert (v["dataNodes"], v["dataEdges"]) == (7, 12)
    assert (v["drawnNodes"], v["drawnEdges"]) == (7, 12)
    assert o.page.locator("#kg-legend-labels input").count() == 4
    assert o.page.locator("#kg-legend-relations input").count() == 5
    assert o.page.evaluate("kg.network.physics.physicsEnabled") is False  # stabilised, then stopped


def test_search_finds_an_entity_through_an_alias_and_highlights_its_neighbourhood(tmp_path, open_page):
    G = small_graph()
    write_graph_html(G, tmp_path / "g.html")
    o = open_page(tmp_path / "g.html")
    o.page.fill("#kg-search", "grade school math")
    first = o.page.locator("#kg-results button").first
    assert first.get_attribute("data-id") == "ent:gsm8k"
    assert "alias: Grade School Math 8K" in first.inner_text()
    first.click()
    assert o.page.locator("#kg-details h3").inner_text() == "GSM8K"
    neighbours = set(nx.all_neighbors(G, "ent:gsm8k"))
    o.page.wait_for_function("() => window.kgView.highlighted !== null")
    assert o.page.evaluate("window.kgView.highlighted") == {"nodes": 1 + len(neighbours), "edges": G.degree("ent:gsm8k")}
    assert o.page.evaluate("kg.network.getSelectedNodes()") == ["ent:gsm8k"]
    assert o.page.evaluate("kg.search('ms-7b')") == ["ent:mathstar"]
    assert o.errors == []


def test_hover_cards_show_the_evidence_and_the_paper(tmp_path, open_page):
    write_graph_html(small_graph(), tmp_path / "g.html")
    o = open_page(tmp_path / "g.html")
    page = o.page
    a = page.evaluate("kg.nodePagePosition('ent:mathstar')")
    b = page.evaluate("kg.nodePagePosition('ent:gpt4')")
    hover(page, (a["x"] + b["x"]) / 2, (a["y"] + b["y"]) / 2)
    card = page.locator("#kg-hovercard")
    card.wait_for(state="visible", timeout=5000)
    assert page.locator("#kg-hovercard .kg-evidence").inner_text() == OUTPERFORMS_EVIDENCE
    text = card.inner_text()
    assert "OUTPERFORMS" in text and "MathStar → GPT-4" in text
    assert "MathStar: scaling small models for grade-school math" in text and "0.91" in text

    p = page.evaluate("kg.nodePagePosition('2401.00001')")
    hover(page, p["x"], p["y"])
    page.wait_for_function("() => { const c = document.querySelector('#kg-hovercard .kg-card');"
                           " return c && c.dataset.id === '2401.00001'; }", timeout=5000)
    text = card.inner_text()
    assert "2024-01-15" in text and "listing-a.txt" in text and "A. Author" in text
    assert o.errors == []


def test_filters_hide_labels_and_relations(tmp_path, open_page):
    write_graph_html(small_graph(), tmp_path / "g.html")
    o = open_page(tmp_path / "g.html")
    page = o.page
    page.uncheck("#kg-legend-relations input[value=MENTIONS]")
    assert page.evaluate("[kgView.visibleNodes, kgView.visibleEdges]") == [7, 6]
    page.uncheck("#kg-legend-labels input[value=Paper]")
    # without papers: MathStar->GPT-4, MathStar->LoRA, QLoRA->LoRA remain
    assert page.evaluate("[kgView.visibleNodes, kgView.visibleEdges]") == [5, 3]
    assert page.evaluate("kg.nodes.get({filter: n => !n.hidden}).length") == 5
    page.check("#kg-legend-relations input[value=MENTIONS]")
    page.check("#kg-legend-labels input[value=Paper]")
    assert page.evaluate("[kgView.visibleNodes, kgView.visibleEdges]") == [7, 12]
    assert o.errors == []


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "escaping-alone"])
def test_hostile_titles_execute_nothing_and_show_as_text(tmp_path, open_page, bypass_csp):
    """Markup in every text field stays text, with the page's CSP and with the CSP disabled."""
    write_graph_html(hostile_graph(), tmp_path / "h.html", title=HOSTILE_SCRIPT)
    o = open_page(tmp_path / "h.html", bypass_csp=bypass_csp)
    page = o.page
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.evaluate("document.title") == HOSTILE_SCRIPT
    assert page.locator("#kg-title").inner_text() == HOSTILE_SCRIPT

    page.fill("#kg-search", "pwned")
    names = page.locator("#kg-results .kg-result-name").all_inner_texts()
    assert sorted(names) == sorted([HOSTILE_SCRIPT, HOSTILE_IMG])
    page.locator("#kg-results button[data-id='t-hostile']").click()
    details = page.locator("#kg-details")
    assert details.locator("h3").inner_text() == HOSTILE_SCRIPT
    assert HOSTILE_IMG in details.inner_text()  # sources and date, as text
    assert details.locator("a").count() == 0  # a javascript: URL is never made a link

    page.wait_for_function("() => !window.kgView.animating")  # the view has finished moving to the node
    e = page.evaluate("kg.edges.get({filter: x => x.kg.type === 'EXTENDS' && x.from === 'ent:hostile'})[0]")
    a = page.evaluate("kg.nodePagePosition('ent:hostile')")
    b = page.evaluate("kg.nodePagePosition('ent:lora')")
    hover(page, (a["x"] + b["x"]) / 2, (a["y"] + b["y"]) / 2)
    page.locator("#kg-hovercard").wait_for(state="visible", timeout=5000)
    assert page.locator("#kg-hovercard .kg-evidence").inner_text() == e["kg"]["evidence"] == HOSTILE_IMG + HOSTILE_SCRIPT

    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert page.evaluate("document.querySelectorAll('script').length") == 3
    assert o.errors == [] and o.foreign_requests() == []


@pytest.mark.slow
def test_seeds_view_loads_and_is_screenshotted(seeds_build, seeds_graph_path, open_page):
    """`kg build ../shared/seeds` wrote graph.html: it opens, draws the capped view, and looks right."""
    html = seeds_build / "graph.html"
    assert html.is_file(), "kg build did not write graph.html"
    expected = select_view(load_graph(seeds_graph_path)).stats
    o = open_page(html, timeout_ms=120_000)
    assert o.errors == [] and o.foreign_requests() == []
    v = o.view
    assert (v["nodes"], v["edges"]) == (expected["nodes"], expected["edges"])
    assert (v["drawnNodes"], v["drawnEdges"]) == (expected["nodes"], expected["edges"])
    if expected["cut_nodes"]:
        assert o.page.locator("#kg-left-out summary").inner_text().startswith(f"Left out: {expected['cut_nodes']:,}")
    ARTIFACTS.mkdir(exist_ok=True)
    o.page.screenshot(path=str(ARTIFACTS / "seeds-view.png"))
    assert (ARTIFACTS / "seeds-view.png").stat().st_size > 10_000

    # The same view after searching a benchmark: its neighbourhood spotlighted, its card pinned.
    G = load_graph(seeds_graph_path)
    drawn = set(select_view(G).graph.nodes)
    target = next((n for n in find_nodes(G, "GSM8K") if n in drawn), None) or max(
        (n for n in drawn if G.nodes[n]["label"] != "Paper"), key=lambda n: (G.degree(n), str(n)))
    name = G.nodes[target]["name"]
    o.page.fill("#kg-search", name)
    o.page.locator(f"#kg-results button[data-id='{target}']").click()
    o.page.wait_for_function("() => window.kgView.highlighted !== null && !window.kgView.animating")
    assert o.page.locator("#kg-details h3").inner_text() == name
    o.page.screenshot(path=str(ARTIFACTS / "seeds-view-search.png"))
    assert o.errors == []
