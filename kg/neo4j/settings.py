"""Connection settings for Neo4j, read from the environment, and a driver that fails with a clear message.

The password is never printed, logged or put in an exception message: ``repr()`` masks it.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

from kg.errors import KgError

DEFAULT_URI = "bolt://127.0.0.1:7687"


@dataclass(frozen=True)
class Neo4jSettings:
    """Where and how to connect.

    Attributes
    ----------
    uri : str
        Bolt/neo4j URI (``NEO4J_URI``, default ``bolt://127.0.0.1:7687``).
    user : str or None
        ``NEO4J_USER`` (default ``neo4j`` when a password is set).
    password : str or None
        ``NEO4J_PASSWORD``; no password means no authentication.
    database : str or None
        Target database (``NEO4J_DATABASE`` or ``--database``); ``None`` is the server's default.

    Examples
    --------
    >>> s = Neo4jSettings(uri="bolt://127.0.0.1:7687", user="neo4j", password="secret")
    >>> "secret" in repr(s)
    False
    >>> s.auth
    ('neo4j', 'secret')
    """

    uri: str = DEFAULT_URI
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    database: str | None = None

    @classmethod
    def from_env(cls, database: str | None = None, environ: dict | None = None) -> "Neo4jSettings":
        """Read ``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD`` (and ``NEO4J_DATABASE``).

        Examples
        --------
        >>> Neo4jSettings.from_env(environ={"NEO4J_URI": "bolt://h:1"}).uri
        'bolt://h:1'
        """
        env = os.environ if environ is None else environ
        return cls(
            uri=env.get("NEO4J_URI") or DEFAULT_URI,
            user=env.get("NEO4J_USER") or None,
            password=env.get("NEO4J_PASSWORD") or None,
            database=database or env.get("NEO4J_DATABASE") or None,
        )

    @property
    def auth(self) -> tuple[str, str] | None:
        """``(user, password)`` for the driver, or ``None`` when no password is configured."""
        if self.password is None:
            return None
        return (self.user or "neo4j", self.password)


@contextmanager
def open_driver(settings: Neo4jSettings, max_retry_time: float | None = None) -> Iterator["object"]:
    """Yield a connected ``neo4j.Driver``; connection and auth failures become :class:`KgError`.

    ``max_retry_time`` bounds how long managed transactions retry transient errors and lost connections
    (seconds; default ``$KG_NEO4J_MAX_RETRY_TIME`` or 30).

    Examples
    --------
    >>> with open_driver(Neo4jSettings.from_env()) as driver:   # doctest: +SKIP
    ...     driver.execute_query("RETURN 1")
    """
    from neo4j import GraphDatabase

    if max_retry_time is None:
        try:
            max_retry_time = float(os.environ.get("KG_NEO4J_MAX_RETRY_TIME", "30"))
        except ValueError:
            raise KgError("KG_NEO4J_MAX_RETRY_TIME must be a number of seconds") from None
    try:
        driver = GraphDatabase.driver(settings.uri, auth=settings.auth, max_transaction_retry_time=max_retry_time,
                                      connection_timeout=10)
    except ValueError as exc:  # malformed URI
        raise KgError(f"bad NEO4J_URI {settings.uri!r}: {exc}") from None
    try:
        try:
            driver.verify_connectivity()
        except Exception as exc:
            raise connection_error(settings, exc) from None
        yield driver
    finally:
        driver.close()


def connection_error(settings: Neo4jSettings, exc: BaseException) -> KgError:
    """Turn a driver exception into a user message naming the server (never the password)."""
    from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired

    if isinstance(exc, AuthError):
        who = f"user {settings.user or 'neo4j'}" if settings.password else "no credentials"
        return KgError(f"Neo4j at {settings.uri} refused authentication ({who}); check NEO4J_USER / NEO4J_PASSWORD")
    if isinstance(exc, (ServiceUnavailable, SessionExpired, OSError)):
        return KgError(f"cannot reach Neo4j at {settings.uri} ({type(exc).__name__}); is the server running? "
                       "Set NEO4J_URI or start one with scripts/neo4j-test-server start")
    return KgError(f"Neo4j at {settings.uri} failed: {type(exc).__name__}: {exc}")
