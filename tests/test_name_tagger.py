"""The name tagger (``kg.learn.name_tagger``): its token features on self-written examples (positive and negative),
tags and names, training determinism, and that a build's candidates include the shipped tagger's names."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from kg.api import default_nlp
from kg.extraction.assemble import doc_text
from kg.learn.decide import ModelBundle, default_decider
from kg.learn.name_tagger import (TAGGER_RULE, NameTagger, bio_tags, decode, sentence_features, span_marks,
                                  train_tagger, word_shape)
from kg.nlp.provenance import Provenance, provenance_span


def doc_of(title: str, abstract: str):
    return default_nlp()(doc_text(title, abstract))


def test_word_shape_keeps_case_digits_and_punctuation_and_cuts_runs() -> None:
    assert word_shape("Qwen2.5-14B") == "Xxxd.d-ddX"
    assert word_shape("pruning") == "xx" and word_shape("ImageNet") == "XxxXxx"
    assert word_shape("2024") == "dd"


def test_span_marks_name_the_group_place_label_and_rule() -> None:
    doc = doc_of("T", "We evaluate Llama-2-7B on the GSM8K benchmark.")
    toks = [t.text for t in doc]
    i = toks.index("GSM8K")
    doc.spans["kg_candidates"] = [provenance_span(doc, i, i + 2, Provenance("pattern:dataset-head"), label="Dataset")]
    marks = span_marks(doc)
    assert {"cand", "cand:B", "cand:B:lab=Dataset", "cand:B:rule=pattern:dataset-head"} <= set(marks[i])
    assert {"cand:I", "cand:E"} <= set(marks[i + 1]) and "cand:E" not in marks[i]
    assert not any(m.startswith("cand") for m in marks[toks.index("We")])          # negative: no span over it
    assert "cue:B:lab=use" in marks[toks.index("on")]          # the cue matcher's "on": its rule family only
    assert not any(m.startswith("cue") for m in marks[toks.index("benchmark")])


def test_sentence_features_read_neighbours_title_and_leave_out_spaces() -> None:
    title = "TinyTune: Small Models"
    doc = doc_of(title, "We prune  Llama-2-7B. It works.")
    sentences = sentence_features(doc, len(title))
    texts = [t.text for t in doc]
    all_idx = [i for idx, _ in sentences for i in idx]
    assert all(texts[i].strip() for i in all_idx)                    # the double space's token is left out
    feats = dict(zip(*[[i for idx, _ in sentences for i in idx], [f for _, fs in sentences for f in fs]]))
    llama = feats[texts.index("Llama-2-7B")]
    assert {"w=llama-2-7b", "abs", "hyphen", "hasdigit", "w-1=prune", "bg-=prune|llama-2-7b"} <= set(llama)
    assert "title" in feats[texts.index("TinyTune")] and "title" not in llama
    assert "pos=0" in feats[texts.index("It")]                       # each sentence is its own sequence


def test_tags_and_names_round_trip() -> None:
    idx = [0, 1, 2, 4, 5, 6]
    names = [(0, 2, "Model"), (4, 5, "Dataset"), (5, 7, "Technique")]
    tags = bio_tags(idx, names)
    assert tags == ["B-Model", "I-Model", "O", "B-Dataset", "B-Technique", "I-Technique"]
    assert decode(idx, tags) == names
    assert bio_tags([3, 4], [(2, 5, "Model")]) == ["B-Model", "I-Model"]      # its first token left out
    assert decode([0, 1], ["I-Model", "I-Dataset"]) == [(0, 1, "Model"), (1, 2, "Dataset")]
    assert decode([0, 1], ["O", "O"]) == []


def _toy_sequences():
    rows = []
    for word in ("FooNet", "BarNet", "BazNet", "QuxNet") * 5:
        feats = [["w=we", "sh=Xx"], ["w=train", "sh=xx"], [f"w={word.lower()}", "sh=XxxXxx", "s3=net"]]
        rows.append((feats, ["O", "O", "B-Model"]))
        rows.append(([["w=the", "sh=xx"], ["w=data", "sh=xx"]], ["O", "O"]))
    return rows


def test_training_gives_the_same_bytes_and_a_tagger_that_learned() -> None:
    first, second = train_tagger(_toy_sequences()), train_tagger(_toy_sequences())
    assert first == second and len(first) > 0
    tagger = NameTagger(first)
    assert tagger.tag([["w=we", "sh=Xx"], ["w=train", "sh=xx"], ["w=zapnet", "sh=XxxXxx", "s3=net"]])[2] == "B-Model"
    assert tagger.tag([["w=the", "sh=xx"], ["w=data", "sh=xx"]]) == ["O", "O"]
    again = pickle.loads(pickle.dumps(tagger))                     # worker processes get the bytes, not the handle
    assert again.data == first and again.tag([["w=the", "sh=xx"]]) == ["O"]


def test_a_build_proposes_the_shipped_taggers_names() -> None:
    """The shipped tagger marks names (a benchmark, lower-case method phrases) and no plain words; in a build it reads
    the lexicon's spans too ("majority voting", a learned phrase, which it promotes to a strong candidate), and the
    decider adds its names to the candidates as strong ones under its own rule."""
    bundle = ModelBundle.load()
    nlp = default_nlp()
    title = "Fast Sparse Adapters"
    abstract = ("We combine majority voting with low-rank adaptation and evaluate on GSM8K. "
                "Our method outperforms self-consistency decoding on MATH.")
    bare = nlp(doc_text(title, abstract))
    texts = {bare[s:e].text for s, e, _ in bundle.name_tagger.names(bare, len(title))}
    assert {"GSM8K", "low-rank adaptation", "self-consistency decoding"} <= texts, texts
    assert not texts & {"We", "combine", "with", "evaluate", "Our method", "outperforms", "majority voting"}
    doc = nlp(doc_text(title, abstract))
    default_decider(nlp).add_learned_spans(doc, {"title": title})
    tagged = [s for s in doc.spans["kg_candidates"] if s._.kg_rule == TAGGER_RULE]
    assert {s.text for s in tagged} == texts | {"majority voting"} and all(s._.kg_strong for s in tagged)


def test_tagger_features_say_how_the_tagger_read_the_mentions() -> None:
    """Same boundaries (share of mentions, with the tagger's label), other boundaries over a mention, or nothing."""
    from types import SimpleNamespace

    from kg.learn.features import EntityCandidate, tagger_features

    def cand(*spans: tuple[int, int]) -> EntityCandidate:
        return EntityCandidate("x", [SimpleNamespace(start=s, end=e) for s, e in spans])

    tagged = {(3, 4): "Model", (10, 12): "Technique"}
    assert tagger_features(cand((3, 4), (20, 21)), tagged) == {"tagger_same": 0.5, "tagger_label=Model": 1.0}
    assert tagger_features(cand((11, 12)), tagged) == {"tagger_other": 1.0}      # "VAE" inside "Asymmetric VAE"
    assert tagger_features(cand((5, 6)), tagged) == {"tagger_none": 1.0}
    assert tagger_features(cand((5, 6)), {}) == {"tagger_none": 1.0}


TRAIN = Path(__file__).resolve().parent.parent.parent / "shared" / "gold" / "train.jsonl"


@pytest.mark.skipif(not TRAIN.is_file(), reason="shared/gold/train.jsonl not found")
def test_the_tagger_alone_script_scores_held_out_folds(tmp_path: Path) -> None:
    """``scripts/eval_name_tagger.py`` on 60 training papers in 2 folds: a tagger trained on 30 papers finds
    names on the other 30, untyped at least as well as typed; and a missing gold file is a one-line error."""
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(TRAIN.read_text(encoding="utf-8").splitlines(keepends=True)[:60]), encoding="utf-8")
    script = Path(__file__).resolve().parent.parent / "scripts" / "eval_name_tagger.py"
    done = subprocess.run([sys.executable, str(script), str(gold), "--folds", "2"], capture_output=True, text=True,
                          check=True)
    f1 = {line.split()[0]: float(line.split()[6]) for line in done.stdout.splitlines()[:2]}
    assert 0.3 < f1["typed"] <= f1["untyped"] < 1.0
    missing = subprocess.run([sys.executable, str(script), str(tmp_path / "none.jsonl")], capture_output=True,
                             text=True)
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "none.jsonl" in missing.stderr
