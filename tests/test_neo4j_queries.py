"""Every example query in scripts/queries/*.cypher, run on a real Neo4j, against the same answer from NetworkX.

Each query is checked on a synthetic two-corpus graph (answers also asserted by construction) and on the
seeds graph (``seeds_graph_path``, marked slow). Parameters are picked from the graph itself, so the
comparison works for any graph that follows the contract.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

try:
    from tests.neo4j_server import *  # noqa: F401,F403
    from tests.neo4j_server import REPO, make_corpus_a, make_corpus_b, run_kg
except ImportError:
    from neo4j_server import *  # noqa: F401,F403
    from neo4j_server import REPO, make_corpus_a, make_corpus_b, run_kg

from kg.io.graph_json import write_graph_json
from kg.neo4j.loader import load_graph
from kg.neo4j.query import run_query

pytestmark = pytest.mark.neo4j
QUERIES = REPO / "scripts" / "queries"


def query_text(name: str) -> str:
    return (QUERIES / f"{name}.cypher").read_text(encoding="utf-8")


def combined_graph() -> nx.MultiDiGraph:
    """Corpus A then B, merged the way the loader merges them (same ids = same node)."""
    return nx.compose(make_corpus_a(), make_corpus_b())


# --- the same answers, computed independently with NetworkX -------------------------------------------------

def nx_most_used_datasets(G: nx.MultiDiGraph) -> list[tuple[str, int]]:
    papers: dict[str, set] = {}
    for _, v, d in G.edges(data=True):
        if d["type"] == "USES" and G.nodes[v]["label"] == "Dataset":
            papers.setdefault(G.nodes[v]["name"], set()).add(d["paper"])
    return sorted(((name, len(p)) for name, p in papers.items()), key=lambda t: (-t[1], t[0]))


def nx_papers_outperforming(G: nx.MultiDiGraph, model: str) -> list[tuple[str, str]]:
    found = set()
    for _, v, d in G.edges(data=True):
        node = G.nodes[v]
        if d["type"] == "OUTPERFORMS" and node["label"] == "Model" and (
                node["name"] == model or model in (node.get("aliases") or [])):
            if d["paper"] in G and G.nodes[d["paper"]]["label"] == "Paper":
                found.add((d["paper"], G.nodes[d["paper"]].get("title")))
    return sorted(found)


def nx_lineage(G: nx.MultiDiGraph, technique: str) -> list[tuple[str, str, int]]:
    ext = nx.DiGraph((u, v) for u, v, d in G.edges(data=True) if d["type"] == "EXTENDS")
    best: dict[str, int] = {}
    for s in (n for n, d in G.nodes(data=True) if d["label"] == "Technique" and d["name"] == technique):
        if s not in ext:
            continue
        for node, depth in nx.single_source_shortest_path_length(ext, s, cutoff=10).items():
            if node != s:
                best[node] = min(depth, best.get(node, depth))
    rows = [(G.nodes[n]["name"], G.nodes[n]["label"], d) for n, d in best.items()]
    # one row per (name, kind), as the Cypher aggregation groups by them
    grouped: dict[tuple[str, str], int] = {}
    for name, kind, depth in rows:
        grouped[(name, kind)] = min(depth, grouped.get((name, kind), depth))
    return sorted(((n, k, d) for (n, k), d in grouped.items()), key=lambda t: (t[2], t[0]))


def nx_models_on_dataset(G: nx.MultiDiGraph, dataset: str) -> list[tuple[str, int]]:
    papers = {d["paper"] for _, v, d in G.edges(data=True)
              if d["type"] == "USES" and G.nodes[v]["label"] == "Dataset" and G.nodes[v]["name"] == dataset}
    models: dict[str, set] = {}
    for p in papers:
        if p not in G or G.nodes[p]["label"] != "Paper":
            continue
        for _, m, d in G.out_edges(p, data=True):
            if d["type"] == "MENTIONS" and G.nodes[m]["label"] == "Model":
                models.setdefault(G.nodes[m]["name"], set()).add(p)
    return sorted(((m, len(p)) for m, p in models.items()), key=lambda t: (-t[1], t[0]))


def nx_edge_evidence(G: nx.MultiDiGraph, source: str, target: str, rel: str) -> list[tuple]:
    seen = {}
    for u, v, d in G.edges(data=True):
        if d["type"] == rel and G.nodes[u].get("name") == source and G.nodes[v].get("name") == target:
            # Neo4j keeps one relationship per (source id, target id, type, paper)
            seen[(u, v, d["paper"])] = (d["paper"], d.get("evidence"), d.get("rule"), d.get("confidence"))
    return sorted(seen.values(), key=lambda t: (t[0], t[1] or ""))


# --- parameter choice from the graph -----------------------------------------------------------------------

def pick_outperformed_model(G) -> str:
    c = Counter(G.nodes[v]["name"] for _, v, d in G.edges(data=True)
                if d["type"] == "OUTPERFORMS" and G.nodes[v]["label"] == "Model")
    assert c, "graph has no OUTPERFORMS edge to a Model"
    return sorted(c.items(), key=lambda t: (-t[1], t[0]))[0][0]


def pick_extending_technique(G) -> str:
    ext = nx.DiGraph((u, v) for u, v, d in G.edges(data=True) if d["type"] == "EXTENDS")
    cands = [(len(nx.descendants(ext, n)), G.nodes[n]["name"]) for n in ext
             if G.nodes[n]["label"] == "Technique" and ext.out_degree(n)]
    assert cands, "graph has no Technique with an EXTENDS edge"
    return sorted(cands, key=lambda t: (-t[0], t[1]))[0][1]


def pick_used_dataset(G) -> str:
    return nx_most_used_datasets(G)[0][0]


def pick_claim(G) -> tuple[str, str, str]:
    claims = sorted((G.nodes[u]["name"], G.nodes[v]["name"], d["type"]) for u, v, d in G.edges(data=True)
                    if d["type"] in ("OUTPERFORMS", "EXTENDS", "USES"))
    assert claims
    return Counter(claims).most_common(1)[0][0]


# --- fixtures ----------------------------------------------------------------------------------------------

@pytest.fixture
def synthetic_loaded(neo4j_driver):
    """Corpus A and B loaded one after the other; returns (driver, combined NetworkX graph)."""
    load_graph(neo4j_driver, make_corpus_a(), batch_size=7)
    load_graph(neo4j_driver, make_corpus_b(), batch_size=7)
    return neo4j_driver, combined_graph()


@pytest.fixture
def seeds_loaded(neo4j_driver, seeds_graph_path):
    from kg.io.graph_json import read_graph_json as read

    G = read(seeds_graph_path)
    load_graph(neo4j_driver, G)
    return neo4j_driver, G


@pytest.fixture(params=["synthetic", pytest.param("seeds", marks=pytest.mark.slow)])
def loaded(request):
    return request.getfixturevalue(f"{request.param}_loaded")


def rows_of(driver, name: str, **params) -> list[tuple]:
    keys, rows = run_query(driver, query_text(name), params)
    return [tuple(r[k] for k in keys) for r in rows]


# --- the tests ---------------------------------------------------------------------------------------------

def test_most_used_datasets(loaded):
    driver, G = loaded
    expected = nx_most_used_datasets(G)
    got = rows_of(driver, "most_used_datasets", limit=len(expected) + 5)
    assert sorted(got, key=lambda t: (-t[1], t[0])) == expected
    top = rows_of(driver, "most_used_datasets", limit=2)
    assert [n for _, n in top] == [n for _, n in expected[:2]]


def test_most_used_datasets_by_construction(synthetic_loaded):
    driver, _ = synthetic_loaded
    got = dict(rows_of(driver, "most_used_datasets", limit=10))
    assert got == {"MathBench": 5, "{Brace} Set {0}": 1}


def test_papers_outperforming_model(loaded):
    driver, G = loaded
    model = pick_outperformed_model(G)
    expected = nx_papers_outperforming(G, model)
    assert expected
    assert rows_of(driver, "papers_outperforming_model", model=model) == expected


def test_papers_outperforming_model_by_construction(synthetic_loaded):
    driver, _ = synthetic_loaded
    got = [p for p, _ in rows_of(driver, "papers_outperforming_model", model="Llama")]  # by alias
    assert got == ["2401.00001", "2401.00003", "2402.00010"]
    got = rows_of(driver, "papers_outperforming_model", model="O'Neil \"Quoted\" Net")
    assert got == [("2401.00002", "QLoRA-style tuning")]


def test_technique_lineage(loaded):
    driver, G = loaded
    technique = pick_extending_technique(G)
    expected = nx_lineage(G, technique)
    assert expected
    got = rows_of(driver, "technique_lineage", technique=technique)
    assert sorted(got, key=lambda t: (t[2], t[0])) == expected


def test_technique_lineage_by_construction(synthetic_loaded):
    driver, _ = synthetic_loaded
    got = rows_of(driver, "technique_lineage", technique="Back`tick`Former")
    assert got == [("QLoRA", "Technique", 1), ("LoRA", "Technique", 2), ("Low-Rank Adaptation Root", "Technique", 3)]


def test_models_on_dataset(loaded):
    driver, G = loaded
    dataset = pick_used_dataset(G)
    expected = nx_models_on_dataset(G, dataset)
    got = rows_of(driver, "models_on_dataset", dataset=dataset)
    assert sorted(got, key=lambda t: (-t[1], t[0])) == expected


def test_models_on_dataset_by_construction(synthetic_loaded):
    driver, _ = synthetic_loaded
    got = dict(rows_of(driver, "models_on_dataset", dataset="MathBench"))
    assert got == {"Llama-Base": 4, "Llama-X": 2, "O'Neil \"Quoted\" Net": 1, "Slash\\Path\\Net; DROP": 1, "Tiny-Z": 1}


def test_edge_evidence(loaded):
    driver, G = loaded
    source, target, rel = pick_claim(G)
    expected = nx_edge_evidence(G, source, target, rel)
    assert expected
    got = rows_of(driver, "edge_evidence", source=source, target=target, type=rel)
    assert got == [tuple(e) for e in expected]


def test_edge_evidence_by_construction(synthetic_loaded):
    driver, _ = synthetic_loaded
    got = rows_of(driver, "edge_evidence", source="Llama-X", target="{Brace} Set {0}", type="USES")
    assert got == [("2401.00001", "Evidence with `backticks`, {braces} and 'quotes'.", "r-uses", 0.8)]


def test_queries_from_the_command_line(synthetic_loaded, neo4j_server, tmp_path: Path):
    """`kg neo4j query -f FILE --param ... --json` prints the same rows as the library call."""
    driver, _ = synthetic_loaded
    proc = run_kg("neo4j", "query", "-f", str(QUERIES / "technique_lineage.cypher"),
                  "--param", "technique=QLoRA", "--json", env=neo4j_server.env())
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [
        {"ancestor": "LoRA", "depth": 1, "kind": "Technique"},
        {"ancestor": "Low-Rank Adaptation Root", "depth": 2, "kind": "Technique"},
    ]
    proc = run_kg("neo4j", "query", "-f", str(QUERIES / "most_used_datasets.cypher"), "--param", "limit=1",
                  env=neo4j_server.env())
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["dataset   | papers", "----------+-------", "MathBench | 5", "(1 row)"]


def test_every_example_query_is_tested():
    tested = {"most_used_datasets", "papers_outperforming_model", "technique_lineage", "models_on_dataset",
              "edge_evidence"}
    assert {p.stem for p in QUERIES.glob("*.cypher")} == tested
