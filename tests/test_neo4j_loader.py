"""`kg neo4j load|wipe|query` against a real Neo4j 5.26 server (see tests/neo4j_server.py).

Counts after a first and a second load, incremental load of a second corpus, hostile names round-trip,
wipe leaves foreign data, auth and connection failures, and a server stopped mid-load then restarted.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
import pytest

try:
    from tests.neo4j_server import *  # noqa: F401,F403
    from tests.neo4j_server import HOSTILE_NAMES, REPO, expected_snapshot, make_corpus_a, make_corpus_b, run_kg, snapshot
except ImportError:
    from neo4j_server import *  # noqa: F401,F403
    from neo4j_server import HOSTILE_NAMES, REPO, expected_snapshot, make_corpus_a, make_corpus_b, run_kg, snapshot

from kg.io.graph_json import write_graph_json
from kg.neo4j.loader import database_counts, load_graph
from kg.neo4j.rows import expected_counts
from kg.neo4j.synthetic import scale_graph

pytestmark = pytest.mark.neo4j


def write(G: nx.MultiDiGraph, path: Path) -> Path:
    write_graph_json(G, path)
    return path


def test_load_twice_counts_and_content_unchanged(neo4j_driver, neo4j_server, tmp_path):
    G = make_corpus_a()
    path = write(G, tmp_path / "graph.json")
    proc = run_kg("neo4j", "load", str(path), "--batch-size", "4", env=neo4j_server.env())
    assert proc.returncode == 0, proc.stderr
    assert "created" in proc.stdout
    assert database_counts(neo4j_driver) == expected_counts(G)
    assert sum(expected_counts(G).values()) == G.number_of_nodes() + G.number_of_edges()
    first = snapshot(neo4j_driver)
    assert first == expected_snapshot(G)

    proc = run_kg("neo4j", "load", str(path), env=neo4j_server.env())
    assert proc.returncode == 0, proc.stderr
    assert "(0 nodes and 0 relationships created)" in proc.stdout
    assert database_counts(neo4j_driver) == expected_counts(G)
    assert snapshot(neo4j_driver) == first


def test_constraints_exist_per_label(neo4j_driver):
    load_graph(neo4j_driver, make_corpus_a())
    rows = neo4j_driver.execute_query(
        "SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type RETURN labelsOrTypes[0] AS l, properties, type"
    ).records
    unique_on_id = {r["l"] for r in rows if r["properties"] == ["id"] and r["type"] == "UNIQUENESS"}
    assert {"KgNode", "Paper", "Model", "Dataset", "Technique"} <= unique_on_id


def test_incremental_load_adds_only_new_and_merges_shared(neo4j_driver):
    A, B = make_corpus_a(), make_corpus_b()
    load_graph(neo4j_driver, A, batch_size=5)
    report = load_graph(neo4j_driver, B, batch_size=5)
    new_nodes = set(B) - set(A)
    rel_ids = lambda G: {(u, v, d["type"], d["paper"]) for u, v, d in G.edges(data=True)}  # noqa: E731
    assert report.nodes_created == len(new_nodes) == 3
    assert report.relationships_created == len(rel_ids(B) - rel_ids(A)) == len(rel_ids(B))
    combined = nx.compose(A, B)
    assert database_counts(neo4j_driver) == expected_counts(combined)
    (mb,) = neo4j_driver.execute_query(
        "MATCH (d:Dataset {name: 'MathBench'}) RETURN d.aliases AS aliases, d.paper_count AS pc").records
    assert mb["aliases"] == ["MATH-Bench", "MB"]  # union, first-seen order
    assert mb["pc"] == 2  # scalars: the last loaded graph's value
    # loading both again changes nothing
    again = load_graph(neo4j_driver, A), load_graph(neo4j_driver, B)
    assert [r.nodes_created + r.relationships_created for r in again] == [0, 0]
    assert database_counts(neo4j_driver) == expected_counts(combined)


def test_hostile_names_round_trip(neo4j_driver):
    G = make_corpus_a()
    load_graph(neo4j_driver, G)
    got = {r["name"] for r in neo4j_driver.execute_query("MATCH (n:KgNode) RETURN n.name AS name").records}
    for name in HOSTILE_NAMES:
        assert name in got
    # lookups by parameter find them back exactly
    for name in HOSTILE_NAMES:
        rec = neo4j_driver.execute_query("MATCH (n:KgNode {name: $name}) RETURN n.id AS id", {"name": name}).records
        assert len(rec) == 1 and G.nodes[rec[0]["id"]]["name"] == name
    evidence = {r["e"] for r in neo4j_driver.execute_query("MATCH ()-[r]->() RETURN r.evidence AS e").records}
    assert evidence == {d["evidence"] for _, _, d in G.edges(data=True)}


def test_property_types_none_dicts_lists(neo4j_driver):
    G = nx.MultiDiGraph()
    G.add_node("p1", label="Paper", name="P", title="P", abstract="A", sources=["s.txt"], aliases=[],
               authors=["x", "y"], url=None, date=None, extra={"b": 1, "a": [1, 2]})
    G.add_node("ent:m", label="Model", name="M", aliases=[], paper_count=1)
    G.add_edge("p1", "ent:m", key="k", type="MENTIONS", paper="p1", evidence="e", rule="r", confidence=1.0)
    load_graph(neo4j_driver, G)
    (rec,) = neo4j_driver.execute_query("MATCH (n:Paper {id: 'p1'}) RETURN properties(n) AS p").records
    assert rec["p"]["authors"] == ["x", "y"]
    assert "url" not in rec["p"] and "date" not in rec["p"]
    assert json.loads(rec["p"]["extra"]) == {"a": [1, 2], "b": 1}


def test_wipe_deletes_only_this_tools_nodes(neo4j_driver, neo4j_server, tmp_path):
    neo4j_driver.execute_query("CREATE (:Foreign {name: 'keep me'})-[:LINKS]->(:Foreign {name: 'me too'})")
    try:
        G = make_corpus_a()
        load_graph(neo4j_driver, G)
        proc = run_kg("neo4j", "wipe", "--batch-size", "3", env=neo4j_server.env())
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip() == f"wiped {G.number_of_nodes()} nodes"
        assert database_counts(neo4j_driver) == {}
        foreign = neo4j_driver.execute_query("MATCH (f:Foreign)-[:LINKS]->() RETURN count(*) AS c").records
        assert foreign[0]["c"] == 1
        # load --wipe replaces the previous content: only corpus B remains
        load_graph(neo4j_driver, G)
        path = write(make_corpus_b(), tmp_path / "b.json")
        proc = run_kg("neo4j", "load", str(path), "--wipe", env=neo4j_server.env())
        assert proc.returncode == 0, proc.stderr
        assert database_counts(neo4j_driver) == expected_counts(make_corpus_b())
    finally:
        neo4j_driver.execute_query("MATCH (f:Foreign) DETACH DELETE f")


def test_query_command_table_json_and_params(neo4j_driver, neo4j_server):
    load_graph(neo4j_driver, make_corpus_a())
    name = HOSTILE_NAMES[1]
    proc = run_kg("neo4j", "query", "MATCH (n:KgNode {name: $name}) RETURN n.id AS id, n.name AS name",
                  "--param", f"name={name}", "--json", env=neo4j_server.env())
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [{"id": "ent:backtick", "name": name}]
    proc = run_kg("neo4j", "query", "RETURN $n + 1 AS n, $l AS l", "--param", "n=41", "--param", 'l=["a"]',
                  env=neo4j_server.env())
    assert proc.stdout.splitlines() == ["n  | l", "---+------", '42 | ["a"]', "(1 row)"]
    proc = run_kg("neo4j", "query", "MATCH (n) RETURN n.", env=neo4j_server.env())
    assert proc.returncode == 1 and "Cypher failed" in proc.stderr


def test_bad_input_names_the_file(neo4j_server, tmp_path):
    bad = tmp_path / "bad.json"
    G = nx.MultiDiGraph()
    G.add_node("x", label="Person", name="X")
    write_graph_json(G, bad)
    proc = run_kg("neo4j", "load", str(bad), env=neo4j_server.env())
    assert proc.returncode == 1 and str(bad) in proc.stderr and "Person" in proc.stderr
    proc = run_kg("neo4j", "load", str(tmp_path / "missing.json"), env=neo4j_server.env())
    assert proc.returncode == 1 and "missing.json" in proc.stderr


def test_unreachable_server_gives_clear_message(tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    path = write(make_corpus_b(), tmp_path / "g.json")
    proc = run_kg("neo4j", "load", str(path), env={"NEO4J_URI": f"bolt://127.0.0.1:{port}", "PATH": "/usr/bin"})
    assert proc.returncode == 1
    assert f"cannot reach Neo4j at bolt://127.0.0.1:{port}" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_auth_failure_and_success(managed_instance, tmp_path):
    password = "kg-test-Secr3t!"
    server = managed_instance("auth", password=password)
    path = write(make_corpus_b(), tmp_path / "g.json")
    wrong = {**server.env(), "NEO4J_PASSWORD": "not-the-password"}
    proc = run_kg("neo4j", "load", str(path), env=wrong)
    assert proc.returncode == 1
    assert "refused authentication" in proc.stderr and "Traceback" not in proc.stderr
    assert "not-the-password" not in proc.stderr + proc.stdout
    no_auth = {k: v for k, v in server.env().items() if k not in ("NEO4J_USER", "NEO4J_PASSWORD")}
    proc = run_kg("neo4j", "query", "RETURN 1", env=no_auth)
    assert proc.returncode == 1 and "authentication" in proc.stderr
    proc = run_kg("-v", "neo4j", "load", str(path), env=server.env())
    assert proc.returncode == 0, proc.stderr
    assert password not in proc.stderr + proc.stdout
    with server.driver() as driver:
        assert database_counts(driver) == expected_counts(make_corpus_b())


def test_server_stopped_mid_load_then_restarted(managed_instance, tmp_path):
    server = managed_instance("restart")
    G = scale_graph(make_corpus_a(), 60)
    path = write(G, tmp_path / "big.json")
    env = {**server.env(), "KG_NEO4J_MAX_RETRY_TIME": "3"}
    loader = subprocess.Popen([sys.executable, "-m", "kg", "-q", "neo4j", "load", str(path), "--batch-size", "10"],
                              cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        with server.driver() as driver:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                rels = driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS c").records[0]["c"]
                if rels > 0:
                    break
                assert loader.poll() is None, "the load finished before the server could be stopped"
                time.sleep(0.05)
        assert loader.poll() is None, "the load finished before the server could be stopped"
        server.stop()
        assert server.status() == "stopped"
        out, err = loader.communicate(timeout=120)
    finally:
        if loader.poll() is None:
            loader.kill()
    assert loader.returncode == 1, err
    assert "lost the Neo4j connection" in err or "cannot reach Neo4j" in err, err
    server.start()
    with server.driver() as driver:
        partial = database_counts(driver)
        assert 0 < sum(partial.values()) < sum(expected_counts(G).values())
    proc = run_kg("neo4j", "load", str(path), "--batch-size", "500", env=server.env())
    assert proc.returncode == 0, proc.stderr
    with server.driver() as driver:
        assert database_counts(driver) == expected_counts(G)
        _, rels = snapshot(driver)
        assert len(rels) == G.number_of_edges()


def test_first_load_creates_reload_merges(neo4j_driver):
    """A first load writes every row by CREATE (proved new), a re-load every row by MERGE and creates nothing."""
    G = scale_graph(make_corpus_a(), 3)
    first = load_graph(neo4j_driver, G, batch_size=7)
    total = first.nodes + first.relationships
    assert (first.created_path, first.merge_path) == (total, 0)
    assert (first.nodes_created, first.relationships_created) == (G.number_of_nodes(), G.number_of_edges())
    assert snapshot(neo4j_driver) == expected_snapshot(G)
    again = load_graph(neo4j_driver, G, batch_size=7)
    assert (again.created_path, again.merge_path) == (0, total)
    assert again.nodes_created == again.relationships_created == 0
    assert snapshot(neo4j_driver) == expected_snapshot(G)


def test_partly_present_graph_mixes_paths_and_ends_exact(neo4j_driver):
    """Rows whose nodes survive go down the MERGE path, the rest CREATE; the result is exactly the graph."""
    G = make_corpus_a()
    load_graph(neo4j_driver, G)
    # keep paper 2401.00001 and its entities; drop the other papers (with their relationships) and 3 entities
    neo4j_driver.execute_query("MATCH (n:KgNode) WHERE n.id IN $ids DETACH DELETE n",
                               {"ids": ["2401.00002", "2401.00003", "ent:qlora", "ent:nandu", "ent:root"]})
    neo4j_driver.execute_query("MATCH ()-[r:USES]->() WHERE r.paper = '2401.00001' DELETE r")
    report = load_graph(neo4j_driver, G, batch_size=4)
    assert report.created_path > 0 and report.merge_path > 0
    assert report.nodes_created == 5
    assert database_counts(neo4j_driver) == expected_counts(G)
    assert snapshot(neo4j_driver) == expected_snapshot(G)


def test_retried_relationship_batch_merges(neo4j_driver):
    """A driver retry of a relationship batch whose first attempt committed must not duplicate: it MERGEs."""
    from kg.neo4j.loader import _write_relationships
    from kg.neo4j.rows import edge_rows

    G = make_corpus_a()
    load_graph(neo4j_driver, G)
    neo4j_driver.execute_query("MATCH ()-[r:MENTIONS]->() DELETE r")
    rows = edge_rows(G)["MENTIONS"]
    sources = {row["source"] for row in rows}
    attempts = [0]
    with neo4j_driver.session() as session:
        first, _ = session.execute_write(_write_relationships, "MENTIONS", rows, sources, attempts)
        retry, _ = session.execute_write(_write_relationships, "MENTIONS", rows, sources, attempts)
    assert first["relationships_created"] == first["created_path"] == len(rows)
    assert attempts == [2] and retry["relationships_created"] == 0 and retry["merge_path"] == len(rows)
    assert database_counts(neo4j_driver) == expected_counts(G)
    assert snapshot(neo4j_driver) == expected_snapshot(G)
