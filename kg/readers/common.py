"""Shared pieces of the readers: bounded line streaming, field cleaning, validation, dates.

Every reader streams its file: lines are read with a byte cap (``MAX_LINE_BYTES``) so a
pathological 10 MB (or 10 GB) line is skipped in constant memory, and every field is checked
the same way (``check_fields``) so that the same defect gets the same ``BadRecord`` reason in
every format.

Encoding policy (one rule for all formats): input is UTF-8 (a leading BOM is dropped).
Decoding is strict *per line*: a line holding bytes that are not valid UTF-8 is never guessed
at (cp1252/latin-1 guesses silently corrupt names such as "Türkiye" or "Schölkopf" in the
graph); the record that contains it is skipped with a reason naming the byte and column,
and the rest of the file is read normally. Re-encode such files with
``iconv -f cp1252 -t utf-8`` first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, BinaryIO

from kg.errors import KgError
from kg.records import BadRecord, PaperRecord

#: Longest title/abstract/field (in characters) a record may have; longer records are skipped.
MAX_FIELD_CHARS = 100_000
#: Longest raw line (in bytes) a reader keeps in memory: a maximal field in 4-byte UTF-8 plus room
#: for the other fields of a JSON/CSV record. Longer lines are drained without being stored.
MAX_LINE_BYTES = 4 * MAX_FIELD_CHARS + 64 * 1024

_BOM = b"\xef\xbb\xbf"
# C0 controls except tab/newline/carriage return, DEL, and C1 controls (mojibake of cp1252 text).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Line:
    """One physical line of an input file.

    ``text`` has the line ending removed; bytes that are not UTF-8 are replaced by U+FFFD and
    ``problem`` says so. An over-long line has ``text == ""``, its byte ``size`` and a ``problem``.
    """

    number: int
    text: str
    size: int
    problem: str | None = None

    @property
    def oversize(self) -> bool:
        """True when the line was longer than the cap and was drained, not stored."""
        return self.size > 0 and self.text == "" and self.problem is not None


def open_input(path: Path) -> BinaryIO:
    """Open ``path`` for binary reading, turning OS errors into a ``KgError`` naming the file."""
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise KgError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise KgError(f"{path}: is a directory, not an input file") from None
    except OSError as exc:
        raise KgError(f"{path}: cannot read: {exc.strerror or exc}") from None


def read_head(path: Path, size: int = 8192) -> bytes:
    """Return the first ``size`` bytes of ``path`` (BOM removed), for format sniffing."""
    with open_input(path) as fh:
        try:
            head = fh.read(size)
        except OSError as exc:
            raise KgError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return head[len(_BOM):] if head.startswith(_BOM) else head


def looks_binary(head: bytes) -> bool:
    """Heuristic for whole-file binary data (images, archives, PDFs): not a text listing at all."""
    if head.startswith((b"%PDF", b"\x89PNG", b"PK\x03\x04", b"\x1f\x8b", b"\xff\xd8\xff", b"BZh", b"\xfd7zXZ")):
        return True
    if not head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    return controls / len(head) > 0.10


def decode_line(raw: bytes) -> tuple[str, str | None]:
    """Decode one line strictly as UTF-8; on failure return the replaced text and the reason.

    >>> decode_line(b"caf\\xc3\\xa9")
    ('café', None)
    >>> decode_line(b"caf\\xe9")[1]
    'invalid UTF-8 (byte 0xe9 at column 4); the file must be UTF-8'
    """
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        bad = raw[exc.start]
        col = len(raw[: exc.start].decode("utf-8", errors="replace")) + 1
        return raw.decode("utf-8", errors="replace"), f"invalid UTF-8 (byte 0x{bad:02x} at column {col}); the file must be UTF-8"


def iter_lines(path: Path, max_bytes: int = MAX_LINE_BYTES) -> Iterator[Line]:
    """Stream the lines of ``path`` in bounded memory.

    Lines longer than ``max_bytes`` are read in ``max_bytes`` pieces and discarded; they come out
    as ``Line(text="", size=<bytes>, problem=...)`` so the caller can report them.

    Examples
    --------
    >>> import tempfile, os
    >>> p = Path(tempfile.mkdtemp()) / "x.txt"
    >>> _ = p.write_bytes(b"a\\r\\n" + b"b" * 50 + b"\\n")
    >>> [(l.number, l.text[:3], l.size) for l in iter_lines(p, max_bytes=10)]
    [(1, 'a', 1), (2, '', 50)]
    """
    with open_input(path) as fh:
        number = 0
        while True:
            try:
                raw = fh.readline(max_bytes + 1)
            except OSError as exc:
                raise KgError(f"{path}: cannot read: {exc.strerror or exc}") from None
            if not raw:
                return
            number += 1
            if number == 1 and raw.startswith(_BOM):
                raw = raw[len(_BOM):]
            if len(raw) > max_bytes and not raw.endswith(b"\n"):
                size = len(raw)
                while True:  # drain the rest of the over-long line without keeping it
                    piece = fh.readline(max_bytes)
                    size += len(piece)
                    if not piece or piece.endswith(b"\n"):
                        break
                size -= 1 if piece.endswith(b"\n") else 0
                yield Line(number, "", size, f"line of {size:,} bytes is longer than the {max_bytes:,}-byte limit")
                continue
            raw = raw.rstrip(b"\n").rstrip(b"\r")
            text, problem = decode_line(raw)
            yield Line(number, text, len(raw), problem)


def control_problem(text: str) -> str | None:
    """Name the first NUL/control character in ``text`` (binary junk), or return None."""
    m = _CONTROL.search(text)
    if not m:
        return None
    kind = "NUL byte" if m.group() == "\x00" else "control character"
    return f"binary data: {kind} U+{ord(m.group()):04X} at column {m.start() + 1}"


def clean(text: str | None) -> str:
    """Collapse runs of whitespace (hard-wrapped XML abstracts, tabs) into single spaces.

    >>> clean("  Deep\\n   Residual\\tLearning ")
    'Deep Residual Learning'
    """
    return _SPACES.sub(" ", text).strip() if text else ""


def check_fields(fields: dict[str, str]) -> str | None:
    """Return why a record with these (cleaned) fields must be skipped, or None when it is usable.

    ``title`` and ``abstract`` must be non-empty; no field may exceed ``MAX_FIELD_CHARS`` or hold
    control characters or undecodable bytes.
    """
    for name in ("title", "abstract"):
        if not fields.get(name):
            return f"empty {name}"
    for name, value in fields.items():
        if not value:
            continue
        if len(value) > MAX_FIELD_CHARS:
            return f"{name} is {len(value):,} characters, over the MAX_FIELD_CHARS={MAX_FIELD_CHARS:,} limit"
        problem = control_problem(value)
        if problem:
            return f"{problem} in {name}"
        if _SURROGATE.search(value):
            return f"undecodable bytes in {name}"
    return None


_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_MONTH_DAY_YEAR = re.compile(r"([A-Za-z]{3})[a-z]*\.? (\d{1,2}),? (\d{4})")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2}) ([A-Za-z]{3})[a-z]*\.? (\d{4})")
_ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")


def _ymd(year: str, month: int | None, day: str) -> str | None:
    if month is None:
        return None
    try:
        return date(int(year), month, int(day)).isoformat()
    except ValueError:
        return None


def iso_date(raw: str | None) -> str | None:
    """Normalise a date to ``YYYY-MM-DD`` when it can be parsed; otherwise return it unchanged.

    >>> iso_date("Nov 11, 2025"), iso_date("2021-01-04T18:59:59Z"), iso_date("Mon, 2 Apr 2007 19:18:42 GMT")
    ('2025-11-11', '2021-01-04', '2007-04-02')
    >>> iso_date("Apr 2")          # no year: kept as written
    'Apr 2'
    """
    text = clean(raw)
    if not text:
        return None
    m = _ISO.fullmatch(text)
    if m:
        return _ymd(m.group(1), int(m.group(2)) if 1 <= int(m.group(2)) <= 12 else None, m.group(3)) or text
    m = _MONTH_DAY_YEAR.fullmatch(text)
    if m:
        return _ymd(m.group(3), _MONTHS.get(m.group(1).lower()), m.group(2)) or text
    m = _DAY_MONTH_YEAR.fullmatch(text)
    if m:
        return _ymd(m.group(3), _MONTHS.get(m.group(2).lower()), m.group(1)) or text
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        return text


_AUTHOR_SPLIT = re.compile(r"\s*;\s*|\s*,\s*(?:and\s+)?|\s+and\s+")


def split_authors(value: Any) -> list[str] | None:
    """Authors as a list: a list is kept (items cleaned); a string is split on ``;`` or ``,``/``and``.

    >>> split_authors("Ada Lovelace, Alan Turing and Grace Hopper")
    ['Ada Lovelace', 'Alan Turing', 'Grace Hopper']
    >>> split_authors("Lovelace, Ada; Turing, Alan")
    ['Lovelace, Ada', 'Turing, Alan']
    """
    if value is None:
        return None
    if isinstance(value, list):
        names = [clean(v if isinstance(v, str) else str(v.get("name", "")) if isinstance(v, dict) else str(v)) for v in value]
    else:
        text = clean(str(value))
        parts = re.split(r"\s*;\s*", text) if ";" in text else _AUTHOR_SPLIT.split(text)
        names = [clean(p) for p in parts]
    names = [n for n in names if n]
    return names or None


def make_record(
    source: str,
    line: int,
    title: str | None,
    abstract: str | None,
    *,
    arxiv_id: str | None = None,
    authors: list[str] | None = None,
    date_raw: str | None = None,
    url: str | None = None,
    extra: dict[str, Any] | None = None,
    where: str = "",
) -> PaperRecord | BadRecord:
    """Clean and validate the fields of one record and build it, or a ``BadRecord`` saying why not.

    ``where`` is prefixed to the reason (e.g. ``"entry 3 (line 41): "`` for XML).

    >>> make_record("a.txt", 3, " Attention  Is All You Need", "We propose the Transformer.").title
    'Attention Is All You Need'
    >>> print(make_record("a.txt", 3, "A title", ""))
    a.txt:3: skipped: empty abstract
    """
    fields = {"title": clean(title), "abstract": clean(abstract)}
    url_c = clean(url) or None
    date_c = iso_date(date_raw)
    problem = check_fields({**fields, "url": url_c or "", "date": date_c or ""})
    if problem:
        return BadRecord(source=source, line=line, reason=where + problem)
    return PaperRecord(
        title=fields["title"],
        abstract=fields["abstract"],
        source=source,
        line=line,
        arxiv_id=arxiv_id,
        authors=authors,
        date=date_c,
        url=url_c,
        extra=dict(extra or {}),
    )
