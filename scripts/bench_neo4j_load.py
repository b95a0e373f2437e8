#!/usr/bin/env python3
"""Benchmark `kg neo4j load`: relationships/s for several batch sizes, and the idempotent re-load time.

The graph (``--graph``, e.g. the seeds graph.json; default: the synthetic test corpus) is scaled up by
``--copies`` disjoint renamed copies (:func:`kg.neo4j.synthetic.scale_graph`). Each batch size loads into
a wiped database; the re-load repeats the last load (nothing is created). The baseline row is batch size 1
on the first copy only, measured in the same run. Uses ``NEO4J_URI``/``NEO4J_USER``/``NEO4J_PASSWORD`` when
set, else starts ``scripts/neo4j-test-server start --name bench`` and stops it at the end.

    .venv/bin/python scripts/bench_neo4j_load.py --graph /tmp/seeds-out/graph.json --copies 20
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, help="graph.json to scale (default: synthetic test corpus)")
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--batch-sizes", default="500,2000,5000,10000")
    args = parser.parse_args()

    import networkx as nx

    from kg.graphio import load_graph as read
    from kg.neo4j.loader import database_counts, load_graph
    from kg.neo4j.rows import expected_counts
    from kg.neo4j.settings import Neo4jSettings, open_driver
    from kg.neo4j.synthetic import scale_graph
    from kg.neo4j.wipe import wipe

    if args.graph:
        base = read(args.graph)
    else:
        from neo4j_server import make_corpus_a, make_corpus_b
        base = nx.compose(make_corpus_a(), make_corpus_b())
    G = scale_graph(base, args.copies)
    expected = expected_counts(G)
    n_rels = sum(v for k, v in expected.items() if k.isupper())
    print(f"graph: {base.number_of_nodes()} nodes / {base.number_of_edges()} edges x {args.copies} copies = "
          f"{G.number_of_nodes()} nodes, {n_rels} relationships")

    started = None
    env_uri = os.environ.get("NEO4J_URI")
    if not env_uri:
        proc = subprocess.run([str(REPO / "scripts" / "neo4j-test-server"), "start", "--name", "bench"],
                              stdout=subprocess.PIPE, text=True, check=True)
        os.environ["NEO4J_URI"] = proc.stdout.strip().splitlines()[-1]
        started = "bench"
    try:
        with open_driver(Neo4jSettings.from_env()) as driver:
            wipe(driver)
            t0 = time.perf_counter()
            load_graph(driver, base, batch_size=1)
            base_rate = base.number_of_edges() / (time.perf_counter() - t0)
            rows = [("1 (baseline, 1 copy)", base.number_of_edges(), time.perf_counter() - t0, base_rate)]
            last = None
            for size in [int(s) for s in args.batch_sizes.split(",")]:
                wipe(driver)
                t0 = time.perf_counter()
                load_graph(driver, G, batch_size=size)
                elapsed = time.perf_counter() - t0
                assert database_counts(driver) == expected, "counts differ after load"
                rows.append((str(size), n_rels, elapsed, n_rels / elapsed))
                last = size
            t0 = time.perf_counter()
            report = load_graph(driver, G, batch_size=last)
            reload_s = time.perf_counter() - t0
            assert report.nodes_created == report.relationships_created == 0
            wipe(driver)
    finally:
        if started:
            subprocess.run([str(REPO / "scripts" / "neo4j-test-server"), "stop", "--name", started, "--purge"],
                           check=False, stderr=subprocess.DEVNULL)
    print(f"\n{'batch size':>22} | {'rels':>7} | {'seconds':>8} | {'rels/s':>8} | x baseline")
    print("-" * 66)
    for size, n, secs, rate in rows:
        print(f"{size:>22} | {n:>7} | {secs:8.2f} | {rate:8.0f} | {rate / base_rate:6.1f}")
    print(f"\nidempotent re-load (batch {last}, nothing created): {reload_s:.2f}s "
          f"({n_rels / reload_s:.0f} rels/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
