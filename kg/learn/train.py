"""Fit the models of a ``ModelBundle`` from gold papers with scikit-learn, deterministically.

Each binary model is an L2 logistic regression (lbfgs: no randomness) over ``DictVectorizer`` features; its
decision threshold maximises F1 on out-of-fold probabilities of an inner 3-fold split of the training papers,
counting the gold items no candidate covers as misses (for USES and OUTPERFORMS, their pooled F1:
``POOLED_THRESHOLDS``). The type model is a multinomial logistic regression
trained on the candidates that are gold entities.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kg.learn.features import PaperCandidates
from kg.learn.labels import PaperTargets
from kg.learn.linear import LinearModel
from kg.schema import CLAIM_TYPES

C_BINARY = 0.5
C_TYPE = 0.3
INNER_FOLDS = 3
MAX_ITER = 2000


@dataclass
class TrainingPaper:
    """One training paper: its candidates, their targets, and how many gold items of each kind it has."""

    cands: PaperCandidates
    targets: PaperTargets
    gold_counts: dict[str, int]


def _rows(papers: list[TrainingPaper], kind: str) -> tuple[list[dict], list[bool], int]:
    """Feature dicts and targets of one model's candidates, and the number of gold items of that kind."""
    X: list[dict] = []
    y: list[bool] = []
    gold = 0
    for tp in papers:
        gold += tp.gold_counts[kind]
        if kind == "entity":
            X += [c.features for c in tp.cands.entities]
            y += tp.targets.entity
        elif kind == "introduces":
            X += [c.features for c in tp.cands.intros]
            y += tp.targets.intro
        else:
            for rc, t in zip(tp.cands.relations, tp.targets.relation):
                if rc.type == kind:
                    X.append(rc.features)
                    y.append(t)
    return X, y, gold


def _fit(X: list[dict], y: list, C: float, multinomial: bool = False) -> LinearModel:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer(sort=True)
    matrix = vec.fit_transform(X)
    names = vec.get_feature_names_out()
    labels = sorted(set(y))
    if len(labels) < 2:        # degenerate training side: a constant model
        cls = [str(labels[0])] if multinomial else ["1"]
        bias = 10.0 if (multinomial or (labels and labels[0])) else -10.0
        return LinearModel(cls, {c: {} for c in cls}, {c: bias for c in cls})
    clf = LogisticRegression(C=C, solver="lbfgs", max_iter=MAX_ITER)
    clf.fit(matrix, np.asarray(y))
    if not multinomial:
        w = {n: float(v) for n, v in zip(names, clf.coef_[0]) if v != 0.0}
        return LinearModel(["1"], {"1": w}, {"1": float(clf.intercept_[0])})
    classes = [str(c) for c in clf.classes_]
    if len(classes) == 2:      # sklearn stores one row for two classes: class 1 vs class 0
        w = {n: float(v) for n, v in zip(names, clf.coef_[0])}
        return LinearModel(classes, {classes[0]: {}, classes[1]: w},
                           {classes[0]: 0.0, classes[1]: float(clf.intercept_[0])})
    weights = {c: {n: float(v) for n, v in zip(names, row) if v != 0.0} for c, row in zip(classes, clf.coef_)}
    return LinearModel(classes, weights, {c: float(b) for c, b in zip(classes, clf.intercept_)})


def best_threshold(probs: list[float], y: list[bool], n_gold: int) -> float:
    """The threshold maximising F1 = 2TP / (2TP + FP + FN), with FN counting gold items no candidate covers.

    Examples
    --------
    >>> best_threshold([0.9, 0.8, 0.3, 0.1], [True, True, False, False], 2)
    0.8
    """
    return _best_option(_kept_counts(probs, y), n_gold)[0]


def _f1(tp: int, fp: int, n_gold: int) -> float:
    return 2 * tp / (2 * tp + fp + (n_gold - tp)) if n_gold + tp + fp else 0.0


def _kept_counts(probs: list[float], y: list[bool]) -> list[tuple[float, int, int]]:
    """(threshold, TP, FP) for every threshold that changes what a model keeps, from keeping nothing up."""
    order = sorted(zip(probs, y), key=lambda py: -py[0])
    out = [(round(float(order[0][0]) + 1.0, 6) if order else 1.0, 0, 0)]
    tp = fp = 0
    for i, (p, t) in enumerate(order):
        tp += t
        fp += not t
        if i + 1 < len(order) and order[i + 1][0] == p:
            continue
        out.append((round(float(p), 6), tp, fp))
    return out


def _best_option(options: list[tuple[float, int, int]], n_gold: int) -> tuple[float, int, int]:
    """The option of ``_kept_counts`` with the highest F1 among those keeping something (the highest threshold wins a
    tie; 0.5 when there are no rows)."""
    best, best_f = (0.5, 0, 0), -1.0
    for option in options[1:]:
        f = _f1(option[1], option[2], n_gold)
        if f > best_f:
            best, best_f = option, f
    return best


def _inner_split(n: int, k: int) -> list[list[int]]:
    return [[i for i in range(n) if i % k == f] for f in range(k)]


def fit_binary(papers: list[TrainingPaper], kind: str, entity_gates: list[LinearModel] | None = None
               ) -> tuple[LinearModel, tuple[list[float], list[bool], int]]:
    """Fit one binary model, give it the threshold maximising its F1 on inner out-of-fold probabilities
    (``out_of_fold``), and return it with those (probabilities, targets, number of gold items)."""
    X, y, gold = _rows(papers, kind)
    model = _fit(X, y, C_BINARY)
    probs, ys = out_of_fold(papers, kind, entity_gates)
    model.threshold = best_threshold(probs, ys, gold)
    model.info = {"rows": len(y), "positives": int(sum(y)), "gold": gold, "C": C_BINARY}
    return model, (probs, ys, gold)


def out_of_fold(papers: list[TrainingPaper], kind: str,
                entity_gates: list[LinearModel] | None = None) -> tuple[list[float], list[bool]]:
    """The probabilities of one model's rows from models fitted on the other inner folds, and the rows' targets.

    ``entity_gates`` (for relation models) holds one entity model per inner split, fitted on that split's training
    side: a row then counts as kept only when that entity model also accepts its entity, as at prediction time
    (a rejected row gets probability 0).
    """
    probs: list[float] = []
    ys: list[bool] = []
    for k, held in enumerate(_inner_split(len(papers), INNER_FOLDS)):
        held_set = set(held)
        train = [p for i, p in enumerate(papers) if i not in held_set]
        test = [papers[i] for i in held]
        Xt, yt, _ = _rows(train, kind)
        inner = _fit(Xt, yt, C_BINARY)
        Xh, yh, _ = _rows(test, kind)
        if entity_gates is None:
            gate = [True] * len(Xh)
        else:
            gate = [entity_gates[k].accept(rc.entity.features)
                    for tp in test for rc in tp.cands.relations if rc.type == kind]
        probs += [inner.probability(x) if ok else 0.0 for x, ok in zip(Xh, gate)]
        ys += yh
    return probs, ys


def joint_thresholds(rows: dict[str, tuple[list[float], list[bool], int]], rounds: int = 10) -> dict[str, float]:
    """Thresholds of several models chosen together to maximise the F1 of their pooled decisions.

    ``rows`` maps a model to its out-of-fold (probabilities, targets, number of gold items). Each model's own
    best threshold maximises its own F1; the pooled F1 (the ``relations`` figure counts every relation of a paper
    together) wants each model to keep a row only when it is right more often than about half the pooled F1, so
    a model whose rows are rarely right gets a stricter threshold than its own F1 would choose. Coordinate ascent
    from the models' own best thresholds, one model at a time in ``rows`` order, until nothing changes.

    Examples
    --------
    B alone is best at 0.2 (F1 0.57 against 0.50 at 0.5), but next to an accurate A the pooled F1 is higher
    without B's two wrong rows (0.870 against 0.846):

    >>> rows = {"A": ([0.9] * 9 + [0.1], [True] * 9 + [False], 10),
    ...         "B": ([0.5, 0.4, 0.3, 0.2], [True, False, False, True], 3)}
    >>> best_threshold(*rows["B"]), joint_thresholds(rows)
    (0.2, {'A': 0.9, 'B': 0.5})
    """
    options = {kind: _kept_counts(p, y) for kind, (p, y, _) in rows.items()}
    gold = sum(n for _, _, n in rows.values())
    chosen = {kind: _best_option(options[kind], n) for kind, (_, _, n) in rows.items()}

    def pooled_f1(picks: dict) -> float:
        return _f1(sum(o[1] for o in picks.values()), sum(o[2] for o in picks.values()), gold)

    for _ in range(rounds):
        changed = False
        for kind in rows:
            best = max(options[kind], key=lambda o: (pooled_f1({**chosen, kind: o}), o == chosen[kind]))
            if best != chosen[kind]:
                chosen[kind], changed = best, True
        if not changed:
            break
    return {kind: o[0] for kind, o in chosen.items()}


# The relation types whose thresholds are chosen together for their pooled F1 (``joint_thresholds``); the others
# keep their own best threshold. On 5-fold CV of train (3 / 6 splits) pooling USES and OUTPERFORMS lifts
# OUTPERFORMS 0.524 -> 0.531 / 0.511 -> 0.517 (precision 0.55 -> 0.59) with USES and relations unchanged. Pooling
# EXTENDS too lifts relations 0.599 -> 0.610 but drops EXTENDS 0.230 -> 0.078 (recall 0.04): the graph would all
# but stop saying what a paper extends, a loss the pooled figure does not show, so EXTENDS keeps its own.
POOLED_THRESHOLDS = ("USES", "OUTPERFORMS")


def fit_relations(papers: list[TrainingPaper], gates: list[LinearModel]) -> dict[str, LinearModel]:
    """The relation models (``CLAIM_TYPES``): each with its own best threshold (``info["own_threshold"]``), then
    those of ``POOLED_THRESHOLDS`` chosen together for their pooled F1 (``joint_thresholds``), all on inner
    out-of-fold probabilities with each row gated by its entity, as at prediction time."""
    models, rows = {}, {}
    for kind in CLAIM_TYPES:
        models[kind], rows[kind] = fit_binary(papers, kind, gates)
        models[kind].info["own_threshold"] = models[kind].threshold
    for kind, threshold in joint_thresholds({k: rows[k] for k in POOLED_THRESHOLDS}).items():
        models[kind].threshold = threshold
    return models


def inner_entity_models(papers: list[TrainingPaper]) -> list[LinearModel]:
    """The entity model (with its own threshold) of each inner split's training side: the relation models'
    gates, fitted once and shared by the three relation types."""
    out = []
    for held in _inner_split(len(papers), INNER_FOLDS):
        held_set = set(held)
        out.append(fit_binary([p for i, p in enumerate(papers) if i not in held_set], "entity")[0])
    return out


def fit_type(papers: list[TrainingPaper]) -> LinearModel:
    """Fit the multinomial type model on the candidates that are gold entities."""
    X: list[dict] = []
    y: list[str] = []
    for tp in papers:
        for c, t in zip(tp.cands.entities, tp.targets.entity_type):
            if t is not None:
                X.append(c.type_features)
                y.append(t)
    model = _fit(X, y, C_TYPE, multinomial=True)
    model.info = {"rows": len(y), "C": C_TYPE}
    return model


def fit_models(papers: list[TrainingPaper]) -> dict[str, LinearModel]:
    """All models of a bundle (``kg.learn.decide.MODEL_NAMES``)."""
    gates = inner_entity_models(papers)
    models = {kind: fit_binary(papers, kind)[0] for kind in ("entity", "introduces")}
    models.update(fit_relations(papers, gates))
    models["type"] = fit_type(papers)
    return models
