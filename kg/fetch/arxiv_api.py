"""Small topical pulls from the arXiv search API (``/api/query``), saved as Atom pages.

The API pages with ``start`` and ``max_results`` and reports the size of the result in
``<opensearch:totalResults>``; a bad query comes back as a feed with one entry whose id is under
``http://arxiv.org/api/errors``. Each page is saved unchanged as ``query-NNNNN.atom`` (the ``arxiv-atom``
reader reads it) and the state file records the next ``start``, so an interrupted pull resumes.
arXiv asks for at most one request every three seconds (``--delay``) and at most 30000 results per query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kg.fetch.http import FetchError, PoliteClient, xml_root
from kg.fetch.state import HarvestState, begin_harvest, save_state, write_atomic

API_BASE_URL = "https://export.arxiv.org/api/query"
_A = "{http://www.w3.org/2005/Atom}"
_OS = "{http://a9.com/-/spec/opensearch/1.1/}"
PAGE_GLOB = "query-*.atom"


@dataclass(frozen=True)
class AtomPage:
    """What the puller needs from one API response: entries on the page and the total result size."""

    entries: int
    total: int | None


def page_name(number: int) -> str:
    return f"query-{number:05d}.atom"


def parse_page(body: bytes, url: str) -> AtomPage:
    """Read an API response; raise ``FetchError`` for a malformed feed or an API error entry.

    >>> parse_page(b'<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
    ...            b'<opensearch:totalResults>1</opensearch:totalResults><entry><id>x</id></entry></feed>', "u")
    AtomPage(entries=1, total=1)
    """
    root = xml_root(body, url, _A + "feed", "Atom page", "Atom feed")
    entries = root.findall(_A + "entry")
    for entry in entries:
        if (entry.findtext(_A + "id") or "").strip().startswith("http://arxiv.org/api/errors"):
            message = " ".join((entry.findtext(_A + "summary") or "").split())
            raise FetchError(f"{url}: arXiv API error: {message or 'no message'}")
    total = (root.findtext(_OS + "totalResults") or "").strip()
    return AtomPage(len(entries), int(total) if total.isdigit() else None)


def pull_query(
    client: PoliteClient,
    out: Path,
    query: str,
    *,
    base_url: str = API_BASE_URL,
    page_size: int = 100,
    max_results: int = 1000,
    restart: bool = False,
    report: Callable[[str], None] = lambda line: None,
) -> HarvestState:
    """Save the results of ``query`` (newest submissions first) into ``out``, at most ``max_results``."""
    request = {"source": "arxiv-api", "base_url": base_url, "query": query, "page_size": page_size,
               "max_results": max_results}
    state = begin_harvest(out, request, PAGE_GLOB, restart=restart)
    if state.complete:
        report(f"{out}: query already complete ({state.records} results in {state.pages} pages)")
        return state
    start = int(state.next or 0)
    while not state.complete:
        size = min(page_size, max_results - start)
        params = {"search_query": query, "start": str(start), "max_results": str(size),
                  "sortBy": "submittedDate", "sortOrder": "descending"}
        response = client.get(base_url, params)
        page = parse_page(response.body, response.url)
        limit = max_results if page.total is None else min(max_results, page.total)
        if page.entries == 0 and start < limit:
            raise FetchError(f"{response.url}: empty page before the end of the results "
                             f"({start} of {limit}); run the command again to resume")
        number = state.pages + 1
        write_atomic(out / page_name(number), response.body)
        start += page.entries
        state.pages, state.records, state.next = number, state.records + page.entries, start
        state.complete = start >= limit
        save_state(out, state)
        report(f"page {number}: {page.entries} results ({state.records} of {limit} so far)"
               + (", complete" if state.complete else ""))
    return state
