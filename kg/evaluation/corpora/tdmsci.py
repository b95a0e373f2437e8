"""Read TDMSci CoNLL files: one ``Document`` per sentence, gold spans typed TASK / DATASET / METRIC.

Each non-blank line is ``token<TAB>character offset<TAB>BIO tag``; blank lines end a sentence. The offsets
run over a whole section of the file (they restart a few times), so a sentence's text is rebuilt by placing
each token at ``offset - offset of the sentence's first token`` and filling gaps with spaces; the rebuilt
text therefore has the original spacing (``FrameNet 1.5``, ``state-of-the-art``), which matters to a
tokenizer-sensitive extractor. The file has no paper boundaries, so the sentence is the unit.

BIO decoding follows conlleval: ``B-X`` opens a span, ``I-X`` continues an open span of type X and opens one
otherwise, ``O`` closes. A token whose offset overlaps the previous token (a handful in the published train
file, e.g. ``gain`` at 49383 followed by ``in`` at 49384) is placed one space after it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from kg.errors import KgError
from kg.evaluation.spans import Document, Span

log = logging.getLogger(__name__)


def _decode(path: Path, first_line: int, rows: list[tuple[str, int, str, int]]) -> Document:
    base = rows[0][1]
    chars: list[str] = []
    starts: list[int] = []
    for token, offset, _tag, lineno in rows:
        pos = offset - base
        if pos < len(chars):            # a few offsets in the published files are off by one or two characters
            log.debug("%s:%d: token %r at offset %d overlaps the previous token; placed after it", path, lineno,
                      token, offset)
            pos = len(chars) + 1
        chars.extend(" " * (pos - len(chars)))
        starts.append(pos)
        chars.extend(token)
    spans: list[Span] = []
    open_type: str | None = None
    open_start = 0
    prev_end = 0
    for (token, _offset, tag, lineno), start in zip(rows, starts):
        prefix, _, label = tag.partition("-")
        if tag != "O" and (prefix not in ("B", "I") or not label):
            raise KgError(f"{path}:{lineno}: bad BIO tag {tag!r}")
        if open_type is not None and (tag == "O" or prefix == "B" or label != open_type):
            spans.append(Span(open_start, prev_end, open_type))
            open_type = None
        if tag != "O" and open_type is None:
            open_type, open_start = label, start
        prev_end = start + len(token)
    if open_type is not None:
        spans.append(Span(open_start, prev_end, open_type))
    return Document(doc_id=f"{path.name}:{first_line}", text="".join(chars), spans=spans)


def read_tdmsci(path: str | Path) -> list[Document]:
    """Documents (one per sentence) of a TDMSci CoNLL file, in file order.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".conll", delete=False) as fh:
    ...     _ = fh.write("We\\t10\\tO\\nuse\\t13\\tO\\nWordNet\\t17\\tB-DATASET\\n.\\t24\\tO\\n\\n")
    >>> doc = read_tdmsci(fh.name)[0]; os.unlink(fh.name)
    >>> doc.text, [(s.start, s.end, s.label) for s in doc.spans]
    ('We use WordNet.', [(7, 14, 'DATASET')])
    """
    path = Path(path)
    if not path.is_file():
        raise KgError(f"{path}: no such file")
    docs: list[Document] = []
    rows: list[tuple[str, int, str, int]] = []
    first_line = 0
    with open(path, encoding="utf-8") as fh:
        try:
            lines = list(enumerate(fh, start=1))
        except UnicodeDecodeError as exc:
            raise KgError(f"{path}: not UTF-8 ({exc})") from exc
    for lineno, line in lines:
        line = line.rstrip("\r\n")
        if not line.strip():
            if rows:
                docs.append(_decode(path, first_line, rows))
                rows = []
            continue
        parts = line.split("\t")
        if len(parts) != 3 or not parts[1].isdigit():
            raise KgError(f"{path}:{lineno}: expected 'token<TAB>offset<TAB>tag', got {line[:80]!r}")
        if not rows:
            first_line = lineno
        rows.append((parts[0], int(parts[1]), parts[2], lineno))
    if rows:
        docs.append(_decode(path, first_line, rows))
    return docs
