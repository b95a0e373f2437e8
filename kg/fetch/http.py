"""A polite HTTP client for harvesting: ``requests`` with urllib3's retry policy and a delay between requests.

Why a retry policy and not a loop of our own: urllib3's ``Retry`` already implements what the arXiv and Hugging
Face servers expect -- on ``503``/``429`` it waits the ``Retry-After`` the server sent (arXiv's OAI-PMH flow
control), on other 5xx and connection errors it backs off exponentially -- and it is the well-tested code path
``requests`` users rely on. Here it is configured, capped (a ``Retry-After`` longer than ``max_retry_after`` is
shortened to it) and wrapped so that every failure becomes one ``KgError`` line naming the URL.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from kg import __version__
from kg.errors import KgError

log = logging.getLogger(__name__)

#: Sent with every request, as the arXiv API terms of use ask (identify the client).
USER_AGENT = f"kg/{__version__} (knowledge-graph builder; https://github.com/kg)"
RETRY_STATUS = (429, 500, 502, 503, 504)


class FetchError(KgError):
    """A request failed for good (after the retries): the message names the URL and the cause."""


class _CappedRetry(Retry):
    """urllib3 ``Retry`` whose ``Retry-After`` waits are logged and capped at ``max_retry_after`` seconds."""

    max_retry_after: float = 120.0

    def get_retry_after(self, response) -> float | None:  # noqa: ANN001 (urllib3 response)
        seconds = super().get_retry_after(response)
        if seconds is not None:
            seconds = min(seconds, self.max_retry_after)
            log.warning("server answered %s, waiting %g s (Retry-After)", response.status, seconds)
        return seconds

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):  # noqa: ANN001
        new = super().increment(method, url, response, error, _pool, _stacktrace)  # raises when exhausted
        if error is not None:
            log.warning("%s: %s; retrying", url, _reason(error))
        return new

    def new(self, **kw):  # keep the cap on the copies urllib3 makes after each attempt
        new = super().new(**kw)
        new.max_retry_after = self.max_retry_after
        return new


@dataclass
class Response:
    """What the harvesters need of a response: the final URL, status, body bytes and content type."""

    url: str
    status: int
    body: bytes
    content_type: str


class PoliteClient:
    """GET with retries, one-line errors, and a pause of ``delay`` seconds from the end of one request to the next.

    ``retries`` is the number of retries per request (after the first attempt); ``timeout`` is the connect and
    read timeout in seconds.
    """

    def __init__(self, delay: float = 3.0, retries: int = 5, timeout: float = 60.0,
                 max_retry_after: float = 120.0, backoff: float = 1.0) -> None:
        self.delay = delay
        self.timeout = timeout
        retry = _CappedRetry(
            total=retries, connect=retries, read=retries, status=retries,
            status_forcelist=RETRY_STATUS, allowed_methods=frozenset({"GET"}),
            backoff_factor=backoff, respect_retry_after_header=True, raise_on_status=False,
        )
        retry.max_retry_after = max_retry_after
        logging.getLogger("urllib3.connectionpool").setLevel(logging.ERROR)  # our own retry lines instead
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self._last: float | None = None

    def _wait_turn(self) -> None:
        if self._last is not None and self.delay > 0:
            pause = self._last + self.delay - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        self._last = time.monotonic()

    def get(self, url: str, params: Mapping[str, str] | None = None, ok: tuple[int, ...] = (200,)) -> Response:
        """GET ``url`` with ``params``; return the response when its status is in ``ok``, else raise ``FetchError``."""
        self._wait_turn()
        shown = requests.Request("GET", url, params=dict(params or {})).prepare().url or url
        try:
            r = self.session.get(url, params=params, timeout=self.timeout)
        except requests.exceptions.RetryError as exc:
            raise FetchError(f"{shown}: still failing after retries ({_reason(exc)})") from None
        except requests.exceptions.RequestException as exc:
            raise FetchError(f"{shown}: {_reason(exc)}") from None
        finally:
            self._last = time.monotonic()
        if r.status_code not in ok:
            raise FetchError(f"{shown}: HTTP {r.status_code} {r.reason or ''}".rstrip())
        return Response(r.url, r.status_code, r.content, r.headers.get("Content-Type", ""))

    def close(self) -> None:
        self.session.close()


def _reason(exc: Exception) -> str:
    """A short cause for a requests exception (the innermost reason, without the object reprs)."""
    inner: object = exc
    for _ in range(5):
        args = getattr(inner, "args", ())
        nxt = getattr(inner, "reason", None) or (args[0] if args and isinstance(args[0], Exception) else None)
        if nxt is None or nxt is inner:
            break
        inner = nxt
    text = str(inner)
    if "Max retries exceeded" in text or "too many" in text.lower():
        return "too many failed attempts (server kept answering with an error status)"
    if "Connection refused" in text:
        return "connection refused"
    if "Name or service not known" in text or "nodename nor servname" in text or "Temporary failure in name" in text:
        return "host name not found"
    if "timed out" in text.lower():
        return "timed out"
    return text.split(": ", 1)[-1][:200] if text else type(inner).__name__


def xml_root(body: bytes, url: str, tag: str, page: str, kind: str):
    """The root element of an XML response, which must be ``tag``; ``FetchError`` naming ``url`` otherwise.

    ``page`` and ``kind`` name the page and the expected document in the messages ("Atom page" / "Atom feed").

    >>> xml_root(b"<a/>", "u", "a", "A page", "A document").tag
    'a'
    """
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise FetchError(f"{url}: malformed {page} ({exc})") from None
    if root.tag != tag:
        raise FetchError(f"{url}: not an {kind} (root element {root.tag})")
    return root
