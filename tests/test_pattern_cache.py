"""The phrase patterns cached in ``DIR/.kg-patterns.json`` (``kg.nlp.pattern_cache``): a pipeline whose matchers
come from the cache extracts exactly what a freshly built one does, and a stale, corrupt or partial cache is
ignored and rewritten, never an error and never a different result."""

from __future__ import annotations

import json
from itertools import islice
from pathlib import Path

import pytest

from kg.io.extractions import extraction_line
from kg.nlp.pattern_cache import CACHE_NAME
from kg.pipeline.extract import LazyPipeline, extract_records
from kg.readers import read_records
from kg.records import PaperRecord

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"


def _records() -> list[PaperRecord]:
    files = [REPO / "examples" / "sample_listing.txt", *sorted(SEEDS.glob("*"))[:3]]
    records = [r for f in files if f.is_file() for r in read_records(f) if isinstance(r, PaperRecord)]
    return list(islice(records, 120))


@pytest.fixture(scope="module")
def records() -> list[PaperRecord]:
    return _records()


def _lines(records: list[PaperRecord], nlp: LazyPipeline, rules_only: bool = False) -> list[str]:
    return [extraction_line(ex) for ex in extract_records(records, nlp, rules_only=rules_only)]


@pytest.fixture(scope="module")
def fresh(records) -> list[str]:
    """Extractions with matchers made from the ontology, no cache involved."""
    return _lines(records, LazyPipeline())


def test_cached_patterns_extract_the_same(records, fresh, tmp_path: Path) -> None:
    cache = tmp_path / CACHE_NAME
    first = LazyPipeline(cache=cache)
    assert _lines(records, first) == fresh and not first.from_cache
    stored = cache.read_bytes()
    second = LazyPipeline(cache=cache)
    assert _lines(records, second) == fresh and second.from_cache
    assert cache.read_bytes() == stored                      # a hit leaves the file alone
    assert sorted(json.loads(stored)["states"]) == ["kg_cues", "kg_gazetteer", "lexicon"]


@pytest.mark.parametrize("damage", [
    lambda p: p.write_text("{not json", encoding="utf-8"),
    lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),
    lambda p: p.write_text(json.dumps({**json.loads(p.read_text()), "key": "other rules"}), encoding="utf-8"),
    lambda p: p.write_text(json.dumps({"key": json.loads(p.read_text())["key"],
                                       "states": {"kg_gazetteer": {"exact": {"attr": "ORTH", "rules": [["x", [[-1]]]]}},
                                                  "kg_cues": [], "lexicon": {"exact": 3}}}), encoding="utf-8"),
    lambda p: p.write_text("[]", encoding="utf-8"),
], ids=["not-json", "truncated", "other-key", "malformed-states", "not-an-object"])
def test_bad_cache_is_remade(records, fresh, tmp_path: Path, damage) -> None:
    cache = tmp_path / CACHE_NAME
    LazyPipeline(cache=cache).get()
    good = cache.read_bytes()
    damage(cache)
    nlp = LazyPipeline(cache=cache)
    assert _lines(records, nlp) == fresh and not nlp.from_cache
    assert cache.read_bytes() == good


def test_rules_only_cache_gains_the_lexicon(records, fresh, tmp_path: Path) -> None:
    cache = tmp_path / CACHE_NAME
    rules = LazyPipeline(cache=cache, rules_only=True)
    rules.get()
    assert sorted(json.loads(cache.read_text())["states"]) == ["kg_cues", "kg_gazetteer"]
    learned = LazyPipeline(cache=cache)
    assert _lines(records, learned) == fresh and not learned.from_cache
    assert sorted(json.loads(cache.read_text())["states"]) == ["kg_cues", "kg_gazetteer", "lexicon"]
