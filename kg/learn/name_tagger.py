"""A learned name tagger: a linear-chain CRF that marks names word by word, on top of the rules.

Why: about one gold name in five had no rule candidate, or only one with other boundaries ("VAE" where the paper
names "Asymmetric VAE", nothing for "majority voting"), and with the right boundaries the same decision models
would score much higher (``kg eval --oracle-candidates``). A CRF (CRFsuite, through python-crfsuite) learns
boundaries from the 400 annotated abstracts: each word's features are its form, shape and affixes, its
neighbours, and the spans the rules, gazetteers, lexicon and cue matcher put on the Doc (``span_marks``), which a
spaCy ``ner`` trained from scratch never sees. Its names join the candidates as strong ones (rule
``learned:name-tagger``), so they can win an overlap; the entity and type models still decide.

The tagger is trained by ``kg.learn.cv.train_bundle`` (for each cross-validation fold, and by
``scripts/train_models.py`` for the shipped file ``kg/models/names.crfsuite``); the training papers' own tagged
names, which the decision models learn from, come from taggers trained on the other training papers
(``crossfit_names``), so the models see names as good as those of an unseen paper.

Examples
--------
>>> word_shape("Llama-2-7B"), word_shape("majority"), word_shape("GSM8K")
('Xxx-d-dX', 'xx', 'XXdX')
>>> decode([3, 4, 5, 7], ["B-Model", "I-Model", "O", "B-Dataset"])
[(3, 5, 'Model'), (7, 8, 'Dataset')]
>>> bio_tags([3, 4, 5, 7], [(3, 5, "Model"), (7, 8, "Dataset")])
['B-Model', 'I-Model', 'O', 'B-Dataset']
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import chain

from spacy.tokens import Doc

from kg.extraction.doccache import sentence_spans, token_bounds, token_texts
from kg.nlp.provenance import Provenance, provenance_of, provenance_span

TAGGER_FILE = "names.crfsuite"
TAGGER_RULE = "learned:name-tagger"
TAGGER_PROVENANCE = Provenance(TAGGER_RULE, strong=True)
# L1 + L2 regularised L-BFGS: deterministic, and the L1 term keeps the model file about 1 MB.
CRF_PARAMS = {"c1": 0.1, "c2": 0.1, "max_iterations": 100, "feature.possible_transitions": True}
INNER_FOLDS = 3
# The span groups whose spans are token features, with the short name the features use.
SPAN_GROUPS = (("gaz", "kg_gazetteer"), ("cand", "kg_candidates"), ("comp", "kg_compounds"), ("cue", "kg_cues"))
NEIGHBOURS = (-2, -1, 1, 2)
MAX_POSITION = 5
_POSITIONS = [(f"pos={k}",) for k in range(MAX_POSITION + 1)]

Sentence = tuple[list[int], list[list[str]]]         # token indices of one sentence, and each token's features
NameSpan = tuple[int, int, str]                      # start, end (tokens), label

_UPPER, _LOWER, _DIGIT, _RUN = re.compile(r"[A-Z]"), re.compile(r"[a-z]"), re.compile(r"[0-9]"), re.compile(r"(.)\1+")


def word_shape(word: str) -> str:
    """The word with capitals as X, lower case as x, digits as d, runs cut to two ("GPT-4o" -> "XX-dx")."""
    shape = _DIGIT.sub("d", _LOWER.sub("x", _UPPER.sub("X", word)))
    return _RUN.sub(r"\1\1", shape)


def span_marks(doc: Doc) -> list[tuple[str, ...]]:
    """Per token, the features of the candidate, gazetteer, compound and cue spans over it: the group, the
    token's place in the span (B, I, E: last), the span's label and (for candidates) its rule; sorted."""
    marks: dict[int, set[str]] = {}                  # only the tokens some span covers
    for short, group in SPAN_GROUPS:
        if group not in doc.spans:
            continue
        last = f"{short}:E"
        for span in doc.spans[group]:
            start, end = span.start, span.end
            if short == "cue":
                first, inner = _mark_strings(short, span.label_.split(".", 1)[0], None)
            else:              # the provenance record itself: ``span._.kg_rule`` costs an extension look-up per span
                prov = provenance_of(span)
                first, inner = _mark_strings(short, span.label_, prov.rule if prov is not None else None)
            marks.setdefault(start, set()).update(first)
            for t in range(start + 1, end):
                marks.setdefault(t, set()).update(inner)
            marks[end - 1].add(last)
    empty: tuple[str, ...] = ()
    return [tuple(sorted(marks[t])) if t in marks else empty for t in range(len(doc))]


@lru_cache(maxsize=1 << 12)
def _mark_strings(short: str, label: str, rule: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The marks a span of group ``short`` with ``label`` and ``rule`` puts on its first and on its other tokens."""
    def at(place: str) -> tuple[str, ...]:
        out = [short, f"{short}:{place}"]
        if label:
            out.append(f"{short}:{place}:lab={label}")
        if rule:
            out.append(f"{short}:{place}:rule={rule}")
        return tuple(out)
    return at("B"), at("I")


@lru_cache(maxsize=1 << 14)
def _neighbour_marks(d: int, found: tuple[str, ...]) -> tuple[str, ...]:
    """The span places (not rules) a token shows its direct neighbour ``d`` (-1 or 1): its marks with a place."""
    return tuple(f"{d}:{m}" for m in found if ":" in m and "rule=" not in m)


def _word_features(word: str, low: str, shape: str) -> list[str]:
    feats = ["bias", "w=" + low, "sh=" + shape, "p2=" + low[:2], "p3=" + low[:3], "p4=" + low[:4],
             "s2=" + low[-2:], "s3=" + low[-3:], "s4=" + low[-4:]]
    if word.istitle():
        feats.append("istitle")
    if word.isupper():
        feats.append("isupper")
    if word.isdigit():
        feats.append("isdigit")
    if any(c.isdigit() for c in word):
        feats.append("hasdigit")
    if "-" in word:
        feats.append("hyphen")
    return feats


@lru_cache(maxsize=1 << 16)
def _word_strings(word: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """A word's own features, and its word and shape features as each neighbour (``NEIGHBOURS``): memoised, since
    most words of a corpus come back again and again."""
    low, shape = word.lower(), word_shape(word)
    return tuple(_word_features(word, low, shape)), tuple((f"w{d}={low}", f"sh{d}={shape}") for d in NEIGHBOURS)


def sentence_features(doc: Doc, title_end: int) -> list[Sentence]:
    """The CRF's input for ``doc``: per sentence, its token indices (whitespace tokens left out) and each token's
    features: its own word features, title or abstract, place in the sentence, the words and shapes of two
    neighbours each side, word bigrams, its span marks and the span places (not rules) of its direct neighbours.
    ``title_end`` is the title's length in characters (the title is the Doc's first field). Built column by
    column (one list per kind of feature, joined per token at the end), from per-word strings made once."""
    texts = token_texts(doc)
    starts = token_bounds(doc)[0]
    marks = span_marks(doc)
    strings = [_word_strings(t) for t in texts]
    lows = [t.lower() for t in texts]
    # what each token shows as each neighbour: its word and shape, and for the direct ones its span places too
    shown = []
    for n, d in enumerate(NEIGHBOURS):
        if d in (-1, 1):
            shown.append([s[1][n] + _neighbour_marks(d, found) if found else s[1][n]
                          for s, found in zip(strings, marks)])
        else:
            shown.append([s[1][n] for s in strings])
    pads = [(f"w{d}=<pad>",) for d in NEIGHBOURS]
    out: list[Sentence] = []
    for sent in sentence_spans(doc):
        idx = [t for t in range(sent.start, sent.end) if texts[t].strip()]
        if not idx:
            continue
        size = len(idx)
        pairs = [f"{lows[a]}|{lows[b]}" for a, b in zip(idx, idx[1:])]
        columns = [
            [strings[t][0] for t in idx],
            [("title",) if starts[t] < title_end else ("abs",) for t in idx],
            [_POSITIONS[min(k, MAX_POSITION)] for k in range(size)],
            [()] * (size - 1) + [("last",)],
            *([shown[n][idx[k + d]] if 0 <= k + d < size else pads[n] for k in range(size)]
              for n, d in enumerate(NEIGHBOURS)),
            [()] + [("bg-=" + p,) for p in pairs],
            [("bg+=" + p,) for p in pairs] + [()],
            [marks[t] for t in idx],
        ]
        out.append((idx, [list(chain.from_iterable(parts)) for parts in zip(*columns)]))
    return out


def bio_tags(idx: Sequence[int], spans: Iterable[NameSpan]) -> list[str]:
    """B-/I-label tags of the tokens ``idx`` for the names ``spans`` (a name whose first token was left out
    starts at its first kept token); ``O`` elsewhere."""
    inside = {}
    for start, end, label in spans:
        for t in range(start, end):
            inside[t] = ("B-" if t == start else "I-") + label
    tags, open_label = [], None
    for t in idx:
        tag = inside.get(t, "O")
        if tag.startswith("I-") and open_label != tag[2:]:
            tag = "B-" + tag[2:]
        open_label = tag[2:] if tag != "O" else None
        tags.append(tag)
    return tags


def decode(idx: Sequence[int], tags: Sequence[str]) -> list[NameSpan]:
    """The names of a tag sequence: each B (or an I after another label) opens one, O closes it."""
    spans: list[list] = []
    current = None
    for t, tag in zip(idx, tags):
        if tag == "O":
            current = None
            continue
        label = tag[2:]
        if tag.startswith("B-") or current is None or current[2] != label:
            current = [t, t + 1, label]
            spans.append(current)
        else:
            current[1] = t + 1
    return [tuple(s) for s in spans]


def train_tagger(sentences: Iterable[tuple[list[list[str]], list[str]]]) -> bytes:
    """Train a CRF on ``(token features, tags)`` sequences and return the model file's bytes (the same
    sequences in the same order give the same bytes)."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    trainer.set_params(CRF_PARAMS)
    for feats, tags in sentences:
        trainer.append(feats, tags)
    fd, path = tempfile.mkstemp(suffix=".crfsuite")
    os.close(fd)
    try:
        trainer.train(path)
        with open(path, "rb") as fh:
            return fh.read()
    finally:
        os.unlink(path)


class NameTagger:
    """A trained CRF (the bytes of a CRFsuite model file), opened on first use in each process."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._tagger = None

    def __getstate__(self) -> dict:                 # a CRFsuite tagger cannot be pickled; its bytes can
        return {"data": self.data, "_tagger": None}

    def tag(self, features: list[list[str]]) -> list[str]:
        """The most probable tags of one sentence's token features."""
        if self._tagger is None:
            import pycrfsuite

            tagger = pycrfsuite.Tagger()
            tagger.open_inmemory(self.data)
            self._tagger = tagger
        return self._tagger.tag(features)

    def names(self, doc: Doc, title_end: int) -> list[NameSpan]:
        """(start, end, label) of every name the tagger marks in ``doc``."""
        return self.names_in(sentence_features(doc, title_end))

    def names_in(self, sentences: Iterable[Sentence]) -> list[NameSpan]:
        """The names the tagger marks in sentences whose features are already built (``sentence_features``)."""
        return [span for idx, feats in sentences for span in decode(idx, self.tag(feats))]


def add_name_spans(doc: Doc, names: Iterable[NameSpan]) -> None:
    """Append ``names`` to ``doc.spans["kg_candidates"]`` as strong candidates of rule ``learned:name-tagger``."""
    spans = [provenance_span(doc, start, end, TAGGER_PROVENANCE, label=label) for start, end, label in names]
    if spans:
        doc.spans["kg_candidates"] = [*doc.spans.get("kg_candidates", []), *spans]
