"""extractions.jsonl writer: one JSON line per input record (paper, mentions, relations, acronyms)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO

from kg.records import Extraction

_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def _without_rules(rel) -> dict:
    d = dict(vars(rel))
    del d["rules"]
    return d


def extraction_line(ex: Extraction) -> str:
    """One deterministic JSON line (sorted keys, unicode kept) for ``ex``: ``json.dumps(ex.to_dict())``.

    Mentions and relations are flat dataclasses of scalars, so their ``vars()`` are what
    ``dataclasses.asdict`` would copy; skipping that deep copy makes this writer about three times faster.

    Examples
    --------
    >>> from kg.records import Mention
    >>> ex = Extraction({"id": "t-1", "title": "X"}, [Mention("X", "title", 0, 1, "Model", "X", "r")])
    >>> extraction_line(ex) == json.dumps(ex.to_dict(), ensure_ascii=False, sort_keys=True) + "\\n"
    True
    """
    return _ENCODER.encode({
        "paper": ex.paper,
        "mentions": [vars(m) for m in ex.mentions],
        "relations": [vars(r) if r.rules is not None else _without_rules(r) for r in ex.relations],
        "acronyms": ex.acronyms,
    }) + "\n"


def write_extractions(extractions: Iterable[Extraction], fh: IO[str]) -> int:
    """Write ``extractions`` to an open text file; returns how many lines were written."""
    n = 0
    for ex in extractions:
        fh.write(extraction_line(ex))
        n += 1
    return n
