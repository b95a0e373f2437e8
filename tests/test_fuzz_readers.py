"""Fuzzing the readers (hypothesis): random bytes and random JSON/CSV/XML structures.

Two properties, for every reader:
* nothing escapes but the documented ``KgError`` (whole file unusable), and every item is a ``PaperRecord``
  or a ``BadRecord``;
* a good record next to bad ones is never lost: every good record written comes out, whatever junk
  surrounds it.
And one for the read step of the pipeline: a folder holding a random file and a good file yields every
record of the good file, with no exception at all (the bad file is skipped and counted).
"""

from __future__ import annotations

import csv
import io
import json
import os
import string
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings, strategies as st

from kg.errors import KgError
from kg.pipeline.read import ReadStats, iter_inputs
from kg.pipeline.report import Reporter
from kg.readers import FORMATS, detect_format, read_records
from kg.records import BadRecord, PaperRecord

# KG_FUZZ_EXAMPLES=500 for a longer local run.
SETTINGS = settings(max_examples=int(os.environ.get("KG_FUZZ_EXAMPLES", "60")), deadline=None, suppress_health_check=[HealthCheck.too_slow])

WORD = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=10)
# Good fields: words joined by single spaces, so the readers' whitespace clean-up leaves them unchanged.
FIELD = st.lists(WORD, min_size=1, max_size=8).map(" ".join)
GOOD = st.fixed_dictionaries({"title": FIELD, "abstract": FIELD})
# Random text without line breaks (a bad line stays one line).
JUNK_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"),
                    max_size=60)
JSON_VALUE = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | JUNK_TEXT,
                          lambda inner: st.lists(inner, max_size=3) | st.dictionaries(JUNK_TEXT, inner, max_size=3),
                          max_leaves=8)


def write(data: bytes, name: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix="kg-fuzz-")) / name
    path.write_bytes(data)
    return path


def read_all(path: Path, fmt: str | None) -> list[PaperRecord | BadRecord]:
    """Every item of the file; only KgError may escape (then [] is returned)."""
    try:
        items = list(read_records(path, fmt))
    except KgError:
        return []
    assert all(isinstance(item, (PaperRecord, BadRecord)) for item in items)
    return items


def titles(items) -> list[str]:
    return [item.title for item in items if isinstance(item, PaperRecord)]


@SETTINGS
@given(data=st.binary(max_size=3000), fmt=st.sampled_from((None, *FORMATS)),
       name=st.sampled_from(("x.txt", "x.jsonl", "x.csv", "x.xml", "x.json")))
def test_random_bytes_never_raise_more_than_kgerror(data: bytes, fmt: str | None, name: str) -> None:
    path = write(data, name)
    try:
        detect_format(path)
    except KgError:
        pass
    read_all(path, fmt)


@SETTINGS
@given(rows=st.lists(st.one_of(GOOD.map(lambda r: ("good", r)),
                               JSON_VALUE.map(lambda v: ("json", v)),
                               JUNK_TEXT.map(lambda t: ("text", t))), max_size=12),
       first=GOOD)
def test_jsonl_good_records_survive_random_neighbours(rows, first) -> None:
    rows = [("good", first), *rows]       # a first line starting with "[" would make the file a JSON array
    lines = [json.dumps(v) if kind != "text" else v for kind, v in rows]
    path = write(("\n".join(lines) + "\n").encode("utf-8"), "x.jsonl")
    out = titles(read_all(path, "jsonl"))
    for kind, value in rows:
        if kind == "good":
            assert value["title"] in out


@SETTINGS
@given(rows=st.lists(st.one_of(GOOD.map(lambda r: ("good", [r["title"], r["abstract"], "n"])),
                               st.lists(JUNK_TEXT, max_size=5).map(lambda f: ("row", f)),
                               JUNK_TEXT.filter(lambda t: '"' not in t).map(lambda t: ("text", t))), max_size=12))
def test_csv_good_rows_survive_random_neighbours(rows) -> None:
    # Bad lines are written as proper CSV rows (any fields, any count) or as raw text without a quote: a raw
    # unbalanced quote legitimately opens a multi-line field in CSV and changes the meaning of what follows.
    buf = io.StringIO()
    buf.write("title,abstract,note\n")
    writer = csv.writer(buf, lineterminator="\n")
    for kind, value in rows:
        if kind == "text":
            buf.write(value + "\n")
        else:
            writer.writerow(value)
    path = write(buf.getvalue().encode("utf-8"), "x.csv")
    out = titles(read_all(path, "csv"))
    for kind, value in rows:
        if kind == "good":
            assert value[0] in out


def _atom_entry(i: int, title: str, abstract: str) -> str:
    return (f"<entry><id>http://arxiv.org/abs/2401.{i:05d}v1</id><title>{title}</title>"
            f"<summary>{abstract}</summary></entry>\n")


@SETTINGS
@given(rows=st.lists(st.one_of(GOOD.map(lambda r: ("good", r)),
                               JUNK_TEXT.map(lambda t: ("escaped", t)),
                               st.sampled_from(("<entry><title>broken</entry>", "<entry><title></title></entry>",
                                                "<entry/>", "<foo>bar</foo>")).map(lambda t: ("raw", t))),
                     max_size=10))
def test_atom_good_entries_survive_random_neighbours(rows) -> None:
    body = []
    for i, (kind, value) in enumerate(rows):
        if kind == "good":
            body.append(_atom_entry(i, escape(value["title"]), escape(value["abstract"])))
        elif kind == "escaped":
            body.append(_atom_entry(i, escape(value), ""))
        else:
            body.append(value + "\n")
    doc = '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n' + "".join(body) + "</feed>\n"
    path = write(doc.encode("utf-8"), "x.xml")
    out = titles(read_all(path, "arxiv-atom"))
    broken = any(kind == "raw" and value == "<entry><title>broken</entry>" for kind, value in rows)
    for i, (kind, value) in enumerate(rows):
        # A mis-nested tag makes the XML not well-formed from there on; entries before it must all survive.
        if kind == "good" and not any(k == "raw" and v == "<entry><title>broken</entry>" for k, v in rows[:i]):
            assert value["title"] in out
    if not broken:
        assert len(out) == sum(kind == "good" for kind, _ in rows)


@SETTINGS
@given(junk=st.binary(max_size=2000), good=st.lists(GOOD, min_size=1, max_size=5),
       name=st.sampled_from(("junk.txt", "junk.jsonl", "junk.csv", "junk.xml")))
def test_a_bad_file_never_stops_the_folder(junk: bytes, good, name: str) -> None:
    folder = Path(tempfile.mkdtemp(prefix="kg-fuzz-dir-"))
    (folder / name).write_bytes(junk)
    (folder / "good.jsonl").write_text("".join(json.dumps(r) + "\n" for r in good), encoding="utf-8")
    stats = ReadStats(reporter=Reporter(max_per_file=0))
    out = [r.title for r in iter_inputs([str(folder)], None, stats) if r.source == "good.jsonl"]
    assert out == [r["title"] for r in good]
