"""Reader of Hugging Face "Daily Papers" listings saved as plain text (copy of the web page).

Two layouts occur and are handled by the same rules (no layout switch):

(a) compact: a short header ("Get trending papers in your email inbox once a day!" ...) whose
    "Subscribe" button text is glued to the first title ("SubscribeDarwinLM: ..."), then
    alternating title line / abstract line with no blank lines;
(b) spaced: every line separated by a blank line; a header ("new", "Subscribe", "Daily Papers",
    "byAK and the research community", the listing date), then per paper: title, abstract and
    optional metadata lines: "  • 7 authors", "·", a date ("Nov 11, 2025", "Feb 11, 2020 1" =
    date + upvote counter, "Apr 2 2" = date without year + upvotes), bare counters.

Rules. Blank lines and page boilerplate are ignored. Metadata lines are recognised by their
shape and attached to the record before them (``date``, ``extra["n_authors"]``,
``extra["upvotes"]``). Every other line is text: a title when no title is waiting for its
abstract, else that title's abstract. Titles are single short lines, abstracts long lines; so
when a short (title-shaped) line sits where the abstract should be and the next text line is
abstract-shaped, the waiting title had no abstract (reported as "empty abstract") and the short
line starts the next paper. An abstract-shaped line with no title before it is a paper with an
empty title. A "Subscribe" glued to a title right after the header is removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import KgError
from kg.readers.common import Line, control_problem, iter_lines, looks_binary, make_record, read_head
from kg.records import BadRecord, PaperRecord

#: Lines that are page chrome, not papers (compared after stripping spaces).
BOILERPLATE = frozenset({
    "new",
    "Subscribe",
    "Daily Papers",
    "byAK and the research community",
    "Get trending papers in your email inbox!",
    "Get trending papers in your email inbox once a day!",
})
#: A text line longer than this, or with at least ``ABSTRACT_MIN_WORDS`` words, is abstract-shaped.
TITLE_MAX_CHARS = 300
ABSTRACT_MIN_WORDS = 40

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_DATE_LINE = re.compile(rf"(?P<date>{_MONTH} \d{{1,2}}(?:, \d{{4}})?)(?: (?P<upvotes>\d+))?")
_AUTHORS_LINE = re.compile(r"[•·]\s*(?P<n>\d+)\s+authors?")
_AUTHOR_NAMES_LINE = re.compile(r"•\s*(?P<names>\S.*)")
_COUNTER_LINE = re.compile(r"\d+")
_SEPARATOR_LINE = re.compile(r"[·•|-]")
_GLUED_SUBSCRIBE = re.compile(r"Subscribe(?=[^\sa-z])")


@dataclass
class _Meta:
    """A metadata line: what it sets on the record before it."""

    values: dict[str, Any]


@dataclass
class _Text:
    """A text line (title or abstract) and whether it can be used."""

    line: int
    text: str
    problem: str | None = None
    size: int = 0

    @property
    def abstract_shaped(self) -> bool:
        if not self.text and self.size:  # an over-long line that was drained, not stored
            return self.size > TITLE_MAX_CHARS
        return len(self.text) > TITLE_MAX_CHARS or len(self.text.split()) >= ABSTRACT_MIN_WORDS


@dataclass
class _Pending:
    """A record being assembled: its title, abstract and metadata seen so far."""

    title: _Text
    abstract: _Text | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def _classify(line: Line, after_header: bool) -> _Text | _Meta | None:
    """Turn a physical line into a token: None (blank/boilerplate), metadata or text."""
    if line.problem:
        return _Text(line.number, line.text, line.problem, line.size)
    text = line.text.strip()
    if not text or text in BOILERPLATE:
        return None
    m = _AUTHORS_LINE.fullmatch(text)
    if m:
        return _Meta({"n_authors": int(m.group("n"))})
    m = _DATE_LINE.fullmatch(text)
    if m:
        values: dict[str, Any] = {"date": m.group("date")}
        if m.group("upvotes"):
            values["upvotes"] = int(m.group("upvotes"))
        return _Meta(values)
    if _COUNTER_LINE.fullmatch(text):
        return _Meta({"counter": int(text)})
    if _SEPARATOR_LINE.fullmatch(text):
        return _Meta({})
    m = _AUTHOR_NAMES_LINE.fullmatch(text)
    if m:
        return _Meta({"authors": [a.strip() for a in m.group("names").split(",") if a.strip()]})
    if after_header:
        glued = _GLUED_SUBSCRIBE.match(text)
        if glued:
            text = text[glued.end():]
    return _Text(line.number, text, control_problem(text), line.size)


def _tokens(path: Path) -> Iterator[_Text | _Meta]:
    """Yield the text and metadata tokens of ``path`` in file order."""
    after_header = True  # the file start counts as "after the header" (the glue can be on line 1)
    for line in iter_lines(path):
        token = _classify(line, after_header)
        if token is None:
            after_header = line.text.strip() in BOILERPLATE or (after_header and not line.text.strip())
            continue
        after_header = False
        yield token


def _finish(source: str, rec: _Pending) -> PaperRecord | BadRecord:
    """Build the record (or the reason it is unusable) from an assembled title/abstract/metadata."""
    title, abstract = rec.title, rec.abstract
    if abstract is None:
        return BadRecord(source, title.line, "empty abstract (title line with no abstract after it)")
    for part, name in ((title, "title"), (abstract, "abstract")):
        if part.problem:
            return BadRecord(source, title.line, f"{name} on line {part.line}: {part.problem}")
    extra: dict[str, Any] = {}
    if "n_authors" in rec.meta:
        extra["n_authors"] = rec.meta["n_authors"]
    upvotes = rec.meta.get("upvotes", rec.meta.get("counter"))
    if upvotes is not None:
        extra["upvotes"] = upvotes
    return make_record(
        source,
        title.line,
        title.text,
        abstract.text,
        authors=rec.meta.get("authors"),
        date_raw=rec.meta.get("date"),
        extra=extra,
    )


def read_hf_daily(path: Path) -> Iterator[PaperRecord | BadRecord]:
    """Yield the papers of a Daily Papers text listing, in file order.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "daily.txt"
    >>> _ = p.write_text("Get trending papers in your email inbox!\\n"
    ...     "SubscribeLoRA: Low-Rank Adaptation of Large Language Models\\n"
    ...     + "We propose LoRA, which freezes the pretrained weights. " * 8 + "\\n")
    >>> [(r.line, r.title) for r in read_hf_daily(p)]
    [(2, 'LoRA: Low-Rank Adaptation of Large Language Models')]
    """
    source = path.name
    if looks_binary(read_head(path)):
        raise KgError(f"{source}: looks like a binary file, not a text listing")
    pending: _Pending | None = None
    done: _Pending | None = None  # a complete record, held until its metadata lines are seen
    stream = _tokens(path)
    lookahead: list[_Text | _Meta] = []

    def next_token() -> _Text | _Meta | None:
        if lookahead:
            return lookahead.pop()
        return next(stream, None)

    def peek() -> _Text | _Meta | None:
        if not lookahead:
            token = next(stream, None)
            if token is None:
                return None
            lookahead.append(token)
        return lookahead[-1]

    while (token := next_token()) is not None:
        if isinstance(token, _Meta):
            if pending is not None:  # metadata right after a title: the abstract is missing
                yield _finish(source, pending)
                pending = None
                continue
            if done is not None:
                for key, value in token.values.items():
                    done.meta.setdefault(key, value)
            continue  # header metadata (the listing date) or stray separators
        if pending is None:
            if done is not None:
                yield _finish(source, done)
                done = None
            if token.abstract_shaped:
                reason = "empty title (abstract line with no title before it)"
                yield BadRecord(source, token.line, reason)
                continue
            pending = _Pending(token)
            continue
        # a title is waiting for its abstract
        following = peek()
        if not token.abstract_shaped and isinstance(following, _Text) and following.abstract_shaped:
            yield _finish(source, pending)  # the waiting title had no abstract
            pending = _Pending(token)
            continue
        pending.abstract = token
        done, pending = pending, None
    if done is not None:
        yield _finish(source, done)
    if pending is not None:
        yield _finish(source, pending)
