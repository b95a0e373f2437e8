"""Incremental builds (``kg build INPUT... --update DIR``): reuse the extractions of an earlier build of DIR.

An extraction is a pure function of the record's text (title and abstract) and of the extraction rules: the
paper metadata is only copied into it. So each record is keyed by a *content hash* of its title and abstract;
a record whose hash is found in ``DIR/extractions.jsonl`` gets that line's mentions, relations and acronyms
with its own, current metadata (source, line, upvotes, ...), and only records with a new hash go through
spaCy. Resolution, graph and files are then rebuilt from all the extractions as usual, so the output is
byte-identical to a from-scratch build of the same inputs.

The rules are pinned by a *fingerprint* (kg version, spaCy version and model, the ontology files and the
extraction/NLP source files) written to ``DIR/.kg-build.json`` after every build. When it differs (rules
changed since DIR was built) or is missing, nothing is reused and the update is a full build.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from kg.records import Extraction, Mention, PaperRecord, Relation

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


def fingerprint(spacy_model: str | None, rules_only: bool = False) -> str:
    """Hash of everything besides the text that decides an extraction (see the module docstring)."""
    import spacy

    from kg import __version__
    from kg.paths import ontology_dir

    h = hashlib.sha1(f"kg {__version__}\nspacy {spacy.__version__}\nmodel {spacy_model or 'blank:en'}\n"
                     f"decided by {'rules' if rules_only else 'learned models'}\n".encode())
    # the ontology's __init__.py only makes it the package kg.ontology: not part of the rules
    roots = [(ontology_dir(), "ontology", frozenset({"__init__.py"}))]
    roots += [(_PACKAGE / name, f"kg/{name}", frozenset()) for name in _RULE_SOURCES]
    for root, label, skip in roots:
        for path in _files(root, skip):
            rel = f"{label}/{path.relative_to(root).as_posix()}" if root.is_dir() else label
            h.update(rel.encode() + b"\x00" + hashlib.sha1(path.read_bytes()).digest())
    return h.hexdigest()


def write_build_state(out_dir: Path, spacy_model: str | None, rules_only: bool = False) -> Path:
    """Record the fingerprint of this build's rules in ``DIR/.kg-build.json`` (atomically)."""
    path = out_dir / STATE_NAME
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"fingerprint": fingerprint(spacy_model, rules_only)}, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


class Reuse:
    """The reusable extractions of an earlier build: content hash -> (offset, length) of its line."""

    def __init__(self, path: Path | None, index: dict[str, tuple[int, int]], note: str) -> None:
        self.path = path
        self.index = index
        self.note = note          # why nothing can be reused (empty when the index is usable)
        self.reused = 0
        self.extracted = 0
        self._fh: IO[bytes] | None = None

    @classmethod
    def open(cls, out_dir: Path, spacy_model: str | None, rules_only: bool = False) -> "Reuse":
        """Index ``DIR/extractions.jsonl`` when its build used the same rules; else an empty index with a note."""
        extractions, state = out_dir / "extractions.jsonl", out_dir / STATE_NAME
        if not extractions.is_file():
            return cls(None, {}, f"{out_dir} holds no earlier build: extracting every record")
        try:
            recorded = json.loads(state.read_text(encoding="utf-8")).get("fingerprint")
        except (OSError, ValueError, AttributeError):
            recorded = None
        if recorded != fingerprint(spacy_model, rules_only):
            why = "was built before --update existed" if recorded is None else "was built with other extraction rules"
            return cls(None, {}, f"{out_dir} {why}: extracting every record")
        index: dict[str, tuple[int, int]] = {}
        offset = 0
        with open(extractions, "rb") as fh:
            for line in fh:
                try:
                    paper = json.loads(line)["paper"]
                    key = content_hash(paper["title"], paper["abstract"])
                except (ValueError, KeyError, TypeError):
                    key = None  # an unreadable line is simply not reused
                if key is not None:
                    index.setdefault(key, (offset, len(line)))
                offset += len(line)
        return cls(extractions, index, "")

    def _old(self, where: tuple[int, int]) -> dict:
        if self._fh is None:
            self._fh = open(self.path, "rb")  # the old file stays readable while the new one is written beside it
        self._fh.seek(where[0])
        return json.loads(self._fh.read(where[1]))

    def wrap(self, items: Iterable[PaperRecord | Extraction]) -> Iterator[PaperRecord | Extraction]:
        """Yield each input unchanged, except records whose text was extracted before: their ``Extraction``."""
        from kg.pipeline.read import paper_metadata

        for item in items:
            if isinstance(item, PaperRecord):
                where = self.index.get(content_hash(item.title, item.abstract))
                if where is None:
                    self.extracted += 1
                else:
                    old = self._old(where)
                    self.reused += 1
                    item = Extraction(paper=paper_metadata(item),
                                      mentions=[Mention(**m) for m in old.get("mentions", [])],
                                      relations=[Relation(**r) for r in old.get("relations", [])],
                                      acronyms=dict(old.get("acronyms", {})))
            yield item

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
