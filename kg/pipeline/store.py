"""Extractions kept on disk during a build: ``extractions.jsonl`` plus a byte offset per paper.

``kg build`` writes every extraction to ``extractions.jsonl`` as it is made. Holding all the ``Extraction``
objects (mentions, relations, evidence sentences) until the graph is assembled made the build's memory grow
with every record on top of the graph itself; instead the build keeps, per record, only its paper metadata
(needed for the Paper nodes anyway) and where its line starts, and the resolve and graph steps read a
paper's extraction back from the file when they get to it (``ExtractionStore``, a read-only mapping
paper id -> the ``Extraction`` of each of its records).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from kg.records import Extraction

_DECODER = json.JSONDecoder()
_ACRONYMS = '{"acronyms": '


def combined_digest(line_digests: Iterable[bytes]) -> str:
    """SHA-1 (hex) of the SHA-1s of a paper's lines in order: one value that changes when any line does."""
    h = hashlib.sha1()
    for digest in line_digests:
        h.update(digest)
    return h.hexdigest()


def lines_digest(lines: Iterable[bytes]) -> str:
    """``combined_digest`` of the lines themselves (an earlier build's lines read back).

    >>> lines_digest([b"a\\n", b"b\\n"]) == combined_digest(hashlib.sha1(x).digest() for x in (b"a\\n", b"b\\n"))
    True
    """
    return combined_digest(hashlib.sha1(line).digest() for line in lines)


@dataclass
class PaperRef:
    """What the build keeps of one extraction: its ``paper`` dict, where its line is in the file and the line's
    SHA-1 (``kg.pipeline.splice`` compares a paper's lines with the earlier build's without reading them again)."""

    paper: dict[str, Any]
    offset: int
    length: int
    digest: bytes = b""


class ExtractionWriter:
    """Append extraction lines to a binary file, remembering each line's offset.

    Examples
    --------
    >>> import tempfile, os
    >>> from kg.records import Extraction
    >>> path = os.path.join(tempfile.mkdtemp(), "x.jsonl")
    >>> with open(path, "wb") as fh:
    ...     w = ExtractionWriter(fh)
    ...     ref = w.write(Extraction({"id": "p1", "title": "T", "abstract": "A"}))
    >>> store = ExtractionStore(path, {"p1": [ref]})
    >>> store["p1"][0].paper["title"], len(store)
    ('T', 1)
    """

    def __init__(self, fh: IO[bytes]) -> None:
        from kg.io.extractions import extraction_line

        self._line = extraction_line
        self._fh = fh
        self._offset = 0

    def write(self, ex: Extraction) -> PaperRef:
        return self.write_line(ex.paper, self._line(ex).encode("utf-8"))

    def write_line(self, paper: dict[str, Any], data: bytes) -> PaperRef:
        """Append a ready line (``kg.pipeline.reuse.Reuse.line``) whose paper is ``paper``."""
        self._fh.write(data)
        ref = PaperRef(paper, self._offset, len(data), hashlib.sha1(data).digest())
        self._offset += len(data)
        return ref


class ExtractionStore(Mapping):
    """Read-only mapping paper id -> list of ``Extraction`` (one per record), parsed from ``path`` on access."""

    def __init__(self, path: str | Path, refs: Mapping[str, list[PaperRef]]) -> None:
        self._path = Path(path)
        self._refs = dict(refs)
        self._fh: IO[bytes] | None = None

    def __getitem__(self, pid: str) -> list[Extraction]:
        refs = self._refs[pid]
        if self._fh is None:
            self._fh = open(self._path, "rb")
        out = []
        for ref in refs:
            self._fh.seek(ref.offset)
            out.append(Extraction.from_dict(json.loads(self._fh.read(ref.length))))
        return out

    def places(self, pid: str) -> list[list[int]]:
        """(offset, length) of each of ``pid``'s lines, in the mapping's order."""
        return [[ref.offset, ref.length] for ref in self._refs[pid]]

    def digest(self, pid: str) -> str:
        """``lines_digest`` of ``pid``'s lines, in the mapping's order (from their recorded SHA-1s: the lines
        themselves are not read)."""
        return combined_digest(ref.digest for ref in self._refs[pid])

    def acronyms(self) -> Iterator[dict[str, str]]:
        """The ``acronyms`` of every extraction, paper by paper in the mapping's order, each record's in turn.

        Resolution needs the acronyms of all papers before it reads any paper's mentions; a line written by
        ``extraction_line`` starts with its sorted first key, ``{"acronyms": {...}``, so only that object is
        parsed (any other line is parsed whole).
        """
        if self._fh is None:
            self._fh = open(self._path, "rb")
        decode = _DECODER.raw_decode
        for refs in self._refs.values():
            for ref in refs:
                self._fh.seek(ref.offset)
                line = self._fh.read(ref.length).decode("utf-8")
                if line.startswith(_ACRONYMS):
                    acronyms, _ = decode(line, len(_ACRONYMS))
                else:
                    acronyms = json.loads(line).get("acronyms", {})
                yield dict(acronyms)

    def __iter__(self) -> Iterator[str]:
        return iter(self._refs)

    def __contains__(self, pid: object) -> bool:
        return pid in self._refs           # ``Mapping`` would parse the paper's lines to find out

    def __len__(self) -> int:
        return len(self._refs)

    def close(self) -> None:
        """Close the file (reopened on the next access)."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None
