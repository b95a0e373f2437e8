"""Readers of JSON inputs: JSON Lines of paper objects, a JSON array of them, and ``extractions.jsonl``.

JSON Lines are streamed line by line (bounded by ``MAX_LINE_BYTES``); a line that is not a JSON
object is a ``BadRecord``. A ``.json`` file holding one array of objects is streamed element by
element with ``json.JSONDecoder.raw_decode`` (a malformed element ends the array: JSON has no
resynchronisation point, so the rest of the file is reported as one skipped record).
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.errors import KgError
from kg.readers.common import MAX_LINE_BYTES, iter_lines, open_input, read_head
from kg.readers.mapping import record_from_mapping
from kg.records import BadRecord, Extraction, PaperRecord

_PAPER_FIELDS = ("title", "abstract", "source", "line", "arxiv_id", "authors", "date", "url", "extra")

_BLOCK = 1 << 20


def _json_objects(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """Yield (line number, object, None) or (line number, None, reason) per non-blank JSON line.

    Raises ``KgError`` when the first non-blank line is not a JSON object (not JSON Lines at all).
    """
    first = True
    for line in iter_lines(path):
        if line.problem is None and not line.text.strip():
            continue
        obj: Any = None
        reason = line.problem
        if reason is None:
            try:
                obj = json.loads(line.text)
            except json.JSONDecodeError as exc:
                reason = f"malformed JSON: {exc.msg} at column {exc.colno}"
            else:
                if not isinstance(obj, dict):
                    reason = f"a JSON {type(obj).__name__}, not an object"
        if first and not line.oversize and not line.text.lstrip().startswith("{"):
            raise KgError(f"{path.name}: not JSON Lines (line {line.number} is not a JSON object)")
        first = False
        yield line.number, (obj if reason is None else None), reason


def _json_array(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """Yield (element number, object, reason) for each element of a top-level JSON array, streaming."""
    decoder = json.JSONDecoder()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    with open_input(path) as fh:
        buf, pos, eof, started = "", 0, False, False

        def more(want: int = _BLOCK) -> bool:
            """Append at least ``want`` more bytes of text to buf (dropping consumed text)."""
            nonlocal buf, pos, eof, started
            if eof:
                return False
            data = fh.read(want)
            eof = not data
            try:
                text = utf8.decode(data, final=eof)
            except UnicodeDecodeError as exc:
                raise KgError(f"{path.name}: invalid UTF-8 in JSON array ({exc.reason})") from None
            if not started and text.startswith("\ufeff"):
                text = text[1:]
            started = started or bool(text)
            buf = buf[pos:] + text
            pos = 0
            return not eof

        def skip_ws() -> None:
            nonlocal pos
            while True:
                while pos < len(buf) and buf[pos] in " \t\r\n":
                    pos += 1
                if pos < len(buf) or not more():
                    return

        skip_ws()
        if pos >= len(buf) or buf[pos] != "[":
            raise KgError(f"{path.name}: not a JSON array or JSON Lines")
        pos += 1
        number = 0
        while True:
            skip_ws()
            if number and pos < len(buf) and buf[pos] == ",":
                pos += 1
                skip_ws()
            elif pos < len(buf) and buf[pos] == "]":
                return
            if pos >= len(buf):
                yield number + 1, None, "JSON array is not closed (file truncated?)"
                return
            number += 1
            want = _BLOCK
            while True:
                try:
                    obj, end = decoder.raw_decode(buf, pos)
                    break
                except json.JSONDecodeError as exc:
                    if len(buf) - pos > 4 * MAX_LINE_BYTES:
                        yield number, None, "array element larger than the size limit; rest of the file skipped"
                        return
                    if not more(want):
                        yield number, None, f"malformed JSON: {exc.msg}; rest of the array skipped"
                        return
                    want *= 2  # the element continues in the next block: read more, doubling
            pos = end
            if isinstance(obj, dict):
                yield number, obj, None
            else:
                yield number, None, f"a JSON {type(obj).__name__}, not an object"


def _is_array(path: Path) -> bool:
    return read_head(path, 4096).lstrip().startswith(b"[")


def read_jsonl(path: Path) -> Iterator[PaperRecord | BadRecord]:
    """Yield one record per JSON object (per line of JSON Lines, or per element of a JSON array).

    ``line`` is the line number (JSON Lines) or the element number (array).

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "papers.jsonl"
    >>> _ = p.write_text('{"title": "DPO", "abstract": "We propose DPO.", "venue": "NeurIPS"}\\n{oops\\n')
    >>> [str(r) if isinstance(r, BadRecord) else r.extra for r in read_jsonl(p)]
    [{'venue': 'NeurIPS'}, 'papers.jsonl:2: skipped: malformed JSON: Expecting property name enclosed in double quotes at column 2']
    """
    source = path.name
    items = _json_array(path) if _is_array(path) else _json_objects(path)
    for number, obj, reason in items:
        if obj is None:
            yield BadRecord(source, number, reason or "unreadable")
        else:
            yield record_from_mapping(source, number, obj)




def _numbered_extractions(path: Path) -> Iterator[tuple[int, Extraction | BadRecord]]:
    """(line number, extraction or the reason it is unusable) per non-blank line."""
    source = path.name
    for number, obj, reason in _json_objects(path):
        if obj is None:
            yield number, BadRecord(source, number, reason or "unreadable")
            continue
        if not isinstance(obj.get("paper"), dict):
            yield number, BadRecord(source, number, 'not an extraction: no "paper" object')
            continue
        try:
            yield number, Extraction.from_dict(obj)
        except (TypeError, KeyError, AttributeError) as exc:
            yield number, BadRecord(source, number, f"not an extraction: {exc}")


def read_extractions(path: Path) -> Iterator[Extraction | BadRecord]:
    """Read an ``extractions.jsonl`` (written by ``kg extract``/``kg build``) back into ``Extraction`` objects.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "extractions.jsonl"
    >>> _ = p.write_text('{"paper": {"title": "T", "abstract": "A"}, "mentions": [], "relations": []}\\n')
    >>> [x.paper["title"] for x in read_extractions(p)]
    ['T']
    """
    for _, item in _numbered_extractions(path):
        yield item


def read_extraction_papers(path: Path) -> Iterator[PaperRecord | BadRecord]:
    """Yield the paper records stored in an ``extractions.jsonl`` (to rebuild a graph from it).

    The records keep the ``source``/``line`` of the listing they were first read from (when the
    paper object has them; else this file's name and line).
    """
    for number, item in _numbered_extractions(path):
        if isinstance(item, BadRecord):
            yield item
            continue
        paper = item.paper
        fields = {k: paper[k] for k in _PAPER_FIELDS if k in paper}
        fields.setdefault("source", path.name)
        fields.setdefault("line", number)
        if not isinstance(fields.get("title"), str) or not isinstance(fields.get("abstract"), str):
            yield BadRecord(path.name, number, "extraction paper without title/abstract text")
            continue
        yield PaperRecord(**fields)
