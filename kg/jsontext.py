"""Indented JSON text, byte for byte what ``json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=1)`` gives,
about three times faster.

With ``indent`` set, the standard library falls back to its pure-Python encoder, which yields every bracket,
key and separator as a separate string through a stack of generators; for graph.json (millions of tokens)
that was the largest cost of writing a build. This encoder builds each value's text with direct recursion and
string joins, using the same C string escaper and the same ``repr`` of numbers, so its output is the same text
(``tests/test_jsontext.py`` compares them on random documents and on built graphs).

Only what ``kg`` writes is supported (``str``, ``int``, ``float``, ``bool``, ``None``, lists, tuples and dicts
with sortable keys); anything else raises ``TypeError`` as ``json`` does. Circular references are not detected.
"""

from __future__ import annotations

import json.encoder
from collections.abc import Iterator
from typing import Any

_escape = json.encoder.encode_basestring            # the C escaper when available (ensure_ascii=False)
_INDENT = " "
_INF = float("inf")
_FLAT: dict[int, json.JSONEncoder] = {}              # level -> encoder of a dict's scalars (``_dict_text``)


def _dict_text(o: dict, level: int) -> str | None:
    """The text of a non-empty dict with string keys (``None`` for other keys), its scalars encoded by the C encoder.

    A value that is not a non-empty list or dict is one line, so the C encoder (used by ``json`` when there is
    no indent) writes all of them at once with the item separator set to the newline and indent of this level;
    its text splits back into one item per key at that separator (a raw newline never occurs inside a JSON
    string). Non-empty lists and dicts are encoded by ``encode`` and put in their sorted places. Same escaper,
    same number ``repr``s, same sorting: the same text, several times faster for graph.json's nodes and edges.
    """
    nested: set[str] = set()
    for k, v in o.items():
        if type(k) is not str:
            return None
        if v and isinstance(v, (list, tuple, dict)):
            nested.add(k)
    encoder = _FLAT.get(level)
    if encoder is None:
        encoder = _FLAT[level] = json.JSONEncoder(ensure_ascii=False, sort_keys=True,
                                                  separators=(",\n" + _INDENT * (level + 1), ": "))
    inner = "\n" + _INDENT * (level + 1)
    if not nested:
        return "{" + inner + encoder.encode(o)[1:-1] + "\n" + _INDENT * level + "}"
    scalars = iter(encoder.encode({k: v for k, v in o.items() if k not in nested})[1:-1].split("," + inner))
    items = [_escape(k) + ": " + encode(o[k], level + 1) if k in nested else next(scalars) for k in sorted(o)]
    return "{" + inner + ("," + inner).join(items) + "\n" + _INDENT * level + "}"


def _float(o: float) -> str:
    if o != o:
        return "NaN"
    if o == _INF:
        return "Infinity"
    if o == -_INF:
        return "-Infinity"
    return float.__repr__(o)


def _key(k: Any) -> str:
    """A dict key as ``json`` writes it: a string, or a number, ``true``, ``false`` or ``null`` in quotes."""
    if isinstance(k, str):
        return _escape(k)
    if k is None or isinstance(k, (int, float)):       # bool is an int
        return _escape(encode(k))
    raise TypeError(f"keys must be str, int, float, bool or None, not {k.__class__.__name__}")


def encode(o: Any, level: int = 0) -> str:
    """The text of ``o`` as it appears at nesting depth ``level`` of an ``indent=1``, ``sort_keys`` document.

    >>> encode({"b": [1, 2.5, None], "a": "é", "c": {}})
    '{\\n "a": "é",\\n "b": [\\n  1,\\n  2.5,\\n  null\\n ],\\n "c": {}\\n}'
    """
    if isinstance(o, str):
        return _escape(o)
    if o is None:
        return "null"
    if o is True:
        return "true"
    if o is False:
        return "false"
    if isinstance(o, int):
        return int.__repr__(o)
    if isinstance(o, float):
        return _float(o)
    if isinstance(o, (list, tuple)):
        if not o:
            return "[]"
        inner = "\n" + _INDENT * (level + 1)
        return "[" + inner + ("," + inner).join([encode(v, level + 1) for v in o]) + "\n" + _INDENT * level + "]"
    if isinstance(o, dict):
        if not o:
            return "{}"
        text = _dict_text(o, level)
        if text is not None:
            return text
        inner = "\n" + _INDENT * (level + 1)
        return ("{" + inner + ("," + inner).join([_key(k) + ": " + encode(v, level + 1) for k, v in sorted(o.items())])
                + "\n" + _INDENT * level + "}")
    raise TypeError(f"Object of type {o.__class__.__name__} is not JSON serializable")


def iterencode(o: Any, stream_levels: int = 2, level: int = 0) -> Iterator[str]:
    """``encode(o)`` in pieces: containers above depth ``stream_levels`` are walked one item at a time, so a
    list that generates its items (``kg.io.graph_json``) is never held whole; deeper values are one piece.

    >>> "".join(iterencode({"x": [{"a": 1}], "y": []})) == encode({"x": [{"a": 1}], "y": []})
    True
    """
    if level >= stream_levels or not isinstance(o, (list, tuple, dict)) or not o:
        yield encode(o, level)
        return
    inner = "\n" + _INDENT * (level + 1)
    if isinstance(o, dict):
        yield "{"
        first = True
        for k, v in sorted(o.items()):
            yield (inner if first else "," + inner) + _key(k) + ": "
            first = False
            yield from iterencode(v, stream_levels, level + 1)
        yield "\n" + _INDENT * level + "}"
    else:
        yield "["
        first = True
        for v in o:
            yield inner if first else "," + inner
            first = False
            yield from iterencode(v, stream_levels, level + 1)
        yield "\n" + _INDENT * level + "]"
