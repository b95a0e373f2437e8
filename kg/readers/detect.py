"""Decide which reader a file needs, from its extension and its first few KB.

Order of the checks (content wins over the extension, except that ``.csv`` is always CSV so a
CSV without the needed columns gets a clear error instead of being read as a text listing):

1. XML: an Atom ``<feed>`` root -> ``arxiv-atom``; an ``<OAI-PMH>`` root -> ``arxiv-oai``;
   any other XML root is an error.
2. JSON: a first line holding a JSON object -> ``extractions`` when it has ``paper`` and
   ``mentions`` keys, else ``jsonl``; a ``[`` start -> ``jsonl`` (a JSON array of objects).
3. CSV: a header line with title and abstract columns (or a ``.csv``/``.tsv`` extension) -> ``csv``.
4. Anything else is a Daily Papers text listing -> ``hf-daily`` (binary files are an error).

An empty file gets the format its extension suggests (and then yields no records, or an error
for formats that need a header or root element).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from kg.errors import KgError
from kg.readers.common import looks_binary, read_head
from kg.readers.csv_reader import header_columns
from kg.readers.xmlstream import root_element

ATOM_NS = "http://www.w3.org/2005/Atom"
OAI_NS = "http://www.openarchives.org/OAI/2.0/"
SNIFF_BYTES = 8192


def detect_format(path: Path) -> str:
    """Return the format name (one of ``kg.readers.FORMATS``) of the file at ``path``.

    Raises ``KgError`` naming the file when it cannot be read, is binary, or is XML of an
    unknown kind.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "a.xml").write_text('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>')
    >>> _ = (d / "b.jsonl").write_text('{"title": "T", "abstract": "A"}\\n')
    >>> _ = (d / "c.txt").write_text("title,abstract\\nT,A\\n")
    >>> _ = (d / "d.txt").write_text("Get trending papers in your email inbox!\\n")
    >>> [detect_format(d / n) for n in ("a.xml", "b.jsonl", "c.txt", "d.txt")]
    ['arxiv-atom', 'jsonl', 'csv', 'hf-daily']
    """
    head = read_head(path, SNIFF_BYTES)
    suffix = path.suffix.lower()
    stripped = head.lstrip()
    if not stripped:  # an empty file: nothing to sniff, the extension decides
        if suffix in (".xml", ".atom"):
            raise KgError(f"{path.name}: empty file, not an XML document")
        return {".jsonl": "jsonl", ".json": "jsonl", ".csv": "csv", ".tsv": "csv"}.get(suffix, "hf-daily")
    if looks_binary(head):
        raise KgError(f"{path.name}: looks like a binary file, not a paper listing")
    if stripped.startswith(b"<"):
        text = stripped.decode("utf-8", errors="replace")
        ns, name, _ = root_element(path, text)
        if (ns, name) == (ATOM_NS, "feed"):
            return "arxiv-atom"
        if name == "OAI-PMH":
            return "arxiv-oai"
        raise KgError(f"{path.name}: XML with root <{name}> is neither an Atom feed nor an OAI-PMH response")
    if stripped.startswith(b"["):
        return "jsonl"
    if stripped.startswith(b"{"):
        first = stripped.split(b"\n", 1)[0]
        try:
            obj = json.loads(first.decode("utf-8", errors="replace"))
        except json.JSONDecodeError:
            obj = None  # a line longer than the sniffed bytes, or malformed: judged by the key names
            keys = set(re.findall(rb'"(paper|mentions)"\s*:', first))
            if {b"paper", b"mentions"} <= keys:
                return "extractions"
            return "jsonl"
        if isinstance(obj, dict) and "paper" in obj and "mentions" in obj:
            return "extractions"
        return "jsonl"
    if suffix in (".csv", ".tsv") or header_columns(head.decode("utf-8", errors="replace")) is not None:
        return "csv"
    if suffix in (".xml", ".atom", ".jsonl", ".json"):
        raise KgError(f"{path.name}: a {suffix} file whose content is not {suffix[1:].upper()}")
    return "hf-daily"
