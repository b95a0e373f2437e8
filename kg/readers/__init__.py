"""Input readers: turn listings in any supported format into a stream of ``PaperRecord``.

Formats (``FORMATS``; the CLI's ``--format`` takes these names):

``hf-daily``     Hugging Face Daily Papers pages saved as text (both layouts; ``kg.readers.hf_daily``)
``arxiv-atom``   arXiv API Atom feeds (``kg.readers.atom``)
``arxiv-oai``    arXiv OAI-PMH harvests, arXivRaw / arXiv / oai_dc metadata (``kg.readers.oai``)
``jsonl``        JSON Lines (or a JSON array) of paper objects (``kg.readers.jsonl``)
``csv``          CSV/TSV with title and abstract columns (``kg.readers.csv_reader``)
``extractions``  an ``extractions.jsonl`` written by kg, read back (``kg.readers.jsonl``)

Every reader streams its file, yields records in file order, and never raises for one bad
record: it yields a ``BadRecord`` (file name, 1-based line or record number, reason) and goes
on. ``KgError`` is raised only when the whole file is unusable. Encoding policy: UTF-8, decoded
strictly per line; a record with invalid bytes is skipped (see ``kg.readers.common``).

Examples
--------
>>> from kg.readers import expand_inputs, read_records          # doctest: +SKIP
>>> for path in expand_inputs(["listings/"]):                   # doctest: +SKIP
...     for rec in read_records(path):
...         print(rec)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from kg.errors import KgError
from kg.readers.atom import read_atom
from kg.readers.common import MAX_FIELD_CHARS, open_input
from kg.readers.csv_reader import read_csv
from kg.readers.detect import detect_format
from kg.readers.hf_daily import read_hf_daily
from kg.readers.inputs import INPUT_EXTENSIONS, expand_inputs
from kg.readers.jsonl import read_extraction_papers, read_extractions, read_jsonl
from kg.readers.oai import read_oai
from kg.records import BadRecord, PaperRecord

FORMATS: tuple[str, ...] = ("hf-daily", "arxiv-atom", "arxiv-oai", "jsonl", "csv", "extractions")

_READERS: dict[str, Callable[[Path], Iterator[PaperRecord | BadRecord]]] = {
    "hf-daily": read_hf_daily,
    "arxiv-atom": read_atom,
    "arxiv-oai": read_oai,
    "jsonl": read_jsonl,
    "csv": read_csv,
    "extractions": read_extraction_papers,
}


def read_records(path: Path, fmt: str | None = None) -> Iterator[PaperRecord | BadRecord]:
    """Stream the records of one input file.

    Parameters
    ----------
    path : the input file.
    fmt : a name from ``FORMATS`` to force (the CLI's ``--format``); None detects it.

    The file is opened (and its format detected) right away, so an unreadable file or unknown
    format raises ``KgError`` at the call; a file that turns out not to be of the declared
    format raises ``KgError`` when iteration starts. Bad records come out as ``BadRecord``.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "p.jsonl"
    >>> _ = p.write_text('{"title": "LoRA", "abstract": "We propose LoRA."}\\n{"title": "", "abstract": "x"}\\n')
    >>> [str(r) if isinstance(r, BadRecord) else r.title for r in read_records(p)]
    ['LoRA', 'p.jsonl:2: skipped: empty title']
    """
    path = Path(path)
    if fmt is not None and fmt not in _READERS:
        raise KgError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    open_input(path).close()
    return _READERS[fmt or detect_format(path)](path)


__all__ = [
    "FORMATS",
    "INPUT_EXTENSIONS",
    "MAX_FIELD_CHARS",
    "detect_format",
    "expand_inputs",
    "read_extractions",
    "read_records",
]
