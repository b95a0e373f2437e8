"""A local HTTP server on 127.0.0.1 that plays arXiv OAI-PMH, the arXiv search API and HF Daily Papers.

Responses are the self-written files in ``tests/fixtures/fetch`` (real formats). Tests script failures with
``faults``: a key (an OAI resumption token, ``"first"`` for the first OAI request, an API ``start``, a Daily
Papers date) maps to a queue of (status, headers, body) served before the normal answer. ``hold`` names a key
whose request blocks until ``release`` is set (to kill a client mid-harvest). Every request is logged.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "fetch"
OAI_TOKENS = {"cs|2001": "oai-page2.xml", "cs|2002": "oai-page3.xml"}
API_PAGES = {"0": "api-page1.atom", "2": "api-page2.atom"}
HF_DAYS = {"2024-05-03": "hf-2024-05-03.json", "2024-05-04": "hf-empty.json"}

Reply = tuple[int, dict[str, str], bytes]


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


class FetchServer:
    """The server, its request log and its scripted faults; ``url(path)`` gives an endpoint URL."""

    def __init__(self) -> None:
        self.faults: dict[str, list[Reply]] = defaultdict(list)
        self.log: list[tuple[float, str, dict[str, str]]] = []
        self.hold: str | None = None
        self.held = threading.Event()
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                parts = urlsplit(self.path)
                params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                server.log.append((time.monotonic(), parts.path, params))
                status, headers, body = server.answer(parts.path, params)
                try:
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client was killed while we held its request

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def answer(self, path: str, params: dict[str, str]) -> Reply:
        key = self._key(path, params)
        if key is not None and self.hold == key:
            self.held.set()
            self.release.wait(10)
        if key is not None and self.faults.get(key):
            return self.faults[key].pop(0)
        xml = {"Content-Type": "text/xml; charset=utf-8"}
        if path == "/oai":
            if "resumptionToken" in params:
                return 200, xml, fixture(OAI_TOKENS.get(params["resumptionToken"], "oai-bad-token.xml"))
            if params.get("from", "") >= "2030":
                return 200, xml, fixture("oai-no-records.xml")
            return 200, xml, fixture("oai-page1.xml")
        if path == "/api/query":
            if params.get("search_query") == "bad":
                return 200, {"Content-Type": "application/atom+xml"}, fixture("api-error.atom")
            return 200, {"Content-Type": "application/atom+xml"}, fixture(API_PAGES[params.get("start", "0")])
        if path == "/api/daily_papers" and params.get("date") in HF_DAYS:
            return 200, {"Content-Type": "application/json"}, fixture(HF_DAYS[params["date"]])
        return 404, {"Content-Type": "text/plain"}, b"not found"

    @staticmethod
    def _key(path: str, params: dict[str, str]) -> str | None:
        if path == "/oai":
            return params.get("resumptionToken", "first")
        if path == "/api/query":
            return "start=" + params.get("start", "0")
        if path == "/api/daily_papers":
            return params.get("date")
        return None

    def requests_to(self, path: str) -> list[dict[str, str]]:
        return [params for _, p, params in self.log if p == path]

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
