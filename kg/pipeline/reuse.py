"""Incremental builds (``kg build INPUT... --update DIR``): reuse the extractions of an earlier build of DIR.

An extraction is a pure function of the record's text (title and abstract) and of the extraction rules: the
paper metadata is only copied into it. So each record is keyed by a *content hash* of its title and abstract;
a record whose hash is found in ``DIR/extractions.jsonl`` gets that line's mentions, relations and acronyms
with its own, current metadata (source, line, upvotes, ...), and only records with a new hash go through
spaCy. A reused record travels as a ``Reused`` item (its metadata and where its old line is); when its
metadata is unchanged its new line is the old line's bytes, unparsed (``Reuse.line``). Resolution, graph and
files are then rebuilt from all the extractions as usual, so the output is byte-identical to a from-scratch
build of the same inputs.

Input files too: every build records in the state file, when it read every file whole without a bad record
or a failed extraction, each file's path, size, modification time, format and its block of lines; an update
leaves a file with the same (resolved) path, size, modification time and format, read by the same reader code
(``reader_fingerprint``), unread (``Reuse.block``) and passes its
old lines on as they are (``Reused.verbatim``), with the paper metadata parsed from them in the order
``paper_metadata`` gives it. Only files of paper records are left unread (the paper of a ready extraction keeps
its input's key order, which its line does not). The reading step then reports and counts them as if read.

The rules are pinned by a *fingerprint* (kg version, spaCy version and model, the ontology files and the
extraction/NLP source files) written to ``DIR/.kg-build.json`` after every build, with the extractor name the
graph records. When it differs (rules
changed since DIR was built) or is missing, nothing is reused and the update is a full build.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from kg.pipeline.read import PAPER_KEYS, FileBlock, InputFile
from kg.records import Extraction, PaperRecord

log = logging.getLogger(__name__)

STATE_NAME = ".kg-build.json"
_PACKAGE = Path(__file__).resolve().parent.parent
#: Source files whose code decides what an extraction holds.
_RULE_SOURCES = ("extraction", "nlp", "learn", "models", "text_clean.py", "gazetteer_data.py", "records.py",
                 "normalize.py", "pipeline/extract.py")


def content_hash(title: str, abstract: str) -> str:
    """SHA-1 of a record's title and abstract: the only inputs of its extraction besides the rules.

    >>> content_hash("T", "A") == content_hash("T", "A") != content_hash("T", "A.")
    True
    """
    return hashlib.sha1(f"{title}\x00{abstract}".encode("utf-8", "surrogatepass")).hexdigest()


def _files(root: Path, skip: frozenset[str] = frozenset()) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.relative_to(root).as_posix() not in skip)


def _spacy_version() -> str:
    """spaCy's version from its package metadata (importing spaCy takes most of a second)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("spacy")
    except PackageNotFoundError:      # pragma: no cover - spaCy not installed as a distribution
        import spacy

        return spacy.__version__


def hash_sources(h: Any, files: Iterable[tuple[str, Path]]) -> None:
    """Feed ``h`` each (name, path) as the name, a NUL and the SHA-1 of the file's bytes: the fingerprints of
    source code that decide whether an earlier build's files can be reused."""
    for name, path in files:
        h.update(name.encode() + b"\x00" + hashlib.sha1(path.read_bytes()).digest())


@lru_cache(maxsize=None)
def fingerprint(spacy_model: str | None, rules_only: bool = False) -> str:
    """Hash of everything besides the text that decides an extraction (see the module docstring); computed
    once per process (``--update`` needs it to open the earlier build and to record the new one)."""
    from kg import __version__
    from kg.paths import ontology_dir

    h = hashlib.sha1(f"kg {__version__}\nspacy {_spacy_version()}\nmodel {spacy_model or 'blank:en'}\n"
                     f"decided by {'rules' if rules_only else 'learned models'}\n".encode())
    # the ontology's __init__.py only makes it the package kg.ontology: not part of the rules
    roots = [(ontology_dir(), "ontology", frozenset({"__init__.py"}))]
    roots += [(_PACKAGE / name, f"kg/{name}", frozenset()) for name in _RULE_SOURCES]
    hash_sources(h, ((f"{label}/{path.relative_to(root).as_posix()}" if root.is_dir() else label, path)
                     for root, label, skip in roots for path in _files(root, skip)))
    return h.hexdigest()


@lru_cache(maxsize=None)
def reader_fingerprint() -> str:
    """Hash of the code that turns an input file into paper metadata (the readers and the reading step): an
    input file is left unread only when the lines it gave were made by the same code."""
    h = hashlib.sha1()
    roots = (_PACKAGE / "readers", _PACKAGE / "pipeline" / "read.py", _PACKAGE / "records.py")
    hash_sources(h, ((path.name, path) for root in roots for path in _files(root)))
    return h.hexdigest()


def write_build_state(out_dir: Path, spacy_model: str | None, rules_only: bool = False,
                      extractor: str | None = None, inputs: list[InputFile] | None = None,
                      fmt: str | None = None) -> Path:
    """Record the fingerprint of this build's rules, and the extractor graph.json names (``kg.pipeline.
    extractor_version``: finding it loads the models and spaCy, which an update with nothing new avoids), in
    ``DIR/.kg-build.json`` (atomically); with ``inputs`` (every input file, in reading order, each read whole)
    and the ``--format`` given, where each file's block of extraction lines is."""
    path = out_dir / STATE_NAME
    tmp = path.with_name(path.name + ".tmp")
    state: dict[str, Any] = {"fingerprint": fingerprint(spacy_model, rules_only)}
    if extractor is not None:
        state["extractor"] = extractor
    if inputs:
        state["format"] = fmt
        first, files = 0, []
        for f in inputs:
            files.append([_where(f.path), f.size, f.mtime_ns, f.kind, first, f.items])
            first += f.items
        state["inputs"] = files
        state["inputs_digest"] = _digest(files)
        state["readers"] = reader_fingerprint()
    tmp.write_text(json.dumps(state, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


#: How an extraction line encodes its ``paper`` (``kg.io.extractions``: sorted keys, unicode kept).
_PAPER_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)
_DECODER = json.JSONDecoder()
_PAPER_SLOT = ', "paper": {'


def _paper_of(line: bytes) -> dict[str, Any]:
    r"""The ``paper`` object of an extractions.jsonl line, parsing only that object when it can.

    A line's keys are sorted and neither mentions nor relations have a ``paper`` key, and a quote inside a JSON
    string is always escaped, so the first ``, "paper": {`` starts the paper unless an acronym is literally
    "paper" (then that value, a string, is found and the whole line is parsed instead).

    >>> _paper_of(b'{"acronyms": {}, "mentions": [{"text": "x, \\"paper\\": {"}], "paper": {"id": "p"}}')
    {'id': 'p'}
    >>> _paper_of(b'{"acronyms": {"a": "b", "paper": "c"}, "paper": {"id": "q"}}')
    {'id': 'q'}
    """
    text = line.decode("utf-8")
    at = text.find(_PAPER_SLOT)
    if at >= 0:
        paper, _ = _DECODER.raw_decode(text, at + len(_PAPER_SLOT) - 1)
        if isinstance(paper, dict):
            return paper
    return json.loads(text)["paper"]


def _in_order(paper: dict[str, Any]) -> dict[str, Any]:
    """A paper parsed from a line (sorted keys) with its keys in ``paper_metadata``'s order.

    >>> list(_in_order({"abstract": "A", "id": "p", "line": 1, "sources": ["f"], "title": "T"}))
    ['id', 'title', 'abstract', 'sources', 'line']
    """
    ordered = {k: paper[k] for k in PAPER_KEYS if k in paper}
    ordered.update((k, v) for k, v in paper.items() if k not in ordered)
    return ordered


def _where(path: str | Path) -> str:
    """The key of an input file in the state file: its absolute, resolved path, so an update names the same file
    whether it is given as ``listings``, ``./listings`` or ``/home/me/listings``, from any working directory."""
    return str(Path(path).resolve())


def _digest(inputs: list) -> str:
    """SHA-1 of the recorded input files: a state file edited or damaged since is not trusted."""
    return hashlib.sha1(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def _inputs(state: Any, fmt: str | None, lines: int) -> dict[str, list]:
    """The earlier build's input files (``write_build_state``) that can be left unread: of paper records, read
    under the same ``--format``, each entry well-formed and within the ``lines`` of extractions.jsonl."""
    if not isinstance(state, dict) or not isinstance(state.get("inputs"), list) or state.get("format") != fmt \
            or state.get("inputs_digest") != _digest(state["inputs"]) or state.get("readers") != reader_fingerprint():
        return {}
    out: dict[str, list] = {}
    for entry in state["inputs"]:
        if (isinstance(entry, list) and len(entry) == 6 and isinstance(entry[0], str)
                and all(type(x) is int and x >= 0 for x in (entry[1], entry[2], entry[4], entry[5]))
                and entry[4] + entry[5] <= lines and isinstance(entry[3], str) and entry[3] != "extractions"):
            out[entry[0]] = entry[1:]
    return out


@dataclass
class Reused:
    """A record whose text was extracted before: its current paper metadata and where the old line is."""

    paper: dict[str, Any]
    offset: int
    length: int
    verbatim: bool = False      # the old line is the new one (its file is unchanged)


class Reuse:
    """The reusable extractions of an earlier build: content hash -> (offset, length) of its line."""

    def __init__(self, path: Path | None, index: dict[str, tuple[int, int]], note: str,
                 extractor: str | None = None, lines: list[tuple[dict | None, int, int]] | None = None,
                 inputs: dict[str, list] | None = None) -> None:
        self.path = path
        self.index = index
        self.lines = lines or []     # (paper or None when unreadable, offset, length) of each old line
        self.inputs = inputs or {}   # path -> [size, mtime_ns, kind, first line, lines] of the earlier build
        self.note = note          # why nothing can be reused (empty when the index is usable)
        self.extractor = extractor   # the earlier build's extractor: this one's too, as the rules are the same
        self.reused = 0
        self.extracted = 0
        self._fh: IO[bytes] | None = None

    @classmethod
    def open(cls, out_dir: Path, spacy_model: str | None, rules_only: bool = False,
             fmt: str | None = None) -> "Reuse":
        """Index ``DIR/extractions.jsonl`` when its build used the same rules; else an empty index with a note.
        ``fmt`` is this build's ``--format``: the earlier build's input files are left unread only under the same."""
        extractions, state = out_dir / "extractions.jsonl", out_dir / STATE_NAME
        if not extractions.is_file():
            return cls(None, {}, f"{out_dir} holds no earlier build: extracting every record")
        try:
            recorded_state = json.loads(state.read_text(encoding="utf-8"))
            recorded, extractor = recorded_state.get("fingerprint"), recorded_state.get("extractor")
        except (OSError, ValueError, AttributeError):
            recorded, extractor = None, None
        if recorded != fingerprint(spacy_model, rules_only):
            why = "was built before --update existed" if recorded is None else "was built with other extraction rules"
            return cls(None, {}, f"{out_dir} {why}: extracting every record")
        index: dict[str, tuple[int, int]] = {}
        lines: list[tuple[dict | None, int, int]] = []
        offset = 0
        with open(extractions, "rb") as fh:
            for line in fh:
                try:
                    paper = _paper_of(line)
                    key = content_hash(paper["title"], paper["abstract"])
                except (ValueError, KeyError, TypeError):
                    paper, key = None, None  # an unreadable line is simply not reused
                if key is not None:
                    index.setdefault(key, (offset, len(line)))
                lines.append((paper, offset, len(line)))
                offset += len(line)
        inputs = _inputs(recorded_state, fmt, len(lines))
        return cls(extractions, index, "", extractor if isinstance(extractor, str) else None, lines, inputs)

    def block(self, path: Path) -> FileBlock | None:
        """The items of input ``path`` when it is the file the earlier build read (same path, size, modification
        time, format): its old lines, to be written as they are; ``None`` when it must be read."""
        entry = self.inputs.get(_where(path))
        if entry is None:
            return None
        size, mtime_ns, kind, first, count = entry
        try:
            st = path.stat()
        except OSError:
            return None
        if st.st_size != size or st.st_mtime_ns != mtime_ns:
            return None
        old = self.lines[first:first + count]
        sources, lines = [path.name], [paper.get("line") if paper is not None else None for paper, _, _ in old]
        if len(old) != count or any(paper is None or paper.get("sources") != sources for paper, _, _ in old) \
                or not all(type(n) is int for n in lines) or lines != sorted(lines):
            return None             # not the lines of this file, in order
        self.reused += count
        return FileBlock(InputFile(str(path), size, mtime_ns, kind, count),
                         [Reused(_in_order(paper), offset, length, True) for paper, offset, length in old])

    def _old(self, offset: int, length: int) -> bytes:
        if self._fh is None:
            self._fh = open(self.path, "rb")  # the old file stays readable while the new one is written beside it
        self._fh.seek(offset)
        return self._fh.read(length)

    def wrap(self, items: Iterable[PaperRecord | Extraction]) -> Iterator[PaperRecord | Extraction | Reused]:
        """Yield each input unchanged, except records whose text was extracted before: a ``Reused`` item."""
        from kg.pipeline.read import paper_metadata

        for item in items:
            if isinstance(item, PaperRecord):
                where = self.index.get(content_hash(item.title, item.abstract))
                if where is None:
                    self.extracted += 1
                else:
                    self.reused += 1
                    item = Reused(paper_metadata(item), *where)
            yield item

    def line(self, item: Reused) -> bytes:
        """The extractions.jsonl line of a reused record: its old line with the record's current ``paper``.

        The line is ``{"acronyms": ..., "mentions": ..., "paper": ..., "relations": ...}`` with sorted keys, and
        no mention or relation has a ``paper`` key, so when the old line holds exactly this paper's encoding
        between ``"paper": `` and ``, "relations"`` the old bytes are the new line; otherwise (new upvotes, another
        file or line) the extraction is read back and written with the new metadata.
        """
        from kg.io.extractions import extraction_line

        old = self._old(item.offset, item.length)
        if item.verbatim:
            return old
        slot = b', "paper": ' + _PAPER_ENCODER.encode(item.paper).encode("utf-8") + b', "relations": '
        if slot in old:
            return old
        ex = Extraction.from_dict(json.loads(old))
        ex.paper = item.paper
        return extraction_line(ex).encode("utf-8")

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
