"""The learned extractor: each feature family and candidate source on self-written examples (positive and
negative), the JSON linear model, threshold choice, gold projection, training determinism, the shipped models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from kg.api import default_nlp, extract_paper
from kg.extraction.assemble import doc_text, propose
from kg.learn.decide import ModelBundle
from kg.learn.features import name_part_features, paper_candidates, sentence_cue_features
from kg.learn.labels import project
from kg.learn.lexicon import Lexicon, paper_key
from kg.learn.linear import LinearModel
from kg.learn.phrases import PhraseVocabulary, phrase_spans
from kg.learn.train import best_threshold, joint_thresholds
from kg.nlp.rules import load_cues, load_typing

REPO = Path(__file__).resolve().parent.parent
TRAIN = REPO.parent / "shared" / "gold" / "train.jsonl"

GOLD = [
    {"id": "a", "title": "T1", "abstract": "", "introduces": [], "relations": [],
     "entities": [{"name": "batch contrastive learning", "type": "Technique", "aliases": []},
                  {"name": "Chain-of-Thought", "type": "Technique", "aliases": ["CoT"]}]},
    {"id": "b", "title": "T2", "abstract": "", "introduces": [], "relations": [],
     "entities": [{"name": "supervised contrastive learning", "type": "Technique", "aliases": []},
                  {"name": "data distillation", "type": "Technique", "aliases": ["distillation"]}]},
    {"id": "c", "title": "T3", "abstract": "", "introduces": [], "relations": [],
     "entities": [{"name": "contrastive learning", "type": "Technique", "aliases": []}]},
]


def proposals(title: str, abstract: str, lexicon: Lexicon | None = None):
    nlp = default_nlp()
    doc = nlp(doc_text(title, abstract))
    if lexicon is not None:
        lexicon.add_spans(doc, nlp)
    return propose(doc, {"title": title, "abstract": abstract}, load_typing(), load_cues())


# --- lexicon -----------------------------------------------------------------------------------------------------

def test_lexicon_keeps_each_annotated_surface_as_its_own_name() -> None:
    lex = Lexicon.from_gold(GOLD)
    assert lex.lookup("distillation").name == "distillation"          # not renamed to "data distillation"
    assert lex.lookup("CoT").name == "CoT"
    assert lex.lookup("Chain of Thought").name == "Chain-of-Thought"   # folded match
    assert lex.lookup("never annotated") is None


def test_lexicon_counts_leave_the_paper_itself_out() -> None:
    lex = Lexicon.from_gold(GOLD)
    entry = lex.lookup("contrastive learning")
    assert entry.counts() == (1, 1)
    assert entry.counts(exclude=paper_key("T3")) == (0, 0)


def test_lexicon_spans_skip_names_only_the_excluded_paper_annotated() -> None:
    lex = Lexicon.from_gold(GOLD)
    nlp = default_nlp()
    doc = nlp("A Study\n\nWe train with contrastive learning and data distillation.")
    lex.add_spans(doc, nlp, exclude=paper_key("T3"))
    found = {s.text for s in doc.spans["kg_gazetteer"] if s._.kg_rule == "gazetteer:lexicon"}
    assert "data distillation" in found and "contrastive learning" not in found


def test_lexicon_json_round_trip_keeps_counts() -> None:
    lex = Lexicon.from_gold(GOLD)
    again = Lexicon.from_json(json.loads(json.dumps(lex.to_json())))
    assert again.lookup("CoT").counts() == lex.lookup("CoT").counts()
    assert again.to_json() == lex.to_json()


# --- learned phrases ---------------------------------------------------------------------------------------------

def test_phrase_vocabulary_needs_two_papers() -> None:
    vocab = PhraseVocabulary.from_lexicon(Lexicon.from_gold(GOLD))
    assert vocab.heads.get("learning") == "Technique"                   # ends names of papers a, b and c
    assert "contrastive" in vocab.inner
    assert "distillation" not in vocab.heads                           # one paper only
    assert "batch" not in vocab.inner


def test_phrase_spans_extend_left_over_inner_words_only() -> None:
    vocab = PhraseVocabulary(heads={"learning": "Technique"}, inner=frozenset({"contrastive", "supervised"}))
    doc = default_nlp()("A Study\n\nWe use supervised contrastive learning. Learning rates matter; we keep learning.")
    spans = [s.text for s in phrase_spans(doc, vocab)]
    assert spans == ["supervised contrastive learning"]                 # "keep learning": "keep" is no inner word


# --- features ----------------------------------------------------------------------------------------------------

def test_sentence_cues_say_before_or_after() -> None:
    p = proposals("A Study", "Our method outperforms GPT-4 on GSM8K. GPT-4 outperforms older models.")
    cands = {c.canonical: c for c in paper_candidates(p).entities}
    gpt4 = sentence_cue_features(p, cands["GPT-4"])
    assert gpt4.get("cue_before=OUTPERFORMS") == 1.0 and gpt4.get("cue_after=OUTPERFORMS") == 1.0
    gsm = sentence_cue_features(p, cands["GSM8K"])
    assert "cue_after=OUTPERFORMS" not in gsm


def test_entity_features_carry_rule_shape_and_lexicon() -> None:
    lex = Lexicon.from_gold(GOLD)
    p = proposals("A Study", "We evaluate GPT-4 and use contrastive learning.", lex)
    cands = {c.canonical: c for c in paper_candidates(p, lex).entities}
    gpt4 = cands["GPT-4"].features
    assert gpt4["shape=digit"] == 1.0 and gpt4["shape=hyphen"] == 1.0 and gpt4["lex=none"] == 1.0
    assert any(k.startswith("rule=gazetteer") for k in gpt4)
    cl = next(c for k, c in cands.items() if k.lower() == "contrastive learning").features
    assert cl["lex=known"] == 1.0 and cl["shape=lower"] == 1.0 and cl["head=learning"] == 1.0


def test_type_context_is_the_words_near_the_first_mentions_and_only_the_type_model_reads_it() -> None:
    p = proposals("A Study", "We train FooNet on ImageNet. The FooNet weights are released.")
    cands = {c.canonical: c for c in paper_candidates(p).entities}
    foonet = cands["FooNet"]
    assert foonet.context["tctx=train"] == 1.0 and foonet.context["tctx=weights"] == 1.0
    assert "tctx=we" not in foonet.context                       # words of two letters or fewer say nothing
    assert not any(k.startswith("tctx=") for k in foonet.features)     # the keep/drop models do not see them
    assert foonet.type_features == {**foonet.features, **foonet.context}


def test_name_parts_carry_the_type_of_annotated_names_inside_one_word_names() -> None:
    lex = Lexicon.from_gold([{"id": "x", "title": "T", "abstract": "", "introduces": [], "relations": [],
                              "entities": [{"name": "BART", "type": "Model", "aliases": []},
                                           {"name": "MMLU", "type": "Dataset", "aliases": []}]}])
    assert name_part_features(lex, "KeyBART", None) == {"part_type=Model": 1.0, "last_part=bart": 1.0}
    assert name_part_features(lex, "MMLU-STEM", None)["part_type=Dataset"] == 1.0
    assert "part_type=Model" not in name_part_features(lex, "BART", None)          # the name itself is no part
    assert name_part_features(lex, "Key BART model", None) == {}                   # only one-word names
    assert "part_type=Model" not in name_part_features(lex, "KeyBART", paper_key("T"))   # its own paper left out


def test_listed_names_inside_a_one_word_name_are_type_features() -> None:
    """"QuuxLLaVA" holds LLaVA (a listed Model): the type model reads part_gaz=Model; the keep/drop models do not."""
    p = proposals("A Study", "We train QuuxLLaVA and Zorblaxian on widgets. We also use LLaVA.")
    cands = {c.canonical: c for c in paper_candidates(p).entities}
    quux = cands["QuuxLLaVA"]
    assert quux.context.get("part_gaz=Model") == 1.0
    assert "part_gaz=Model" not in quux.features
    assert not any(k.startswith("part_gaz") for k in cands["LLaVA"].context)        # the whole name is no part
    assert not any(k.startswith("part_gaz") for k in cands["Zorblaxian"].context)   # nothing listed inside


def test_only_uses_is_proposed_without_a_rule_or_cue() -> None:
    p = proposals("A Study", "ImageNet is a dataset. Our model outperforms ResNet-50.")
    cands = paper_candidates(p)
    types = {(rc.type, rc.entity.canonical) for rc in cands.relations}
    assert ("USES", "ImageNet") in types and ("OUTPERFORMS", "ImageNet") not in types
    assert ("OUTPERFORMS", "ResNet-50") in types


def test_rare_relation_models_read_where_the_name_stands_not_its_shape() -> None:
    p = proposals("A Study", "Our model outperforms GPT-4 on GSM8K.")
    rcs = {(rc.type, rc.entity.canonical): rc.features for rc in paper_candidates(p).relations}
    outperforms, uses = rcs[("OUTPERFORMS", "GPT-4")], rcs[("USES", "GPT-4")]
    assert outperforms["e:cue_before=OUTPERFORMS"] == 1.0 and uses["e:cue_before=OUTPERFORMS"] == 1.0
    assert "e:shape=digit" in uses and not any(k.startswith("e:shape=") for k in outperforms)
    assert any(k.startswith("r=outperform.") for k in outperforms)


def test_every_named_candidate_is_also_an_intro_candidate_with_its_context() -> None:
    p = proposals("A Study", "Our first approach is Soft Cap Sampling (SCS), a strategy for filtering. "
                  "We evaluate on ImageNet.")
    cands = paper_candidates(p)
    by_name = {ic.intro.canonical: ic for ic in cands.intros}
    scs = by_name["Soft Cap Sampling"]
    assert scs.intro.rule == "introduce.named-entity" and "SCS" in scs.intro.aliases
    assert scs.features["n:generic_head_after"] == 1.0 and scs.features["n:prev=is"] == 1.0
    assert all(k.startswith("n:") for k in scs.features)       # its own weights, apart from the rule intros
    imagenet = by_name["ImageNet"]
    assert "n:generic_head_after" not in imagenet.features and imagenet.features["n:prev=on"] == 1.0


def test_names_the_rules_introduce_are_not_proposed_twice() -> None:
    p = proposals("A Study", "We propose FooNet, a new model. FooNet beats ResNet-50.")
    names = [ic.intro.canonical for ic in paper_candidates(p).intros]
    assert names.count("FooNet") == 1


# --- projection, model, threshold --------------------------------------------------------------------------------

def test_projection_matches_folded_names_and_aliases() -> None:
    gold = {"id": "x", "entities": [{"name": "Monte Carlo Tree Search", "type": "Technique", "aliases": ["MCTS"]},
                                    {"name": "GSM8K", "type": "Dataset", "aliases": []}],
            "relations": [{"relation": "USES", "object": "GSM8K"}], "introduces": []}
    p = proposals("A Planner", "We use Monte Carlo Tree Search (MCTS) and evaluate on GSM8K with GPT-4.")
    cands = paper_candidates(p)
    targets = project(gold, cands)
    by_name = {c.canonical: (t, ty) for c, t, ty in zip(cands.entities, targets.entity, targets.entity_type)}
    assert by_name["Monte Carlo Tree Search"] == (True, "Technique")
    assert by_name["GSM8K"] == (True, "Dataset") and by_name["GPT-4"] == (False, None)
    rel = {(rc.type, rc.entity.canonical): t for rc, t in zip(cands.relations, targets.relation)}
    assert rel[("USES", "GSM8K")] and not rel[("USES", "GPT-4")]


def test_linear_model_json_round_trip_and_softmax() -> None:
    m = LinearModel(["Dataset", "Model"], {"Dataset": {"a": 1.0}, "Model": {"b": 1.0}}, {"Dataset": 0.0, "Model": 0.0})
    again = LinearModel.from_json(json.loads(json.dumps(m.to_json())))
    assert again.best({"a": 1.0}) == "Dataset" and again.best({"b": 1.0}) == "Model"
    assert abs(sum(again.distribution({"a": 1.0}).values()) - 1.0) < 1e-9


def test_threshold_counts_uncovered_gold_as_misses() -> None:
    # With 10 gold items and only 2 covered, keeping the low-probability positive is worth its false positive.
    assert best_threshold([0.9, 0.2, 0.1], [True, True, False], 10) == 0.2
    assert best_threshold([0.9, 0.2, 0.15, 0.1], [True, False, False, False], 1) == 0.9



def _pooled_f1(rows: dict, thresholds: dict) -> float:
    tp = sum(sum(t for p, t in zip(probs, y) if p >= thresholds[k]) for k, (probs, y, _) in rows.items())
    fp = sum(sum(not t for p, t in zip(probs, y) if p >= thresholds[k]) for k, (probs, y, _) in rows.items())
    gold = sum(n for *_, n in rows.values())
    return 2 * tp / (2 * tp + fp + gold - tp) if gold + tp + fp else 0.0


_model_rows = st.lists(st.tuples(st.sampled_from([0.1, 0.2, 0.3, 0.5, 0.7, 0.9]), st.booleans()),
                       min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(_model_rows, _model_rows, st.integers(0, 6), st.integers(0, 6))
def test_joint_thresholds_never_lower_the_pooled_f1(a: list, b: list, missed_a: int, missed_b: int) -> None:
    rows = {}
    for name, pairs, missed in (("A", a, missed_a), ("B", b, missed_b)):
        probs, y = [p for p, _ in pairs], [t for _, t in pairs]
        rows[name] = (probs, y, sum(y) + missed)        # gold items no candidate covers count as misses
    own = {k: best_threshold(*v) for k, v in rows.items()}
    joint = joint_thresholds(rows)
    assert set(joint) == {"A", "B"}
    assert _pooled_f1(rows, joint) >= _pooled_f1(rows, own) - 1e-12


def test_a_rarely_right_model_gets_a_stricter_threshold_next_to_an_accurate_one() -> None:
    accurate = ([0.9] * 9 + [0.1], [True] * 9 + [False], 10)
    rare = ([0.5, 0.4, 0.3, 0.2], [True, False, False, True], 3)
    assert best_threshold(*rare) == 0.2                      # alone, it keeps all four
    assert joint_thresholds({"A": accurate, "B": rare})["B"] == 0.5   # pooled, only its surest row

# --- the shipped models ------------------------------------------------------------------------------------------

def test_shipped_models_load_from_package_data() -> None:
    bundle = ModelBundle.load()
    assert set(bundle.models) == {"entity", "type", "USES", "OUTPERFORMS", "EXTENDS", "introduces"}
    assert len(bundle.version) == 12 and bundle.lexicon.entries and bundle.name_tagger is not None
    assert "names.crfsuite" in bundle.to_files()
    assert sum(len(f) for f in bundle.to_files().values()) < 4_000_000          # a few MB at most


def test_a_dataset_is_never_beaten() -> None:
    """With OUTPERFORMS and entity models that accept everything, the decision still gives no OUTPERFORMS to a name
    labelled Dataset (``schema.json`` claim_target_labels), and does to a model."""
    from dataclasses import replace

    from kg.learn.decide import Decider

    shipped = ModelBundle.load()
    always = LinearModel(["1"], {"1": {}}, {"1": 10.0}, threshold=0.5)
    bundle = replace(shipped, models={**shipped.models, "OUTPERFORMS": always, "entity": always})
    title, abstract = "QuuxNet: A Widget Model", "QuuxNet outperforms GPT-4 on GSM8K and MMLU."
    p = proposals(title, abstract)
    ex = Decider(bundle).decide(p)
    labels = {m.canonical: m.label for m in ex.mentions}
    beaten = {r.target for r in ex.relations if r.type == "OUTPERFORMS"}
    assert "GPT-4" in beaten
    assert labels["GSM8K"] == "Dataset" and not any(labels[t] == "Dataset" for t in beaten)


def test_an_outperforms_a_cue_rule_claims_is_kept_whatever_its_model_says() -> None:
    """With an OUTPERFORMS model that rejects everything, the claim of "outperforms GPT-4" stays (``CUE_DECIDES``)
    with the model's low probability as its confidence; a name no cue claims gets none."""
    from dataclasses import replace

    from kg.learn.decide import Decider

    shipped = ModelBundle.load()
    never = LinearModel(["1"], {"1": {}}, {"1": -10.0}, threshold=0.5)
    bundle = replace(shipped, models={**shipped.models, "OUTPERFORMS": never})
    p = proposals("QuuxNet: A Widget Model", "We train QuuxNet with Llama-2-7B. QuuxNet outperforms GPT-4 on GSM8K.")
    beaten = {r.target: r for r in Decider(bundle).decide(p).relations if r.type == "OUTPERFORMS"}
    assert set(beaten) == {"GPT-4"} and beaten["GPT-4"].confidence < 0.001


def test_learned_edges_list_every_rule_and_a_probability() -> None:
    ex = extract_paper("TinyTune: Pruning Llama-2-7B", "We prune Llama-2-7B and evaluate it on GSM8K. "
                       "TinyTune outperforms LLM-Pruner.")
    rels = {(r.type, r.target): r for r in ex.relations}
    assert ("OUTPERFORMS", "LLM-Pruner") in rels
    beat = rels[("OUTPERFORMS", "LLM-Pruner")]
    assert 0.0 < beat.confidence <= 1.0 and beat.rule in beat.rules
    assert all(r.rules is not None for r in ex.relations if r.type != "INTRODUCES")


@pytest.mark.skipif(not TRAIN.is_file(), reason="shared/gold/train.jsonl not found")
def test_training_is_deterministic() -> None:
    from kg.evaluation.gold import load_gold
    from kg.learn.cv import GoldCorpus, train_bundle

    corpus = GoldCorpus.parse(load_gold(TRAIN)[:80], default_nlp())
    first = train_bundle(corpus, list(range(80))).to_files()
    second = train_bundle(corpus, list(range(80))).to_files()
    assert first == second


@pytest.mark.skipif(not TRAIN.is_file(), reason="shared/gold/train.jsonl not found")
def test_shipped_models_are_what_training_gives_today(tmp_path: Path) -> None:
    """Catches shipping stale models after a change to the rules, ontology or features: retrain into a temporary
    folder and compare with kg/models (exactly here; a little float tolerance for other library versions)."""
    import subprocess
    import sys

    subprocess.run([sys.executable, str(REPO / "scripts" / "train_models.py"), "--gold", str(TRAIN), "--out", str(tmp_path)],
                   check=True, capture_output=True, cwd=REPO)
    fresh, shipped = ModelBundle.load(tmp_path), ModelBundle.load()
    assert fresh.lexicon.to_json() == shipped.lexicon.to_json()
    # the name tagger: the same names on training abstracts (the file itself is the same bytes with the same library)
    from kg.evaluation.gold import load_gold
    from kg.learn.cv import GoldCorpus

    corpus = GoldCorpus.parse(load_gold(TRAIN)[:40], default_nlp())
    for i in range(40):
        feats = corpus.name_features(i, shipped.lexicon)
        assert [fresh.name_tagger.tag(f) for _, f in feats] == [shipped.name_tagger.tag(f) for _, f in feats], i
    for name, model in shipped.models.items():
        other = fresh.models[name]
        assert model.classes == other.classes, name
        assert abs(model.threshold - other.threshold) < 0.02, name
        for cls in model.classes:
            a, b = model.weights[cls], other.weights[cls]
            assert all(abs(a.get(k, 0.0) - b.get(k, 0.0)) < 1e-3 for k in set(a) | set(b)), name


def test_without_names_leaves_out_every_form_of_the_given_papers_names_only() -> None:
    from kg.learn.cv import without_names

    lexicon = Lexicon.from_gold(GOLD)
    pruned = without_names(lexicon, [GOLD[0]])
    assert pruned.lookup("batch contrastive learning") is None and pruned.lookup("CoT") is None
    assert pruned.lookup("Chain-of-Thought") is None
    assert pruned.lookup("contrastive learning") is not None and pruned.lookup("distillation") is not None
    assert lexicon.lookup("CoT") is not None                        # the lexicon itself is unchanged
