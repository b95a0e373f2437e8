"""Span-level scoring shared by the external corpora: gold documents, spans, exact and relaxed P/R/F1.

A corpus reader turns its files into ``Document`` objects (plain text plus gold character spans and gold
relations); the extractor's output for that text is turned into predicted ``Span`` objects; ``score_spans``
counts, per document, how many predicted and gold spans match.

Two matching modes are reported:

* **exact**: a predicted span is correct when a gold span has the same ``(start, end)``; true positives are
  the shared offset pairs, so P = tp / #pred and R = tp / #gold.
* **relaxed** (overlap): a predicted span is correct when it overlaps at least one gold span, and a gold
  span is found when at least one predicted span overlaps it; P = #correct pred / #pred,
  R = #found gold / #gold (the two numerators may differ, e.g. one long prediction covering two gold spans).

Spans are deduplicated by offsets within a document before counting; labels are compared by the caller
(each scored category selects its own gold and predicted spans).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Span:
    """A character span ``[start, end)`` of a document's text with a label (gold type or our label)."""

    start: int
    end: int
    label: str = ""

    def overlaps(self, other: "Span") -> bool:
        """True when the two spans share at least one character."""
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class GoldRelation:
    """A gold relation between two spans of one document (``head`` relation-type ``tail``)."""

    type: str
    head: Span
    tail: Span


@dataclass
class Document:
    """One scored unit of an external corpus: its text, gold spans and gold relations."""

    doc_id: str
    text: str
    spans: list[Span] = field(default_factory=list)
    relations: list[GoldRelation] = field(default_factory=list)


@dataclass
class Counts:
    """Counts of one category: exact tp, relaxed tp on the predicted and on the gold side, #pred, #gold."""

    tp: int = 0
    tp_pred_relaxed: int = 0
    tp_gold_relaxed: int = 0
    pred: int = 0
    gold: int = 0

    def add(self, other: "Counts") -> None:
        """Add another ``Counts`` in place (micro-averaging over documents)."""
        self.tp += other.tp
        self.tp_pred_relaxed += other.tp_pred_relaxed
        self.tp_gold_relaxed += other.tp_gold_relaxed
        self.pred += other.pred
        self.gold += other.gold

    def figures(self) -> dict[str, float | int]:
        """P/R/F1 of both modes (rounded to 3 decimals) and the raw counts.

        Examples
        --------
        >>> Counts(tp=1, tp_pred_relaxed=2, tp_gold_relaxed=2, pred=4, gold=2).figures()["exact"]
        {'p': 0.25, 'r': 0.5, 'f1': 0.333}
        """
        exact = prf(self.tp, self.pred, self.tp, self.gold)
        relaxed = prf(self.tp_pred_relaxed, self.pred, self.tp_gold_relaxed, self.gold)
        return {"exact": exact, "relaxed": relaxed, "pred": self.pred, "gold": self.gold, "tp": self.tp,
                "tp_pred_relaxed": self.tp_pred_relaxed, "tp_gold_relaxed": self.tp_gold_relaxed}


def prf(tp_pred: int, npred: int, tp_gold: int, ngold: int) -> dict[str, float]:
    """Precision, recall and F1 (3 decimals) with the gold scorer's conventions for empty sets.

    Nothing predicted and nothing to find is P = R = 1; predictions with no gold is R = 1.

    Examples
    --------
    >>> prf(2, 4, 2, 5)
    {'p': 0.5, 'r': 0.4, 'f1': 0.444}
    """
    p = tp_pred / npred if npred else (1.0 if not ngold else 0.0)
    r = tp_gold / ngold if ngold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 3), "r": round(r, 3), "f1": round(f, 3)}


def score_spans(predicted: Iterable[Span], gold: Iterable[Span]) -> Counts:
    """Counts of one document: exact matches by offsets, relaxed matches by overlap (labels ignored).

    Examples
    --------
    >>> c = score_spans([Span(0, 5), Span(10, 20), Span(30, 31)], [Span(0, 5), Span(12, 15), Span(16, 18)])
    >>> (c.tp, c.tp_pred_relaxed, c.tp_gold_relaxed, c.pred, c.gold)
    (1, 2, 3, 3, 3)
    """
    pred = sorted({(s.start, s.end) for s in predicted})
    gold_set = sorted({(s.start, s.end) for s in gold})
    exact = len(set(pred) & set(gold_set))
    pred_spans = [Span(a, b) for a, b in pred]
    gold_spans = [Span(a, b) for a, b in gold_set]
    tp_pred = sum(1 for p in pred_spans if any(p.overlaps(g) for g in gold_spans))
    tp_gold = sum(1 for g in gold_spans if any(g.overlaps(p) for p in pred_spans))
    return Counts(tp=exact, tp_pred_relaxed=tp_pred, tp_gold_relaxed=tp_gold, pred=len(pred), gold=len(gold_set))
