"""``kg build --update`` does work in proportion to the change: unchanged input files are left unread, and the
edges of unchanged papers are copied from the earlier graph.json and graph.graphml (``kg.pipeline.splice``).
Whatever the shortcut, the folder ends byte for byte as a from-scratch build of the same inputs, also when the
state it relies on is missing, stale or damaged."""

from __future__ import annotations

import json
import os
from pathlib import Path

import networkx as nx
import pytest

import kg.pipeline.read as read_step
from kg.api import graph_writers
from kg.io.graph_files import Edge, edge_signature, write_graph_files
from kg.io.graph_json import write_graph_json
from kg.io.graphml import write_graphml
from kg.pipeline import BuildSummary, run_build
from update_papers import OLD

A = OLD     # three papers sharing names (MCTS, GSM8K, LoRA)
B = [
    {"title": "Sparse Attention for Long Documents", "abstract": "We propose SparseDoc, a sparse attention "
     "Transformer for long documents, evaluated on PubMed and arXiv summarization.", "date": "2024-03-04"},
    {"title": "Distilling BERT for Search", "abstract": "We distill BERT into a small ranker and evaluate it on "
     "MS MARCO, where it outperforms BM25.", "date": "2024-03-05"},
]
#: two papers naming an entity by a bare acronym, then a paper that spells it out: the entity gets another id
HGT = [{"title": "FooNet for Node Classification", "abstract": "We propose FooNet, a graph network. FooNet "
        "outperforms HGT and GCN on OGB-Arxiv.", "date": "2024-01-01"},
       {"title": "Scaling Graph Models", "abstract": "We scale HGT to billions of edges and train it with DGL on "
        "OGB-Papers.", "date": "2024-01-02"}]
ALIAS = {"title": "Heterogeneous Graph Transformer Revisited", "abstract": "We revisit the Heterogeneous Graph "
         "Transformer (HGT) and show that HGT needs fewer layers.", "date": "2024-01-03"}
PLAIN = {"title": "Contrastive Pretraining for Speech", "abstract": "We pretrain a speech encoder with a "
         "contrastive loss and fine-tune it on LibriSpeech.", "date": "2024-03-07"}


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def build(inputs: Path, out: Path, *, update: bool = False, html: bool = False) -> BuildSummary:
    return run_build([str(inputs)], out, writers=graph_writers(html=html), progress=False, update=update,
                     rules_only=True)


@pytest.fixture
def earlier(tmp_path: Path) -> tuple[Path, Path]:
    """A folder of listings and an earlier build of it (the update reads the same folder, as after a fetch)."""
    inputs, built = tmp_path / "listings", tmp_path / "built"
    inputs.mkdir()
    write_jsonl(inputs / "a.jsonl", A)
    write_jsonl(inputs / "b.jsonl", B)
    build(inputs, built)
    return inputs, built


@pytest.fixture
def full_resolutions(monkeypatch) -> list[int]:
    """How many times every paper is resolved anew (not from the earlier build's tally)."""
    import kg.pipeline.resolve as resolve_step

    calls: list[int] = []
    real = resolve_step.resolve_entities

    def spy(papers, extractions):
        calls.append(len(papers))
        return real(papers, extractions)

    monkeypatch.setattr(resolve_step, "resolve_entities", spy)
    return calls


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The names of the input files the reading step parses."""
    seen: list[str] = []
    real = read_step.read_records

    def spy(path, kind=None):
        seen.append(Path(path).name)
        return real(path, kind)

    monkeypatch.setattr(read_step, "read_records", spy)
    return seen


def update_equals_scratch(inputs: Path, built: Path, tmp_path: Path, *, html: bool = False,
                          reads: list[str] | None = None) -> BuildSummary:
    """Update ``built`` from ``inputs``, build ``inputs`` from scratch, and check both folders are the same bytes
    (``reads``, when given, keeps only the files the update read)."""
    if reads is not None:
        reads.clear()
    summary = build(inputs, built, update=True, html=html)
    read_by_update = list(reads or [])
    build(inputs, tmp_path / "scratch", html=html)
    assert files(built) == files(tmp_path / "scratch")
    if reads is not None:
        reads[:] = read_by_update
    return summary


def test_unchanged_files_are_not_read(earlier, reads, full_resolutions, tmp_path: Path) -> None:
    inputs, built = earlier
    write_jsonl(inputs / "c.jsonl", [PLAIN])
    reads.clear()
    summary = build(inputs, built, update=True)
    assert reads == ["c.jsonl"]
    assert full_resolutions == []                        # the earlier tally, plus the new paper
    assert summary.reused == 5 and summary.records == 6
    assert summary.copied == 5                          # every old paper's edges copied
    build(inputs, tmp_path / "scratch")
    assert files(built) == files(tmp_path / "scratch")
    assert {".kg-build.json", ".kg-graph-index.json"} <= set(files(built))


def test_inputs_named_another_way_are_not_read(earlier, reads, monkeypatch, tmp_path: Path) -> None:
    """The earlier build named the folder by its absolute path; an update naming it relatively, from its parent,
    still finds the unchanged files (the state keys them by resolved path)."""
    inputs, built = earlier
    write_jsonl(inputs / "c.jsonl", [PLAIN])
    monkeypatch.chdir(tmp_path)
    reads.clear()
    summary = run_build(["./listings"], Path("built"), writers=graph_writers(html=False), progress=False,
                        update=True, rules_only=True)
    assert reads == ["c.jsonl"] and summary.reused == 5 and summary.records == 6
    build(inputs, tmp_path / "scratch")
    assert files(built) == files(tmp_path / "scratch")


def test_nothing_new_reads_nothing_and_changes_nothing(earlier, reads) -> None:
    inputs, built = earlier
    before = files(built)
    reads.clear()
    summary = build(inputs, built, update=True)
    assert reads == [] and summary.reused == 5 and summary.copied == 5
    assert files(built) == before


def test_touched_file_is_read_again(earlier, reads, tmp_path: Path) -> None:
    inputs, built = earlier
    st = (inputs / "a.jsonl").stat()
    os.utime(inputs / "a.jsonl", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))    # same bytes, newer time
    summary = update_equals_scratch(inputs, built, tmp_path, reads=reads)
    assert reads == ["a.jsonl"]
    assert summary.reused == 5 and summary.copied == 5   # same records: extractions and edges reused


def test_changed_file(earlier, reads, full_resolutions, tmp_path: Path) -> None:
    inputs, built = earlier
    write_jsonl(inputs / "b.jsonl", [dict(B[0], abstract=B[0]["abstract"].replace("PubMed", "GovReport"))])
    summary = update_equals_scratch(inputs, built, tmp_path, reads=reads)
    assert reads == ["b.jsonl"]
    assert summary.copied == 3                           # the papers of a.jsonl
    assert full_resolutions == [4]                       # the scratch build only


def test_removed_file(earlier, reads, tmp_path: Path) -> None:
    inputs, built = earlier
    (inputs / "b.jsonl").unlink()
    summary = update_equals_scratch(inputs, built, tmp_path, reads=reads)
    assert reads == [] and summary.copied == 3


def test_duplicate_of_an_old_paper(earlier, full_resolutions, tmp_path: Path) -> None:
    """A new file lists an old paper again (revised): its tally is taken out and put back with both records."""
    inputs, built = earlier
    write_jsonl(inputs / "c.jsonl", [dict(A[1], abstract=A[1]["abstract"] + " We also test on chess.",
                                          date="2024-04-01"), PLAIN])
    summary = update_equals_scratch(inputs, built, tmp_path)
    assert full_resolutions == [6] and summary.copied == 4


def test_earlier_line_unlike_its_digest(earlier, full_resolutions, tmp_path: Path) -> None:
    """The earlier line of a changed paper is not what the tally was made from: every paper is resolved anew."""
    inputs, built = earlier
    lines = built / "extractions.jsonl"
    lines.write_bytes(lines.read_bytes().replace(b"MS MARCO", b"MS MARCX"))
    write_jsonl(inputs / "b.jsonl", [B[0]])
    update_equals_scratch(inputs, built, tmp_path)
    assert full_resolutions == [4, 4]


def test_new_alias_remakes_the_old_papers_edges(earlier, full_resolutions, tmp_path: Path) -> None:
    """The new paper gives an old paper's entity another id: that paper's edges are made again, others copied.
    Its acronym definition changes the expansions, so every paper is resolved anew."""
    inputs, built = earlier
    write_jsonl(inputs / "c.jsonl", HGT)
    assert build(inputs, built, update=True).copied == 5
    assert full_resolutions == []
    write_jsonl(inputs / "d.jsonl", [ALIAS])
    summary = update_equals_scratch(inputs, built, tmp_path, html=True)     # the page drawn from changed edges too
    assert 5 <= summary.copied < 7
    assert full_resolutions == [8, 8]                    # the update and the scratch build
    graph = json.loads((built / "graph.json").read_text(encoding="utf-8"))
    assert "ent:heterogeneousgraphtransformer" in {n["id"] for n in graph["nodes"]}


def test_new_metadata_field_shifts_graphml_keys(earlier, tmp_path: Path) -> None:
    """A field no paper had before gets a GraphML key before the edge keys: nothing can be copied."""
    inputs, built = earlier
    write_jsonl(inputs / "c.jsonl", [dict(PLAIN, venue="Interspeech")])
    summary = update_equals_scratch(inputs, built, tmp_path)
    assert summary.copied == 0


def test_html_output(earlier, full_resolutions, monkeypatch, tmp_path: Path) -> None:
    """With graph.html the unchanged papers' edges are still copied into graph.json and graph.graphml, and added
    to the page's graph from the index (only the new paper's edges are assembled), the earlier tally is used, and
    the page drawn from that graph is the one a full build draws."""
    import kg.pipeline.splice as splice

    inputs, built = earlier
    build(inputs, built, html=True)
    write_jsonl(inputs / "c.jsonl", [PLAIN])
    assembled: list[str] = []
    real = splice.add_paper_edges

    def spy(G, res, pid, records):
        assembled.append(pid)
        return real(G, res, pid, records)

    monkeypatch.setattr(splice, "add_paper_edges", spy)
    summary = build(inputs, built, update=True, html=True)
    assert len(assembled) == 1 and summary.copied == 5 and full_resolutions == [5]
    build(inputs, tmp_path / "scratch", html=True)
    assert files(built) == files(tmp_path / "scratch")
    assert full_resolutions == [5, 6] and len(assembled) == 7


def capped_page_writers(max_nodes: int) -> dict:
    """The build's writers with a page capped at ``max_nodes`` (``kg viz``'s option; ``kg build`` draws 2000)."""
    from functools import partial

    from kg.viz import write_graph_html

    writers = graph_writers(html=False)
    writers["graph.html"] = partial(write_graph_html, max_nodes=max_nodes)
    return writers


def test_capped_page_reads_only_what_it_draws(earlier, monkeypatch, tmp_path: Path) -> None:
    """An update holds the copied edges with their type and paper only; the page parses the rest of the
    attributes of the edges it draws and of the papers it describes from the earlier graph.json, and is the page a
    full build draws (here capped at 6 of the graph's nodes, so most edges are never parsed)."""
    import kg.pipeline.splice as splice

    inputs, built = earlier
    writers = capped_page_writers(6)
    run_build([str(inputs)], built, writers=writers, progress=False, rules_only=True)
    write_jsonl(inputs / "c.jsonl", [PLAIN])
    parsed: list[int] = []
    real = splice.EarlierEdges.edge

    def spy(self, i):
        parsed.append(i)
        return real(self, i)

    monkeypatch.setattr(splice.EarlierEdges, "edge", spy)
    summary = run_build([str(inputs)], built, writers=writers, progress=False, update=True, rules_only=True)
    assert summary.copied == 5
    edges = len(json.loads((built / "graph.json").read_text(encoding="utf-8"))["edges"])
    assert 2 < len(set(parsed)) < edges - 10            # the first and last edge checked, then what the page reads
    run_build([str(inputs)], tmp_path / "scratch", writers=writers, progress=False, rules_only=True)
    assert files(built) == files(tmp_path / "scratch")


def test_other_views_read_every_copied_edge_whole(earlier, tmp_path: Path) -> None:
    """A view other than graph.html gets the graph with every copied edge's attributes filled in."""
    inputs, built = earlier
    seen: dict[str, list] = {}

    def view(name: str):
        def write(G: nx.MultiDiGraph, path: Path) -> None:
            seen[name] = sorted((u, v, k, sorted(d.items())) for u, v, k, d in G.edges(keys=True, data=True))
            path.write_text("ok")
        return write

    writers = graph_writers(html=True)
    writers["view.txt"] = view("update")
    run_build([str(inputs)], built, writers=writers, progress=False, rules_only=True)
    write_jsonl(inputs / "c.jsonl", [PLAIN])
    assert run_build([str(inputs)], built, writers=writers, progress=False, update=True, rules_only=True).copied == 5
    writers["view.txt"] = view("scratch")
    run_build([str(inputs)], tmp_path / "scratch", writers=writers, progress=False, rules_only=True)
    assert seen["update"] == seen["scratch"] and all(dict(d)["evidence"] for *_, d in seen["update"])


@pytest.mark.parametrize("damage", ["missing", "not json", "bad inputs", "edited inputs", "other format"])
def test_damaged_build_state(earlier, tmp_path: Path, damage: str) -> None:
    inputs, built = earlier
    state = built / ".kg-build.json"
    data = json.loads(state.read_text())
    if damage == "missing":
        state.unlink()
    elif damage == "not json":
        state.write_text("{not json")
    elif damage == "bad inputs":
        data["inputs"] = [["x", "y"], 3, None]
        state.write_text(json.dumps(data))
    elif damage == "edited inputs":                      # blocks swapped: the digest no longer matches
        data["inputs"][0][4], data["inputs"][1][4] = data["inputs"][1][4], data["inputs"][0][4]
        state.write_text(json.dumps(data))
    else:
        data["format"] = "csv"
        state.write_text(json.dumps(data))
    write_jsonl(inputs / "c.jsonl", [PLAIN])
    update_equals_scratch(inputs, built, tmp_path)


@pytest.mark.parametrize("damage", ["missing", "truncated", "garbage", "edited", "graph.json changed",
                                    "graph.graphml changed"])
def test_damaged_graph_index(earlier, tmp_path: Path, damage: str) -> None:
    inputs, built = earlier
    index = built / ".kg-graph-index.json"
    text = index.read_bytes()
    if damage == "missing":
        index.unlink()
    elif damage == "truncated":
        index.write_bytes(text[: len(text) // 2])
    elif damage == "garbage":
        index.write_bytes(b"\x00\xff not an index")
    elif damage == "edited":
        index.write_bytes(text.replace(b'"json_at":[', b'"json_at":[1', 1))
    else:
        name = damage.split()[0]
        data = (built / name).read_bytes()
        (built / name).write_bytes(data.replace(b"MCTS", b"MCTX", 1))     # same size, other bytes
    write_jsonl(inputs / "c.jsonl", [PLAIN])
    summary = update_equals_scratch(inputs, built, tmp_path)
    assert summary.copied == 0


# --- the writer, in process ---------------------------------------------------------------------------------

def _graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph(extractor="rules")
    G.add_node("p1", label="Paper", name="A & B <1>", aliases=[], sources=["a.jsonl"], upvotes=3)
    G.add_node("p2", label="Paper", name="Ünïcode\u2028line", aliases=[], sources=["a.jsonl"])
    G.add_node("ent:x", label="Model", name="X", aliases=["x", "XX"], paper_count=2)
    G.add_edge("p1", "ent:x", key="MENTIONS|p1", type="MENTIONS", paper="p1", evidence="", rule="r",
               confidence=1.0)
    G.add_edge("p2", "ent:x", key="USES|p2", type="USES", paper="p2", evidence="x < y & z", rule="r",
               confidence=0.5, rules=["r", "s"])
    G.add_edge("ent:x", "p1", key="EXTENDS|p1", type="EXTENDS", paper="p1", evidence="e", rule="r",
               confidence=0.25)
    return G


def _write_both(G: nx.MultiDiGraph, out: Path) -> tuple[bytes, bytes]:
    write_graph_json(G, out / "a.json")
    write_graphml(G, out / "a.graphml")
    return (out / "a.json").read_bytes(), (out / "a.graphml").read_bytes()


@pytest.mark.parametrize("shape", ["full", "no edges", "empty"])
def test_graph_files_equal_the_writers(tmp_path: Path, shape: str) -> None:
    G = _graph() if shape != "empty" else nx.MultiDiGraph()
    if shape == "no edges":
        G.remove_edges_from(list(G.edges))
    signatures: list = []
    edges = []
    for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda e: e[:3]):
        sig = edge_signature(d)
        if sig not in signatures:
            signatures.append(sig)
        edges.append(Edge(u, v, k, d, signatures.index(sig)))
    write_graph_files(G, edges, signatures, tmp_path / "b.json", tmp_path / "b.graphml")
    assert ((tmp_path / "b.json").read_bytes(), (tmp_path / "b.graphml").read_bytes()) == _write_both(G, tmp_path)


@pytest.mark.parametrize("html", [False, True])
def test_earlier_file_unlike_its_sound_index(earlier, tmp_path: Path, caplog, html: bool) -> None:
    """An index whose digests match but whose places do not hold edges: the copy stops and all is remade (with
    graph.html, the edges for the page are not read back from that file either)."""
    import hashlib

    inputs, built = earlier
    graph_json = built / "graph.json"
    data = graph_json.read_bytes()
    at = data.index(b"\n  {") + 3
    graph_json.write_bytes(data[:at] + b"[" + data[at + 1:])           # the first edge no longer starts with {
    index = built / ".kg-graph-index.json"
    digest, _, text = index.read_bytes().partition(b"\n")
    state = json.loads(text)
    state["files"][0][1] = hashlib.sha1(graph_json.read_bytes()).hexdigest()
    text = json.dumps(state, separators=(",", ":")).encode() + b"\n"
    index.write_bytes(hashlib.sha1(text).hexdigest().encode() + b"\n" + text)
    write_jsonl(inputs / "c.jsonl", [PLAIN])
    with caplog.at_level("DEBUG", logger="kg.pipeline"):
        summary = update_equals_scratch(inputs, built, tmp_path, html=html)
    assert summary.copied == 0
    assert ("every paper's edges assembled anew" in caplog.text) == html
    assert "the earlier file has no edges at" in caplog.text


def test_collector_back_on_after_a_build(earlier, tmp_path: Path) -> None:
    """The graph and write steps run with the cyclic garbage collector off (``kg.pipeline.pause_collections``);
    it is on again, with its thresholds, when the build ends, also when it failed."""
    import gc

    inputs, built = earlier
    before = gc.get_threshold()
    build(inputs, built, update=True, html=True)
    assert gc.isenabled() and gc.get_threshold() == before

    def fail(G, path: Path) -> None:
        raise RuntimeError("writer failed")

    with pytest.raises(RuntimeError):
        run_build([str(inputs)], tmp_path / "failed", writers={**graph_writers(), "extra.txt": fail},
                  progress=False, rules_only=True)
    assert gc.isenabled() and gc.get_threshold() == before
