"""Step 1 — read: stream paper records (or ready extractions) from every input, counting skipped records."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from kg.readers import detect_format, expand_inputs, read_extractions, read_records
from kg.records import BadRecord, Extraction, PaperRecord

log = logging.getLogger(__name__)


@dataclass
class ReadStats:
    """What the read step saw: records per file, and skipped records with their reasons."""

    records: int = 0
    extractions: int = 0
    skipped: list[BadRecord] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def iter_inputs(inputs: list[str], fmt: str | None, stats: ReadStats) -> Iterator[PaperRecord | Extraction]:
    """Yield records and extractions from all inputs in a deterministic order (sorted paths)."""
    for path in expand_inputs(inputs):
        stats.files.append(path.name)
        kind = fmt or detect_format(path)
        items = read_extractions(path) if kind == "extractions" else read_records(path, kind)
        for item in items:
            if isinstance(item, BadRecord):
                stats.skipped.append(item)
                log.warning("%s", item)
                continue
            if isinstance(item, Extraction):
                stats.extractions += 1
            else:
                stats.records += 1
            yield item


def paper_metadata(record: PaperRecord) -> dict:
    """The paper part of an extraction: id, title, abstract, where it came from, and what else is known."""
    meta = {
        "id": record.id,
        "title": record.title,
        "abstract": record.abstract,
        "sources": [record.source],
        "line": record.line,
    }
    for key in ("arxiv_id", "authors", "date", "url"):
        value = getattr(record, key)
        if value:
            meta[key] = value
    if record.extra:
        meta["extra"] = {k: record.extra[k] for k in sorted(record.extra)}
    return meta
