"""Step 1 — read: stream paper records (or ready extractions) from every input, counting what is skipped.

An unchanged input file can be left unread (``kg build --update``, ``kg.pipeline.reuse.Reuse.block``): its
items then come ready from the earlier build, and ``ReadStats.clean`` lists every file read whole without a
bad record (path, size and modification time before reading, format, items) for the next update.

One bad file never stops the batch: a file that cannot be read, is binary, empty, or not of a known format
is skipped with one warning (``Reporter.skip_file``) and the other files are read; the records it yielded
before a late failure are kept. Bad records are skipped with capped warnings (``kg.pipeline.report``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import KgError
from kg.pipeline.report import Reporter
from kg.readers import detect_format, expand_inputs, read_extractions, read_records
from kg.records import BadRecord, Extraction, PaperRecord

log = logging.getLogger(__name__)


@dataclass
class InputFile:
    """An input file read whole without a bad record: its path as listed, its size and modification time
    (nanoseconds) before it was read, its format and how many items it gave."""

    path: str
    size: int
    mtime_ns: int
    kind: str
    items: int


@dataclass
class FileBlock:
    """The items of an unchanged input file, taken from the earlier build instead of reading it."""

    file: InputFile
    items: list[Any]


@dataclass
class ReadStats:
    """What the read step saw: records per file, and skipped records with their reasons."""

    records: int = 0
    extractions: int = 0
    skipped: list[BadRecord] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    skipped_files: list[BadRecord] = field(default_factory=list)
    reporter: Reporter = field(default_factory=Reporter)
    clean: list[InputFile] = field(default_factory=list)


def _reason(exc: KgError, path) -> str:
    """The message of a reader's error without the file name it starts with (the warning names the file)."""
    text = str(exc)
    for prefix in (f"{path}: ", f"{path.name}: "):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


def iter_inputs(inputs: list[str], fmt: str | None, stats: ReadStats,
                block: Callable[[Path], FileBlock | None] | None = None,
                skip: tuple[Path, ...] = ()) -> Iterator[PaperRecord | Extraction | Any]:
    """Yield records and extractions from all inputs in a deterministic order (sorted paths); files and
    folders in ``skip`` (what the build writes) are left out when found inside an input folder.

    Raises ``KgError`` only for the INPUT arguments themselves (no such path, a pattern matching nothing);
    a bad file among them is skipped and counted in ``stats.skipped_files``. ``block`` may give the items of a
    file instead of reading it (see the module docstring).
    """
    reporter = stats.reporter
    for path in expand_inputs(inputs, skip):
        stats.files.append(path.name)
        ready = block(path) if block is not None else None
        if ready is not None:
            stats.records += sum(1 for item in ready.items if not isinstance(item, Extraction))
            stats.extractions += sum(1 for item in ready.items if isinstance(item, Extraction))
            stats.clean.append(ready.file)
            yield from ready.items
            reporter.end_file(path.name)
            continue
        good = bad = 0
        try:
            st = path.stat()
        except OSError:
            st = None
        try:
            kind = fmt or detect_format(path)
            items = read_extractions(path) if kind == "extractions" else read_records(path, kind)
            for item in items:
                if isinstance(item, BadRecord):
                    bad += 1
                    stats.skipped.append(item)
                    reporter.skip(item)
                    continue
                good += 1
                if isinstance(item, Extraction):
                    stats.extractions += 1
                else:
                    stats.records += 1
                yield item
        except KgError as exc:
            reason = _reason(exc, path)
            if good or bad:
                reason += f" (after {good} records read)"
            reporter.skip_file(str(path), reason)
            stats.skipped_files.append(reporter.skipped_files[-1])
        else:
            if not good and not bad:
                reporter.skip_file(str(path), "empty: no paper records in it")
                stats.skipped_files.append(reporter.skipped_files[-1])
            elif not bad and st is not None:
                stats.clean.append(InputFile(str(path), st.st_size, st.st_mtime_ns, kind, good))
        reporter.end_file(path.name)


#: The keys of a paper's metadata in the order ``paper_metadata`` makes them (the first five always there, then
#: the optional fields; ``kg.pipeline.reuse`` restores this order in papers parsed back from sorted-key lines).
PAPER_KEYS = ("id", "title", "abstract", "sources", "line", "arxiv_id", "authors", "date", "url", "extra")
_OPTIONAL_FIELDS = PAPER_KEYS[5:9]


def paper_metadata(record: PaperRecord) -> dict:
    """The paper part of an extraction: id, title, abstract, where it came from, and what else is known."""
    meta = {
        "id": record.id,
        "title": record.title,
        "abstract": record.abstract,
        "sources": [record.source],
        "line": record.line,
    }
    for key in _OPTIONAL_FIELDS:
        value = getattr(record, key)
        if value:
            meta[key] = value
    if record.extra:
        meta["extra"] = {k: record.extra[k] for k in sorted(record.extra)}
    return meta
