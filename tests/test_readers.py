"""Tests of ``kg.readers``: every input format, format detection, bad records, input expansion.

Fixtures in ``tests/fixtures/readers`` are self-written; the real Daily Papers listings are read
from ``../shared/seeds`` (skipped when absent).
"""

from __future__ import annotations

import shutil
import time
import tracemalloc
from pathlib import Path

import pytest

from kg.errors import KgError
from kg.readers import FORMATS, MAX_FIELD_CHARS, detect_format, expand_inputs, read_extractions, read_records
from kg.records import BadRecord, Extraction, PaperRecord

FIX = Path(__file__).parent / "fixtures" / "readers"
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sample_listing.txt"


def read(path: Path, fmt: str | None = None) -> tuple[list[PaperRecord], list[BadRecord]]:
    """All records of a file, split into good and bad (order kept within each)."""
    items = list(read_records(path, fmt))
    good = [r for r in items if isinstance(r, PaperRecord)]
    bad = [r for r in items if isinstance(r, BadRecord)]
    assert len(good) + len(bad) == len(items)
    return good, bad


# --------------------------------------------------------------------------- the real seeds

def test_seeds_give_857_records_and_710_distinct_papers(seeds_dir: Path) -> None:
    files = expand_inputs([str(seeds_dir)])
    assert len(files) == 5
    assert {detect_format(f) for f in files} == {"hf-daily"}
    good: list[PaperRecord] = []
    for f in files:
        g, bad = read(f)
        assert bad == [], f"unexpected bad records in {f.name}: {bad[:3]}"
        good += g
    assert len(good) == 857
    assert len({r.title_key for r in good}) == 710
    assert all(r.title and r.abstract and r.source.endswith(".txt") and r.line > 0 for r in good)
    assert not any(r.title.startswith("Subscribe") for r in good)
    # titles are short single lines and abstracts long ones: nothing was shifted by one
    assert max(len(r.title) for r in good) < 300 < min(len(r.abstract) for r in good)


def test_seeds_spaced_layout_metadata(seeds_dir: Path) -> None:
    spaced = [r for f in expand_inputs([str(seeds_dir)]) for r in read(f)[0] if r.extra.get("n_authors")]
    assert spaced, "the spaced layout carries author counts"
    assert all(isinstance(r.extra["n_authors"], int) and r.extra["n_authors"] > 0 for r in spaced)
    iso = [r for r in spaced if r.date and len(r.date) == 10 and r.date[4] == "-"]
    assert len(iso) >= len(spaced) - 2  # all but the year-less "Apr 2" style dates are ISO


# --------------------------------------------------------------------------- Daily Papers layouts

def test_hf_compact_layout_strips_glued_subscribe() -> None:
    good, bad = read(FIX / "hf_compact.txt")
    assert bad == []
    assert [(r.line, r.title) for r in good] == [
        (3, "SparseRoute: Token-Level Expert Routing for Efficient Mixture-of-Experts Inference"),
        (5, "Curriculum Sampling for Reward Models in RLHF"),
        (7, "Do Vision Transformers Need Positional Embeddings at Scale?"),
    ]
    assert good[1].abstract.startswith("Reward models trained for reinforcement learning")
    assert all(r.source == "hf_compact.txt" and r.date is None and r.extra == {} for r in good)


def test_hf_crlf_line_endings_read_the_same(tmp_path: Path) -> None:
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes((FIX / "hf_spaced.txt").read_bytes().replace(b"\n", b"\r\n"))
    strip = lambda recs: [(r.line, r.title, r.abstract, r.date, r.extra) for r in recs]  # noqa: E731
    assert strip(read(crlf)[0]) == strip(read(FIX / "hf_spaced.txt")[0])


def test_empty_files(tmp_path: Path) -> None:
    for name, fmt in (("e.txt", "hf-daily"), ("e.jsonl", "jsonl"), ("e.csv", "csv")):
        (tmp_path / name).write_text("")
        assert detect_format(tmp_path / name) == fmt
    assert list(read_records(tmp_path / "e.txt")) == [] and list(read_records(tmp_path / "e.jsonl")) == []
    with pytest.raises(KgError, match="e.csv: not a CSV"):
        list(read_records(tmp_path / "e.csv"))


def test_hf_spaced_layout_metadata() -> None:
    good, bad = read(FIX / "hf_spaced.txt")
    assert bad == []
    assert [r.line for r in good] == [13, 21, 29, 37]
    assert good[0].title == "Step-Level Verifiers for Mathematical Reasoning with Monte Carlo Tree Search"
    assert (good[0].date, good[0].extra) == ("2025-11-11", {"n_authors": 7})
    assert (good[1].date, good[1].extra) == ("Apr 2", {"n_authors": 5, "upvotes": 2})      # no year: raw
    assert (good[2].date, good[2].extra) == ("2020-02-11", {"n_authors": 4, "upvotes": 1})
    assert (good[3].date, good[3].extra) == (None, {})                                      # no metadata lines
    assert "Apr 15" not in {r.date for r in good}                                           # listing date ignored


def test_example_listing_has_a_duplicate() -> None:
    good, bad = read(EXAMPLE)
    assert bad == []
    assert len(good) == 9 and len({r.title_key for r in good}) == 8
    assert all(r.date and r.date.startswith("2024-03") and r.extra["n_authors"] > 0 for r in good)


# --------------------------------------------------------------------------- bad records

@pytest.mark.parametrize(
    ("name", "bad_line", "reason", "good_titles"),
    [
        ("hf_empty_abstract.txt", 2, "empty abstract", ["A Second Paper With a Proper Abstract"]),
        ("hf_spaced_no_abstract.txt", 9, "empty abstract", ["Adaptive Computation Time for Vision-Language Models"]),
        ("hf_empty_title.txt", 5, "empty title",
         ["A First Paper About Speculative Decoding", "A Third Paper on Graph Neural Networks"]),
        ("hf_binary_junk.txt", 4, "NUL byte U+0000",
         ["Quantised KV Caches for Long-Context Serving", "Self-Training with Noisy Students for Speech Recognition"]),
        ("hf_bad_encoding.txt", 4, "invalid UTF-8 (byte 0xf6 at column 4)",
         ["Quantised KV Caches for Long-Context Serving", "Café-Bench: Evaluating Multilingual Instruction Following"]),
    ],
)
def test_hf_bad_records_are_skipped_and_the_batch_goes_on(name, bad_line, reason, good_titles) -> None:
    good, bad = read(FIX / name)
    assert len(bad) == 1
    assert (bad[0].source, bad[0].line) == (name, bad_line)
    assert reason in bad[0].reason
    assert str(bad[0]).startswith(f"{name}:{bad_line}: skipped: ")
    assert [r.title for r in good] == good_titles


def _write_huge_listing(path: Path, abstract_bytes: int) -> None:
    good = ("Graph Transformers with Rewired Attention\n"
            "We propose rewired attention for graph transformers and show that it outperforms GraphGPS on "
            "ZINC and ogbg-molhiv while reducing memory, because attention is restricted to a sparse set of "
            "rewired edges chosen by a learned scoring function over pairs of nodes in the input graph.\n")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("Get trending papers in your email inbox!\nSubscribeA Paper With A Huge Abstract\n")
        chunk = "lorem ipsum dolor sit amet " * 1000
        written = 0
        while written < abstract_bytes:
            fh.write(chunk)
            written += len(chunk)
        fh.write("\n" + good)


def test_10mb_line_is_skipped_in_bounded_memory_and_time(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    _write_huge_listing(path, 10 * 1024 * 1024)
    tracemalloc.start()
    t0 = time.perf_counter()
    good, bad = read(path)
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert [(b.line, "limit" in b.reason) for b in bad] == [(2, True)]
    assert "huge.txt" == bad[0].source
    assert [r.title for r in good] == ["Graph Transformers with Rewired Attention"]
    assert peak < 4 * 1024 * 1024, f"peak traced memory {peak:,} bytes for a 10 MB line"
    assert elapsed < 5.0


def test_abstract_over_max_field_chars_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    _write_huge_listing(path, MAX_FIELD_CHARS + 30_000)  # under the line cap, over the field cap
    good, bad = read(path)
    assert len(bad) == 1 and "MAX_FIELD_CHARS=100,000" in bad[0].reason and bad[0].line == 2
    assert len(good) == 1


def test_binary_file_is_rejected_whole(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    with pytest.raises(KgError, match="image.txt.*binary"):
        detect_format(path)
    with pytest.raises(KgError, match="image.txt.*binary"):
        list(read_records(path, "hf-daily"))


# --------------------------------------------------------------------------- XML

def test_atom_feed() -> None:
    good, bad = read(FIX / "arxiv_query.atom")
    assert [r.line for r in good] == [1, 3]
    lora, trm = good
    assert lora.arxiv_id == "2401.01234"
    assert lora.title == "Rank-Adaptive LoRA for Continual Instruction Tuning"   # hard-wrapped title joined
    assert lora.abstract.startswith("We propose RA-LoRA, which grows") and "\n" not in lora.abstract
    assert lora.authors == ["Ana Ortiz", "Kenji Watanabe"]
    assert lora.date == "2024-01-03"
    assert lora.url == "http://arxiv.org/abs/2401.01234v2"
    assert lora.extra == {"categories": ["cs.CL", "cs.LG"], "primary_category": "cs.CL",
                          "comment": "12 pages, 4 figures", "updated": "2024-02-10"}
    assert trm.authors == ["Léa Dubois"] and "<without>" in trm.abstract and trm.extra["doi"] == "10.1234/fixture.5678"
    assert [(b.line, b.source) for b in bad] == [(2, "arxiv_query.atom"), (4, "arxiv_query.atom")]
    assert "malformed XML: mismatched tag at file line 30" in bad[0].reason and "(line 27)" in bad[0].reason
    assert bad[1].reason.endswith("empty abstract")


def test_oai_arxivraw() -> None:
    good, bad = read(FIX / "oai_arxivraw.xml")
    assert [(r.line, r.arxiv_id) for r in good] == [(1, "2305.11111"), (4, "cs/0701001")]
    first = good[0]
    assert first.title == "Preference Distillation: Training Small Models with DPO on Teacher Rankings"
    assert first.authors == ["Mei Chen", "Omar Haddad", "Sofia Rossi"]
    assert first.date == "2023-05-18"                       # first version's date
    assert first.url == "https://arxiv.org/abs/2305.11111"
    assert first.extra["categories"] == ["cs.CL", "cs.LG"] and first.extra["versions"] == 2
    assert [b.line for b in bad] == [2, 3]
    assert "deleted record" in bad[0].reason
    assert "malformed XML" in bad[1].reason


def test_oai_arxiv_metadata_format() -> None:
    good, bad = read(FIX / "oai_arxiv.xml")
    assert len(good) == 1
    assert good[0].authors == ["Chidi Okafor", "Erik Lindqvist Jr"]
    assert (good[0].arxiv_id, good[0].date, good[0].extra["updated"]) == ("2310.44444", "2023-10-12", "2023-11-02")
    assert [(b.line, b.reason.endswith("empty title")) for b in bad] == [(2, True)]


def test_xml_truncated_and_undecodable_entries(tmp_path: Path) -> None:
    text = (FIX / "arxiv_query.atom").read_bytes()
    cut = text.index(b"<entry>", text.index(b"2403.09999") - 200)
    broken = text[:cut] + text[cut:].replace(b"Tiny Recursive", b"Tiny R\xe9cursive", 1)
    truncated = broken[: broken.rindex(b"<entry>") + 40]  # last entry cut off mid-way
    path = tmp_path / "cut.atom"
    path.write_bytes(truncated)
    good, bad = read(path)
    assert [r.arxiv_id for r in good] == ["2401.01234"]
    assert [b.line for b in bad] == [2, 3, 4]
    assert "undecodable" in bad[1].reason
    assert "never closed" in bad[2].reason


def test_wrong_xml_root_for_declared_format() -> None:
    with pytest.raises(KgError, match=r"oai_arxiv.xml: root element is <\{http://www.openarchives.org/OAI/2.0/\}OAI-PMH>"):
        list(read_records(FIX / "oai_arxiv.xml", "arxiv-atom"))


# --------------------------------------------------------------------------- JSON / CSV / extractions

def test_jsonl() -> None:
    good, bad = read(FIX / "papers.jsonl")
    assert [r.line for r in good] == [1, 6]
    m = good[0]
    assert (m.arxiv_id, m.date, m.url) == ("2406.12345", "2024-06-18", "https://arxiv.org/abs/2406.12345v1")
    assert m.authors == ["Priya Nair", "Tomás Herrera"]
    assert m.extra == {"venue": "MLSys", "stars": 120, "open_source": True, "tags": ["ssm", "edge"],
                       "meta": '{"lang": "en"}'}
    s = good[1]
    assert s.arxiv_id is None and s.extra == {"id": "internal-42"}   # a non-arXiv id stays in extra
    assert (s.authors, s.date) == (["Lena Vogel", "Marc Dupont"], "2024-01-09")
    assert [(b.line, b.reason.split(":")[0]) for b in bad] == [
        (3, "malformed JSON"), (4, "empty abstract"), (5, "a JSON list, not an object")]


def test_json_array() -> None:
    good, bad = read(FIX / "papers.json")
    assert [(r.line, r.arxiv_id) for r in good] == [(1, "2402.22222"), (3, "2309.14717")]
    assert [(b.line, b.reason) for b in bad] == [(2, "empty abstract")]


def test_csv_with_extra_columns_and_short_row() -> None:
    good, bad = read(FIX / "papers.csv")
    assert [r.line for r in good] == [2, 5]
    cot = good[0]
    assert cot.title == "Chain-of-Thought Distillation, Revisited"
    assert "outperforms few-shot prompting" in cot.abstract              # quoted field spanning two lines
    assert (cot.arxiv_id, cot.authors) == ("2311.11111", ["Ravi Kumar", "Hana Sato"])
    assert cot.extra == {"Year": "2023", "Venue": "EMNLP", "Code URL": "https://example.org/cot-distill"}
    assert good[1].extra == {"Year": "2024", "Venue": "CoRL"}           # empty cells dropped
    assert [(b.source, b.line) for b in bad] == [("papers.csv", 4)]
    assert "row has 2 field(s) but the header has 7 columns" in bad[0].reason


def test_tab_separated_csv() -> None:
    good, bad = read(FIX / "papers_tab.csv")
    assert bad == [] and [(r.title, r.extra) for r in good] == [("Tabular Transformers for Fraud Detection", {"venue": "KDD"})]


def test_csv_without_needed_columns_is_unusable(tmp_path: Path) -> None:
    path = tmp_path / "nope.csv"
    path.write_text("name,summary_text\nx,y\n")
    with pytest.raises(KgError, match="nope.csv: not a CSV with title and abstract columns"):
        list(read_records(path))


def test_invalid_utf8_in_jsonl_and_csv_rows(tmp_path: Path) -> None:
    jl = tmp_path / "enc.jsonl"
    jl.write_bytes(b'{"title": "Caf\xe9", "abstract": "x y"}\n{"title": "Ok", "abstract": "Fine."}\n')
    good, bad = read(jl)
    assert [r.title for r in good] == ["Ok"] and bad[0].line == 1 and "invalid UTF-8 (byte 0xe9" in bad[0].reason
    cs = tmp_path / "enc.csv"
    cs.write_bytes(b"title,abstract\nCaf\xe9,x y\nOk,Fine.\n")
    good, bad = read(cs)
    assert [r.title for r in good] == ["Ok"] and bad[0].line == 2 and "invalid UTF-8" in bad[0].reason


def test_read_extractions_round_trip() -> None:
    items = list(read_extractions(FIX / "extractions.jsonl"))
    ex = [i for i in items if isinstance(i, Extraction)]
    bad = [i for i in items if isinstance(i, BadRecord)]
    assert len(ex) == 2 and [b.line for b in bad] == [3, 4]
    assert ex[0].mentions[0].canonical == "LoRA" and ex[0].relations[0].type == "INTRODUCES"
    assert ex[0].to_dict()["paper"]["arxiv_id"] == "2106.09685"
    papers, bad_papers = read(FIX / "extractions.jsonl")
    assert [(p.id, p.source, p.line) for p in papers][0] == ("2106.09685", "listing.txt", 7)  # original provenance
    assert papers[0].extra == {"n_authors": 8}
    assert len(bad_papers) == 2


# --------------------------------------------------------------------------- detection and --format

@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("hf_compact.txt", "hf-daily"),
        ("hf_spaced.txt", "hf-daily"),
        ("hf_binary_junk.txt", "hf-daily"),
        ("arxiv_query.atom", "arxiv-atom"),
        ("oai_arxivraw.xml", "arxiv-oai"),
        ("oai_arxiv.xml", "arxiv-oai"),
        ("papers.jsonl", "jsonl"),
        ("papers.json", "jsonl"),
        ("papers.csv", "csv"),
        ("papers_tab.csv", "csv"),
        ("extractions.jsonl", "extractions"),
    ],
)
def test_detect_format(name: str, fmt: str) -> None:
    assert detect_format(FIX / name) == fmt
    assert fmt in FORMATS


def test_detect_by_content_not_extension(tmp_path: Path) -> None:
    for name, src in (("feed.txt", "arxiv_query.atom"), ("harvest.dat", "oai_arxivraw.xml"),
                      ("lines.txt", "papers.jsonl"), ("table.txt", "papers.csv")):
        shutil.copy(FIX / src, tmp_path / name)
        assert detect_format(tmp_path / name) == detect_format(FIX / src)
    (tmp_path / "other.xml").write_text("<html><body/></html>")
    with pytest.raises(KgError, match="other.xml: XML with root <html>"):
        detect_format(tmp_path / "other.xml")


def test_format_override(tmp_path: Path) -> None:
    listing = tmp_path / "daily.csv"            # a Daily Papers listing saved with the wrong extension
    shutil.copy(FIX / "hf_compact.txt", listing)
    assert detect_format(listing) == "csv"
    with pytest.raises(KgError, match="daily.csv: not a CSV"):
        list(read_records(listing))
    good, bad = read(listing, "hf-daily")
    assert len(good) == 3 and bad == []
    with pytest.raises(KgError, match="hf_compact.txt: not JSON Lines"):
        list(read_records(FIX / "hf_compact.txt", "jsonl"))
    with pytest.raises(KgError, match="hf_compact.txt: not an XML document"):
        list(read_records(FIX / "hf_compact.txt", "arxiv-oai"))
    with pytest.raises(KgError, match="unknown format 'pdf'"):
        read_records(FIX / "hf_compact.txt", "pdf")


# --------------------------------------------------------------------------- expand_inputs

def _tree(root: Path) -> None:
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / ".hidden").mkdir()
    for rel in ("b.txt", "a.jsonl", "notes.md", "sub/c.csv", "sub/deeper/d.xml", "sub/e.atom",
                "sub/f.json", ".hidden/g.txt", "sub/.h.txt"):
        (root / rel).write_text("x")


def test_expand_folder_recursively(tmp_path: Path) -> None:
    _tree(tmp_path)
    got = expand_inputs([str(tmp_path)])
    assert [p.relative_to(tmp_path).as_posix() for p in got] == [
        "a.jsonl", "b.txt", "sub/c.csv", "sub/deeper/d.xml", "sub/e.atom", "sub/f.json"]


def test_expand_globs_files_and_dedup(tmp_path: Path) -> None:
    _tree(tmp_path)
    got = expand_inputs([str(tmp_path / "sub" / "**" / "*.xml"), str(tmp_path / "b.txt"),
                         str(tmp_path / "*.txt"), str(tmp_path / "notes.md"), str(tmp_path / "sub")])
    assert [p.relative_to(tmp_path).as_posix() for p in got] == [
        "b.txt", "notes.md", "sub/c.csv", "sub/deeper/d.xml", "sub/e.atom", "sub/f.json"]


def test_expand_errors_name_the_path(tmp_path: Path) -> None:
    with pytest.raises(KgError, match="missing.txt: no such file or folder"):
        expand_inputs([str(tmp_path / "missing.txt")])
    with pytest.raises(KgError, match=r"\*.nothing: no file matches this pattern"):
        expand_inputs([str(tmp_path / "*.nothing")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(KgError, match="empty: folder holds no input files"):
        expand_inputs([str(tmp_path / "empty")])
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    with pytest.raises(KgError, match="dangling.txt: no such file"):
        expand_inputs([str(tmp_path / "dangling.txt")])


def test_unreadable_inputs(tmp_path: Path) -> None:
    with pytest.raises(KgError, match="is a directory"):
        read_records(tmp_path)
    with pytest.raises(KgError, match="nothere.txt: no such file"):
        read_records(tmp_path / "nothere.txt")
