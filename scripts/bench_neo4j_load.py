#!/usr/bin/env python3
"""Benchmark `kg neo4j load` against the server's own floor, measured in the same run on the same graph.

The graph (``--graph``, e.g. the seeds graph.json; default: the synthetic test corpus) is scaled up by
``--copies`` disjoint renamed copies (:func:`kg.neo4j.synthetic.scale_graph`). Each round times, on a
wiped database with the ``id`` constraints in place and the same batch size:

* **floor** – the plainest load: ``UNWIND $rows CREATE`` nodes, then ``UNWIND $rows MATCH … MATCH … CREATE``
  relationships (rows prepared beforehand, no checks: it is only right on an empty database);
* **kg first load** – :func:`kg.neo4j.loader.load_graph` from the NetworkX graph (row building included);
* **kg re-load** – the same call again (everything exists: MERGE, nothing created; asserted).

Counts are checked after each load. One untimed floor load warms the server's JIT first. Rounds repeat
(``--rounds``) because the machine is shared; the table gives each round and the median. With
``--admin-import`` it also times ``neo4j-admin database import full`` of the same graph (the files of
``kg export --format neo4j-admin-csv`` / ``kg build --neo4j-csv``) into a stopped instance, then the
constraints after start. Uses ``NEO4J_URI``/``NEO4J_USER``/``NEO4J_PASSWORD`` when set, else starts
``scripts/neo4j-test-server start --name NAME`` and stops and purges it at the end.

    .venv/bin/python scripts/bench_neo4j_load.py --graph out/graph.json --copies 8 --rounds 3 --admin-import
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SERVER = REPO / "scripts" / "neo4j-test-server"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))


def floor_load(driver, nodes: dict[str, list[dict]], edges: dict[str, list[dict]], batch_size: int) -> None:
    """The plain-CREATE floor: constraints, CREATE node batches, MATCH-MATCH-CREATE relationship batches."""
    from kg.neo4j import cypher
    from kg.neo4j.loader import create_constraints
    from kg.neo4j.rows import iter_batches

    def write(tx, query: str, params: dict) -> None:
        tx.run(query, params).consume()

    create_constraints(driver)
    with driver.session() as session:
        for label, rows in nodes.items():
            for batch in iter_batches(rows, batch_size):
                session.execute_write(write, *cypher.create_nodes_query(label, batch))
        for rel, rows in edges.items():
            for batch in iter_batches(rows, batch_size):
                session.execute_write(write, *cypher.create_relationships_query(rel, batch))


def admin_import(G, name: str) -> tuple[float, float, dict]:
    """Seconds of ``neo4j-admin database import full`` of ``G`` into instance ``name`` and of the constraints."""
    from kg.io.neo4j_admin_csv import import_arguments, write_neo4j_admin_csv
    from kg.neo4j.loader import create_constraints, database_counts
    from kg.neo4j.settings import Neo4jSettings, open_driver

    with tempfile.TemporaryDirectory(prefix="kg-bench-import-") as tmp:
        out = Path(tmp) / "csv"
        write_neo4j_admin_csv(G, out)
        args = import_arguments(out)
        t0 = time.perf_counter()
        proc = subprocess.run([str(SERVER), "admin", "--name", name, "--", *args[:-1],
                               "--overwrite-destination=true", f"--report-file={Path(tmp) / 'import.report'}",
                               args[-1]], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        import_s = time.perf_counter() - t0
        if proc.returncode != 0:
            raise SystemExit(f"neo4j-admin import failed:\n{proc.stdout[-3000:]}")
    uri = subprocess.run([str(SERVER), "start", "--name", name], stdout=subprocess.PIPE, text=True,
                         check=True).stdout.strip().splitlines()[-1]
    with open_driver(Neo4jSettings(uri=uri)) as driver:
        t0 = time.perf_counter()
        create_constraints(driver)
        driver.execute_query("CALL db.awaitIndexes(600)")
        constraints_s = time.perf_counter() - t0
        counts = database_counts(driver)
    return import_s, constraints_s, counts


def load_average() -> str:
    """The 1-minute load average (the machine is shared: it explains spread between rounds)."""
    return f"{os.getloadavg()[0]:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, help="graph.json to scale (default: synthetic test corpus)")
    parser.add_argument("--copies", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3, help="floor / first load / re-load rounds")
    parser.add_argument("--admin-import", action="store_true", help="also time neo4j-admin database import")
    parser.add_argument("--name", default="bench", help="instance name when starting a test server")
    args = parser.parse_args()

    import networkx as nx

    from kg.io.graph_json import read_graph_json as read
    from kg.neo4j.loader import database_counts, load_graph
    from kg.neo4j.rows import edge_rows, expected_counts, node_rows
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
          f"{G.number_of_nodes()} nodes, {n_rels} relationships; batch size {args.batch_size}")
    nodes, edges = node_rows(G), edge_rows(G)

    started = None
    if not os.environ.get("NEO4J_URI"):
        proc = subprocess.run([str(SERVER), "start", "--name", args.name], stdout=subprocess.PIPE, text=True,
                              check=True)
        os.environ["NEO4J_URI"] = proc.stdout.strip().splitlines()[-1]
        started = args.name
    rounds: list[tuple[float, float, float, str]] = []
    admin = None
    try:
        with open_driver(Neo4jSettings.from_env()) as driver:
            wipe(driver)
            floor_load(driver, nodes, edges, args.batch_size)  # JIT warm-up, untimed
            for _ in range(args.rounds):
                wipe(driver)
                load = load_average()
                t0 = time.perf_counter()
                floor_load(driver, nodes, edges, args.batch_size)
                floor_s = time.perf_counter() - t0
                assert database_counts(driver) == expected, "counts differ after the floor load"
                wipe(driver)
                t0 = time.perf_counter()
                first = load_graph(driver, G, batch_size=args.batch_size)
                first_s = time.perf_counter() - t0
                assert database_counts(driver) == expected, "counts differ after the first load"
                assert first.relationships_created == n_rels
                t0 = time.perf_counter()
                again = load_graph(driver, G, batch_size=args.batch_size)
                reload_s = time.perf_counter() - t0
                assert again.nodes_created == again.relationships_created == 0, "the re-load created something"
                assert database_counts(driver) == expected
                rounds.append((floor_s, first_s, reload_s, f"{load}/{load_average()}"))
                print(f"round {len(rounds)}: floor {floor_s:.2f}s, first load {first_s:.2f}s, "
                      f"re-load {reload_s:.2f}s (load average {rounds[-1][3]})", flush=True)
            wipe(driver)
        if args.admin_import and started:
            subprocess.run([str(SERVER), "stop", "--name", started], check=True, stderr=subprocess.DEVNULL)
            admin = admin_import(G, started)
            assert admin[2] == expected, "counts differ after neo4j-admin import"
    finally:
        if started:
            subprocess.run([str(SERVER), "stop", "--name", started, "--purge"], check=False,
                           stderr=subprocess.DEVNULL)

    def rate(secs: float) -> str:
        return f"{n_rels / secs:,.0f}"

    print(f"\n| round | load avg | floor rels/s | kg first load rels/s | first / floor time | kg re-load rels/s |"
          f" re-load / floor time |\n| --- | --- | --- | --- | --- | --- | --- |")
    for i, (f, a, r, load) in enumerate(rounds, 1):
        print(f"| {i} | {load} | {rate(f)} | {rate(a)} | {a / f:.2f} | {rate(r)} | {r / f:.2f} |")
    f, a, r = (statistics.median(x[i] for x in rounds) for i in range(3))
    first_ratio = statistics.median(x[1] / x[0] for x in rounds)
    reload_ratio = statistics.median(x[2] / x[0] for x in rounds)
    print(f"| median | | {rate(f)} | {rate(a)} | {first_ratio:.2f} | {rate(r)} | {reload_ratio:.2f} |")
    if admin:
        print(f"\nneo4j-admin database import full: {admin[0]:.1f}s ({rate(admin[0])} rels/s, JVM start "
              f"included), then constraints {admin[1]:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
