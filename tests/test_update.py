"""``kg build INPUT... --update DIR``: only new or changed records are extracted, and the output is byte-identical
to a from-scratch build of the same inputs, also after changes that reach across papers (a new alias of an old
entity, duplicates, changed and removed records). The update does no work for what it reuses: reused records
never reach spaCy, and spaCy is not even imported when nothing is new."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.pipeline.extract import LazyPipeline, extract_records
from kg.pipeline.graph import _SENTENCE_END, Sentences
from kg.pipeline.reuse import Reuse, Reused, content_hash
from kg.records import Extraction, Mention, PaperRecord, Relation
from kg.io.extractions import extraction_line
from update_papers import OLD      # three papers sharing names (MCTS, GSM8K, LoRA)

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "examples" / "sample_listing.txt"
PAPERS = [
    {"title": "LoRA-Drop: Pruning Adapters for Efficient Fine-Tuning", "abstract": "We propose LoRA-Drop, a method "
     "that prunes low-rank adapters. We fine-tune LLaMA on GLUE and outperform LoRA.", "date": "2024-05-01"},
    {"title": "Diffusion Priors for Image Restoration", "abstract": "We introduce a diffusion model prior for image "
     "restoration. Experiments on ImageNet show gains over GAN baselines.", "date": "2024-05-02"},
]
NEW = {"title": "Sparse Attention for Long Documents", "abstract": "We propose a sparse attention Transformer for "
       "long documents, evaluated on PubMed and arXiv summarization.", "date": "2024-05-03", "upvotes": 7}


def kg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=REPO, capture_output=True, text=True, timeout=300)


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def earlier(tmp_path_factory) -> tuple[Path, Path]:
    """An input folder and an earlier build of it."""
    root = tmp_path_factory.mktemp("update")
    inputs, built = root / "in", root / "built"
    inputs.mkdir()
    shutil.copy(SAMPLE, inputs / "sample_listing.txt")
    write_jsonl(inputs / "papers.jsonl", PAPERS)
    proc = kg("-q", "build", str(inputs), "--out", str(built), "--no-html")
    assert proc.returncode == 0, proc.stderr
    return inputs, built


def test_update_equals_a_full_build(earlier, tmp_path: Path) -> None:
    inputs, built = earlier
    grown, updated, scratch = tmp_path / "in", tmp_path / "updated", tmp_path / "scratch"
    shutil.copytree(inputs, grown)
    shutil.copytree(built, updated)
    changed = [dict(PAPERS[0], date="2024-04-30", upvotes=3),                   # metadata changed: reused
               dict(PAPERS[1], abstract=PAPERS[1]["abstract"] + " We also use CLIP.")]  # text changed: re-extracted
    write_jsonl(grown / "papers.jsonl", changed + [NEW])                           # plus a new paper
    proc = kg("build", str(grown), "--update", str(updated), "--no-html")
    assert proc.returncode == 0, proc.stderr
    total = len((built / "extractions.jsonl").read_text().splitlines()) + 1
    assert f"reused:         {total - 2} of {total} extractions (2 records extracted)" in proc.stdout
    assert kg("-q", "build", str(grown), "--out", str(scratch), "--no-html").returncode == 0
    assert files(updated) == files(scratch)
    assert sorted(files(updated)) == [".kg-build.json", ".kg-graph-index.json", ".kg-patterns.json",
                                      "extractions.jsonl", "graph.graphml", "graph.json"]
    lines = [json.loads(x) for x in (updated / "extractions.jsonl").read_text().splitlines()]
    upvotes = {x["paper"]["title"]: x["paper"].get("extra", {}).get("upvotes") for x in lines}
    assert [upvotes[p["title"]] for p in (*PAPERS, NEW)] == [3, None, 7]  # the reused one has its new metadata


def test_nothing_new_reuses_everything(earlier, tmp_path: Path) -> None:
    inputs, built = earlier
    updated = tmp_path / "updated"
    shutil.copytree(built, updated)
    proc = kg("build", str(inputs), "--update", str(updated), "--no-html")
    assert proc.returncode == 0, proc.stderr
    assert "(0 records extracted)" in proc.stdout
    assert files(updated) == files(built)


def test_other_rules_or_no_earlier_build_extract_everything(earlier, tmp_path: Path) -> None:
    inputs, built = earlier
    updated = tmp_path / "updated"
    shutil.copytree(built, updated)
    (updated / ".kg-build.json").write_text('{"fingerprint": "from an older kg"}\n')
    proc = kg("build", str(inputs), "--update", str(updated), "--no-html")
    assert proc.returncode == 0, proc.stderr
    assert "built with other extraction rules: extracting every record" in proc.stderr
    assert "reused:         0 of" in proc.stdout
    assert files(updated) == files(built)
    fresh = kg("build", str(inputs), "--update", str(tmp_path / "fresh"), "--no-html")
    assert fresh.returncode == 0 and "holds no earlier build" in fresh.stderr
    assert files(tmp_path / "fresh") == files(built)


def test_out_and_update_are_exclusive(tmp_path: Path) -> None:
    proc = kg("build", str(SAMPLE), "--out", str(tmp_path / "a"), "--update", str(tmp_path / "b"))
    assert proc.returncode == 2 and "not allowed with argument" in proc.stderr


# --- changes that reach across papers -----------------------------------------------------------------

#: a new paper that spells out the acronym the old papers only abbreviate: the MCTS entity gets its long form
ALIAS = {"title": "Monte Carlo Tree Search for Code Generation", "abstract": "We use Monte Carlo Tree Search "
         "(MCTS) to guide a code model. MCTS with CodeLlama beats beam search on HumanEval.", "date": "2024-03-04"}


@pytest.fixture(scope="module")
def earlier_papers(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("incremental")
    inputs, built = root / "in", root / "built"
    inputs.mkdir()
    write_jsonl(inputs / "a.jsonl", OLD)
    assert kg("-q", "build", str(inputs), "--out", str(built), "--no-html").returncode == 0
    return inputs, built


def _alias(folder: Path) -> None:
    write_jsonl(folder / "b.jsonl", [ALIAS])


def _duplicates(folder: Path) -> None:
    # the same paper again in another file, once word for word (reused) and once with a revised abstract
    revised = dict(OLD[1], abstract=OLD[1]["abstract"] + " We also test on chess.", date="2024-04-01")
    write_jsonl(folder / "b.jsonl", [OLD[0], revised])


def _changed(folder: Path) -> None:
    # one record's text changed, another only its metadata (and its line), one record removed
    write_jsonl(folder / "a.jsonl", [dict(OLD[2], upvotes=9), dict(OLD[0], abstract=OLD[0]["abstract"]
                                     .replace("GSM8K", "MATH"))])


def _extractions_input(folder: Path) -> None:
    # a ready extractions file among the inputs: its lines pass through between the records
    line = extraction_line(Extraction({"id": "ready-1", "title": "Ready Paper", "abstract": "It uses BERT.",
                                       "sources": ["ready.jsonl"], "line": 1},
                                      [Mention("BERT", "abstract", 9, 13, "Model", "BERT", "gazetteer")]))
    (folder / "0-ready.extractions.jsonl").write_text(line, encoding="utf-8")
    _alias(folder)


@pytest.mark.parametrize("change, workers", [(_alias, "1"), (_duplicates, "1"), (_changed, "1"),
                                             (_extractions_input, "1"), (_duplicates, "2")],
                         ids=["new-alias", "duplicates", "changed-and-removed", "extractions-input",
                              "duplicates-2-workers"])
def test_update_equals_scratch(earlier_papers, tmp_path: Path, change, workers: str) -> None:
    inputs, built = earlier_papers
    grown, updated, scratch = tmp_path / "in", tmp_path / "updated", tmp_path / "scratch"
    shutil.copytree(inputs, grown)
    shutil.copytree(built, updated)
    change(grown)
    proc = kg("build", str(grown), "--update", str(updated), "--no-html", "--workers", workers)
    assert proc.returncode == 0, proc.stderr
    assert kg("-q", "build", str(grown), "--out", str(scratch), "--no-html").returncode == 0
    assert files(updated) == files(scratch)


@pytest.mark.parametrize("damage", ["{not json", None], ids=["corrupt", "missing"])
def test_damaged_pattern_cache_changes_nothing(earlier_papers, tmp_path: Path, damage: str | None) -> None:
    """The phrase-pattern cache only saves time: damaged or missing, it is remade and the outputs are the same."""
    inputs, built = earlier_papers
    grown, updated, scratch = tmp_path / "in", tmp_path / "updated", tmp_path / "scratch"
    shutil.copytree(inputs, grown)
    shutil.copytree(built, updated)
    if damage is None:
        (updated / ".kg-patterns.json").unlink()
    else:
        (updated / ".kg-patterns.json").write_text(damage, encoding="utf-8")
    _alias(grown)
    proc = kg("build", str(grown), "--update", str(updated), "--no-html")
    assert proc.returncode == 0, proc.stderr
    assert kg("-q", "build", str(grown), "--out", str(scratch), "--no-html").returncode == 0
    assert files(updated) == files(scratch)
    assert (updated / ".kg-patterns.json").read_bytes() == (built / ".kg-patterns.json").read_bytes()


def test_new_alias_joins_the_old_papers_entity(earlier_papers, tmp_path: Path) -> None:
    """The case that makes resolution global: the new paper's long form and the old papers' bare "MCTS" are
    one entity, whose aliases now include how the new paper writes it."""
    inputs, built = earlier_papers
    grown, updated = tmp_path / "in", tmp_path / "updated"
    shutil.copytree(inputs, grown)
    shutil.copytree(built, updated)
    _alias(grown)
    assert kg("-q", "build", str(grown), "--update", str(updated), "--no-html").returncode == 0
    graph = json.loads((updated / "graph.json").read_text(encoding="utf-8"))
    titles = {n["id"]: n["title"] for n in graph["nodes"] if n["label"] == "Paper"}
    named_by = lambda title: {e["target"] for e in graph["edges"]  # noqa: E731
                              if e["type"] == "MENTIONS" and titles[e["source"]] == title}
    shared = named_by(ALIAS["title"]) & named_by(OLD[1]["title"])
    assert [n["name"] for n in graph["nodes"] if n["id"] in shared and "MCTS" in [n["name"], *n["aliases"]]]


def test_nothing_new_never_imports_spacy(earlier_papers, tmp_path: Path) -> None:
    inputs, built = earlier_papers
    updated = tmp_path / "updated"
    shutil.copytree(built, updated)
    code = ("import sys; from kg.cli import main; rc = main(['-q', 'build', sys.argv[1], '--update', sys.argv[2], "
            "'--no-html']); print('spacy' in sys.modules); sys.exit(rc)")
    proc = subprocess.run([sys.executable, "-c", code, str(inputs), str(updated)], cwd=REPO, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "False"
    assert files(updated) == files(built)


# --- the pieces, in process --------------------------------------------------------------------------------

def _ready(i: int) -> Extraction:
    return Extraction({"id": f"r{i}", "title": f"Ready {i}", "abstract": "A."})


def test_ready_items_pass_through_without_a_pipeline() -> None:
    nlp = LazyPipeline()
    items = [_ready(i) for i in range(5)]
    assert list(extract_records(items, nlp)) == items
    assert not nlp.loaded


def test_ready_items_keep_their_place_among_records() -> None:
    records = [PaperRecord(f"Paper {i}: A Study", "We propose TinyNet and evaluate it on ImageNet.", "x.jsonl", i)
               for i in range(1, 5)]
    items = [_ready(0), records[0], _ready(1), _ready(2), records[1], records[2], _ready(3), records[3], _ready(4)]
    out = list(extract_records(items, LazyPipeline(), rules_only=True))
    assert [ex.paper["title"] for ex in out] == [it.title if isinstance(it, PaperRecord) else it.paper["title"]
                                                 for it in items]


def _old_line(tmp_path: Path, paper: dict) -> tuple[Reuse, Extraction, int]:
    """An earlier build's extractions file holding one line (after an empty one) for ``paper``."""
    ex = Extraction(paper, [Mention("LoRA", "abstract", 0, 4, "Technique", "LoRA", "gazetteer")],
                    [Relation("USES", "LoRA", "LoRA is used.", "cue:use", 0.9, rules=["cue:use"]),
                     Relation("EXTENDS", "LoRA", "It extends LoRA.", "cue:extend", 0.8)],
                    {"LoRA": "Low-Rank Adaptation"})
    data = extraction_line(ex).encode("utf-8")
    path = tmp_path / "extractions.jsonl"
    path.write_bytes(b"\n" + data)
    reuse = Reuse(path, {content_hash(paper["title"], paper["abstract"]): (1, len(data))}, "")
    return reuse, ex, len(data)


def test_reused_line_is_the_old_line_when_the_paper_is_unchanged(tmp_path: Path) -> None:
    paper = {"id": "p", "title": "T", "abstract": "LoRA is used.", "sources": ["a.jsonl"], "line": 3}
    reuse, ex, _ = _old_line(tmp_path, paper)
    (item,) = reuse.wrap([PaperRecord("T", "LoRA is used.", "a.jsonl", 3)])
    assert isinstance(item, Reused) and reuse.reused == 1
    assert reuse.line(Reused(dict(paper), item.offset, item.length)) == extraction_line(ex).encode("utf-8")


@pytest.mark.parametrize("change", [{"line": 4}, {"extra": {"upvotes": 2}}, {"sources": ["b.jsonl"]},
                                    {"extra": {"upvotes": 1.0}}])
def test_reused_line_carries_new_metadata(tmp_path: Path, change: dict) -> None:
    paper = {"id": "p", "title": "T", "abstract": "LoRA is used.", "sources": ["a.jsonl"], "line": 3,
             "extra": {"upvotes": 1}}
    reuse, ex, length = _old_line(tmp_path, paper)
    ex.paper = {**paper, **change}
    assert reuse.line(Reused(ex.paper, 1, length)) == extraction_line(ex).encode("utf-8")


def _scan(text: str, start: int, end: int) -> str:
    """The sentence as the graph step found it before ``Sentences``: a scan from the start of the text."""
    lo = 0
    for m in _SENTENCE_END.finditer(text):
        if m.end() <= start:
            lo = m.end()
        else:
            break
    nxt = _SENTENCE_END.search(text, end)
    return text[lo:nxt.start() if nxt else len(text)].strip()


def test_sentences_match_a_scan() -> None:
    rng = random.Random(13)
    for _ in range(3000):
        text = "".join(rng.choice("aB. !?\n\\1 x.Y") for _ in range(rng.randint(0, 40)))
        sentences = Sentences(text)
        for _ in range(8):
            start = rng.randint(0, len(text))
            end = rng.randint(start, len(text))
            assert sentences.around(start, end) == _scan(text, start, end), (text, start, end)


def test_store_reads_acronyms_of_any_line(tmp_path: Path) -> None:
    """Resolution reads only the acronyms of each line; a line in another key order is parsed whole."""
    from kg.pipeline.store import ExtractionStore, ExtractionWriter

    path = tmp_path / "x.jsonl"
    ex = Extraction({"id": "p1", "title": "T", "abstract": "A"}, acronyms={"MCTS": "Monte Carlo Tree Search"})
    other = json.dumps({"paper": {"id": "p2", "title": "U", "abstract": "B"}, "acronyms": {"LM": "language model"},
                        "mentions": [], "relations": []}) + "\n"
    with open(path, "wb") as fh:
        writer = ExtractionWriter(fh)
        refs = [writer.write(ex), writer.write_line({"id": "p2"}, other.encode())]
    store = ExtractionStore(path, {"p1": refs[:1], "p2": refs[1:]})
    assert list(store.acronyms()) == [{"MCTS": "Monte Carlo Tree Search"}, {"LM": "language model"}]
    assert [a for exs in store.values() for x in exs for a in [x.acronyms]] == list(store.acronyms())
    store.close()
