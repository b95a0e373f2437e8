"""Reader of arXiv OAI-PMH harvests (``ListRecords`` responses of ``export.arxiv.org/oai2``).

Three metadata formats are understood, recognised by the namespace of the element inside
``<metadata>``: ``arXivRaw`` (authors as one string, dated versions), ``arXiv`` (structured
``<author><keyname/><forenames/></author>``, ``<created>``) and Dublin Core ``oai_dc``.
Deleted records (``<header status="deleted">``) are reported as skipped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.normalize import arxiv_id_from, arxiv_id_of
from kg.readers.common import clean, make_record, split_authors
from kg.readers.xmlstream import iter_xml_records
from kg.records import BadRecord, PaperRecord

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
ARXIV_RAW_NS = "http://arxiv.org/OAI/arXivRaw/"
ARXIV_NS = "http://arxiv.org/OAI/arXiv/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
_O = f"{{{OAI_NS}}}"


def _text(node: ET.Element | None, tag: str) -> str:
    child = node.find(tag) if node is not None else None
    return clean("".join(child.itertext())) if child is not None else ""


def _common_extra(meta: ET.Element, ns: str) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    categories = _text(meta, f"{{{ns}}}categories")
    if categories:
        extra["categories"] = categories.split()
    for tag in ("comments", "journal-ref", "doi", "license", "report-no"):
        value = _text(meta, f"{{{ns}}}{tag}")
        if value:
            extra[tag.replace("-", "_")] = value
    return extra


def _arxiv_raw(meta: ET.Element) -> dict[str, Any]:
    """Fields of an ``<arXivRaw>`` element."""
    n = f"{{{ARXIV_RAW_NS}}}"
    extra = _common_extra(meta, ARXIV_RAW_NS)
    versions = meta.findall(n + "version")
    if versions:
        extra["versions"] = len(versions)
    submitter = _text(meta, n + "submitter")
    if submitter:
        extra["submitter"] = submitter
    first_date = _text(versions[0], n + "date") if versions else ""
    ident = _text(meta, n + "id")
    return {
        "title": _text(meta, n + "title"),
        "abstract": _text(meta, n + "abstract"),
        "id": ident,
        "authors": split_authors(_text(meta, n + "authors")),
        "date": first_date or None,
        "extra": extra,
    }


def _arxiv(meta: ET.Element) -> dict[str, Any]:
    """Fields of an ``<arXiv>`` element (structured authors)."""
    n = f"{{{ARXIV_NS}}}"
    authors = []
    for a in meta.iter(n + "author"):
        name = " ".join(p for p in (_text(a, n + "forenames"), _text(a, n + "keyname"), _text(a, n + "suffix")) if p)
        if name:
            authors.append(name)
    extra = _common_extra(meta, ARXIV_NS)
    updated = _text(meta, n + "updated")
    if updated:
        extra["updated"] = updated
    return {
        "title": _text(meta, n + "title"),
        "abstract": _text(meta, n + "abstract"),
        "id": _text(meta, n + "id"),
        "authors": authors or None,
        "date": _text(meta, n + "created") or None,
        "extra": extra,
    }


def _oai_dc(meta: ET.Element) -> dict[str, Any]:
    """Fields of an ``<oai_dc:dc>`` element (Dublin Core)."""
    d = f"{{{DC_NS}}}"
    identifiers = [clean(i.text) for i in meta.findall(d + "identifier") if i.text]
    url = next((i for i in identifiers if arxiv_id_of(i)), None)
    subjects = [clean(s.text) for s in meta.findall(d + "subject") if s.text]
    descriptions = [clean("".join(x.itertext())) for x in meta.findall(d + "description")]
    dates = [clean(x.text) for x in meta.findall(d + "date") if x.text]
    return {
        "title": _text(meta, d + "title"),
        "abstract": descriptions[0] if descriptions else "",
        "id": url or "",
        "url": url,
        "authors": [clean(c.text) for c in meta.findall(d + "creator") if c.text] or None,
        "date": dates[0] if dates else None,
        "extra": {"subjects": subjects} if subjects else {},
    }


_FORMATS = {
    f"{{{ARXIV_RAW_NS}}}arXivRaw": _arxiv_raw,
    f"{{{ARXIV_NS}}}arXiv": _arxiv,
    f"{{{OAI_DC_NS}}}dc": _oai_dc,
}


def _record(source: str, index: int, where: str, rec: ET.Element) -> PaperRecord | BadRecord:
    """Map one OAI ``<record>`` to a paper record."""
    header = rec.find(_O + "header")
    if header is not None and header.get("status") == "deleted":
        return BadRecord(source, index, where + "deleted record (no metadata)")
    metadata = rec.find(_O + "metadata")
    if metadata is None or len(metadata) == 0:
        return BadRecord(source, index, where + "record without <metadata>")
    meta = metadata[0]
    parse = _FORMATS.get(meta.tag)
    if parse is None:
        return BadRecord(source, index, where + f"unsupported metadata format {meta.tag}")
    fields = parse(meta)
    identifier = _text(header, _O + "identifier")
    arxiv_id = arxiv_id_of(fields["id"])
    if arxiv_id is None and identifier.startswith("oai:arXiv.org:"):
        arxiv_id = arxiv_id_from(identifier.removeprefix("oai:arXiv.org:"))
    url = fields.get("url") or (f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else None)
    return make_record(
        source,
        index,
        fields["title"],
        fields["abstract"],
        arxiv_id=arxiv_id,
        authors=fields["authors"],
        date_raw=fields["date"],
        url=url,
        extra=fields["extra"],
        where=where,
    )


def read_oai(path: Path) -> Iterator[PaperRecord | BadRecord]:
    """Yield one record per OAI-PMH ``<record>``; ``line`` is the record's 1-based index.

    Raises ``KgError`` when the document element is not ``<OAI-PMH>``.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "h.xml"
    >>> _ = p.write_text('<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords><record>'
    ...   '<header><identifier>oai:arXiv.org:1706.03762</identifier></header><metadata>'
    ...   '<arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/"><id>1706.03762</id><title>Attention Is All You Need</title>'
    ...   '<authors>A. Vaswani and N. Shazeer</authors><abstract>We propose the Transformer.</abstract></arXivRaw>'
    ...   '</metadata></record></ListRecords></OAI-PMH>')
    >>> [(r.arxiv_id, r.authors) for r in read_oai(p)]
    [('1706.03762', ['A. Vaswani', 'N. Shazeer'])]
    """
    yield from iter_xml_records(path, OAI_NS, "record", "OAI-PMH", "OAI record", _record)
