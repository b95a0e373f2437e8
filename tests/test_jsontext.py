"""``kg.jsontext`` writes exactly the text of ``json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=1)``."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.jsontext import encode, iterencode

_scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
            | st.text())
_keys = st.text() | st.integers()
_documents = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                          | st.dictionaries(_keys, inner, max_size=4), max_leaves=30)


def reference(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=1)


@settings(max_examples=400, deadline=None)
@given(_documents)
def test_same_text_as_json(doc) -> None:
    try:
        expected = reference(doc)
    except TypeError:              # json cannot sort str and int keys together: neither can encode
        with pytest.raises(TypeError):
            encode(doc)
        return
    assert encode(doc) == expected
    assert "".join(iterencode(doc)) == expected
    assert "".join(iterencode(doc, stream_levels=0)) == expected


@pytest.mark.parametrize("key", [1.5, True, False, None, 7])
def test_keys_are_converted_like_json(key) -> None:
    assert encode({key: [key]}) == reference({key: [key]})


def test_graph_like_document() -> None:
    doc = {"directed": True, "graph": {"extractor": "rules"}, "nodes": [
        {"id": "p1", "label": "Paper", "aliases": [], "sources": ["a.jsonl"], "extra": {"upvotes": 3}},
        {"id": "ent:x", "label": "Model", "name": "Mamba—2 \u2028 \"q\"\n", "aliases": ["M2"], "paper_count": 1}],
        "edges": [{"source": "p1", "target": "ent:x", "confidence": 0.875, "rules": ["a", "b"]}]}
    assert "".join(iterencode(doc)) == reference(doc)


def test_unsupported_values_raise_type_error() -> None:
    with pytest.raises(TypeError):
        encode({"a": {1, 2}})
    with pytest.raises(TypeError):
        encode({(1, 2): 3})
