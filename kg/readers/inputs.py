"""Expand the INPUT arguments of the CLI (files, folders, glob patterns) into a sorted file list."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from pathlib import Path

from kg.errors import KgError

#: Extensions picked up when a folder is given (an explicitly named file is read whatever its extension).
INPUT_EXTENSIONS = (".txt", ".xml", ".atom", ".jsonl", ".json", ".csv")
_GLOB_CHARS = set("*?[")


def _folder_files(folder: Path, skip: frozenset[Path] = frozenset()) -> list[Path]:
    """Input files under ``folder`` (recursively), skipping hidden files and folders and the files and folders in
    ``skip`` (resolved paths)."""
    found = []
    for root, dirs, files in os.walk(folder):
        real = Path(root).resolve() if skip else None
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (real is None or real / d not in skip))
        for name in files:
            if not name.startswith(".") and name.lower().endswith(INPUT_EXTENSIONS) \
                    and (real is None or real / name not in skip):
                found.append(Path(root) / name)
    return found


def _check_readable(path: Path, given: str) -> None:
    if not os.access(path, os.R_OK):
        raise KgError(f"{given}: permission denied (cannot read)")


def expand_inputs(inputs: list[str], skip: Iterable[str | Path] = ()) -> list[Path]:
    """Return the input files named by ``inputs``: sorted by path, each once.

    A file is taken as is; a folder contributes its files with a known extension
    (``INPUT_EXTENSIONS``, recursively, hidden ones and the files and folders in ``skip`` left out: a build's own
    output folder, so ``kg build . --out out`` run twice does not read its earlier outputs as listings); a pattern with ``* ? [`` is globbed
    (``**`` recurses). Raises ``KgError`` naming the argument when a path does not exist, a named
    file or folder cannot be read, a pattern matches nothing, or a folder holds no input file. An
    unreadable file found inside a folder is listed; reading it later skips it with a warning.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> for n in ("b.txt", "a.jsonl", "notes.md"):
    ...     _ = (d / n).write_text("x")
    >>> [p.name for p in expand_inputs([str(d), str(d / "*.txt")])]
    ['a.jsonl', 'b.txt']
    >>> (d / "out").mkdir(); _ = (d / "out" / "graph.json").write_text("{}")
    >>> [p.name for p in expand_inputs([str(d)], skip=[d / "out"])]
    ['a.jsonl', 'b.txt']
    """
    skipped = frozenset(Path(s).resolve() for s in skip)
    seen: dict[Path, Path] = {}
    for given in inputs:
        path = Path(given)
        if path.exists():
            candidates = [path]
        elif _GLOB_CHARS & set(given):
            candidates = [Path(p) for p in sorted(glob.glob(given, recursive=True))]
            if not candidates:
                raise KgError(f"{given}: no file matches this pattern")
        else:
            raise KgError(f"{given}: no such file or folder")
        for candidate in candidates:
            _check_readable(candidate, str(candidate))
            if candidate.is_dir():
                files = _folder_files(candidate, skipped)
                if not files:
                    raise KgError(f"{candidate}: folder holds no input files ({' '.join(INPUT_EXTENSIONS)})")
            else:
                files = [candidate]
            for f in files:                 # unreadable files inside a folder are skipped when read, not fatal
                seen.setdefault(f.resolve(), f)
    return sorted(seen.values(), key=lambda p: str(p))
