"""Write analysis tables (lists of dicts) as CSV and Markdown, byte-identically across runs.

Cells are escaped for both formats: the CSV module quotes commas, quotes and
newlines; Markdown cells get pipes, backticks, ``&`` and ``<`` escaped so an
entity called ``<script>`` or ``a|b`` renders as text and never breaks the table.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def cell_text(value: Any) -> str:
    """Plain text of a cell: lists joined with ``"; "``, floats to 6 significant digits, None as ``""``.

    Examples
    --------
    >>> cell_text(["a", "b"]), cell_text(0.1234567), cell_text(None), cell_text(3)
    ('a; b', '0.123457', '', '3')
    """
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, tuple)):
        return "; ".join(cell_text(v) for v in value)
    return str(value)


def md_escape(text: str) -> str:
    """Escape text for one Markdown table cell.

    Examples
    --------
    >>> md_escape("a|b `c` <script>\\nx")
    'a\\\\|b \\\\`c\\\\` &lt;script> x'
    """
    text = " ".join(text.split())
    return (text.replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`")
            .replace("&", "&amp;").replace("<", "&lt;"))


def to_csv(rows: Sequence[dict], columns: Sequence[str]) -> str:
    """Render rows as CSV text (``\\n`` line ends, header first)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([cell_text(r.get(c)) for c in columns])
    return buf.getvalue()


def to_markdown(rows: Sequence[dict], columns: Sequence[str], title: str | None = None) -> str:
    """Render rows as a GitHub Markdown table, optionally under a ``## title`` heading.

    Examples
    --------
    >>> print(to_markdown([{"name": "GSM8K", "papers": 3}], ["name", "papers"]), end="")
    | name | papers |
    | --- | --- |
    | GSM8K | 3 |
    """
    lines = [f"## {md_escape(title)}", ""] if title else []
    lines.append("| " + " | ".join(md_escape(c) for c in columns) + " |")
    lines.append("| " + " | ".join("---" for _ in columns) + " |")
    for r in rows:
        lines.append("| " + " | ".join(md_escape(cell_text(r.get(c))) for c in columns) + " |")
    if not rows:
        lines.extend(["", "_(none)_"])
    return "\n".join(lines) + "\n"


def write_table(rows: Sequence[dict], columns: Sequence[str], out_dir: str | Path, stem: str,
                title: str | None = None) -> list[Path]:
    """Write ``DIR/stem.csv`` and ``DIR/stem.md``; return both paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    csv_path, md_path = out / f"{stem}.csv", out / f"{stem}.md"
    csv_path.write_text(to_csv(rows, columns), encoding="utf-8")
    md_path.write_text(to_markdown(rows, columns, title), encoding="utf-8")
    return [csv_path, md_path]
