"""Records of the same paper: group them, pick the newest, and say what was merged.

A paper is often listed more than once: on two Daily Papers pages, as a v1 and a v2, in two harvests. Its
records are merged, never dropped: every record's mentions and relations go into the graph (each edge with the
evidence sentence of the record that states it), and the Paper node shows the newest record's title and
abstract when the records say which is newest (arXiv version count, ``updated`` date, ``date``); otherwise the
first record read.

Two records are the same paper when they share a normalised title or a paper id (an arXiv id); a shared id
with different titles is merged too, with a warning, since one of the titles may be wrong.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kg.normalize import normalize_title

_VERSION = re.compile(r"v(\d+)\s*$")


@dataclass
class DuplicateGroup:
    """The records of one paper listed more than once, newest (the one shown on the node) first."""

    paper_id: str
    places: list[tuple[str, int]]                       # (file, line) of each record, in the group's order
    differs: bool = False                               # the records' titles or abstracts differ
    titles_differ: bool = False                         # same id, different normalised titles

    def message(self) -> str:
        """One warning line naming every file and line (the kept one first)."""
        first = f"{self.places[0][0]}:{self.places[0][1]}"
        others = ", ".join(f"{f}:{n}" for f, n in self.places[1:])
        if self.titles_differ:
            what = "same paper id with different titles"
        elif self.differs:
            what = "same paper with a different abstract"
        else:
            what = "same paper listed again"
        return (f"{others}: {what} as {first} ({self.paper_id}); records merged, every record's relations kept, "
                f"node text from {first}")


@dataclass
class PaperGroups:
    """Output of ``group_papers``: merged metadata per paper id, its members (shown one first), duplicates."""

    papers: dict[str, dict] = field(default_factory=dict)
    members: dict[str, list[Any]] = field(default_factory=dict)
    duplicates: list[DuplicateGroup] = field(default_factory=list)


def _version(paper: dict) -> int | None:
    """The arXiv version a record speaks of, when it says (OAI ``versions`` count, ``vN`` in the id or URL)."""
    extra = paper.get("extra") or {}
    if isinstance(extra.get("versions"), int):
        return extra["versions"]
    for key in ("url", "arxiv_id"):
        m = _VERSION.search(str(paper.get(key) or ""))
        if m:
            return int(m.group(1))
    return None


def _when(paper: dict) -> str | None:
    extra = paper.get("extra") or {}
    value = extra.get("updated") or paper.get("date")
    return str(value) if value else None


def newest_first(papers: Sequence[dict]) -> list[int]:
    """Indexes of ``papers`` (records of one paper, in read order), the newest first.

    Versions are compared when every record has one, else dates when every record has one; otherwise (or on
    a tie) read order decides, so the first record read is shown.

    >>> newest_first([{"date": "2024-01-02"}, {"date": "2024-03-01"}])
    [1, 0]
    >>> newest_first([{"date": "2024-01-02"}, {}])
    [0, 1]
    >>> newest_first([{"date": "2024-01-02"}, {"date": "2024-03-01"}, {"date": "2024-03-01"}])
    [1, 2, 0]
    """
    order = list(range(len(papers)))
    for key in (_version, _when):
        values = [key(p) for p in papers]
        if all(v is not None for v in values):
            return sorted(order, key=lambda i: values[i], reverse=True)   # stable: ties keep read order
    return order


def group_papers(items: Sequence[Any]) -> PaperGroups:
    """Group records (anything with a ``paper`` dict) into papers; see the module docstring.

    The paper id is that of the first record read; ``sources`` is the union of every record's sources; other
    metadata comes from the newest record, completed by the others.
    """
    groups: list[list[int]] = []
    by_title: dict[str, int] = {}
    by_id: dict[str, int] = {}
    titles_differ: set[int] = set()
    for i, item in enumerate(items):
        key = normalize_title(item.paper["title"])
        pid = item.paper["id"]
        g = by_title.get(key)
        if g is None:
            g = by_id.get(pid)
            if g is not None:
                titles_differ.add(g)
        if g is None:
            g = len(groups)
            groups.append([])
        groups[g].append(i)
        by_title.setdefault(key, g)
        by_id.setdefault(pid, g)

    out = PaperGroups()
    for g, members in enumerate(groups):
        papers = [items[i].paper for i in members]
        order = newest_first(papers)
        ranked = [members[j] for j in order]
        pid = papers[0]["id"]
        merged = {k: v for k, v in items[ranked[0]].paper.items() if k != "line"}
        merged["id"] = pid
        sources: set[str] = set()
        for i in ranked:
            p = items[i].paper
            sources.update(p.get("sources", []))
            for k, v in p.items():
                if k not in merged and k != "line" and v:
                    merged[k] = v
        merged["sources"] = sorted(sources)
        out.papers[pid] = merged
        out.members[pid] = [items[i] for i in ranked]
        if len(members) > 1:
            texts = {(p["title"], p["abstract"]) for p in papers}
            out.duplicates.append(DuplicateGroup(
                pid, [(_source(items[i].paper), int(items[i].paper.get("line") or 0)) for i in ranked],
                differs=len(texts) > 1, titles_differ=g in titles_differ))
    return out


def _source(paper: dict) -> str:
    sources = paper.get("sources") or ["?"]
    return str(sources[0])
