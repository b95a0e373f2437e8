"""Records of the same paper are grouped, newest first, and reported (``kg.pipeline.duplicates``)."""

from __future__ import annotations

from types import SimpleNamespace

from kg.pipeline.duplicates import group_papers, newest_first


def rec(title: str, pid: str, source: str, line: int, **meta) -> SimpleNamespace:
    return SimpleNamespace(paper={"id": pid, "title": title, "abstract": meta.pop("abstract", "A."),
                                  "sources": [source], "line": line, **meta})


def test_identical_repeat_is_one_paper_not_flagged_as_different() -> None:
    groups = group_papers([rec("A Paper", "t-1", "a.txt", 3), rec("A paper!", "t-1", "b.txt", 9, abstract="A.")])
    assert list(groups.papers) == ["t-1"]
    (dup,) = groups.duplicates
    assert dup.places == [("a.txt", 3), ("b.txt", 9)]
    assert dup.differs                                # the title is spelled differently
    assert groups.papers["t-1"]["sources"] == ["a.txt", "b.txt"]


def test_newest_version_then_date_is_shown_first() -> None:
    v1 = rec("X", "2401.1", "h1.xml", 1, abstract="old", extra={"versions": 1}, date="2024-01-01")
    v3 = rec("X", "2401.1", "h2.xml", 1, abstract="new", extra={"versions": 3}, date="2024-01-01")
    groups = group_papers([v3, v1][::-1])
    assert groups.papers["2401.1"]["abstract"] == "new"
    assert [m.paper["abstract"] for m in groups.members["2401.1"]] == ["new", "old"]
    assert "same paper with a different abstract" in groups.duplicates[0].message()


def test_unknown_dates_keep_read_order() -> None:
    first, second = rec("X", "t-1", "a", 1, abstract="first"), rec("X", "t-1", "b", 1, abstract="second", date="2025-01-01")
    assert newest_first([first.paper, second.paper]) == [0, 1]
    assert group_papers([first, second]).papers["t-1"]["abstract"] == "first"
    assert group_papers([first, second]).papers["t-1"]["date"] == "2025-01-01"   # completed from the other record


def test_same_id_different_titles_is_merged_and_flagged() -> None:
    groups = group_papers([rec("Old Title", "2401.2", "a", 1), rec("New Title", "2401.2", "b", 2),
                           rec("Unrelated", "2401.3", "b", 3)])
    assert sorted(groups.papers) == ["2401.2", "2401.3"]
    (dup,) = groups.duplicates
    assert dup.titles_differ and "same paper id with different titles" in dup.message()
