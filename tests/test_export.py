"""`kg export` without a server: GEXF and Cytoscape round-trip through NetworkX's readers, every format is
deterministic, Cypher literals escape hostile text, neo4j-admin CSV headers are typed."""

from __future__ import annotations

import csv
import json

import networkx as nx
import pytest

try:
    from tests.neo4j_server import HOSTILE_NAMES, make_corpus_a, run_kg
except ImportError:
    from neo4j_server import HOSTILE_NAMES, make_corpus_a, run_kg

from kg.io import EXPORT_FORMATS
from kg.io.cypher_script import identifier, literal, statements, string_literal
from kg.io.neo4j_admin_csv import ARRAY_DELIMITER
from kg.io.graph_json import write_graph_json


@pytest.fixture
def graph_path(tmp_path):
    path = tmp_path / "graph.json"
    write_graph_json(make_corpus_a(), path)
    return path


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_every_format_is_deterministic(graph_path, tmp_path, fmt):
    outs = []
    for i in range(2):
        out = tmp_path / f"{fmt}-{i}"
        proc = run_kg("-q", "export", str(graph_path), "--format", fmt, "--out", str(out))
        assert proc.returncode == 0, proc.stderr
        files = sorted(out.iterdir()) if out.is_dir() else [out]
        outs.append({f.name if out.is_dir() else "": f.read_bytes() for f in files})
    assert outs[0] == outs[1] and outs[0]


def test_gexf_round_trip(graph_path, tmp_path):
    out = tmp_path / "g.gexf"
    assert run_kg("export", str(graph_path), "--format", "gexf", "--out", str(out)).returncode == 0
    H = nx.read_gexf(out)
    G = make_corpus_a()
    assert set(H.nodes) == set(G.nodes) and H.number_of_edges() == G.number_of_edges()
    for n, d in G.nodes(data=True):
        assert H.nodes[n]["name"] == d["name"]
        assert json.loads(H.nodes[n]["aliases"]) == d["aliases"]
        assert H.nodes[n]["kind"] == d["label"]
    assert sorted(d["relation"] for _, _, d in H.edges(data=True)) == sorted(d["type"] for _, _, d in G.edges(data=True))
    assert "lastmodifieddate" not in out.read_text(encoding="utf-8")


def test_cytoscape_round_trip(graph_path, tmp_path):
    out = tmp_path / "g.json"
    assert run_kg("export", str(graph_path), "--format", "cytoscape", "--out", str(out)).returncode == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    H = nx.cytoscape_graph(data)
    G = make_corpus_a()
    assert {n: H.nodes[n]["name"] for n in H} == {n: d["name"] for n, d in G.nodes(data=True)}
    assert sorted((u, v, d["type"], d["evidence"]) for u, v, d in H.edges(data=True)) == \
        sorted((u, v, d["type"], d["evidence"]) for u, v, d in G.edges(data=True))


def test_cypher_literals_escape_everything():
    assert string_literal("a'b") == "'a\\'b'"
    assert string_literal("a\\'b") == "'a\\\\\\'b'"
    assert string_literal("x\ny\u2028") == "'x\\ny\\u2028'"
    assert identifier("we`ird") == "`we``ird`"
    assert literal(float("nan")) == "'nan'"
    script = "\n".join(statements(make_corpus_a()))
    assert len(script.splitlines()) == len(statements(make_corpus_a()))  # no raw newline inside a statement
    for name in HOSTILE_NAMES:
        assert string_literal(name) in script


def test_neo4j_admin_csv_headers_and_quoting(graph_path, tmp_path):
    out = tmp_path / "csv"
    proc = run_kg("export", str(graph_path), "--format", "neo4j-admin-csv", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == ["import-command.txt", "nodes_Dataset.csv", "nodes_Model.csv", "nodes_Paper.csv",
                     "nodes_Technique.csv", "rels_EXTENDS.csv", "rels_INTRODUCES.csv", "rels_MENTIONS.csv",
                     "rels_OUTPERFORMS.csv", "rels_USES.csv"]
    with open(out / "nodes_Model.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["id:ID", ":LABEL", "aliases:string[]", "label:string", "name:string", "paper_count:long",
                       "sources:string[]"]
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["ent:oneil"][4] == HOSTILE_NAMES[0]
    assert by_id["ent:llama-x"][2].split(ARRAY_DELIMITER) == ["LlamaX", "Llama X"]
    assert by_id["ent:llama-x"][1] == f"KgNode{ARRAY_DELIMITER}Model"
    with open(out / "rels_USES.csv", newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header == [":START_ID", ":END_ID", ":TYPE", "confidence:double", "evidence:string", "key:string",
                      "paper:string", "rule:string"]


def test_export_bad_input(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    proc = run_kg("export", str(bad), "--format", "gexf", "--out", str(tmp_path / "x.gexf"))
    assert proc.returncode == 1 and "bad.json" in proc.stderr
