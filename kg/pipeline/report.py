"""Warnings about the input, capped per file on stderr and complete in an optional JSON Lines log.

A file of 50,000 near-empty records must not print 50,000 lines: at most ``max_per_file`` warnings are
printed per input file, then one line "… and K more in FILE". ``--log FILE`` gets every skipped record,
skipped file and merged duplicate as one JSON object per line (``file``, ``line``, ``reason``), written as
they happen, so the log is complete even when the build fails later.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from pathlib import Path
from typing import IO

from kg.errors import OutputError
from kg.records import BadRecord

log = logging.getLogger("kg.input")

#: Default number of warning lines printed per input file.
DEFAULT_MAX_WARNINGS = 20


class Reporter:
    """Counts and reports skipped records, skipped files and other per-file input warnings.

    Examples
    --------
    >>> r = Reporter(max_per_file=1)
    >>> r.skip(BadRecord("a.txt", 2, "empty title")); r.skip(BadRecord("a.txt", 5, "empty title"))
    >>> r.records_skipped, r.shown["a.txt"], r.hidden["a.txt"]    # one printed, one counted for "… and 1 more"
    (2, 1, 1)
    """

    def __init__(self, *, max_per_file: int = DEFAULT_MAX_WARNINGS, log_path: Path | None = None) -> None:
        self.max_per_file = max(0, max_per_file)
        self.shown: Counter = Counter()
        self.hidden: Counter = Counter()
        self.skipped: list[BadRecord] = []               # skipped records
        self.skipped_files: list[BadRecord] = []         # skipped whole files (line 0)
        self._log: IO[str] | None = None
        self.log_path = log_path
        if log_path is not None:
            try:
                Path(log_path).parent.mkdir(parents=True, exist_ok=True)
                self._log = open(log_path, "w", encoding="utf-8")
            except OSError as exc:
                raise OutputError(f"{log_path}: cannot write the log file: {exc.strerror or exc}") from None

    @property
    def records_skipped(self) -> int:
        return len(self.skipped)

    def _emit(self, source: str, message: str) -> None:
        if self.shown[source] < self.max_per_file:
            self.shown[source] += 1
            log.warning("%s", message)
        else:
            self.hidden[source] += 1

    def _write(self, source: str, line: int, reason: str, kind: str) -> None:
        if self._log is not None:
            self._log.write(json.dumps({"file": source, "line": line, "kind": kind, "reason": reason},
                                       ensure_ascii=False) + "\n")

    def skip(self, bad: BadRecord, *, printed: bool = False) -> None:
        """A record was skipped (``printed``: its warning was already logged elsewhere)."""
        self.skipped.append(bad)
        self._write(bad.source, bad.line, bad.reason, "record")
        if not printed:
            self._emit(bad.source, str(bad))

    def skip_file(self, source: str, reason: str) -> None:
        """A whole file was skipped (always printed: there is one such line per file)."""
        bad = BadRecord(source, 0, reason)
        self.skipped_files.append(bad)
        self._write(source, 0, reason, "file")
        log.warning("%s: file skipped: %s", source, reason)

    def warn(self, source: str, line: int, message: str, kind: str = "duplicate") -> None:
        """Any other warning about a place in the input (duplicates), under the same per-file cap."""
        self._write(source, line, message, kind)
        self._emit(source, f"{source}:{line}: {message}" if line else f"{source}: {message}")

    def end_file(self, source: str) -> None:
        """Print how many warnings of ``source`` were not shown, if any."""
        hidden = self.hidden.pop(source, 0)
        if hidden:
            where = f"; all in {self.log_path}" if self.log_path else "; --log FILE lists them all"
            log.warning("… and %s more in %s%s", f"{hidden:,}", source, where)

    def close(self) -> None:
        """Flush the "… and K more" lines still pending and close the log."""
        for source in sorted(self.hidden):
            self.end_file(source)
        if self._log is not None:
            self._log.close()
            self._log = None
