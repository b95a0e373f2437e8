#!/usr/bin/env python
"""Benchmark: time until a kg viz page is stabilised and interactive in headless Chromium.

For each size (default 500 / 2,000 / 5,000 nodes) it builds a seeded synthetic graph that follows the
graph contract (:func:`viz.synthetic.synthetic_graph`), writes the page with :func:`viz.write_graph_html`
(no cap) and opens it from a ``file://`` URL in Debian's ``/usr/bin/chromium`` driven by Playwright.
Reported per size:

* ``write s``: Python time to select the view and write the HTML;
* ``ready s``: from navigation start until layout is finished, physics switched off and the page
  answers (``window.kgView.ready``, set on the first animation frame after stabilisation);
* ``click ms``: one select + neighbourhood highlight + redraw once ready (is it usable?);
* the same ``ready s`` for a baseline measured in the same run: the same page with vis-network's
  default physics (what a plain pyvis export does: barnesHut, 1,000 stabilisation iterations,
  improved layout), and the ratio baseline / kg. The baseline is capped by ``--baseline-timeout``.

Goal: ready in < 5 s at 2,000 nodes.

Usage::

    .venv/bin/python scripts/bench_viz.py                  # 500 2000 5000, baseline at 500 and 2000
    .venv/bin/python scripts/bench_viz.py --sizes 2000 --no-baseline
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
#: vis-network's own defaults, as a plain pyvis export would run them.
BASELINE_OPTIONS = {
    "layout": {"randomSeed": 20240601},
    "physics": {"enabled": True, "stabilization": {"enabled": True, "iterations": 1000, "fit": True}},
    "interaction": {"hover": True},
    "edges": {"arrows": {"to": {"enabled": True}}},
}


def write_pages(n: int, seed: int, out_dir: Path, baseline: bool) -> tuple[Path, Path | None, float, dict]:
    """Write the kg page (and the baseline page) for a synthetic graph of ``n`` nodes."""
    from kg.viz import render_graph_html, select_view
    from kg.viz import _legend  # noqa: PLC2701 - same package's legend builder, reused for the baseline page
    from kg.viz.network import build_network
    from kg.viz.render import render_page
    from kg.viz.synthetic import synthetic_graph

    G = synthetic_graph(n, seed=seed)
    t0 = time.perf_counter()
    html, stats = render_graph_html(G, max_nodes=None, title=f"bench {n}")
    page = out_dir / f"kg-{n}.html"
    page.write_text(html, encoding="utf-8")
    write_s = time.perf_counter() - t0
    base_page = None
    if baseline:
        view = select_view(G, max_nodes=None)
        net = build_network(view, G)
        net.options = BASELINE_OPTIONS
        base_page = out_dir / f"baseline-{n}.html"
        base_page.write_text(render_page(net, title=f"baseline {n}", stats=view.stats, meta=_legend(view)),
                             encoding="utf-8")
    return page, base_page, write_s, stats


def time_page(browser, page_path: Path, timeout_s: float) -> dict:
    """Open ``page_path`` in a fresh page; return readiness time, click time and console errors."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        try:
            # "commit": vis-network may lay out synchronously before the load event (the baseline does).
            page.goto(page_path.as_uri(), wait_until="commit", timeout=timeout_s * 1000)
            page.wait_for_function("() => window.kgView && window.kgView.ready", timeout=timeout_s * 1000, polling=50)
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError; report as "did not finish"
            return {"ready_s": None, "click_ms": None, "errors": errors}
        view = page.evaluate("window.kgView")
        click_ms = page.evaluate(
            """() => { const id = kg.nodes.getIds()[0]; const t = performance.now();
                       kg.selectNode(id); kg.network.redraw(); return performance.now() - t; }"""
        )
        return {"ready_s": view["readyMs"] / 1000, "click_ms": click_ms, "iterations": view["iterations"],
                "drawn": (view["drawnNodes"], view["drawnEdges"]), "errors": errors}
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 5000], help="node counts")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-baseline", action="store_true", help="skip the vis-network default-physics baseline")
    parser.add_argument("--baseline-sizes", type=int, nargs="+", default=[500, 2000],
                        help="sizes that also get the baseline (it takes minutes at 5,000 nodes)")
    parser.add_argument("--baseline-timeout", type=float, default=90.0, help="give up on a baseline page after S s")
    parser.add_argument("--timeout", type=float, default=120.0, help="give up on a kg page after S s")
    parser.add_argument("--keep", type=Path, help="keep the generated pages in this folder")
    args = parser.parse_args(argv)

    if not Path(CHROMIUM).exists():
        print(f"bench_viz: {CHROMIUM} not found; install Debian's chromium (apt-get install chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    out_dir = args.keep or Path(tempfile.mkdtemp(prefix="bench-viz-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for n in args.sizes:
                page, base_page, write_s, stats = write_pages(
                    n, args.seed, out_dir, not args.no_baseline and n in args.baseline_sizes)
                kg = time_page(browser, page, args.timeout)
                base = time_page(browser, base_page, args.baseline_timeout) if base_page else None
                rows.append((n, stats["edges"], write_s, kg, base))
                print(f"  {n} nodes done", file=sys.stderr)
        finally:
            browser.close()

    print(f"Chromium {CHROMIUM}, viewport 1400x900, seed {args.seed}; goal: ready < 5 s at 2,000 nodes")
    print(f"{'nodes':>6} {'edges':>6} {'write s':>8} {'ready s':>8} {'iters':>6} {'click ms':>9} "
          f"{'baseline s':>11} {'ratio':>6}  errors")
    for n, n_edges, write_s, kg, base in rows:
        ready = f"{kg['ready_s']:.2f}" if kg["ready_s"] is not None else "timeout"
        click = f"{kg['click_ms']:.0f}" if kg["click_ms"] is not None else "-"
        if base is None:
            b, ratio = "-", "-"
        elif base["ready_s"] is None:
            b, ratio = f">{args.baseline_timeout:.0f}", (f">{args.baseline_timeout / kg['ready_s']:.1f}" if kg["ready_s"] else "-")
        else:
            b = f"{base['ready_s']:.2f}"
            ratio = f"{base['ready_s'] / kg['ready_s']:.1f}x" if kg["ready_s"] else "-"
        errs = len(kg["errors"])
        print(f"{n:>6} {n_edges:>6} {write_s:>8.2f} {ready:>8} {kg.get('iterations') or '-':>6} {click:>9} "
              f"{b:>11} {ratio:>6}  {errs}")
    failed = any(kg["ready_s"] is None or kg["errors"] for _, _, _, kg, _ in rows)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
