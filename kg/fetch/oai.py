"""Harvest arXiv's OAI-PMH interface: ``ListRecords`` by set and date range, page by page, resumable.

Protocol (OAI-PMH 2.0, as arXiv serves it at ``https://oaipmh.arxiv.org/oai``): the first request carries
``verb=ListRecords&metadataPrefix=...&set=...&from=...&until=...``; every response holds up to ~1000
``<record>``s and, while more remain, a non-empty ``<resumptionToken>``; the next request carries only
``verb=ListRecords&resumptionToken=...``. The list ends with an empty (or absent) token. An empty selection is
the ``noRecordsMatch`` error, which here means "zero records", not a failure. Flow control is ``503`` with
``Retry-After`` (handled by ``kg.fetch.http``).

Each response is saved unchanged as ``page-NNNNN.xml`` (the ``arxiv-oai`` reader reads it), then the state file
records the token to continue from, so a harvest killed at any point resumes at the page it had not finished.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kg.fetch.http import FetchError, PoliteClient, xml_root
from kg.fetch.state import HarvestState, begin_harvest, save_state, write_atomic

OAI_BASE_URL = "https://oaipmh.arxiv.org/oai"
METADATA_PREFIXES = ("arXiv", "arXivRaw", "oai_dc")
_O = "{http://www.openarchives.org/OAI/2.0/}"
PAGE_GLOB = "page-*.xml"


@dataclass(frozen=True)
class OaiPage:
    """What a harvester needs from one ``ListRecords`` response."""

    records: int
    token: str | None  # None: the list is complete
    complete_size: int | None
    identifiers: tuple[str, ...]


def page_name(number: int) -> str:
    """File name of the ``number``-th page (1-based): sorts in harvest order."""
    return f"page-{number:05d}.xml"


def parse_page(body: bytes, url: str) -> OaiPage:
    """Read a ``ListRecords`` response; raise ``FetchError`` for a malformed page or an OAI error.

    ``noRecordsMatch`` is an empty page, not an error.

    >>> parse_page(b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords><record><header>'
    ...            b'<identifier>oai:arXiv.org:1</identifier></header></record>'
    ...            b'<resumptionToken completeListSize="2">t1</resumptionToken></ListRecords></OAI-PMH>', "u")
    OaiPage(records=1, token='t1', complete_size=2, identifiers=('oai:arXiv.org:1',))
    """
    root = xml_root(body, url, _O + "OAI-PMH", "OAI-PMH page", "OAI-PMH response")
    error = root.find(_O + "error")
    if error is not None:
        code = error.get("code", "")
        message = " ".join((error.text or "").split())
        if code == "noRecordsMatch":
            return OaiPage(0, None, 0, ())
        hint = ""
        if code == "badResumptionToken":
            hint = "; the token expired or is unknown: pass --restart to harvest again from the start"
        raise FetchError(f"{url}: OAI-PMH error {code}: {message or 'no message'}{hint}")
    listing = root.find(_O + "ListRecords")
    if listing is None:
        raise FetchError(f"{url}: OAI-PMH response without <ListRecords>")
    records = listing.findall(_O + "record")
    identifiers = tuple((r.findtext(f"{_O}header/{_O}identifier") or "").strip() for r in records)
    token_el = listing.find(_O + "resumptionToken")
    token = (token_el.text or "").strip() if token_el is not None else ""
    size = token_el.get("completeListSize") if token_el is not None else None
    return OaiPage(len(records), token or None, int(size) if size and size.isdigit() else None, identifiers)


def _error_page(response) -> OaiPage:
    """A 4xx answer: its OAI-PMH error when the body holds one (``noRecordsMatch`` is an empty page), else HTTP."""
    try:
        page = parse_page(response.body, response.url)
    except FetchError as exc:
        if "OAI-PMH error" in str(exc):
            raise
    else:
        if page.records == 0 and page.token is None and page.complete_size == 0:
            return page
    raise FetchError(f"{response.url}: HTTP {response.status}")


def harvest_oai(
    client: PoliteClient,
    out: Path,
    *,
    base_url: str = OAI_BASE_URL,
    metadata_prefix: str = "arXiv",
    set_spec: str | None = None,
    date_from: str | None = None,
    date_until: str | None = None,
    restart: bool = False,
    max_pages: int | None = None,
    report: Callable[[str], None] = lambda line: None,
) -> HarvestState:
    """Harvest into ``out`` (created), resuming the harvest already there; return the final state.

    ``max_pages`` stops after that many pages in this run (the state stays resumable).
    """
    request = {"source": "arxiv-oai", "base_url": base_url, "metadataPrefix": metadata_prefix,
               "set": set_spec, "from": date_from, "until": date_until}
    state = begin_harvest(out, request, PAGE_GLOB, restart=restart)
    if state.complete:
        report(f"{out}: harvest already complete ({state.records} records in {state.pages} pages)")
        return state
    if state.pages:
        report(f"{out}: resuming after page {state.pages} ({state.records} records so far)")
    fetched = 0
    while not state.complete and (max_pages is None or fetched < max_pages):
        if state.next:
            params = {"verb": "ListRecords", "resumptionToken": state.next}
        else:
            params = {"verb": "ListRecords", "metadataPrefix": metadata_prefix}
            params.update({k: v for k, v in (("set", set_spec), ("from", date_from), ("until", date_until)) if v})
        response = client.get(base_url, params, ok=(200, 400, 422))  # some servers send OAI errors as 4xx
        page = parse_page(response.body, response.url) if response.status == 200 else _error_page(response)
        if page.token is not None and page.token == state.next:
            raise FetchError(f"{response.url}: the server answered with the same resumption token again "
                             "(a paging loop); stopped")
        number = state.pages + 1
        write_atomic(out / page_name(number), response.body)
        state.pages, state.records, state.next = number, state.records + page.records, page.token
        state.complete = page.token is None
        save_state(out, state)
        fetched += 1
        of = f" of {page.complete_size}" if page.complete_size else ""
        report(f"page {number}: {page.records} records ({state.records}{of} so far)"
               + ("" if page.token else ", complete"))
    return state
