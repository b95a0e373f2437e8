"""Stream the repeated entry elements of a large XML document, one element tree per entry.

Why not a single ``ElementTree.iterparse`` over the file: expat stops for good at the first
well-formedness error, so one malformed ``<entry>`` would lose every entry after it. Here the
file is read in blocks, each ``<entry>...</entry>`` (Atom) or ``<record>...</record>``
(OAI-PMH) is cut out by its tags and parsed on its own with ``ElementTree.fromstring``
inside a wrapper that re-declares the namespaces declared on the enclosing elements, so
namespaced names resolve exactly as in the whole document. A malformed entry costs only that
entry. Memory is bounded by the block size plus the largest entry (capped).
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.errors import KgError
from kg.readers.common import MAX_LINE_BYTES, open_input
from kg.records import BadRecord, PaperRecord

BLOCK_CHARS = 1 << 20
#: An entry longer than this (characters) is skipped unparsed.
MAX_ENTRY_CHARS = 2 * MAX_LINE_BYTES

_XMLNS = re.compile(r"""\sxmlns(?::([\w.-]+))?\s*=\s*(["'])(.*?)\2""", re.S)
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.-]+)["']""")
_ROOT = re.compile(r"\s*<(?![?!])(?:([\w.-]+):)?([\w.-]+)([^>]*)>", re.S)
_SKIP_PROLOG = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)", re.S)


@dataclass(frozen=True)
class Entry:
    """One entry element: its 1-based index, the file line it starts on, and the parsed tree or error."""

    index: int
    line: int
    element: ET.Element | None
    error: str | None


def _decoder(head: bytes, path: Path) -> codecs.IncrementalDecoder:
    """An incremental decoder for the encoding the XML declaration names (UTF-8 by default)."""
    m = _ENCODING.match(head)
    name = m.group(1).decode("ascii") if m else "utf-8"
    try:
        codecs.lookup(name)
    except LookupError:
        raise KgError(f"{path.name}: unknown XML encoding {name!r}") from None
    return codecs.getincrementaldecoder(name)(errors="surrogateescape")


def root_element(path: Path, head: str) -> tuple[str | None, str, dict[str, str]]:
    """Return (namespace URI, local name, namespace declarations) of the document element.

    Raises ``KgError`` naming the file when ``head`` does not start with an XML element.
    """
    pos = 0
    while True:
        m = _SKIP_PROLOG.match(head, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
    m = _ROOT.match(head, pos)
    if not m:
        raise KgError(f"{path.name}: not an XML document (no root element at the start)")
    decls = {prefix or "": uri for prefix, _, uri in _XMLNS.findall(m.group(3))}
    return decls.get(m.group(1) or ""), m.group(2), decls


def _wrap(chunk: str, decls: dict[str, str]) -> str:
    attrs = "".join(
        f' xmlns{":" + p if p else ""}="{u.replace("&", "&amp;").replace(chr(34), "&quot;")}"'
        for p, u in sorted(decls.items())
    )
    return f"<kg-wrapper{attrs}>{chunk}</kg-wrapper>"


def _parse(chunk: str, decls: dict[str, str], start_line: int) -> tuple[ET.Element | None, str | None]:
    """Parse one entry's text (starting on file line ``start_line``); return (element, None) or (None, reason)."""
    if re.search(r"[\ud800-\udfff]", chunk):
        return None, "undecodable bytes (not valid in the declared encoding)"
    try:
        wrapper = ET.fromstring(_wrap(chunk, decls))
    except ET.ParseError as exc:
        line = start_line + exc.position[0] - 1
        return None, f"malformed XML: {str(exc).split(':')[0]} at file line {line}"
    if len(wrapper) != 1:
        return None, "malformed XML: not a single element"
    return wrapper[0], None


def iter_entries(path: Path, local_name: str, expect_root: tuple[str | None, str]) -> Iterator[Entry]:
    """Yield every ``local_name`` element of the document at ``path``, in order.

    ``expect_root`` is the (namespace, local name) the document element must have, else the file
    is not of this format and ``KgError`` is raised naming it.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "f.atom"
    >>> _ = p.write_text('<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>A</title></entry>'
    ...                  '<entry><title>B</oops></entry><entry><title>C</title></entry></feed>')
    >>> [(e.index, e.element is not None) for e in iter_entries(p, "entry", ("http://www.w3.org/2005/Atom", "feed"))]
    [(1, True), (2, False), (3, True)]
    """
    start_re = re.compile(rf"<(?:[\w.-]+:)?{local_name}(?=[\s/>])")
    end_re = re.compile(rf"</(?:[\w.-]+:)?{local_name}\s*>")
    with open_input(path) as fh:
        head = fh.read(8192)
        if head.startswith(b"\xef\xbb\xbf"):
            head = head[3:]
        decoder = _decoder(head, path)
        buf = decoder.decode(head)
        ns, name, decls = root_element(path, buf)
        if (ns, name) != expect_root:
            found = f"{{{ns}}}{name}" if ns else name
            want = f"{{{expect_root[0]}}}{expect_root[1]}" if expect_root[0] else expect_root[1]
            raise KgError(f"{path.name}: root element is <{found}>, expected <{want}>")
        pos = 0           # start of the unconsumed text in buf
        line = 1          # file line at buf[pos]
        index = 0
        eof = False

        def more() -> bool:
            """Append the next block to buf (dropping consumed text); False at end of file."""
            nonlocal buf, pos, eof
            if eof:
                return False
            data = fh.read(BLOCK_CHARS)
            buf = buf[pos:] + decoder.decode(data, final=not data)
            pos = 0
            eof = not data
            return bool(data)

        def consume(to: int) -> None:
            nonlocal pos, line
            line += buf.count("\n", pos, to)
            pos = to

        def learn_namespaces(to: int) -> None:
            for prefix, _, uri in _XMLNS.findall(buf, pos, to):
                decls[prefix or ""] = uri

        while True:
            m = start_re.search(buf, pos)
            if not m:
                keep = max(pos, len(buf) - 256)  # the tail may hold a start tag split by the block
                learn_namespaces(keep)
                consume(keep)
                if not more():
                    return
                continue
            learn_namespaces(m.start())
            consume(m.start())
            index += 1
            start_line = line
            while buf.find(">", pos) == -1 and more():
                pass
            gt = buf.find(">", pos)
            if gt == -1:
                yield Entry(index, start_line, None, f"malformed XML: <{local_name}> start tag is never closed")
                return
            if buf[gt - 1] == "/":
                consume(gt + 1)
                yield Entry(index, start_line, None, "empty element")
                continue
            scan = gt + 1
            while True:  # find the end tag, watching for the next start tag (an unterminated entry)
                end = end_re.search(buf, scan)
                nxt = start_re.search(buf, scan)
                if nxt and (not end or nxt.start() < end.start()):
                    consume(nxt.start())
                    yield Entry(index, start_line, None, f"malformed XML: <{local_name}> is never closed")
                    break
                if end:
                    chunk = buf[pos : end.end()]
                    consume(end.end())
                    element, error = _parse(chunk, decls, start_line)
                    yield Entry(index, start_line, element, error)
                    break
                if len(buf) - pos > MAX_ENTRY_CHARS:
                    size = 0
                    while True:  # drain to the end tag without keeping the entry
                        e = end_re.search(buf, pos)
                        if e:
                            size += e.end() - pos
                            consume(e.end())
                            break
                        keep = max(pos, len(buf) - 256)
                        size += keep - pos
                        consume(keep)
                        if not more():
                            size += len(buf) - pos
                            consume(len(buf))
                            break
                    yield Entry(index, start_line, None,
                                f"entry of {size:,} characters exceeds the {MAX_ENTRY_CHARS:,}-character limit")
                    break
                scan_from = len(buf) - 256 - pos
                if not more():
                    consume(len(buf))
                    yield Entry(index, start_line, None, f"malformed XML: <{local_name}> is never closed (file truncated?)")
                    return
                scan = max(pos + 1, pos + scan_from)


def iter_xml_records(path: Path, namespace: str, local_name: str, root: str, what: str,
                     build: Callable[[str, int, str, ET.Element], PaperRecord | BadRecord]
                     ) -> Iterator[PaperRecord | BadRecord]:
    """Records from the ``{namespace}local_name`` elements of a ``{namespace}root`` document.

    Unreadable or unexpected elements become ``BadRecord`` (file, element index, line); the others go to
    ``build(source, index, where, element)``. ``what`` names the element in messages ("Atom entry").
    """
    source = path.name
    for e in iter_entries(path, local_name, (namespace, root)):
        where = f"{local_name} {e.index} (line {e.line}): "
        if e.element is None:
            yield BadRecord(source, e.index, where + (e.error or f"unreadable {local_name}"))
        elif e.element.tag != f"{{{namespace}}}{local_name}":
            yield BadRecord(source, e.index, where + f"unexpected element {e.element.tag} (not an {what})")
        else:
            yield build(source, e.index, where, e.element)
