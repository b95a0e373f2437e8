"""Buffered writing of a stream of text chunks: the streaming writers produce many small strings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

BUFFER_CHARS = 1 << 16


def write_chunks(fh: IO[str], chunks: Iterable[str]) -> None:
    """Write ``chunks`` to ``fh`` in joined blocks of about ``BUFFER_CHARS`` characters.

    >>> import io
    >>> out = io.StringIO(); write_chunks(out, (str(i) for i in range(5))); out.getvalue()
    '01234'
    """
    buf: list[str] = []
    size = 0
    for chunk in chunks:
        buf.append(chunk)
        size += len(chunk)
        if size > BUFFER_CHARS:
            fh.write("".join(buf))
            buf.clear()
            size = 0
    fh.write("".join(buf))
