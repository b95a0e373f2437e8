"""No word lists in the rule code: words live in ``ontology/`` (typing.json, cues.json, words.json).

The rules of ``kg.nlp``, ``kg.extraction`` and ``kg.learn`` read every word they look at from the
ontology files (issue 10, "Clean rules"); a set/list/tuple literal of three or more words in their code is
a word list that came back and fails this test. Names that are not words of the text (entity labels,
relation types, score keys, spaCy component names) are allowed.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "kg"
PACKAGES = ("nlp", "extraction", "learn")
MAX_WORDS = 2          # a literal with more words than this is a word list

# A word: letters, maybe with hyphens/apostrophes/inner spaces and a final dot ("vs.", "case study").
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\- ]*\.?")

# Strings that are names of the schema or the toolchain, not words of the text.
NOT_WORDS = frozenset({
    "Model", "Dataset", "Technique",                             # entity labels (ontology/schema.json)
    "USES", "OUTPERFORMS", "EXTENDS", "INTRODUCES",              # relation types
    "entity", "type", "introduces",                              # trained model names (kg/models/*.json)
    "entities", "entities_typed", "relations",                   # score keys of kg eval / score.py
    "ner", "lemmatizer", "textcat", "parser", "senter",          # spaCy component names
})


def word_literals(source: str) -> list[tuple[int, list[str]]]:
    """(line, words) of every set/list/tuple literal in ``source`` holding more than MAX_WORDS words.

    >>> word_literals('X = {"and", "or", "the"}\\nY = ("Model", "Dataset", "Technique")\\nZ = (",", "(", ")")')
    [(1, ['and', 'or', 'the'])]
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, (ast.Set, ast.List, ast.Tuple)):
            continue
        words = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
                 and _WORD.fullmatch(e.value) and e.value not in NOT_WORDS]
        if len(words) > MAX_WORDS:
            found.append((node.lineno, words))
    return found


def _modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def test_detector_sees_word_lists():
    assert word_literals('STOP = frozenset({"of", "for", "with"})')
    assert word_literals('if w in ["model", "llm", "agent"]: pass')
    assert word_literals('x = w.endswith(("ss", "us", "ous"))')
    assert not word_literals('x = ("pattern:acronym", "pattern:capitalised", "gazetteer:curated")')   # rule ids
    assert not word_literals('x = (",", ";", ":")')                                                    # punctuation
    assert not word_literals('x = ("gazetteer", "acronym")')                                           # two at most


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT.parent)))
def test_no_word_list_literals(path: Path):
    found = word_literals(path.read_text(encoding="utf-8"))
    assert not found, f"word list literal(s) in {path}: {found} (move them into ontology/ and load them)"
