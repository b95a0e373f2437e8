"""Turn one flat key/value record (a JSON object, a CSV row) into a ``PaperRecord``.

Keys are matched case-insensitively. Recognised keys: ``title``; ``abstract`` (or ``summary``);
``arxiv_id``/``arxiv``/``id``/``paper_id`` and ``url``/``link`` (an arXiv id is taken from whichever
holds one); ``authors``/``author`` (list, or a ``;``/``,``-separated string); ``date``/
``published``/``publication_date``/``created``. Every other key is kept in ``extra`` under its
original name, with values kept as str/int/float/bool/list (a nested object becomes its JSON text;
null and empty values are dropped).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from kg.normalize import arxiv_id_of
from kg.readers.common import make_record, split_authors
from kg.records import BadRecord, PaperRecord

TITLE_KEYS = ("title",)
ABSTRACT_KEYS = ("abstract", "summary")
ID_KEYS = ("arxiv_id", "arxiv", "id", "paper_id")
URL_KEYS = ("url", "link")
AUTHOR_KEYS = ("authors", "author")
DATE_KEYS = ("date", "published", "publication_date", "published_date", "created")


def find_key(keys: list[str] | tuple[str, ...], wanted: tuple[str, ...]) -> str | None:
    """The first key of ``keys`` equal (case-insensitively, spaces stripped) to a ``wanted`` name, in ``wanted`` order.

    >>> find_key(["Title", " Summary "], ABSTRACT_KEYS)
    ' Summary '
    """
    folded = {k.strip().lower(): k for k in reversed(list(keys))}
    for name in wanted:
        if name in folded:
            return folded[name]
    return None


def _value(value: Any) -> Any:
    """A value as kept in ``extra``: scalars and lists unchanged, objects as JSON text."""
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, list):
        return [_value(v) for v in value]
    return value


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def record_from_mapping(source: str, line: int, row: Mapping[str, Any], where: str = "") -> PaperRecord | BadRecord:
    """Build the record of one JSON object / CSV row (see the module docstring for the keys).

    >>> r = record_from_mapping("p.jsonl", 2, {"Title": "DPO", "abstract": "We propose DPO.",
    ...     "url": "https://arxiv.org/abs/2305.18290", "venue": "NeurIPS", "stars": 10})
    >>> r.arxiv_id, r.extra
    ('2305.18290', {'venue': 'NeurIPS', 'stars': 10})
    """
    keys = list(row.keys())
    used: set[str] = set()

    def take(wanted: tuple[str, ...]) -> Any:
        key = find_key(keys, wanted)
        if key is None:
            return None
        used.add(key)
        return row[key]

    title = take(TITLE_KEYS)
    abstract = take(ABSTRACT_KEYS)
    for name, value in (("title", title), ("abstract", abstract)):
        if value is not None and not isinstance(value, str):
            return BadRecord(source, line, f"{where}{name} is a {type(value).__name__}, not text")
    url = _as_text(take(URL_KEYS))
    arxiv_id = None
    id_key = None
    for candidate in ID_KEYS:  # an id column that does not hold an arXiv id stays in extra
        k = find_key(keys, (candidate,))
        if k is not None and arxiv_id_of(_as_text(row[k])):
            id_key, arxiv_id = k, arxiv_id_of(_as_text(row[k]))
            break
    if id_key is not None:
        used.add(id_key)
    arxiv_id = arxiv_id or arxiv_id_of(url)
    authors = split_authors(take(AUTHOR_KEYS))
    date_raw = _as_text(take(DATE_KEYS))
    extra = {
        k: _value(v) for k, v in row.items()
        if k not in used and v is not None and v != "" and v != []
    }
    return make_record(
        source, line, title, abstract,
        arxiv_id=arxiv_id, authors=authors, date_raw=date_raw, url=url, extra=extra, where=where,
    )
