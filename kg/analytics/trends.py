"""Trends over time: how many papers per month use each entity, and which entities are rising or fading.

A paper's month is the ``YYYY-MM`` of its ``date`` property. Papers without a date, or with a date that has no
year and month (a Daily Papers listing line such as "Apr 2"), are counted and reported, never guessed.

Rising and fading compare two adjacent windows of ``window`` months that end at the last month with dated
papers (or ``end``): *before* and *recent*. An entity's share in a window is the number of papers of that
window using it divided by the number of dated papers in the window, so a corpus that grows does not make
everything look "rising". ``change`` is ``share_recent - share_before``; entities used by fewer than
``min_support`` papers over both windows are left out. Rising: change > 0, largest first; fading: change < 0,
most negative first; ties by support, then name.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from kg.analytics.common import is_paper, label_of, name_of, node_key, papers_per_entity
from kg.errors import KgError
from kg.schema import RELATION_TYPES

_MONTH = re.compile(r"(\d{4})-(\d{2})(?:-\d{2})?(?:[T ].*)?")
TREND_COLUMNS = ("direction", "rank", "name", "label", "before", "recent", "support", "share_before",
                 "share_recent", "change", "id")


def month_of(date: Any) -> str | None:
    """``YYYY-MM`` of an ISO date, None when the value has no year and month.

    >>> month_of("2024-05-03"), month_of("2024-05"), month_of("Apr 2"), month_of(None)
    ('2024-05', '2024-05', None, None)
    """
    m = _MONTH.fullmatch(str(date).strip()) if date else None
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    return f"{m.group(1)}-{m.group(2)}"


def month_range(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` inclusive.

    >>> month_range("2023-11", "2024-02")
    ['2023-11', '2023-12', '2024-01', '2024-02']
    """
    y, m = int(first[:4]), int(first[5:])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@dataclass
class PaperDates:
    """Months of the dated papers, and the papers that could not be placed in a month."""

    month: dict[Any, str]
    undated: list[Any]     # no date at all
    no_month: list[Any]    # a date without year/month, e.g. "Apr 2"

    @property
    def first(self) -> str | None:
        return min(self.month.values(), default=None)

    @property
    def last(self) -> str | None:
        return max(self.month.values(), default=None)


def paper_dates(G: nx.MultiDiGraph) -> PaperDates:
    """Place every Paper node in its month (see the module docstring)."""
    month: dict[Any, str] = {}
    undated: list[Any] = []
    no_month: list[Any] = []
    for n in sorted((n for n in G if is_paper(G, n)), key=str):
        date = G.nodes[n].get("date")
        m = month_of(date)
        if m is not None:
            month[n] = m
        elif date:
            no_month.append(n)
        else:
            undated.append(n)
    return PaperDates(month, undated, no_month)


@dataclass
class Trends:
    """Everything the trends script writes."""

    dates: PaperDates
    months: list[str]
    papers_per_month: dict[str, int]
    usage: dict[Any, Counter]          # entity -> month -> papers
    before: list[str]
    recent: list[str]
    rising: list[dict]
    fading: list[dict]


def compute(G: nx.MultiDiGraph, window: int = 3, min_support: int = 3, end: str | None = None,
            types: Iterable[str] = RELATION_TYPES) -> Trends:
    """Monthly usage of every entity and the rising/fading ones (see the module docstring).

    Raises ``KgError`` when there are not ``2 * window`` months of dated papers up to ``end``.
    """
    if window < 1 or min_support < 1:
        raise KgError("--window and --min-support must be at least 1")
    dates = paper_dates(G)
    if not dates.month:
        raise KgError(f"no paper has a date with a year and month ({len(dates.undated)} without a date, "
                      f"{len(dates.no_month)} with a date lacking the year)")
    if end is not None and month_of(end) is None:
        raise KgError(f"--end {end!r} is not a month (YYYY-MM)")
    last = month_of(end) if end else dates.last
    months = month_range(dates.first, max(last, dates.first))
    if len([m for m in months if m <= last]) < 2 * window:
        raise KgError(f"dated papers span {len(months)} month(s) ({dates.first} to {last}); rising/fading needs "
                      f"2 windows of {window} month(s): pass a smaller --window")
    per_month = Counter(dates.month.values())
    usage: dict[Any, Counter] = {}
    for ent, ps in papers_per_entity(G, types).items():
        usage[ent] = Counter(dates.month[p] for p in ps if p in dates.month)
    upto = [m for m in months if m <= last]
    before, recent = upto[-2 * window:-window], upto[-window:]
    n_before = sum(per_month[m] for m in before)
    n_recent = sum(per_month[m] for m in recent)
    rows = []
    for ent, counts in usage.items():
        b, r = sum(counts[m] for m in before), sum(counts[m] for m in recent)
        if b + r < min_support:
            continue
        sb = b / n_before if n_before else 0.0
        sr = r / n_recent if n_recent else 0.0
        rows.append({"name": name_of(G, ent), "label": label_of(G, ent), "before": b, "recent": r,
                     "support": b + r, "share_before": round(sb, 6), "share_recent": round(sr, 6),
                     "change": round(sr - sb, 6), "id": str(ent), "_key": node_key(G, ent)})
    rising = sorted((x for x in rows if x["change"] > 0), key=lambda x: (-x["change"], -x["support"], x["_key"]))
    fading = sorted((x for x in rows if x["change"] < 0), key=lambda x: (x["change"], -x["support"], x["_key"]))
    for direction, lst in (("rising", rising), ("fading", fading)):
        for i, x in enumerate(lst, 1):
            x.pop("_key")
            x.update(direction=direction, rank=i)
    return Trends(dates, months, {m: per_month[m] for m in months}, usage, before, recent, rising, fading)


def monthly_rows(G: nx.MultiDiGraph, t: Trends) -> tuple[list[dict], list[str]]:
    """One row per entity used by a dated paper: name, label, total, then papers per month (wide table)."""
    rows = []
    for ent in sorted(t.usage, key=lambda e: node_key(G, e)):
        counts = t.usage[ent]
        if not counts:
            continue
        row = {"name": name_of(G, ent), "label": label_of(G, ent), "total": sum(counts.values()), "id": str(ent)}
        row.update({m: counts[m] for m in t.months})
        rows.append(row)
    rows.sort(key=lambda r: -r["total"])  # stable: ties stay in name order
    return rows, ["name", "label", "total", *t.months, "id"]


def line_plot(t: Trends, G: nx.MultiDiGraph, path: Path, top: int = 5) -> Path:
    """Papers per month of the ``top`` rising entities, one line each, with the two windows shaded."""
    from kg.analytics.plots import _figure, _save, shorten

    by_id = {str(e): e for e in t.usage}
    chosen = [by_id[x["id"]] for x in t.rising[:top]]
    xs = list(range(len(t.months)))
    with _figure(7.5, 4.2) as fig:
        ax = fig.subplots()
        for ent in chosen:
            ax.plot(xs, [t.usage[ent][m] for m in t.months], marker="o", markersize=3,
                    label=shorten(name_of(G, ent), 30))
        for window, colour in ((t.before, "#dddddd"), (t.recent, "#cfe3f5")):
            ax.axvspan(t.months.index(window[0]) - 0.5, t.months.index(window[-1]) + 0.5, color=colour, zorder=0)
        step = max(1, len(xs) // 12)
        ax.set_xticks(xs[::step], t.months[::step], rotation=45, ha="right")
        ax.set_ylabel("papers using it")
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_title(f"Top rising entities (recent {t.recent[0]}..{t.recent[-1]} vs before {t.before[0]}..{t.before[-1]})")
        if chosen:
            ax.legend(loc="upper left", fontsize=8, frameon=False)
        else:
            ax.text(0.5, 0.5, "(no rising entity)", ha="center", va="center", transform=ax.transAxes)
        fig.tight_layout()
        return _save(fig, path)


def summary_lines(t: Trends, shown: int = 5) -> list[str]:
    """What the script prints: coverage of dates, the windows, the top rising and fading entities."""
    d = t.dates
    total = len(d.month) + len(d.undated) + len(d.no_month)
    n_b = sum(t.papers_per_month[m] for m in t.before)
    n_r = sum(t.papers_per_month[m] for m in t.recent)

    def fmt(rows: list[dict]) -> str:
        return ", ".join(f"{x['name']} ({x['before']}->{x['recent']}, {x['change']:+.1%})" for x in rows[:shown]) or "-"

    return [
        f"dated papers: {len(d.month)} of {total}, {t.months[0]} to {t.months[-1]}; not counted: "
        f"{len(d.undated)} without a date, {len(d.no_month)} with a date lacking year/month (not guessed)",
        f"windows: before {t.before[0]}..{t.before[-1]} ({n_b} papers), recent {t.recent[0]}..{t.recent[-1]} ({n_r} papers)",
        f"rising ({len(t.rising)}): {fmt(t.rising)}",
        f"fading ({len(t.fading)}): {fmt(t.fading)}",
    ]


def run_trends(G: nx.MultiDiGraph, out: Path, window: int = 3, min_support: int = 3, end: str | None = None,
               top: int = 5, types: Iterable[str] = RELATION_TYPES) -> tuple[list[str], list[Path]]:
    """Write papers_per_month.*, entity_months.*, trends.* (rising and fading) and trends.png; return the summary."""
    from kg.analytics.tables import write_table

    t = compute(G, window=window, min_support=min_support, end=end, types=types)
    files = write_table([{"month": m, "papers": n} for m, n in t.papers_per_month.items()], ("month", "papers"),
                        out, "papers_per_month", "Dated papers per month")
    rows, columns = monthly_rows(G, t)
    files += write_table(rows, columns, out, "entity_months", "Papers per month using each entity")
    files += write_table(t.rising + t.fading, TREND_COLUMNS, out, "trends",
                         f"Rising and fading entities (recent {t.recent[0]}..{t.recent[-1]} vs before "
                         f"{t.before[0]}..{t.before[-1]}, support >= {min_support})")
    files.append(line_plot(t, G, out / "trends.png", top))
    return summary_lines(t), sorted(files)


def date_range(G: nx.MultiDiGraph) -> dict[str, Any]:
    """Earliest and latest paper date, and how many papers are dated (for ``kg stats``).

    >>> G = nx.MultiDiGraph()
    >>> for n, d in (("a", "2024-05-03"), ("b", "2023-01-10"), ("c", None), ("d", "Apr 2")):
    ...     G.add_node(n, label="Paper", date=d)
    >>> date_range(G)
    {'first': '2023-01-10', 'last': '2024-05-03', 'dated': 2, 'undated': 1, 'no_month': 1}
    """
    d = paper_dates(G)
    values = sorted(str(G.nodes[n]["date"]).strip()[:10] for n in d.month)
    return {"first": values[0] if values else None, "last": values[-1] if values else None,
            "dated": len(d.month), "undated": len(d.undated), "no_month": len(d.no_month)}
