"""Reader of arXiv API Atom feeds (``http://export.arxiv.org/api/query`` responses).

Each ``<entry>`` gives title, summary (abstract), ``<id>`` (``http://arxiv.org/abs/<id>v<n>``),
authors, ``<published>`` date, the abstract-page link and the ``arxiv:`` extension elements
(primary category, comment, journal reference, DOI) which go into ``extra``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.normalize import arxiv_id_of
from kg.readers.common import clean, make_record
from kg.readers.xmlstream import iter_xml_records
from kg.records import BadRecord, PaperRecord

ATOM_NS = "http://www.w3.org/2005/Atom"
ARXIV_NS = "http://arxiv.org/schemas/atom"
_A = f"{{{ATOM_NS}}}"
_X = f"{{{ARXIV_NS}}}"


def _text(entry: ET.Element, tag: str) -> str:
    node = entry.find(tag)
    return clean("".join(node.itertext())) if node is not None else ""


def _entry_record(source: str, index: int, where: str, entry: ET.Element) -> PaperRecord | BadRecord:
    """Map one parsed Atom ``<entry>`` to a record."""
    entry_id = _text(entry, _A + "id")
    url = None
    for link in entry.findall(_A + "link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            url = link.get("href")
            break
    extra: dict[str, Any] = {}
    categories = [c.get("term") for c in entry.findall(_A + "category") if c.get("term")]
    if categories:
        extra["categories"] = categories
    primary = entry.find(_X + "primary_category")
    if primary is not None and primary.get("term"):
        extra["primary_category"] = primary.get("term")
    for tag, key in (("comment", "comment"), ("journal_ref", "journal_ref"), ("doi", "doi")):
        value = _text(entry, _X + tag)
        if value:
            extra[key] = value
    updated = _text(entry, _A + "updated")
    if updated:
        extra["updated"] = updated[:10]
    authors = [_text(a, _A + "name") for a in entry.findall(_A + "author")]
    return make_record(
        source,
        index,
        _text(entry, _A + "title"),
        _text(entry, _A + "summary"),
        arxiv_id=arxiv_id_of(entry_id) or arxiv_id_of(url),
        authors=[a for a in authors if a] or None,
        date_raw=_text(entry, _A + "published") or updated or None,
        url=url or (entry_id if entry_id.startswith("http") else None),
        extra=extra,
        where=where,
    )


def read_atom(path: Path) -> Iterator[PaperRecord | BadRecord]:
    """Yield one record per ``<entry>`` of an Atom feed; ``line`` is the entry's 1-based index.

    Raises ``KgError`` when the document element is not an Atom ``<feed>``.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "q.atom"
    >>> _ = p.write_text('<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2106.09685v2</id>'
    ...   '<title>LoRA</title><summary>We propose LoRA.</summary></entry></feed>')
    >>> [(r.arxiv_id, r.title, r.line) for r in read_atom(p)]
    [('2106.09685', 'LoRA', 1)]
    """
    yield from iter_xml_records(path, ATOM_NS, "entry", "feed", "Atom entry", _entry_record)
