"""Fetch the Hugging Face Daily Papers listings (``/api/daily_papers?date=YYYY-MM-DD``), one file per day.

The endpoint answers a JSON list; each item holds a ``paper`` object (``id`` = the arXiv id, ``title``,
``summary``, ``authors`` = ``[{"name": ...}]``, ``publishedAt``, ``upvotes``) plus listing fields
(``title``, ``publishedAt``, ``numComments``, ...). A day without papers is an empty list.

Each day becomes ``hf-daily-YYYY-MM-DD.jsonl``: one JSON object per paper with ``arxiv_id``, ``title``,
``abstract``, ``authors``, ``date`` (the paper's arXiv publication date, else the listing day), ``url``,
``upvotes``, ``listed`` (the day it was listed) and ``comments`` -- keys the ``jsonl`` reader maps to a paper
record, the rest kept as properties. An empty day is an empty file, so that it counts as done. Days whose file
exists are skipped (a re-run resumes), unless ``refresh``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from kg.errors import KgError
from kg.fetch.http import FetchError, PoliteClient
from kg.fetch.state import write_atomic

log = logging.getLogger(__name__)

HF_DAILY_URL = "https://huggingface.co/api/daily_papers"


def day_name(day: date) -> str:
    return f"hf-daily-{day.isoformat()}.jsonl"


def parse_day(text: str, what: str) -> date:
    """A ``YYYY-MM-DD`` argument as a date; ``KgError`` naming ``what`` otherwise."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise KgError(f"{what}: {text!r} is not a date (YYYY-MM-DD)") from None


def days(first: date, last: date) -> Iterator[date]:
    """Every day from ``first`` to ``last`` inclusive."""
    if last < first:
        raise KgError(f"--until {last} is before --from {first}")
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def paper_object(item: dict[str, Any], day: date) -> dict[str, Any] | None:
    """The JSON Lines object of one Daily Papers item (None when the item holds no paper at all).

    >>> paper_object({"paper": {"id": "2405.00001", "title": "T", "summary": "S.", "upvotes": 3,
    ...   "authors": [{"name": "A B"}], "publishedAt": "2024-04-30T17:59:01.000Z"}, "numComments": 1},
    ...   date(2024, 5, 1))["date"]
    '2024-04-30'
    """
    paper = item.get("paper") if isinstance(item.get("paper"), dict) else item
    title = paper.get("title") or item.get("title")
    abstract = paper.get("summary") or item.get("summary")
    if not title and not abstract:
        return None
    authors = [a.get("name") for a in paper.get("authors") or [] if isinstance(a, dict) and a.get("name")]
    published = str(paper.get("publishedAt") or item.get("publishedAt") or "")[:10]
    arxiv_id = paper.get("id")
    obj: dict[str, Any] = {
        "arxiv_id": arxiv_id,
        "title": " ".join(str(title or "").split()),
        "abstract": " ".join(str(abstract or "").split()),
        "authors": authors,
        "date": published or day.isoformat(),
        "url": f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else None,
        "upvotes": paper.get("upvotes", item.get("upvotes")),
        "listed": day.isoformat(),
        "comments": item.get("numComments"),
    }
    return {k: v for k, v in obj.items() if v is not None}


def fetch_day(client: PoliteClient, base_url: str, day: date) -> list[dict[str, Any]]:
    """The paper objects listed on ``day``; ``FetchError`` when the answer is not a Daily Papers list."""
    response = client.get(base_url, {"date": day.isoformat()})
    try:
        items = json.loads(response.body)
    except ValueError as exc:
        raise FetchError(f"{response.url}: malformed JSON ({exc})") from None
    if not isinstance(items, list):
        raise FetchError(f"{response.url}: not a Daily Papers list (a JSON {type(items).__name__})")
    papers = []
    for n, item in enumerate(items, 1):
        obj = paper_object(item, day) if isinstance(item, dict) else None
        if obj is None:
            log.warning("%s: item %d holds no paper; skipped", response.url, n)
            continue
        papers.append(obj)
    return papers


def fetch_daily(
    client: PoliteClient,
    out: Path,
    first: date,
    last: date,
    *,
    base_url: str = HF_DAILY_URL,
    refresh: bool = False,
    report: Callable[[str], None] = lambda line: None,
) -> tuple[int, int, int]:
    """Write one file per day from ``first`` to ``last`` into ``out``; return (days fetched, skipped, papers)."""
    out.mkdir(parents=True, exist_ok=True)
    fetched = skipped = papers = 0
    for day in days(first, last):
        path = out / day_name(day)
        if path.exists() and not refresh:
            skipped += 1
            continue
        objs = fetch_day(client, base_url, day)
        text = "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs)
        write_atomic(path, text.encode("utf-8"))
        fetched += 1
        papers += len(objs)
        report(f"{day}: {len(objs)} papers -> {path.name}")
    return fetched, skipped, papers
