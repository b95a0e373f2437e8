"""``kg fetch arxiv|hf-daily --out DIR``: download paper listings into a folder ``kg build`` reads.

``kg fetch arxiv`` harvests the arXiv OAI-PMH interface (``--set``, ``--from``, ``--until``) or, with
``--query``, the arXiv search API; ``kg fetch hf-daily`` saves Hugging Face Daily Papers, one file per day.
Both are polite (a delay between requests, ``503``/``429`` + ``Retry-After`` honoured), write each page as it
arrives, resume an interrupted run when started again with the same arguments, and report one line per page on
stderr. A network failure is one ``kg: error: URL: cause`` line and exit status 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _client_arguments(p: argparse.ArgumentParser, delay: float) -> None:
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder (created if missing)")
    p.add_argument("--base-url", default=None, metavar="URL", help="endpoint to query instead of the public one")
    p.add_argument("--delay", type=float, default=delay, metavar="S",
                   help=f"seconds to wait after a request before the next one (default {delay:g})")
    p.add_argument("--retries", type=int, default=5, metavar="N",
                   help="retries of a request that fails with 429/5xx or a connection error (default 5)")
    p.add_argument("--timeout", type=float, default=60.0, metavar="S", help="connect/read timeout (default 60)")


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``fetch arxiv`` and ``fetch hf-daily``."""
    p = sub.add_parser("fetch", help="download listings from arXiv (OAI-PMH, search API) or HF Daily Papers",
                       description="Download paper listings into a folder that `kg build` reads.")
    fsub = p.add_subparsers(dest="source", metavar="SOURCE", required=True)

    a = fsub.add_parser(
        "arxiv", help="arXiv OAI-PMH harvest (--set/--from/--until) or search API pull (--query)",
        description="Harvest arXiv metadata with OAI-PMH ListRecords into DIR/page-NNNNN.xml, or with --query pull "
        "search API results into DIR/query-NNNNN.atom. Running the same command again resumes an interrupted "
        "harvest (state in DIR/.kg-fetch-state.json). arXiv asks for one request every 3 seconds.")
    a.add_argument("--set", dest="set_spec", default=None, metavar="SPEC", help="OAI set, e.g. cs, stat, math")
    a.add_argument("--from", dest="date_from", default=None, metavar="DATE", help="first datestamp (YYYY-MM-DD)")
    a.add_argument("--until", dest="date_until", default=None, metavar="DATE", help="last datestamp (YYYY-MM-DD)")
    a.add_argument("--metadata-prefix", default="arXiv", choices=("arXiv", "arXivRaw", "oai_dc"),
                   help="OAI metadata format (default arXiv)")
    a.add_argument("--max-pages", type=int, default=None, metavar="N",
                   help="stop after N pages in this run (run again to continue)")
    a.add_argument("--query", default=None, metavar="Q",
                   help='search API query instead of OAI, e.g. "cat:cs.CL AND ti:diffusion"')
    a.add_argument("--max-results", type=int, default=1000, metavar="N", help="--query: at most N results (default 1000)")
    a.add_argument("--page-size", type=int, default=100, metavar="N", help="--query: results per request (default 100)")
    a.add_argument("--restart", action="store_true", help="forget the harvest state in DIR and start again")
    _client_arguments(a, delay=3.0)
    a.set_defaults(func=run_arxiv)

    h = fsub.add_parser(
        "hf-daily", help="Hugging Face Daily Papers, one JSON Lines file per day",
        description="Save the Hugging Face Daily Papers of each day from --from to --until as "
        "DIR/hf-daily-YYYY-MM-DD.jsonl (title, abstract, authors, date, arXiv id, upvotes). Days already saved "
        "are skipped unless --refresh.")
    h.add_argument("--from", dest="date_from", required=True, metavar="DATE", help="first day (YYYY-MM-DD)")
    h.add_argument("--until", dest="date_until", required=True, metavar="DATE", help="last day (YYYY-MM-DD)")
    h.add_argument("--refresh", action="store_true", help="fetch days again even when their file exists")
    _client_arguments(h, delay=1.0)
    h.set_defaults(func=run_hf_daily)


def _reporter(args: argparse.Namespace):
    if args.quiet:
        return lambda line: None
    return lambda line: print(line, file=sys.stderr, flush=True)


def _client(args: argparse.Namespace):
    from kg.errors import KgError
    from kg.fetch.http import PoliteClient

    for name in ("delay", "timeout"):
        if getattr(args, name) < 0:
            raise KgError(f"--{name} must not be negative")
    if args.retries < 0:
        raise KgError("--retries must not be negative")
    return PoliteClient(delay=args.delay, retries=args.retries, timeout=args.timeout)


def run_arxiv(args: argparse.Namespace) -> int:
    from kg.errors import KgError
    from kg.fetch.arxiv_api import API_BASE_URL, pull_query
    from kg.fetch.hf_daily import parse_day
    from kg.fetch.oai import OAI_BASE_URL, harvest_oai

    report = _reporter(args)
    for flag, value in (("--from", args.date_from), ("--until", args.date_until)):
        if value is not None:
            parse_day(value, flag)
    client = _client(args)
    try:
        if args.query is not None:
            if args.set_spec or args.date_from or args.date_until:
                raise KgError("--set/--from/--until select OAI harvests; with --query put "
                              "submittedDate:[YYYYMMDD0000 TO YYYYMMDD2359] in the query instead")
            if not 1 <= args.max_results <= 30000 or not 1 <= args.page_size <= 2000:
                raise KgError("--max-results must be 1..30000 and --page-size 1..2000 (the arXiv API's limits)")
            state = pull_query(client, args.out, args.query, base_url=args.base_url or API_BASE_URL,
                               page_size=args.page_size, max_results=args.max_results, restart=args.restart,
                               report=report)
            what = "results"
        else:
            if args.max_pages is not None and args.max_pages < 1:
                raise KgError("--max-pages must be at least 1")
            state = harvest_oai(client, args.out, base_url=args.base_url or OAI_BASE_URL,
                                metadata_prefix=args.metadata_prefix, set_spec=args.set_spec,
                                date_from=args.date_from, date_until=args.date_until, restart=args.restart,
                                max_pages=args.max_pages, report=report)
            what = "records"
    finally:
        client.close()
    status = "complete" if state.complete else "incomplete (run the same command again to continue)"
    if not args.quiet:
        print(f"{state.records} {what} in {state.pages} pages in {args.out}: {status}")
    return 0


def run_hf_daily(args: argparse.Namespace) -> int:
    from kg.fetch.hf_daily import HF_DAILY_URL, fetch_daily, parse_day

    first, last = parse_day(args.date_from, "--from"), parse_day(args.date_until, "--until")
    client = _client(args)
    try:
        fetched, skipped, papers = fetch_daily(client, args.out, first, last, base_url=args.base_url or HF_DAILY_URL,
                                               refresh=args.refresh, report=_reporter(args))
    finally:
        client.close()
    if not args.quiet:
        print(f"{papers} papers from {fetched} days in {args.out}" + (f" ({skipped} days already saved)" if skipped else ""))
    return 0
