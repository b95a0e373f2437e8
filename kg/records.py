"""Typed data contracts passed between pipeline stages.

``PaperRecord``  one paper as a reader yields it (before deduplication).
``BadRecord``    a record a reader skipped, with the reason (counted in the summary).
``Mention``      an entity mention found in a paper's title or abstract.
``Relation``     a claim linking the paper's contribution to an entity, with evidence.
``Extraction``   everything extracted from one record; one line of extractions.jsonl.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from kg.normalize import normalize_title


def title_hash_id(title: str) -> str:
    """Stable short id of a paper with no arXiv id: ``t-`` + 12 hex digits of SHA-1 of the normalised title."""
    digest = hashlib.sha1(normalize_title(title).encode("utf-8")).hexdigest()
    return "t-" + digest[:12]


@dataclass
class PaperRecord:
    """One paper as read from an input file (several records may be the same paper)."""

    title: str
    abstract: str
    source: str                      # input file name the record came from
    line: int = 0                    # 1-based line (or record number) in that file
    arxiv_id: str | None = None
    authors: list[str] | None = None
    date: str | None = None
    url: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)   # other columns/fields, kept as properties

    @property
    def id(self) -> str:
        """arXiv id when known, else a stable hash of the normalised title."""
        return self.arxiv_id or title_hash_id(self.title)

    @property
    def title_key(self) -> str:
        """Key under which duplicates of the same paper collapse."""
        return normalize_title(self.title)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["id"] = self.id
        return d


#: The location an XML reader puts before a reason ("entry 3 (line 41): ").
_ELEMENT_LOCATION = re.compile(r"^[A-Za-z][\w:.-]* \d+ \(line \d+\): ")


@dataclass
class BadRecord:
    """A record skipped by a reader: where it was and why."""

    source: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: skipped: {self.reason}"

    @property
    def kind(self) -> str:
        """What went wrong, without where in the file or the details: what a summary counts skipped records by.

        >>> BadRecord("a.xml", 1, "entry 1 (line 1): malformed XML: <entry> is never closed (file truncated?)").kind
        'malformed XML'
        >>> BadRecord("a.jsonl", 2, "malformed JSON: Expecting value at column 1").kind
        'malformed JSON'
        """
        reason = _ELEMENT_LOCATION.sub("", self.reason, count=1)
        return reason.split(" (")[0].split(":")[0]


@dataclass
class Mention:
    """An entity mention: character offsets are in the original field text."""

    text: str
    field: str            # "title" | "abstract"
    start: int
    end: int
    label: str            # Model | Dataset | Technique
    canonical: str        # the paper-level canonical name (long form when the paper defines one)
    rule: str             # which component/rule found it


@dataclass
class Relation:
    """A claim from the paper's contribution (or a named subject) to an entity."""

    type: str             # USES | OUTPERFORMS | EXTENDS | INTRODUCES
    target: str           # canonical name of the target mention
    evidence: str         # the sentence
    rule: str
    confidence: float
    subject: str | None = None   # canonical name of an explicit subject entity; None = the paper itself
    rules: list[str] | None = None   # every rule that fired for this claim (learned path); ``rule`` is the strongest


def _relation_dict(rel: Relation) -> dict[str, Any]:
    d = asdict(rel)
    if d["rules"] is None:
        del d["rules"]
    return d


@dataclass
class Extraction:
    """Everything extracted from one input record (one line of extractions.jsonl)."""

    paper: dict[str, Any]
    mentions: list[Mention] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    acronyms: dict[str, str] = field(default_factory=dict)   # short form -> long form, as defined in this paper

    def to_dict(self) -> dict[str, Any]:
        return {
            "paper": self.paper,
            "mentions": [asdict(m) for m in self.mentions],
            "relations": [_relation_dict(r) for r in self.relations],
            "acronyms": dict(sorted(self.acronyms.items())),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Extraction":
        return cls(
            paper=d["paper"],
            mentions=[Mention(**m) for m in d.get("mentions", [])],
            relations=[Relation(**r) for r in d.get("relations", [])],
            acronyms=dict(d.get("acronyms", {})),
        )
