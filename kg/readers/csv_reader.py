"""Reader of CSV/TSV tables with a header row naming (at least) title and abstract columns.

The delimiter (``,`` ``;`` tab ``|``) is sniffed from the header line with ``csv.Sniffer``.
Rows are streamed through ``csv.reader`` from the bounded line reader, so quoted fields may span
lines, and an over-long or non-UTF-8 line costs only the row that holds it. A row whose number
of fields differs from the header's is skipped (its columns cannot be trusted to line up).
Columns other than the recognised ones go into ``extra`` (see ``kg.readers.mapping``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from kg.errors import KgError
from kg.readers.common import iter_lines, read_head
from kg.readers.mapping import ABSTRACT_KEYS, TITLE_KEYS, find_key, record_from_mapping
from kg.records import BadRecord, PaperRecord

_DELIMITERS = ",;\t|"


def sniff_dialect(header_line: str) -> type[csv.Dialect] | csv.Dialect:
    """The CSV dialect of a header line (comma when the sniffer cannot tell).

    >>> sniff_dialect("title\\tabstract\\tyear").delimiter
    '\\t'
    """
    try:
        return csv.Sniffer().sniff(header_line, delimiters=_DELIMITERS)
    except csv.Error:
        return csv.excel


def header_columns(head_text: str) -> list[str] | None:
    """The header columns of a CSV text start, or None when it has no title and abstract columns."""
    first = head_text.splitlines()[0] if head_text.strip() else ""
    if not first:
        return None
    try:
        columns = next(csv.reader([first], sniff_dialect(first)))
    except csv.Error:
        return None
    if find_key(columns, TITLE_KEYS) is None or find_key(columns, ABSTRACT_KEYS) is None:
        return None
    return columns


def read_csv(path: Path) -> Iterator[PaperRecord | BadRecord]:
    """Yield one record per data row; ``line`` is the line the row starts on.

    Raises ``KgError`` when the header has no title or no abstract column.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "papers.csv"
    >>> _ = p.write_text('title,abstract,venue\\nDPO,"We propose DPO, a simple method.",NeurIPS\\nOnly a title\\n')
    >>> [str(r) if isinstance(r, BadRecord) else (r.title, r.extra) for r in read_csv(p)]
    [('DPO', {'venue': 'NeurIPS'}), 'papers.csv:3: skipped: row has 1 field(s) but the header has 3 columns']
    """
    source = path.name
    head = read_head(path).decode("utf-8", errors="replace")
    if header_columns(head) is None:
        first = head.splitlines()[0][:80] if head.strip() else "(empty file)"
        raise KgError(f"{source}: not a CSV with title and abstract columns (header: {first!r})")
    problems: dict[int, str] = {}

    def text_lines() -> Iterator[str]:
        for line in iter_lines(path):
            if line.problem:
                problems[line.number] = line.problem
            yield line.text + "\n"

    reader = csv.reader(text_lines(), sniff_dialect(head.splitlines()[0]))
    header: list[str] | None = None
    consumed = 0  # lines consumed by the rows so far
    while True:
        start = consumed + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            consumed = reader.line_num
            yield BadRecord(source, start, f"malformed CSV row: {exc}")
            continue
        consumed = reader.line_num
        row_problems = [problems[n] for n in range(start, consumed + 1) if n in problems]
        if header is None:
            header = row
            continue
        if row_problems:
            yield BadRecord(source, start, row_problems[0])
            continue
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # blank line
        if len(row) != len(header):
            yield BadRecord(source, start, f"row has {len(row)} field(s) but the header has {len(header)} columns")
            continue
        yield record_from_mapping(source, start, dict(zip(header, row)))
