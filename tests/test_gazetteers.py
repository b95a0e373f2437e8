"""Gazetteers: builder determinism, loader conflict resolution and stop-list, the real ontology."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg.errors import KgError
from kg.gazetteer_data import (
    GazetteerEntry,
    load_gazetteer,
    load_stoplist,
    surface_is_case_sensitive,
)
from kg.normalize import alnum_fold

REPO = Path(__file__).resolve().parent.parent
ONTOLOGY = REPO / "ontology"
EXTDATA = REPO.parent / "shared" / "extdata"
BUILDER = REPO / "scripts" / "build_gazetteers.py"
MEASURE = REPO / "scripts" / "measure_stoplist.py"


def _load_script(path: Path):
    name = f"kg_script_{path.stem}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def _write_jsonl(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _by_surface(entries: list[GazetteerEntry]) -> dict[str, GazetteerEntry]:
    return {alnum_fold(s): e for e in entries for s in e.surfaces}


# --- builder -----------------------------------------------------------------------------------
needs_extdata = pytest.mark.skipif(not EXTDATA.is_dir(), reason=f"external data not found at {EXTDATA}")


@needs_extdata
def test_builder_is_deterministic_and_matches_committed_files(tmp_path: Path) -> None:
    outs = [tmp_path / "a", tmp_path / "b"]
    for out in outs:
        res = subprocess.run(
            [sys.executable, str(BUILDER), str(EXTDATA), "--out", str(out), "-q"],
            capture_output=True, text=True, cwd=tmp_path,
        )
        assert res.returncode == 0, res.stderr
    first, second = _tree(outs[0]), _tree(outs[1])
    assert first == second
    assert {"pwc/methods.jsonl", "pwc/NOTICE.md", "derived/scierc.jsonl", "derived/NOTICE.md"} <= set(first)
    # The committed derived files are exactly what the builder writes from the shared data.
    committed = {k: v for k, v in _tree(ONTOLOGY / "gazetteers").items() if not k.startswith("curated/")}
    assert committed == first


@needs_extdata
def test_builder_output_is_sorted_typed_and_free_of_tasks(tmp_path: Path) -> None:
    builder = _load_script(BUILDER)
    counts = builder.build(EXTDATA, tmp_path, quiet=True)
    assert counts["pwc/methods.jsonl"] > 1000 and counts["derived/hf_models.jsonl"] > 100
    names: dict[str, dict] = {}
    for path in sorted(tmp_path.rglob("*.jsonl")):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        keys = [(alnum_fold(r["name"]), r["name"], r["label"]) for r in rows]
        assert keys == sorted(keys), path
        for r in rows:
            assert r["label"] in {"Model", "Dataset", "Technique"}
            assert len(r["name"]) > builder.MAX_SHORT_FORM
            names.setdefault(r["name"], r)
    # PwC collections decide the type (guidelines: ResNet/BERT/ViT are Models, optimizers Technique).
    assert names["ResNet"]["label"] == "Model"
    assert names["BERT"]["label"] == "Model"
    assert names["Stochastic Gradient Descent"]["label"] == "Technique"
    assert "GELU" in names["Gaussian Error Linear Units"]["aliases"]  # acronym kept as alias
    assert "SGD" not in names["Stochastic Gradient Descent"]["aliases"]  # <= 3 characters: curated only
    # Tasks and metrics are never gazetteer entries.
    for not_entity in ("Machine Translation", "Image Classification", "Accuracy", "BLEU"):
        assert not_entity not in names
    notice = (tmp_path / "pwc" / "NOTICE.md").read_text(encoding="utf-8")
    assert "CC BY-SA 4.0" in notice and "methods.jsonl" in notice


def test_builder_names_the_missing_folder(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-extdata"
    res = subprocess.run(
        [sys.executable, str(BUILDER), str(missing), "--out", str(tmp_path / "out")],
        capture_output=True, text=True,
    )
    assert res.returncode == 1
    assert str(missing) in res.stderr


def test_name_cleaning_rules() -> None:
    builder = _load_script(BUILDER)
    assert builder.clean_system_name("RoBERTa-wwm-ext-large (single model)") == "RoBERTa-wwm-ext-large"
    assert builder.clean_system_name("Chiu and Nichols (2016)") is None
    assert builder.clean_system_name("XLNet + MTL + Verifier") is None
    assert builder.clean_dataset_name("BDD100K val") == "BDD100K"
    assert builder.split_acronym("Penn Treebank (PTB)") == ("Penn Treebank", ["PTB"])
    assert builder.keep_mention("IBM Model 4", 1, "Technique")
    assert builder.keep_mention("belief propagation", 3, "Technique")
    assert not builder.keep_mention("belief propagation", 1, "Technique")
    assert not builder.keep_mention("statistical techniques", 5, "Technique")
    assert not builder.keep_mention("speech", 9, "Dataset")


# --- loader on a self-written ontology ---------------------------------------------------------
@pytest.fixture()
def tiny_ontology(tmp_path: Path) -> Path:
    g = tmp_path / "gazetteers"
    _write_jsonl(g / "curated" / "models.jsonl", [
        {"name": "Segment Anything Model", "label": "Model", "aliases": ["SAM"], "source": "curated"},
        {"name": "BERT", "label": "Model", "aliases": [], "source": "curated"},
    ])
    _write_jsonl(g / "pwc" / "methods.jsonl", [
        # loses "SAM" to the curated Model: a different label, so the whole entry is dropped
        {"name": "SAM", "label": "Technique", "aliases": ["Sharpness-Aware Minimization"], "source": "pwc-methods"},
        # same name and label as a curated entry: merged, its alias joins the curated entry
        {"name": "BERT", "label": "Model", "aliases": ["Bidirectional Encoder Representations from Transformers"],
         "source": "pwc-methods", "support": 900},
        {"name": "Attention", "label": "Technique", "aliases": ["Attention Mechanism"], "source": "pwc-methods"},
        {"name": "Layer Normalization", "label": "Technique", "aliases": ["LayerNorm", "Method"], "source": "pwc-methods"},
    ])
    _write_jsonl(g / "derived" / "corpus.jsonl", [
        # an alias never takes a form that another entry of the same tier has as its name
        {"name": "Foo Corpus", "label": "Dataset", "aliases": ["Zed-Net"], "source": "corpus", "support": 50},
        {"name": "Zed-Net", "label": "Model", "aliases": [], "source": "corpus", "support": 1},
        # the same folded name twice in one tier: the better-supported entry wins
        {"name": "Wombat-7", "label": "Technique", "aliases": [], "source": "corpus", "support": 2},
        {"name": "wombat 7", "label": "Dataset", "aliases": [], "source": "corpus", "support": 8},
        # folds like the curated "BERT" but is a Dataset: dropped
        {"name": "B.E.R.T.", "label": "Dataset", "aliases": ["Bert Corpus"], "source": "corpus"},
    ])
    (tmp_path / "stoplist.txt").write_text(
        "# generic forms\nattention\nMETHOD   # any case\n!layernorm\n", encoding="utf-8"
    )
    return tmp_path


def test_loader_resolves_each_folded_form_to_one_entry(tiny_ontology: Path) -> None:
    entries = load_gazetteer(tiny_ontology)
    by = _by_surface(entries)
    assert by["sam"] == GazetteerEntry("Segment Anything Model", "Model", ("SAM",), "curated")
    assert "sharpnessawareminimization" not in by
    assert by["bert"].aliases == ("Bidirectional Encoder Representations from Transformers",)
    assert by["bert"].source == "curated"
    assert by["zednet"].name == "Zed-Net" and by["zednet"].label == "Model"
    assert by["foocorpus"].aliases == ()
    assert by["wombat7"].name == "wombat 7" and by["wombat7"].label == "Dataset"
    assert "bertcorpus" not in by
    # every folded form belongs to exactly one entry
    owners: dict[str, set[str]] = {}
    for e in entries:
        for s in e.surfaces:
            owners.setdefault(alnum_fold(s), set()).add(e.name)
    assert all(len(v) == 1 for v in owners.values())


def test_loader_applies_the_stoplist(tiny_ontology: Path) -> None:
    by = _by_surface(load_gazetteer(tiny_ontology))
    assert "attention" not in by and "attentionmechanism" not in by  # stop-listed name drops the entry
    assert by["layernormalization"].aliases == ("LayerNorm",)  # stop-listed alias "Method" only
    assert "method" not in by
    assert load_stoplist(tiny_ontology / "stoplist.txt") == frozenset({"attention", "method"})
    unfiltered = _by_surface(load_gazetteer(tiny_ontology, apply_stoplist=False))
    assert unfiltered["attention"].name == "Attention"


def test_loader_is_deterministic_and_sorted(tiny_ontology: Path) -> None:
    a, b = load_gazetteer(tiny_ontology), load_gazetteer(tiny_ontology)
    assert a == b
    assert [e.name.casefold() for e in a] == sorted(e.name.casefold() for e in a)


def test_loader_reports_bad_files(tmp_path: Path) -> None:
    bad = tmp_path / "gazetteers" / "curated" / "broken.jsonl"
    bad.parent.mkdir(parents=True)
    bad.write_text('{"name": "X-1", "label": "Model"}\n{not json\n', encoding="utf-8")
    with pytest.raises(KgError, match=r"broken\.jsonl:2"):
        load_gazetteer(tmp_path)
    bad.write_text('{"name": "X-1", "label": "Task"}\n', encoding="utf-8")
    with pytest.raises(KgError, match="label"):
        load_gazetteer(tmp_path)
    with pytest.raises(KgError, match="not found"):
        load_gazetteer(tmp_path / "nowhere")


@pytest.mark.parametrize(
    ("surface", "expected"),
    [("MATH", True), ("ARC", True), ("SAM", True), ("Adam", True), ("BERT", True), ("QuALITY", True),
     ("o1", True), ("T5", True), ("GPT-J", True),
     ("Monte Carlo Tree Search", False), ("GSM8K", False), ("Llama-2-7B", False), ("dropout", False),
     ("Stable Diffusion", False), ("CIFAR-10", False), ("DINOv2", False)],
)
def test_case_sensitivity_policy(surface: str, expected: bool) -> None:
    assert surface_is_case_sensitive(surface) is expected


# --- the real ontology -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def real_entries() -> list[GazetteerEntry]:
    return load_gazetteer(ONTOLOGY)


def test_real_ontology_types_and_generic_words(real_entries: list[GazetteerEntry]) -> None:
    by = _by_surface(real_entries)
    assert by["lora"].label == "Technique"
    assert by["gsm8k"].label == "Dataset"
    assert by["gpt4"].label == "Model"
    assert by["mcts"].name == "Monte Carlo Tree Search"
    assert by["resnet50"].label == "Model"
    assert by["transformer"].label == "Technique"
    for generic in ("Attention", "Model", "Method", "Models", "Dataset", "Benchmark"):
        assert alnum_fold(generic) not in by, generic
    # Broad classes are listed on purpose: the extractor keeps them only when a rule links them (typing.json broad_terms)
    from kg.nlp.rules import load_typing
    broad = load_typing().broad_terms
    for generic in ("LLMs", "fine-tuning", "language models"):
        assert alnum_fold(generic) not in by or generic.lower() in broad, generic
    for not_entity in ("Machine Translation", "Image Classification", "accuracy", "BLEU", "NLP"):
        assert alnum_fold(not_entity) not in by, not_entity
    labels = {lab: sum(1 for e in real_entries if e.label == lab) for lab in ("Model", "Dataset", "Technique")}
    assert len(real_entries) > 4000 and min(labels.values()) > 1000, labels
    assert sum(1 for e in real_entries if e.source == "curated") > 800


def test_real_ontology_one_owner_per_form(real_entries: list[GazetteerEntry]) -> None:
    owners: dict[str, set[tuple[str, str]]] = {}
    for e in real_entries:
        assert e.name not in e.aliases
        for s in e.surfaces:
            owners.setdefault(alnum_fold(s), set()).add((e.name, e.label))
    assert all(len(v) == 1 for v in owners.values())


def test_curated_files_are_sorted_and_consistent() -> None:
    seen: dict[str, tuple[str, str]] = {}
    for path in sorted((ONTOLOGY / "gazetteers" / "curated").glob("*.jsonl")):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        assert rows, path
        assert [(r["name"].casefold(), r["name"]) for r in rows] == sorted((r["name"].casefold(), r["name"]) for r in rows)
        for r in rows:
            assert r["source"] == "curated" and r["label"] in {"Model", "Dataset", "Technique"}
            for s in [r["name"], *r["aliases"]]:
                owner = seen.setdefault(alnum_fold(s), (r["name"], r["label"]))
                assert owner == (r["name"], r["label"]), f"{s!r} in {path.name} also belongs to {owner}"


# --- stop-list measurement ---------------------------------------------------------------------
def test_measure_counts_document_frequency_with_the_matching_policy(tmp_path: Path) -> None:
    measure = _load_script(MEASURE)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text(
        "Menu\n"
        "A Study of Wombat Nets for Toy Problems\n"
        "We train a wombat net with the MATH benchmark and report quality on small problems.\n"
        "Another line that mentions math in lower case only here.\n",
        encoding="utf-8",
    )
    docs = measure.read_documents(seeds)
    assert len(docs) == 3  # "Menu" is page furniture
    entries = [
        GazetteerEntry("Wombat Net", "Model", ("wombat nets",), "curated"),
        GazetteerEntry("MATH", "Dataset", (), "curated"),
        GazetteerEntry("QuALITY", "Dataset", (), "curated"),
    ]
    df = measure.document_frequency(entries, docs, quiet=True)
    assert df == {"Wombat Net": 1, "wombat nets": 1, "MATH": 1, "QuALITY": 0}


def test_measure_flags_generic_words() -> None:
    pytest.importorskip("wordfreq")
    from wordfreq import zipf_frequency

    measure = _load_script(MEASURE)

    def flags(surface: str, df: int = 0) -> list[str]:
        return measure.flag(surface, df, 100, 0.02, 4.0, 3.5, zipf_frequency)

    assert flags("Attention") == ["common-english"]
    assert flags("Weather") == ["common-english"]
    assert flags("dropout") == []
    assert flags("MATH") == []  # all-caps: matched case-sensitively
    assert flags("diffusion models", df=5) == ["high-df"]


def test_measure_rewrites_only_the_generated_section(tmp_path: Path) -> None:
    measure = _load_script(MEASURE)
    path = tmp_path / "stoplist.txt"
    path.write_text("# head\nmodel\n!adam\n", encoding="utf-8")
    measure.write_generated(path, ["weather", "zebra"])
    measure.write_generated(path, ["weather"])
    text = path.read_text(encoding="utf-8")
    assert text == f"# head\nmodel\n!adam\n{measure.BEGIN}\nweather\n{measure.END}\n"
    assert measure.read_keepers(path) == {"adam"}
    assert load_stoplist(path) == frozenset({"model", "weather"})
