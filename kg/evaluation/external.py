"""Span-level evaluation of the extractor on external annotated corpora (TDMSci, SciERC).

What is measured
----------------
Every document's text (a TDMSci sentence, a SciERC abstract) goes through the same path as a paper's
abstract in ``kg build`` (``kg.pipeline.extract.extract_records`` with an empty title), and the
``Extraction`` it yields is compared with the gold annotation by character spans (``kg.evaluation.spans``:
exact offsets, and relaxed = overlap). Predicted entity spans are the extraction's mentions (the mentions
``kg build`` keeps, i.e. weak candidates only when a relation uses them). Categories:

TDMSci (``read_tdmsci``, one document per sentence)
    ``DATASET -> Dataset``     gold DATASET spans vs our Dataset mentions.
    ``DATASET -> any label``   the same gold vs all our mentions (typing errors excluded: a diagnostic).
SciERC (``read_scierc``, one document per abstract)
    ``Method -> Technique|Model``   gold Method spans vs our Technique and Model mentions.
    ``Material -> Dataset``         gold Material spans vs our Dataset mentions.
    ``entities (both rows)``        micro sum of the two rows above.
    ``USED-FOR -> USES``            candidate scoring of a paper-level relation: the gold items are the
                                    distinct *used* arguments (first argument) of USED-FOR relations whose
                                    entity type is Method or Material; the predicted items are the spans of
                                    the document's mentions whose canonical name is the target of one of
                                    our USES relations. A gold USED-FOR counts as found when such a span
                                    matches its used argument: we check that the extractor marks the used
                                    thing as used in that document, not what it is used for (our relations
                                    go from the paper to an entity, SciERC's go between two entities).
    ``COMPARE -> OUTPERFORMS``      the same with both arguments of COMPARE relations (Method or Material)
                                    against the spans of our OUTPERFORMS targets: COMPARE is symmetric and
                                    says nothing about who wins, so this is a recall-oriented proxy.

Caveat: the gazetteer's ``derived/tdmsci_datasets.jsonl`` was built from the TDMSci *train* DATASET spans,
so TDMSci train figures are optimistic; ``exclude_gazetteers=["derived/tdmsci_datasets.jsonl"]`` (CLI
``--exclude-gazetteer``) measures without it. ``derived/scierc.jsonl`` comes from the SciERC *train* split
only, so SciERC dev is not seen by the gazetteer.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.evaluation.spans import Counts, Document, Span, score_spans
from kg.records import Extraction, PaperRecord

ENTITY_TYPES_SCIERC = ("Method", "Material")


@dataclass
class Prediction:
    """The extractor's output on one document as spans: entity mentions, and the spans of relation targets."""

    doc_id: str
    mentions: list[Span] = field(default_factory=list)
    targets: dict[str, list[Span]] = field(default_factory=dict)   # relation type -> spans of its targets


@dataclass(frozen=True)
class Category:
    """One scored row: which gold spans and which predicted spans of a document are compared."""

    name: str
    gold: Callable[[Document], list[Span]]
    pred: Callable[[Prediction], list[Span]]


def prediction_from_extraction(doc_id: str, extraction: Extraction) -> Prediction:
    """Turn an ``Extraction`` of a document (text given as the abstract, empty title) into spans.

    Examples
    --------
    >>> from kg.records import Mention, Relation
    >>> ex = Extraction(paper={"title": ""}, mentions=[Mention("BERT", "abstract", 4, 8, "Model", "BERT", "g")],
    ...                 relations=[Relation("USES", "BERT", "We use BERT.", "use.apply", 0.8)])
    >>> prediction_from_extraction("d", ex).targets
    {'USES': [Span(start=4, end=8, label='Model')]}
    """
    mentions = [Span(m.start, m.end, m.label) for m in extraction.mentions if m.field == "abstract"]
    by_canonical: dict[str, list[Span]] = {}
    for m in extraction.mentions:
        if m.field == "abstract":
            by_canonical.setdefault(m.canonical, []).append(Span(m.start, m.end, m.label))
    targets: dict[str, list[Span]] = {}
    for rel in extraction.relations:
        targets.setdefault(rel.type, []).extend(by_canonical.get(rel.target, []))
    return Prediction(doc_id, sorted(set(mentions)), {k: sorted(set(v)) for k, v in sorted(targets.items())})


def _labelled(spans: Iterable[Span], labels: Sequence[str]) -> list[Span]:
    return [s for s in spans if s.label in labels]


def _relation_args(doc: Document, rel_type: str, heads: bool, tails: bool) -> list[Span]:
    out: list[Span] = []
    for rel in doc.relations:
        if rel.type != rel_type:
            continue
        out.extend(s for s, keep in ((rel.head, heads), (rel.tail, tails)) if keep and s.label in ENTITY_TYPES_SCIERC)
    return out


TDMSCI_CATEGORIES = (
    Category("DATASET -> Dataset", lambda d: _labelled(d.spans, ("DATASET",)), lambda p: _labelled(p.mentions, ("Dataset",))),
    Category("DATASET -> any label", lambda d: _labelled(d.spans, ("DATASET",)), lambda p: list(p.mentions)),
)

SCIERC_CATEGORIES = (
    Category("Method -> Technique|Model", lambda d: _labelled(d.spans, ("Method",)),
             lambda p: _labelled(p.mentions, ("Technique", "Model"))),
    Category("Material -> Dataset", lambda d: _labelled(d.spans, ("Material",)), lambda p: _labelled(p.mentions, ("Dataset",))),
    Category("USED-FOR -> USES", lambda d: _relation_args(d, "USED-FOR", True, False), lambda p: p.targets.get("USES", [])),
    Category("COMPARE -> OUTPERFORMS", lambda d: _relation_args(d, "COMPARE", True, True),
             lambda p: p.targets.get("OUTPERFORMS", [])),
)

# rows that are micro sums of other rows: name -> summed row names
SUMS = {"scierc": {"entities (both rows)": ("Method -> Technique|Model", "Material -> Dataset")}, "tdmsci": {}}
CATEGORIES = {"tdmsci": TDMSCI_CATEGORIES, "scierc": SCIERC_CATEGORIES}


def score_documents(corpus: str, docs: Sequence[Document], preds: Sequence[Prediction]) -> dict:
    """Micro-averaged figures of every category of ``corpus`` over aligned documents and predictions.

    Returns ``{"corpus", "documents", "categories": {name: Counts.figures()}}``, rows in a fixed order.
    """
    if len(docs) != len(preds):
        raise ValueError(f"{len(docs)} documents but {len(preds)} predictions")
    totals = {c.name: Counts() for c in CATEGORIES[corpus]}
    for doc, pred in zip(docs, preds):
        for cat in CATEGORIES[corpus]:
            totals[cat.name].add(score_spans(cat.pred(pred), cat.gold(doc)))
    for name, parts in SUMS[corpus].items():
        total = Counts()
        for part in parts:
            total.add(totals[part])
        totals[name] = total
    return {"corpus": corpus, "documents": len(docs), "categories": {k: v.figures() for k, v in totals.items()}}


def nlp_for_eval(spacy_model: str | None = None, exclude_gazetteers: Sequence[str] = ()):
    """The extraction pipeline, optionally with some gazetteer files (paths under ``ontology/gazetteers``) left out.

    Leaving a file out copies the ontology folder to a temporary folder without it and points the
    ``kg_gazetteer`` component there (the gazetteer is read once, at initialisation, so the copy is removed
    before returning).
    """
    from kg.api import default_nlp
    from kg.errors import KgError
    from kg.nlp.pipeline import build_nlp
    from kg.paths import ontology_dir

    if not exclude_gazetteers:
        return default_nlp(spacy_model)
    nlp = build_nlp(spacy_model)
    src = ontology_dir()
    with tempfile.TemporaryDirectory(prefix="kg-ontology-") as tmp:
        dst = Path(tmp) / "ontology"
        shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
        for rel in exclude_gazetteers:
            target = dst / "gazetteers" / rel
            if not target.is_file():
                raise KgError(f"{src / 'gazetteers' / rel}: no such gazetteer file")
            target.unlink()
        nlp.replace_pipe("kg_gazetteer", "kg_gazetteer", config={"ontology": str(dst)})
        nlp.get_pipe("kg_gazetteer").initialize()
    return nlp


def predict(docs: Sequence[Document], nlp, *, progress: bool = False, rules_only: bool = False) -> list[Prediction]:
    """Run the extractor on every document's text (as an abstract with an empty title), in order."""
    from tqdm import tqdm

    from kg.pipeline.extract import extract_records

    records = [PaperRecord(title="", abstract=d.text, source=d.doc_id, line=i + 1) for i, d in enumerate(docs)]
    failures: list = []
    extractions = {ex.paper.get("line"): ex for ex in tqdm(extract_records(records, nlp, failures=failures, rules_only=rules_only),
                                                            total=len(records), disable=not progress, unit="doc")}
    preds = []
    for i, d in enumerate(docs):
        ex = extractions.get(i + 1)
        preds.append(prediction_from_extraction(d.doc_id, ex) if ex is not None else Prediction(d.doc_id))
    return preds


def evaluate_corpus(corpus: str, path: str | Path, nlp, *, progress: bool = False, rules_only: bool = False) -> dict:
    """Read ``path`` as ``corpus`` (tdmsci or scierc), run the extractor and return the figures.

    Examples
    --------
    >>> import json, tempfile, os
    >>> rec = {"doc_key": "d1", "sentences": [["We", "fine-tune", "BERT", "on", "SQuAD", "."]],
    ...        "ner": [[[2, 2, "Method"], [4, 4, "Material"]]], "relations": [[[2, 2, 4, 4, "USED-FOR"]]]}
    >>> with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
    ...     _ = fh.write(json.dumps(rec) + "\\n")
    >>> res = evaluate_corpus("scierc", fh.name, nlp_for_eval()); os.unlink(fh.name)
    >>> res["documents"], res["categories"]["Material -> Dataset"]["exact"]
    (1, {'p': 1.0, 'r': 1.0, 'f1': 1.0})
    """
    from kg.evaluation.corpora import reader

    docs = reader(corpus)(path)
    result = score_documents(corpus, docs, predict(docs, nlp, progress=progress, rules_only=rules_only))
    result["path"] = Path(path).name
    return result


def format_table(results: Sequence[dict]) -> str:
    """A plain-text table of one or more corpus results (exact and relaxed P/R/F1, counts)."""
    head = f"{'corpus':8s} {'category':28s} {'exact P':>7s} {'R':>6s} {'F1':>6s}   {'relaxed P':>9s} {'R':>6s} {'F1':>6s}   {'pred':>5s} {'gold':>5s}"
    lines = [head, "-" * len(head)]
    for res in results:
        for name, v in res["categories"].items():
            e, r = v["exact"], v["relaxed"]
            lines.append(f"{res['corpus']:8s} {name:28s} {e['p']:7.3f} {e['r']:6.3f} {e['f1']:6.3f}   "
                         f"{r['p']:9.3f} {r['r']:6.3f} {r['f1']:6.3f}   {v['pred']:5d} {v['gold']:5d}")
        lines.append(f"{'':8s} ({res['documents']} documents of {res['path']})")
    return "\n".join(lines)
