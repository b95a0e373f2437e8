"""extractions.jsonl writer: one JSON line per input record (paper, mentions, relations, acronyms)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO

from kg.records import Extraction


def extraction_line(ex: Extraction) -> str:
    """One deterministic JSON line (sorted keys, unicode kept) for ``ex``."""
    return json.dumps(ex.to_dict(), ensure_ascii=False, sort_keys=True) + "\n"


def write_extractions(extractions: Iterable[Extraction], fh: IO[str]) -> int:
    """Write ``extractions`` to an open text file; returns how many lines were written."""
    n = 0
    for ex in extractions:
        fh.write(extraction_line(ex))
        n += 1
    return n
