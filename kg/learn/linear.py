"""A linear model stored as JSON: named feature weights, an intercept per class, a decision threshold.

Why JSON and not pickle: the shipped files are small, readable, diffable, byte-identical when rebuilt from the
same data, and applying them needs no scikit-learn (a dot product over a handful of features per candidate).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

Features = dict[str, float]
DIGITS = 6


@dataclass
class LinearModel:
    """Binary (one class) or multinomial logistic regression with sparse named features.

    ``weights[c][feature]`` and ``bias[c]`` per class ``c``; a binary model has the single class ``"1"``.

    Examples
    --------
    >>> m = LinearModel(classes=["1"], weights={"1": {"a": 2.0}}, bias={"1": -1.0}, threshold=0.5)
    >>> round(m.probability({"a": 1.0}), 3)
    0.731
    >>> m.accept({"a": 1.0}), m.accept({})
    (True, False)
    """

    classes: list[str]
    weights: dict[str, dict[str, float]]
    bias: dict[str, float]
    threshold: float = 0.5
    info: dict = field(default_factory=dict)

    def _score(self, cls: str, features: Features) -> float:
        w = self.weights[cls]
        return self.bias[cls] + sum(w.get(k, 0.0) * v for k, v in features.items())

    def probability(self, features: Features) -> float:
        """P(positive) of a binary model."""
        z = self._score(self.classes[0], features)
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    def accept(self, features: Features) -> bool:
        """Whether a binary model keeps the candidate (probability at or over the threshold)."""
        return self.probability(features) >= self.threshold

    def distribution(self, features: Features) -> dict[str, float]:
        """Class probabilities of a multinomial model (softmax)."""
        scores = {c: self._score(c, features) for c in self.classes}
        top = max(scores.values())
        exp = {c: math.exp(s - top) for c, s in scores.items()}
        total = sum(exp.values())
        return {c: e / total for c, e in exp.items()}

    def best(self, features: Features) -> str:
        """The most probable class of a multinomial model (ties: first in ``classes``)."""
        dist = self.distribution(features)
        return max(self.classes, key=lambda c: dist[c])

    def to_json(self) -> dict:
        return {
            "classes": self.classes,
            "threshold": round(self.threshold, DIGITS),
            "bias": {c: round(b, DIGITS) for c, b in sorted(self.bias.items())},
            "weights": {c: {k: round(v, DIGITS) for k, v in sorted(w.items()) if round(v, DIGITS) != 0.0}
                        for c, w in sorted(self.weights.items())},
            "info": self.info,
        }

    @classmethod
    def from_json(cls, data: dict) -> "LinearModel":
        return cls(list(data["classes"]), {c: dict(w) for c, w in data["weights"].items()}, dict(data["bias"]),
                   float(data.get("threshold", 0.5)), dict(data.get("info", {})))
