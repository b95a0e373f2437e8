"""User-facing errors: the CLI prints ``kg: error: MESSAGE`` and exits with the error's code, no traceback.

Exit codes (README, *Commands*): 1 bad or unusable input, 2 wrong command-line usage (argparse), 3 the output
cannot be written, 4 ``--strict`` and some input was skipped, 5 a bad setting (environment variable), 130
interrupted, 141 output pipe closed (``| head``).
"""

#: Exit code when stdout is a pipe closed early (``kg ... | head``): 128 + SIGPIPE, as a shell reports it.
EXIT_BROKEN_PIPE = 141
#: Exit code after Ctrl-C.
EXIT_INTERRUPTED = 130


class KgError(Exception):
    """An error with a message meant for the user (bad path, bad input format, unreachable server)."""

    exit_code = 1


class OutputError(KgError):
    """An output file or folder cannot be created or written (read-only folder, --out names a file, disk full)."""

    exit_code = 3


class StrictError(KgError):
    """``--strict`` was given and some records or files were skipped."""

    exit_code = 4


class SettingError(KgError):
    """A setting (environment variable or option value) is invalid, e.g. ``NEO4J_URI=http://...``."""

    exit_code = 5
