"""Paper-level K-fold cross-validation of the learned extractor on gold papers.

For each fold: the lexicon is built from the training papers' annotations only, the models are trained on
the training papers (their own names left out of their lexicon features), the held-out papers are extracted
with those models, resolved and turned into a graph by the same steps as ``kg build``, and the graph is scored
exactly like ``shared/gold/score.py``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.evaluation.gold import REPORT_KEYS, PaperErrors, score_graph
from kg.extraction.assemble import Proposals, doc_text, propose, rules_extraction
from kg.extraction.doccache import whole_word_spans
from kg.learn.decide import Decider, ModelBundle
from kg.learn.features import paper_candidates
from kg.learn.labels import project
from kg.learn.lexicon import Lexicon, paper_key
from kg.learn.name_tagger import (INNER_FOLDS, NameSpan, NameTagger, Sentence, add_name_spans, bio_tags,
                                  sentence_features, train_tagger)
from kg.learn.phrases import add_phrase_spans
from kg.learn.train import TrainingPaper, fit_models
from kg.nlp.provenance import Provenance, provenance_span
from kg.nlp.rules import Cues, Typing, load_cues, load_typing
from kg.normalize import fold
from kg.records import Extraction, PaperRecord
from kg.schema import CLAIM_TYPES
from kg.text_clean import clean_text

GOLD_KINDS = ("entity", *CLAIM_TYPES, "introduces")


@dataclass
class GoldCorpus:
    """Gold papers parsed once by the spaCy pipeline; lexicon spans are added per fold on top of the rest."""

    gold: list[dict]
    docs: list[Doc]
    papers: list[dict]
    nlp: Language
    typing: Typing = field(default_factory=load_typing)
    cues: Cues = field(default_factory=load_cues)

    @classmethod
    def parse(cls, gold: list[dict], nlp: Language) -> "GoldCorpus":
        from kg.pipeline.read import paper_metadata

        records = [PaperRecord(g["title"], g["abstract"], "gold", i + 1) for i, g in enumerate(gold)]
        texts = [doc_text(clean_text(r.title), clean_text(r.abstract)) for r in records]
        docs = list(nlp.pipe(texts, batch_size=64))
        for doc in docs:
            doc.user_data["kg_base_gazetteer"] = list(doc.spans.get("kg_gazetteer", []))
            doc.user_data["kg_base_candidates"] = list(doc.spans.get("kg_candidates", []))
        return cls(gold, docs, [paper_metadata(r) for r in records], nlp)

    def pid(self, i: int) -> str:
        return paper_key(self.gold[i]["title"])

    def learned_spans(self, i: int, lexicon: Lexicon | None, exclude: str | None = None) -> Doc:
        """Paper ``i``'s Doc with the rules' spans and the lexicon's (leaving out paper ``exclude``'s own names)."""
        doc = self.docs[i]
        doc.spans["kg_gazetteer"] = list(doc.user_data["kg_base_gazetteer"])
        doc.spans["kg_candidates"] = list(doc.user_data["kg_base_candidates"])
        if lexicon is not None:
            lexicon.add_spans(doc, self.nlp, exclude=exclude)
            add_phrase_spans(doc, lexicon.phrase_vocabulary())
        return doc

    def name_features(self, i: int, lexicon: Lexicon, exclude: str | None = None) -> list[Sentence]:
        """The name tagger's input for paper ``i`` (``kg.learn.name_tagger.sentence_features``)."""
        return sentence_features(self.learned_spans(i, lexicon, exclude), len(self.papers[i]["title"]))

    def proposals(self, i: int, lexicon: Lexicon | None, exclude: str | None = None,
                  oracle: bool = False, tagger: NameTagger | None = None,
                  names: list[NameSpan] | None = None) -> Proposals:
        """Proposals of paper ``i`` with the lexicon's spans (leaving out paper ``exclude``'s own names) and the
        names ``tagger`` marks (or the names given: a training paper's, tagged by a tagger that never saw it);
        ``oracle``: with its gold names as strong candidates too (``gold_name_spans``)."""
        doc = self.learned_spans(i, lexicon, exclude)
        if tagger is not None:
            names = tagger.names(doc, len(self.papers[i]["title"]))
        add_name_spans(doc, names or ())
        if oracle:
            doc.spans["kg_candidates"] = [*doc.spans["kg_candidates"], *gold_name_spans(doc, self.gold[i])]
        return propose(doc, self.papers[i], self.typing, self.cues)


ORACLE_PROVENANCE = Provenance("oracle:gold-name", strong=True)


def gold_occurrences(doc: Doc, gold: dict) -> Iterator[NameSpan]:
    """(start, end, gold type) of every occurrence of a gold name or alias of the paper in ``doc`` (whole words,
    any case)."""
    for ent in gold["entities"]:
        for surface in (ent["name"], *ent.get("aliases", [])):
            for span in whole_word_spans(doc, surface, ignore_case=True, expand=True):
                yield span.start, span.end, ent["type"]


def gold_name_spans(doc: Doc, gold: dict) -> list[Span]:
    """Every occurrence of a gold name or alias of the paper (``gold_occurrences``) as a strong candidate with
    the gold type: the candidates a perfect candidate generator would add. Its rule is unknown to the models
    (no weight), so they judge these names by everything else they know; a diagnostic, never used by a build.
    """
    return [provenance_span(doc, start, end, ORACLE_PROVENANCE, label=label)
            for start, end, label in gold_occurrences(doc, gold)]


def without_names(lexicon: Lexicon, gold: list[dict]) -> Lexicon:
    """``lexicon`` without the entries of the gold papers' names and aliases: those names become as new to the
    lexicon (its spans, annotation rates and learned phrases) as in abstracts of another field or era."""
    drop = {lexicon.by_form.get(fold(s)) for g in gold for ent in g["entities"]
            for s in (ent["name"], *ent.get("aliases", []))}
    return Lexicon({key: entry for key, entry in lexicon.entries.items() if key not in drop})


def gold_counts(gold: dict) -> dict[str, int]:
    """Number of gold items of each kind in one paper."""
    rels = [r["relation"] for r in gold["relations"]]
    return {"entity": len(gold["entities"]), "introduces": len(gold.get("introduces", [])),
            **{t: rels.count(t) for t in CLAIM_TYPES}}


def build_lexicon(corpus: GoldCorpus, train_idx: list[int]) -> Lexicon:
    """The lexicon of the training papers, with presence counted over the same papers."""
    lexicon = Lexicon.from_gold(corpus.gold[i] for i in train_idx)
    for i in train_idx:
        lexicon.record_presence(corpus.pid(i), corpus.docs[i], corpus.nlp)
    return lexicon


def gold_name_tags(corpus: GoldCorpus, i: int) -> list[NameSpan]:
    """The names the tagger learns in paper ``i``: the longest occurrences of its gold names and aliases
    (``gold_occurrences``) that overlap no longer one, with the gold type."""
    found = sorted(gold_occurrences(corpus.docs[i], corpus.gold[i]), key=lambda s: (s[0] - s[1], s[0], s[2]))
    taken: set[int] = set()
    names = []
    for start, end, label in found:
        if not taken.intersection(range(start, end)):
            taken.update(range(start, end))
            names.append((start, end, label))
    return sorted(names)


def tagger_sequences(features: dict[int, list[Sentence]], tags: dict[int, list[NameSpan]], papers: list[int]
                     ) -> Iterator[tuple[list[list[str]], list[str]]]:
    """The name tagger's training sequences of the papers ``papers``: each sentence's word features with the BIO
    tags of the paper's gold names (``gold_name_tags``), in paper order, so training stays deterministic."""
    return ((feats, bio_tags(idx, tags[i])) for i in papers for idx, feats in features[i])


def crossfit_names(features: dict[int, list[Sentence]], tags: dict[int, list[NameSpan]], train_idx: list[int]
                   ) -> tuple[bytes, dict[int, list[NameSpan]]]:
    """The name tagger trained on the papers ``train_idx``, and each of those papers' names as marked by a tagger
    trained on the other papers (``INNER_FOLDS`` folds), so the decision models learn from names as good as an
    unseen paper's."""
    names: dict[int, list[NameSpan]] = {}
    for f in range(INNER_FOLDS):
        held = train_idx[f::INNER_FOLDS]
        skip = set(held)
        inner = NameTagger(train_tagger(tagger_sequences(features, tags, [i for i in train_idx if i not in skip])))
        for i in held:
            names[i] = inner.names_in(features[i])
    return train_tagger(tagger_sequences(features, tags, train_idx)), names


def train_bundle(corpus: GoldCorpus, train_idx: list[int]) -> ModelBundle:
    """Train every model on the papers ``train_idx`` of ``corpus``: the lexicon, the name tagger, then the
    decision models on the candidates of the rules, the lexicon and the (cross-fitted) tagger."""
    lexicon = build_lexicon(corpus, train_idx)
    features = {i: corpus.name_features(i, lexicon, exclude=corpus.pid(i)) for i in train_idx}
    tagger, names = crossfit_names(features, {i: gold_name_tags(corpus, i) for i in train_idx}, train_idx)
    papers = []
    for i in train_idx:
        pid = corpus.pid(i)
        cands = paper_candidates(corpus.proposals(i, lexicon, exclude=pid, names=names[i]), lexicon, pid)
        papers.append(TrainingPaper(cands, project(corpus.gold[i], cands), gold_counts(corpus.gold[i])))
    return ModelBundle(fit_models(papers), lexicon, tagger)


def extract_fold(corpus: GoldCorpus, test_idx: list[int], bundle: ModelBundle | None,
                 oracle: bool = False) -> list[Extraction]:
    """Extractions of the held-out papers with ``bundle`` (``None``: the rules alone); ``oracle``: their gold
    names are candidates too (``gold_name_spans``)."""
    out = []
    decider = Decider(bundle) if bundle is not None else None
    for i in test_idx:
        p = corpus.proposals(i, bundle.lexicon if bundle else None, oracle=oracle,
                             tagger=bundle.name_tagger if bundle else None)
        out.append(decider.decide(p) if decider else rules_extraction(p))
    return out


def score_extractions(extractions: list[Extraction], gold: list[dict]) -> tuple[dict, list[PaperErrors]]:
    """Resolve and graph extractions like ``kg build``, then score like ``score.py``."""
    import networkx as nx

    from kg.pipeline.graph import build_graph
    from kg.pipeline.resolve import resolve

    graph = nx.node_link_data(build_graph(resolve(extractions)), edges="edges")
    return score_graph(graph, gold)


def folds(n: int, k: int, repeat: int = 0) -> list[list[int]]:
    """Paper indices of each of ``k`` folds.

    Repeat 0 takes every k-th paper, so folds mix the listings evenly; repeat ``r`` >= 1 deals the papers out
    in the order of a shuffle seeded with ``r``, so repeated cross-validation sees other splits (the figures
    of the small relation types move by several points between splits).

    >>> folds(6, 3)
    [[0, 3], [1, 4], [2, 5]]
    >>> sorted(i for fold in folds(6, 3, repeat=1) for i in fold)
    [0, 1, 2, 3, 4, 5]
    """
    order = list(range(n))
    if repeat:
        random.Random(repeat).shuffle(order)
    return [sorted(order[f::k]) for f in range(k)]


def training_subset(train_idx: list[int], fraction: float) -> list[int]:
    """A fixed random ``fraction`` of the training papers ``train_idx`` (at least one), for learning curves: the
    shuffle is seeded by the number of papers, so the same split always trains on the same subset.

    >>> training_subset([0, 1, 2, 3], 1.0)
    [0, 1, 2, 3]
    >>> len(training_subset(list(range(10)), 0.3))
    3
    """
    if fraction >= 1.0:
        return list(train_idx)
    order = list(train_idx)
    random.Random(len(order)).shuffle(order)
    return sorted(order[:max(1, round(len(order) * fraction))])


@dataclass(frozen=True)
class FoldJob:
    """One fold of a cross-validation: its number, held-out and training papers, and how it is run."""

    fold: int
    test_idx: list[int]
    train_idx: list[int]
    rules_only: bool = False
    oracle: bool = False
    unseen: bool = False


def score_fold(corpus: GoldCorpus, job: FoldJob) -> dict:
    """Train on the job's training papers, extract its held-out papers and score them (``score_graph`` figures
    plus ``fold``, ``errors`` and ``judged``)."""
    bundle = None if job.rules_only else train_bundle(corpus, job.train_idx)
    if job.unseen and bundle is not None:
        bundle = replace(bundle, lexicon=without_names(bundle.lexicon, [corpus.gold[i] for i in job.test_idx]))
    extractions = extract_fold(corpus, job.test_idx, bundle, job.oracle)
    held_gold = [corpus.gold[i] for i in job.test_idx]
    scores, errors = score_extractions(extractions, held_gold)
    scores["fold"] = job.fold
    scores["errors"] = errors
    scores["judged"] = judged_relations(extractions, held_gold)
    return scores


_FORKED_CORPUS: GoldCorpus | None = None        # the corpus a forked fold worker inherits (never pickled)


def _score_forked_fold(job: FoldJob) -> dict:
    return score_fold(_FORKED_CORPUS, job)


def cross_validate(corpus: GoldCorpus, k: int, *, rules_only: bool = False, progress=None,
                   repeats: int = 1, train_fraction: float = 1.0, oracle: bool = False,
                   unseen: bool = False, jobs: int = 1) -> list[dict]:
    """Per-fold scores (``score_fold``) of K-fold cross-validation, ``repeats`` times over different splits
    (``folds``); fold numbers run on across repeats. ``train_fraction`` < 1 trains each fold on that share of its
    training papers (``training_subset``; the held-out fold is unchanged): the points of a learning curve.
    ``oracle``: the held-out papers' gold names are added to their candidates (``gold_name_spans``; training
    unchanged), which measures what perfect candidates would be worth; ``unseen``: they are extracted with their
    gold names left out of the lexicon (``without_names``). ``jobs`` > 1 scores that many folds at a time in
    forked processes (the folds are independent: the same figures, in the same order)."""
    global _FORKED_CORPUS
    n = len(corpus.gold)
    splits = [test_idx for r in range(repeats) for test_idx in folds(n, k, repeat=r)]
    fold_jobs = []
    for f, test_idx in enumerate(splits):
        held = set(test_idx)
        train_idx = training_subset([i for i in range(n) if i not in held], train_fraction)
        fold_jobs.append(FoldJob(f, test_idx, train_idx, rules_only, oracle, unseen))
    if jobs > 1 and len(fold_jobs) > 1:
        import multiprocessing

        _FORKED_CORPUS = corpus
        try:
            with multiprocessing.get_context("fork").Pool(min(jobs, len(fold_jobs))) as pool:
                scored = pool.imap(_score_forked_fold, fold_jobs)
                results = [_reported(scores, progress) for scores in scored]
        finally:
            _FORKED_CORPUS = None
        return results
    return [_reported(score_fold(corpus, job), progress) for job in fold_jobs]


def _reported(scores: dict, progress) -> dict:
    if progress:
        progress(scores["fold"], scores)
    return scores


def pooled(results: list[dict]) -> dict:
    """Micro-averaged figures over folds (counts added up), like scoring all held-out papers at once."""
    out = {}
    for key in REPORT_KEYS:
        tp = sum(r[key]["tp"] for r in results)
        pred = sum(r[key]["pred"] for r in results)
        gold = sum(r[key]["gold"] for r in results)
        p = tp / pred if pred else (1.0 if not gold else 0.0)
        rec = tp / gold if gold else 1.0
        f1 = 2 * p * rec / (p + rec) if p + rec else 0.0
        out[key] = {"p": round(p, 3), "r": round(rec, 3), "f1": round(f1, 3), "tp": tp, "pred": pred, "gold": gold}
    return out


def mean_of_folds(results: list[dict]) -> dict:
    """Mean and standard deviation of each figure's F1 (and P, R) over the folds."""
    import statistics

    out = {}
    for key in REPORT_KEYS:
        vals = {m: [r[key][m] for r in results] for m in ("p", "r", "f1")}
        out[key] = {m: round(statistics.fmean(v), 3) for m, v in vals.items()}
        out[key]["sd"] = round(statistics.pstdev(vals["f1"]), 3)
    return out


def judged_relations(extractions: list[Extraction], gold: list[dict]) -> list[tuple[float, bool]]:
    """(confidence, correct) of every predicted USES/OUTPERFORMS/EXTENDS relation of held-out papers; a relation
    is correct when its target folds to a gold entity of the paper that the gold relates with the same type."""
    from kg.learn.labels import gold_index
    from kg.normalize import score_fold

    out = []
    for ex, g in zip(extractions, gold):
        index = gold_index(g)
        rels = {(r["relation"], r["object"]) for r in g["relations"]}
        for r in ex.relations:
            if r.type == "INTRODUCES":
                continue
            ent = index.get(score_fold(r.target))
            out.append((r.confidence, ent is not None and (r.type, ent["name"]) in rels))
    return out


RELIABILITY_BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


def reliability(results: list[dict]) -> list[dict]:
    """Reliability table of relation confidences over all folds: per confidence bin, how many relations were
    predicted, their mean confidence and the share that was correct (a calibrated model has the two close)."""
    judged = [j for r in results for j in r.get("judged", [])]
    rows = []
    for lo, hi in zip(RELIABILITY_BINS, RELIABILITY_BINS[1:]):
        inside = [(c, ok) for c, ok in judged if lo <= c < hi or (hi == 1.0 and c == 1.0)]
        if not inside:
            rows.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": 0, "confidence": None, "correct": None})
            continue
        rows.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": len(inside),
                     "confidence": round(sum(c for c, _ in inside) / len(inside), 3),
                     "correct": round(sum(ok for _, ok in inside) / len(inside), 3)})
    return rows
