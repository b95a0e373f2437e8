#!/usr/bin/env python3
"""Build the derived gazetteers of ``ontology/gazetteers/{pwc,derived}`` from ``../shared/extdata``.

What is derived (names and types only; no description or abstract text is copied):

``pwc/`` (Papers with Code data, CC BY-SA 4.0 — kept apart, with ``pwc/NOTICE.md``):
  * ``methods.jsonl`` — PwC methods: name + full name as aliases; the method's collections decide
    Model (architectures/models with released weights: "Convolutional Neural Networks",
    "Language Models", "... Models") vs Technique (blocks, attention, optimizers, losses, ...).
  * ``sota_models.jsonl`` / ``sota_datasets.jsonl`` — model and dataset names of the
    sota-extractor leaderboards, cleaned of "(2018)", "(ensemble)", "et al." and the like.
  * ``world_datasets.jsonl`` — dataset/benchmark names of the world-snapshot task tables.
  * ``non_entities.txt`` — task and metric names (one per line), used here as a block-list and
    available to the extraction stage as a "not an entity" list.

``derived/`` (Apache-2.0 and research data, with ``derived/NOTICE.md``):
  * ``hf_models.jsonl`` — Hugging Face transformers model display names (Apache-2.0).
  * ``nlp_tdms_datasets.jsonl`` — the NLP-TDMS dataset KB (Apache-2.0).
  * ``tdmsci_datasets.jsonl`` — DATASET mentions of the TDMSci training split (Apache-2.0).
  * ``scirex.jsonl`` — Method/Material names of the SciREX training split's result tuples
    (Apache-2.0).
  * ``scierc.jsonl`` — Method/Material mentions of the SciERC training split (research data).

Output is deterministic: entries are sorted, JSON keys are in a fixed order and nothing depends
on time or hash order, so a re-run writes byte-identical files.

Usage::

    python scripts/build_gazetteers.py [EXTDATA] [--out ONTOLOGY/gazetteers]

The stop-list (``ontology/stoplist.txt``) is NOT applied here but when the gazetteer is loaded
(``kg.gazetteer_data.load_gazetteer``): the files keep every candidate so that
``scripts/measure_stoplist.py`` measures all of them and editing the stop-list needs no rebuild.

Example::

    .venv/bin/python scripts/build_gazetteers.py ../shared/extdata
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kg.errors import KgError  # noqa: E402
from kg.gazetteer_data import normalize_stop_form  # noqa: E402
from kg.normalize import alnum_fold  # noqa: E402

DEFAULT_EXTDATA = REPO.parent / "shared" / "extdata"
DEFAULT_OUT = REPO / "ontology" / "gazetteers"

# --- PwC methods: collection -> label -------------------------------------------------------
# Collections whose members are specific architectures/models that exist as trained artifacts
# (the guidelines' "ResNet, BERT, ViT, CLIP -> Model"). Every other collection (attention
# mechanisms, optimizers, regularizers, losses, blocks, RL algorithms, ...) gives Technique.
MODEL_COLLECTIONS = frozenset(
    {
        "Convolutional Neural Networks",
        "Language Models",
        "Transformers",
        "Vision Transformers",
        "Autoencoding Transformers",
        "Autoregressive Transformers",
        "Code Generation Transformers",
        "Vision and Language Pre-Trained Models",
        "Light-weight neural networks",
        "Backbone Architectures",
        "Generative Adversarial Networks",
        "Word Embeddings",
        "Static Word Embeddings",
        "Contextualized Word Embeddings",
        "Sentence Embeddings",
        "Conversational Models",
        "Open-Domain Chatbots",
    }
)
# Collections named "... Models" that hold method families or model classes, not trained models.
TECHNIQUE_MODEL_COLLECTIONS = frozenset(
    {
        "Generative Models",
        "Likelihood-Based Generative Models",
        "Generalized Linear Models",
        "Generalized Additive Models",
        "Graph Models",
        "Sequence To Sequence Models",
        "Working Memory Models",
        "Diffusion Models",
        "Generative Sequence Models",
    }
)

# --- name cleaning ---------------------------------------------------------------------------
_PAREN = re.compile(r"\s*[\(\[][^\)\]]*[\)\]]")
_YEAR = re.compile(r"\b(19|20)\d\d\b")
_CTRL = re.compile(r"[\x00-\x1f\x7f]")
_SPACES = re.compile(r"\s+")
_SPLIT_SUFFIX = re.compile(
    r"(?:[\s,\-]+(?:test|val|valid|validation|dev|train|test-dev|test-std|test-challenge|testfinal|"
    r"test set|val set|dev set|split))+$",
    re.IGNORECASE,
)
_BAD_SYSTEM = re.compile(
    r"et al|\bbaseline\b|\bensemble\b|\bsingle\b|\bhuman\b|anonymous|unnamed|\bours\b|\bour\b|"
    r"\bmodel\b|\bsystem\b|\bbest\b|\bnoop\b|\bhs\b|\btuned\b|\bwith\b|\bw/|\bw/o\b|\busing\b",
    re.IGNORECASE,
)
_BAD_DATASET = re.compile(
    r"\bdatasets\b|\bresults\b|\bmetrics?\b|\bwarning\b|\bsupervised\b|\bplatforms\b|"
    r"\bsetting\b|\bper-class\b|\btrained\b|\bevaluation\b|\baccuracy\b|\berror\b|\bWER\b|\bPER\b|"
    r"\bBLEU\b|\bROUGE|\bF1\b|\bmAP\b|\bAUC\b|\bEM\b|\bscore\b",
    re.IGNORECASE,
)
# Head nouns of generic phrases ("statistical techniques", "parsing model"): a lower-case corpus
# mention ending in one of these is a description, not a name.
GENERIC_HEADS = frozenset(
    "approach approaches method methods technique techniques model models system systems framework "
    "frameworks algorithm algorithms tool tools component components module modules procedure procedures "
    "strategy strategies scheme schemes process processes architecture architectures mechanism mechanisms "
    "representation representations formalism formalisms paradigm paradigms solution solutions task tasks "
    "data corpus corpora dataset datasets resource resources feature features function functions rule rules "
    "classifier classifiers theory theories knowledge information".split()
)
_ACRONYM_PAREN = re.compile(r"^(?P<long>[^()]{4,}?)\s*\((?P<short>[A-Za-z][\w\-.]{1,11})\)$")


def split_acronym(surface: str) -> tuple[str, list[str]]:
    """Split "Long Form (LF)" into the long form and its acronym alias.

    >>> split_acronym("basic travel expression corpus (BTEC)")
    ('basic travel expression corpus', ['BTEC'])
    >>> split_acronym("ResNet")
    ('ResNet', [])
    """
    m = _ACRONYM_PAREN.match(surface)
    if not m:
        return surface, []
    return clean(m.group("long")), [m.group("short")]


def is_generic_phrase(surface: str) -> bool:
    """A phrase whose head noun is a lower-case generic word ("statistical techniques", "MT system").

    >>> is_generic_phrase("statistical techniques"), is_generic_phrase("MT system"), is_generic_phrase("Hidden Markov Model")
    (True, True, False)
    """
    words = surface.split()
    return words[-1] in GENERIC_HEADS and (surface.islower() or len(words) > 1)


def clean(text: str) -> str:
    """Collapse whitespace and drop control characters.

    >>> clean("  Llama\\t2 ")
    'Llama 2'
    """
    return _SPACES.sub(" ", _CTRL.sub(" ", text)).strip()


def strip_parens(text: str) -> str:
    """Remove parenthesised/bracketed parts: "BERT-base (single model)" -> "BERT-base".

    >>> strip_parens("CoNLL 2003 (English)")
    'CoNLL 2003'
    """
    return clean(_PAREN.sub("", text))


def has_name_signal(surface: str) -> bool:
    """True if a surface looks like a name: an upper-case letter after the first character,
    or a digit ("ResNet", "GSM8K", "WMT14"), or a capitalised multi-word form ("Penn Treebank").

    >>> [has_name_signal(s) for s in ("ResNet", "WMT14", "Penn Treebank", "statistical approach", "Parsing")]
    [True, True, True, False, False]
    """
    if any(ch.isdigit() for ch in surface) or any(ch.isupper() for ch in surface[1:]):
        return True
    return False


def plausible_surface(surface: str, max_words: int = 6, max_len: int = 60) -> bool:
    """Length and character sanity: 2..max_len characters, at most max_words words, has a letter,
    no sentence punctuation."""
    if not (2 <= len(surface) <= max_len) or len(surface.split()) > max_words:
        return False
    if not any(ch.isalpha() for ch in surface):
        return False
    return not any(ch in surface for ch in ":;?!|{}<>\"=*")


# --- the record ------------------------------------------------------------------------------
@dataclass
class Record:
    """A gazetteer entry under construction; ``support`` counts attesting documents."""

    name: str
    label: str
    source: str
    aliases: set[str] = field(default_factory=set)
    support: int = 0

    def as_json(self) -> str:
        aliases = sorted((a for a in self.aliases if a != self.name), key=lambda s: (s.casefold(), s))
        rec = {"name": self.name, "label": self.label, "aliases": aliases, "source": self.source,
               "support": self.support}
        return json.dumps(rec, ensure_ascii=False)


# Surface forms of at most this many characters ("TS", "BN", "GPS", "MIT") are dropped from every
# derived source: measured on the seeds, such short forms from PwC/SciERC/TDMSci fired mostly on
# unrelated acronyms; the short forms worth matching ("T5", "GAN", "PPO", "SAM") are curated.
MAX_SHORT_FORM = 3


class Collector:
    """Records of one source, merged by folded name (aliases united, support summed)."""

    def __init__(self, source: str, blocked: frozenset[str]):
        self.source = source
        self.blocked = blocked
        self.by_key: dict[tuple[str, str], Record] = {}
        self.rejected = Counter()

    def add(self, name: str, label: str, aliases: Iterable[str] = (), support: int = 1) -> None:
        name = clean(name)
        key = alnum_fold(name)
        if not key or not plausible_surface(name):
            self.rejected["implausible"] += 1
            return
        if len(name) <= MAX_SHORT_FORM:
            self.rejected["short form"] += 1
            return
        if key in self.blocked or normalize_stop_form(name) in self.blocked:
            self.rejected["task/metric name"] += 1
            return
        rec = self.by_key.get((key, label))
        if rec is None:
            rec = self.by_key[(key, label)] = Record(name=name, label=label, source=self.source)
        rec.support += support
        for a in aliases:
            a = clean(a)
            if (a and alnum_fold(a) and len(a) > MAX_SHORT_FORM and plausible_surface(a, max_words=10, max_len=100)
                    and alnum_fold(a) not in self.blocked):
                rec.aliases.add(a)

    def records(self) -> list[Record]:
        """Records, one per folded name: a name seen under two labels keeps the better-supported one."""
        best: dict[str, Record] = {}
        for (key, _label), rec in sorted(self.by_key.items()):
            cur = best.get(key)
            if cur is None or (rec.support, rec.label) > (cur.support, cur.label):
                best[key] = rec
        return sorted(best.values(), key=lambda r: (alnum_fold(r.name), r.name, r.label))


# --- readers ---------------------------------------------------------------------------------
def _load_json(path: Path):
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, json.JSONDecodeError) as exc:
        raise KgError(f"cannot read {path}: {exc}") from None


def _jsonl(path: Path) -> Iterator[dict]:
    try:
        with open(path, encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        yield json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise KgError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from None
    except OSError as exc:
        raise KgError(f"cannot read {path}: {exc}") from None


def _require(path: Path) -> Path:
    if not path.exists():
        raise KgError(f"external data file not found: {path}")
    return path


def _walk_sota(task: dict) -> Iterator[tuple[str, dict]]:
    """Yield (kind, item) for a sota-extractor task tree: ("task", task), ("dataset", ds), ("row", row)."""
    yield "task", task
    for ds in task.get("datasets") or []:
        yield "dataset", ds
        for part in [ds, *(ds.get("subdatasets") or [])]:
            sota = part.get("sota") or {}
            for metric in sota.get("metrics") or []:
                yield "metric", {"name": metric}
            for row in sota.get("rows") or []:
                yield "row", row
    for sub in task.get("subtasks") or []:
        yield from _walk_sota(sub)


def sota_files(ext: Path) -> list[Path]:
    d = _require(ext / "pwc" / "sota-extractor")
    return sorted(p for p in d.glob("*.json") if p.name != "example_json_format.json")


def _split_list(cell: str) -> list[str]:
    return [clean(x) for x in (cell or "").split(";") if clean(x)]


def world_rows(ext: Path) -> list[dict]:
    path = _require(ext / "pwc" / "world-snapshot-derived" / "all_tasks_detailed.csv")
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def non_entity_names(ext: Path) -> tuple[set[str], set[str]]:
    """Task and metric names from every list we have (PwC task list and tables, sota-extractor,
    NLP-TDMS KBs). Returned as (tasks, metrics) surface forms."""
    tasks: set[str] = set()
    metrics: set[str] = set()
    wdir = ext / "pwc" / "world-snapshot-derived"
    with open(_require(wdir / "all_tasks.txt"), encoding="utf-8") as fh:
        for line in fh:
            t = clean(line.strip().strip('"'))
            if t:
                tasks.add(t)
    for row in world_rows(ext):
        tasks.add(clean(row.get("Task Name", "")))
        metrics.update(_split_list(row.get("SOTA Metrics", "")))
    for path in sota_files(ext):
        for top in _load_json(path):
            for kind, item in _walk_sota(top):
                if kind == "task" and item.get("task"):
                    tasks.add(clean(item["task"]))
                elif kind == "metric":
                    metrics.add(clean(str(item["name"])))
    tdir = ext / "nlp_tdms"
    for line in _require(tdir / "taskKB.tsv").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            tasks.add(clean(parts[1].replace("_", " ")))
    for line in _require(tdir / "evaMatrixKB.tsv").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            metrics.add(clean(parts[1]))
    tasks.discard("")
    metrics.discard("")
    return tasks, metrics


# --- pwc sources -----------------------------------------------------------------------------
def method_label(collections: list[str]) -> str:
    """Model if any collection is a model collection, else Technique.

    >>> method_label(["Convolutional Neural Networks"]), method_label(["Attention Mechanisms"])
    ('Model', 'Technique')
    >>> method_label(["Image Segmentation Models"]), method_label(["Generative Models"])
    ('Model', 'Technique')
    """
    for c in collections:
        if c in MODEL_COLLECTIONS or (c.endswith(" Models") and c not in TECHNIQUE_MODEL_COLLECTIONS):
            return "Model"
    return "Technique"


def build_pwc_methods(ext: Path, blocked: frozenset[str]) -> Collector:
    """PwC methods. Model: canonical is the short name ("ResNet"), full name an alias. Technique:
    canonical is the full name ("Stochastic Gradient Descent"), short name ("SGD") an alias —
    the guidelines' "expand the acronym, keep it as alias". Methods whose name and full name
    share no letter sequence (garbled records such as name "dhf"/full name "dfh") are skipped."""
    col = Collector("pwc-methods", blocked)
    for m in _load_json(_require(ext / "pwc" / "methods.json")):
        name = clean(m.get("name") or "")
        full = clean(m.get("full_name") or "") or name
        if not name:
            continue
        colls = [c.get("collection", "") for c in m.get("collections") or []]
        label = method_label(colls)
        support = int(m.get("num_papers") or 0)
        if support < 1:
            col.rejected["no papers"] += 1
            continue
        if name.islower() and full.islower() and len(name) <= 4 and alnum_fold(name) != alnum_fold(full):
            col.rejected["garbled"] += 1
            continue
        if label == "Model" or alnum_fold(full) == alnum_fold(name):
            col.add(name, label, [full], support)
        else:
            col.add(full, label, [name], support)
    return col


def clean_system_name(raw: str) -> str | None:
    """Clean a leaderboard model name, or None when it is not a name.

    >>> clean_system_name("BERT-base (google) (single model)"), clean_system_name("Ma and Hovy (2016)")
    ('BERT-base', None)
    >>> clean_system_name("300D Reinforced Self-Attention Network"), clean_system_name("DQN noop")
    (None, None)
    >>> clean_system_name("Joint Bi-LSTM ♦"), clean_system_name("Retro-Reader on ALBERT")
    (None, None)
    """
    text = clean(raw or "")
    if not text or "et al" in text or " and " in text or _YEAR.search(strip_parens(text)):
        return None
    name = strip_parens(text)
    if _BAD_SYSTEM.search(name):
        return None
    if not name or any(ch in name for ch in "+,&#@$%^~`'/_") or re.match(r"^\d", name) or " -" in name:
        return None
    if " on " in name or any(not (ch.isalnum() or ch in " -.") for ch in name):
        return None
    if len(name.split()) > 3 or not has_name_signal(name):
        return None
    return name


def clean_dataset_name(raw: str) -> str | None:
    """Clean a leaderboard/benchmark dataset name (drop split suffixes and parentheses).

    >>> clean_dataset_name("COCO test-dev"), clean_dataset_name("CoNLL 2003 (English)")
    ('COCO', 'CoNLL 2003')
    >>> clean_dataset_name("Warning: Evaluation Metrics") is None
    True
    """
    text = clean(raw or "")
    if not text or _BAD_DATASET.search(text):
        return None
    name = _SPLIT_SUFFIX.sub("", strip_parens(text)).strip(" ,-")
    if not name or not plausible_surface(name, max_words=5, max_len=40):
        return None
    if not (has_name_signal(name) or name[:1].isupper()):
        return None
    return name


def build_sota(ext: Path, blocked: frozenset[str]) -> tuple[Collector, Collector]:
    models = Collector("pwc-sota-models", blocked)
    datasets = Collector("pwc-sota-datasets", blocked)
    for path in sota_files(ext):
        for top in _load_json(path):
            for kind, item in _walk_sota(top):
                if kind == "row":
                    name = clean_system_name(item.get("model_name", ""))
                    if name:
                        models.add(name, "Model")
                elif kind == "dataset":
                    name = clean_dataset_name(item.get("dataset", ""))
                    if name:
                        datasets.add(name, "Dataset")
    return models, datasets


def build_world_datasets(ext: Path, blocked: frozenset[str]) -> Collector:
    col = Collector("pwc-world-datasets", blocked)
    for row in world_rows(ext):
        names = {clean_dataset_name(x) for x in _split_list(row.get("Common Datasets (Top 10)", ""))}
        names |= {clean_dataset_name(x) for x in _split_list(row.get("Benchmarks", ""))}
        for name in sorted(n for n in names if n):
            col.add(name, "Dataset")
    return col


# --- derived sources -------------------------------------------------------------------------
def build_hf(ext: Path, blocked: frozenset[str]) -> Collector:
    col = Collector("hf-transformers", blocked)
    data = _load_json(_require(ext / "model_names_hf" / "hf_transformers_model_names.json"))
    for _model_type, display in sorted(data["model_type_to_display_name"].items()):
        col.add(display, "Model")
    return col


def build_nlp_tdms(ext: Path, blocked: frozenset[str]) -> Collector:
    col = Collector("nlp-tdms", blocked)
    path = _require(ext / "nlp_tdms" / "datasetKB.tsv")
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            name = clean_dataset_name(parts[1])
            if name:
                col.add(name, "Dataset")
    return col


def _conll_spans(path: Path, wanted: str) -> Iterator[tuple[int, str]]:
    """Yield (sentence index, surface) of BIO spans of type ``wanted`` in a token/offset/tag file."""
    sent, toks, cur = 0, [], None
    with open(path, encoding="utf-8") as fh:
        lines = [ln.rstrip("\n") for ln in fh] + [""]
    for line in lines:
        if not line.strip():
            if cur:
                yield sent, _detok(cur)
            sent, cur = sent + 1, None
            continue
        parts = line.split("\t")
        tok, tag = parts[0], parts[-1]
        if tag == f"B-{wanted}":
            if cur:
                yield sent, _detok(cur)
            cur = [tok]
        elif tag == f"I-{wanted}" and cur:
            cur.append(tok)
        else:
            if cur:
                yield sent, _detok(cur)
            cur = None
        toks.append(tok)


_PTB = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}", "``": '"', "''": '"'}


def _detok(tokens: list[str]) -> str:
    text = " ".join(_PTB.get(t, t) for t in tokens)
    text = re.sub(r"\s*-\s*", "-", text)
    text = re.sub(r"\s+([,.)\]'])", r"\1", text)
    text = re.sub(r"([(\[])\s+", r"\1", text)
    return clean(text)


def keep_mention(surface: str, doc_freq: int, label: str) -> bool:
    """Keep a corpus mention only if it is name-like.

    SciERC/SciREX/TDMSci annotate every method/material phrase, most of them generic ("statistical
    approach", "text", "corpus"). Measured on the SciERC training split (350 abstracts): of 1,237
    distinct Method surfaces 361 carry a name signal (a capital after the first letter or a digit:
    "HMM", "IBM Model 4"); of the 876 others only 34 recur in >= 2 abstracts, 13 of them single
    words ("parser", "model", "clustering") and 15 of the 21 multi-word ones ending in a generic
    head ("statistical techniques", "heuristic rules"), leaving 6 ("belief propagation", "graph
    cuts", "artificial neural networks"; the stop-list removes the generic rest). Of 473
    distinct Material surfaces 107 carry a name signal; the 22 recurring others are languages or
    generic ("English", "speech", "training data"), so Materials need the signal.
    """
    if not plausible_surface(surface, max_words=5, max_len=50) or is_generic_phrase(surface):
        return False
    if has_name_signal(surface):
        return True
    if label == "Technique":
        return doc_freq >= 2 and len(surface.split()) >= 2 and surface.islower()
    return False


def build_tdmsci(ext: Path, blocked: frozenset[str]) -> Collector:
    col = Collector("tdmsci", blocked)
    df: dict[str, set[int]] = defaultdict(set)
    for sent, surface in _conll_spans(_require(ext / "tdmsci" / "train_1500_v2.conll"), "DATASET"):
        df[surface].add(sent)
    for surface in sorted(df):
        name, aliases = split_acronym(surface)
        if keep_mention(surface, len(df[surface]), "Dataset"):
            col.add(name, "Dataset", aliases, support=len(df[surface]))
    return col


def build_scierc(ext: Path, blocked: frozenset[str]) -> Collector:
    col = Collector("scierc", blocked)
    labels = {"Method": "Technique", "Material": "Dataset"}
    df: dict[tuple[str, str], set[str]] = defaultdict(set)
    for doc in _jsonl(_require(ext / "scierc" / "train.json")):
        tokens = [t for s in doc["sentences"] for t in s]
        starts = set()
        pos = 0
        for s in doc["sentences"]:
            starts.add(pos)
            pos += len(s)
        for sent in doc["ner"]:
            for start, end, typ in sent:
                if typ not in labels:
                    continue
                surface = _detok(tokens[start : end + 1])
                # A capital only because the mention opens the sentence is not a name signal.
                if start in starts and surface[:1].isupper() and not has_name_signal(surface):
                    surface = surface[:1].lower() + surface[1:]
                df[(surface, labels[typ])].add(doc["doc_key"])
    for (surface, label), docs in sorted(df.items()):
        name, aliases = split_acronym(surface)
        if keep_mention(surface, len(docs), label):
            col.add(name, label, aliases, support=len(docs))
    return col


def build_scirex(ext: Path, blocked: frozenset[str]) -> Collector:
    """SciREX result tuples name the salient Method and Material (dataset) of each paper. A
    name-like Method of a result tuple is a trained system whose scores are reported, hence Model
    (guidelines: "a paper's own named system counts as a Model when it is a trained model");
    lower-case ones are Techniques."""
    col = Collector("scirex", blocked)
    df: dict[tuple[str, str], set[str]] = defaultdict(set)
    for doc in _jsonl(_require(ext / "scirex" / "train_docs_subset.jsonl")):
        for rel in doc.get("n_ary_relations") or []:
            for field_name in ("Method", "Material"):
                raw = rel.get(field_name)
                if not raw:
                    continue
                surface = clean(raw.replace("_", " "))
                if field_name == "Material":
                    name = clean_dataset_name(surface)
                    if name and has_name_signal(name):
                        df[(name, "Dataset")].add(doc["doc_id"])
                else:
                    name = clean_system_name(surface) if has_name_signal(surface) else surface
                    if name:
                        label = "Model" if has_name_signal(name) else "Technique"
                        df[(name, label)].add(doc["doc_id"])
    for (surface, label), docs in sorted(df.items()):
        if keep_mention(surface, len(docs), "Technique" if label != "Dataset" else "Dataset"):
            col.add(surface, label, support=len(docs))
    return col


# --- writing ---------------------------------------------------------------------------------
PWC_NOTICE = """\
# Derived data: Papers with Code (CC BY-SA 4.0)

The files in this folder are **derived from Papers with Code data** and are distributed under the
**Creative Commons Attribution-ShareAlike 4.0 International licence**
(https://creativecommons.org/licenses/by-sa/4.0/). They are kept apart from the rest of the
repository (Apache-2.0) so that the share-alike terms apply to them only.

Attribution: Papers with Code (paperswithcode.com), data released under CC BY-SA 4.0, as found in
the public snapshots listed below. Changes: only entity names, aliases, a type (Model / Dataset /
Technique) and a document count were extracted; descriptions and other texts were not copied.
Generated by `scripts/build_gazetteers.py`; do not edit by hand.

| file | derived from | entries |
|---|---|---|
{rows}
"""

DERIVED_NOTICE = """\
# Derived data: Apache-2.0 and research corpora

Entity names (with a type and a document count) extracted by `scripts/build_gazetteers.py` from
the corpora below; no sentences or abstracts were copied. Do not edit by hand.

| file | derived from | licence | entries |
|---|---|---|---|
{rows}

Attributions: Hugging Face transformers (Apache-2.0, (c) The Hugging Face team); NLP-TDMS and
TDMSci (IBM/science-result-extractor, Apache-2.0; Hou et al. 2019, Hou et al. 2021); SciREX
(allenai/SciREX, Apache-2.0; Jain et al. 2020); SciERC (Luan et al. 2018, University of
Washington; research data released without an explicit licence — only entity names are used).
"""

PWC_SOURCES = {
    "methods.jsonl": "pwc/methods.json (methods: name, full_name, collections, num_papers)",
    "sota_models.jsonl": "paperswithcode/sota-extractor data/tasks/*.json (leaderboard model names)",
    "sota_datasets.jsonl": "paperswithcode/sota-extractor data/tasks/*.json (dataset names)",
    "world_datasets.jsonl": "World-Snapshot/papers-with-code all_tasks_detailed.csv (datasets, benchmarks)",
    "non_entities.txt": "task and metric names of the PwC task list, task tables and sota-extractor, and of NLP-TDMS",
}
DERIVED_SOURCES = {
    "hf_models.jsonl": ("transformers 4.46.3 MODEL_NAMES_MAPPING", "Apache-2.0"),
    "nlp_tdms_datasets.jsonl": ("IBM/science-result-extractor NLP-TDMS datasetKB.tsv", "Apache-2.0"),
    "tdmsci_datasets.jsonl": ("TDMSci train_1500_v2.conll DATASET spans", "Apache-2.0"),
    "scirex.jsonl": ("allenai/SciREX train split n_ary_relations Method/Material", "Apache-2.0"),
    "scierc.jsonl": ("SciERC train split Method/Material spans", "research data, no explicit licence"),
}


def write_jsonl(path: Path, records: list[Record]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for rec in records:
            fh.write(rec.as_json() + "\n")
    return len(records)


def build(ext: Path, out: Path, quiet: bool = False) -> dict[str, int]:
    """Build every derived gazetteer file under ``out``; return {relative path: entry count}."""
    if not ext.is_dir():
        raise KgError(f"external data folder not found: {ext}")
    tasks, metrics = non_entity_names(ext)
    # Task lists also hold some dataset and method names ("GSM8K", "XLM-R", "Quantization"): a
    # name that any dataset list or the PwC methods list also carries is not blocked as a task.
    entity_names: set[str] = set()
    for row in world_rows(ext):
        entity_names.update(alnum_fold(x) for x in _split_list(row.get("Common Datasets (Top 10)", "")))
        entity_names.update(alnum_fold(x) for x in _split_list(row.get("Benchmarks", "")))
    for m in _load_json(ext / "pwc" / "methods.json"):
        entity_names.add(alnum_fold(m.get("name") or ""))
        entity_names.add(alnum_fold(m.get("full_name") or ""))
    blocked_tasks = {alnum_fold(t) for t in tasks} - entity_names
    blocked = frozenset(blocked_tasks | {alnum_fold(m) for m in metrics}) - {""}

    counts: dict[str, int] = {}
    pwc_dir, derived_dir = out / "pwc", out / "derived"
    sota_models, sota_datasets = build_sota(ext, blocked)
    # PwC methods are typed by PwC itself; only metric names block them.
    methods_blocked = frozenset(alnum_fold(m) for m in metrics) - {""}
    outputs = {
        pwc_dir / "methods.jsonl": build_pwc_methods(ext, methods_blocked),
        pwc_dir / "sota_models.jsonl": sota_models,
        pwc_dir / "sota_datasets.jsonl": sota_datasets,
        pwc_dir / "world_datasets.jsonl": build_world_datasets(ext, blocked),
        derived_dir / "hf_models.jsonl": build_hf(ext, blocked),
        derived_dir / "nlp_tdms_datasets.jsonl": build_nlp_tdms(ext, blocked),
        derived_dir / "tdmsci_datasets.jsonl": build_tdmsci(ext, blocked),
        derived_dir / "scirex.jsonl": build_scirex(ext, blocked),
        derived_dir / "scierc.jsonl": build_scierc(ext, blocked),
    }
    for path, col in outputs.items():
        counts[path.relative_to(out).as_posix()] = write_jsonl(path, col.records())
        if not quiet:
            rej = ", ".join(f"{k}: {v}" for k, v in sorted(col.rejected.items())) or "none"
            print(f"{path.relative_to(out)}: {counts[path.relative_to(out).as_posix()]} entries (rejected {rej})")

    non_entities = sorted(tasks | metrics, key=lambda s: (s.casefold(), s))
    (pwc_dir / "non_entities.txt").write_text("".join(f"{t}\n" for t in non_entities), encoding="utf-8")
    counts["pwc/non_entities.txt"] = len(non_entities)

    rows = "\n".join(
        f"| `{name}` | {src} | {counts[f'pwc/{name}']} |" for name, src in PWC_SOURCES.items()
    )
    (pwc_dir / "NOTICE.md").write_text(PWC_NOTICE.format(rows=rows), encoding="utf-8")
    rows = "\n".join(
        f"| `{name}` | {src} | {lic} | {counts[f'derived/{name}']} |" for name, (src, lic) in DERIVED_SOURCES.items()
    )
    (derived_dir / "NOTICE.md").write_text(DERIVED_NOTICE.format(rows=rows), encoding="utf-8")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("extdata", nargs="?", type=Path, default=DEFAULT_EXTDATA,
                        help=f"external data folder (default: {DEFAULT_EXTDATA})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="gazetteer folder to write pwc/ and derived/ into")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing")
    args = parser.parse_args(argv)
    try:
        build(args.extdata, args.out, quiet=args.quiet)
    except KgError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
