"""Exports checked on a real Neo4j: the Cypher script and the neo4j-admin CSV import both recreate exactly
what `kg neo4j load` writes for the same graph."""

from __future__ import annotations

import subprocess

import pytest

try:
    from tests.neo4j_server import *  # noqa: F401,F403
    from tests.neo4j_server import SERVER_SCRIPT, expected_snapshot, make_corpus_a, run_kg, snapshot
except ImportError:
    from neo4j_server import *  # noqa: F401,F403
    from neo4j_server import SERVER_SCRIPT, expected_snapshot, make_corpus_a, run_kg, snapshot

from kg.io.cypher_script import read_cypher
from kg.io.neo4j_admin_csv import import_arguments
from kg.io.graph_json import write_graph_json
from kg.neo4j.loader import create_constraints, database_counts, load_graph
from kg.neo4j.rows import expected_counts

pytestmark = pytest.mark.neo4j


def test_cypher_script_recreates_the_graph(neo4j_driver, tmp_path):
    G = make_corpus_a()
    path = tmp_path / "graph.json"
    write_graph_json(G, path)
    script = tmp_path / "graph.cypher"
    assert run_kg("export", str(path), "--format", "cypher", "--out", str(script)).returncode == 0
    for statement in read_cypher(script):
        neo4j_driver.execute_query(statement)
    from_script = snapshot(neo4j_driver)
    assert from_script == expected_snapshot(G)
    assert database_counts(neo4j_driver) == expected_counts(G)
    # the loader on top of it changes nothing: same identity, same properties
    report = load_graph(neo4j_driver, G)
    assert report.nodes_created == report.relationships_created == 0
    assert snapshot(neo4j_driver) == from_script


def test_neo4j_admin_csv_import(managed_instance, tmp_path):
    G = make_corpus_a()
    path = tmp_path / "graph.json"
    write_graph_json(G, path)
    out = tmp_path / "csv"
    assert run_kg("export", str(path), "--format", "neo4j-admin-csv", "--out", str(out)).returncode == 0
    server = managed_instance("import", running=False)      # neo4j-admin imports into a stopped, new instance
    args = import_arguments(out)
    assert args[:3] == ["database", "import", "full"]
    proc = subprocess.run([str(SERVER_SCRIPT), "admin", "--name", server.name, "--",
                           *args[:-1], "--overwrite-destination=true", f"--report-file={tmp_path / 'import.report'}",
                           args[-1]],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.returncode == 0, proc.stdout
    server.start()
    with server.driver() as driver:
        create_constraints(driver)
        assert database_counts(driver) == expected_counts(G)
        # neo4j-admin stores an empty array field as "no property"; everything else must match exactly
        assert drop_empty_lists(snapshot(driver)) == drop_empty_lists(expected_snapshot(G))


def drop_empty_lists(snap: tuple[dict, dict]) -> tuple[dict, dict]:
    nodes, rels = snap
    clean = lambda props: {k: v for k, v in props.items() if v != []}  # noqa: E731
    return ({i: (labels, clean(p)) for i, (labels, p) in nodes.items()}, {i: clean(p) for i, p in rels.items()})
