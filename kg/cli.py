"""The ``kg`` command line: one sub-command module per command under ``kg/commands``.

Each command module exposes ``register(subparsers)`` that adds its parser and
sets ``func`` (taking the parsed ``argparse.Namespace`` and returning an exit code).
Heavy imports (spaCy, pyvis, neo4j) happen inside the commands, so ``kg --help`` is instant.

The global options (``-q``, ``-v``) work before or after the command (``kg -q build ...`` and
``kg build ... -q``): they are added to every (nested) command parser with a suppressed default, so a
command's parser sets them only when they are given there. Every error a user can cause ends as one
line ``kg: error: ...`` with the exit code of its kind (``kg.errors``), never a traceback.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import logging
import os
import signal
import sys

from kg import __version__
from kg.errors import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED, KgError, OutputError

# Command modules, in the order ``kg --help`` lists them.
COMMAND_MODULES = (
    "kg.commands.build",
    "kg.commands.extract",
    "kg.commands.eval",
    "kg.commands.viz",
    "kg.commands.stats",
    "kg.commands.neo4j",
    "kg.commands.export",
    "kg.commands.fetch",
)


def build_parser() -> argparse.ArgumentParser:
    """Return the top-level parser with every command registered."""
    parser = argparse.ArgumentParser(
        prog="kg",
        description="Build a knowledge graph of papers, models, datasets and techniques from ML paper listings.",
    )
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    add_global_options(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    for command in _command_parsers(parser):
        add_global_options(command, top=False)
    return parser


def add_global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """-q/--quiet and -v/--verbose; on command parsers with no default, so they never reset the top level's."""
    group = parser.add_argument_group("global options") if not top else parser
    verbosity = group.add_mutually_exclusive_group()
    default_q = False if top else argparse.SUPPRESS
    default_v = 0 if top else argparse.SUPPRESS
    verbosity.add_argument("-q", "--quiet", action="store_true", default=default_q,
                           help="only errors; no progress bars or summaries")
    verbosity.add_argument("-v", "--verbose", action="count", default=default_v, help="more logging (-vv for debug)")


def _command_parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every command and nested command parser below ``parser`` (``build``, ``neo4j``, ``neo4j load`` ...)."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                found.append(child)
                found.extend(_command_parsers(child))
    return found


def configure_logging(quiet: bool, verbose: int) -> None:
    """Send log records to stderr at the level the -q/-v flags ask for."""
    level = logging.ERROR if quiet else (logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s", stream=sys.stderr)
    if not verbose:   # third-party libraries' INFO chatter (dask's cluster start/stop, the Neo4j driver) only with -v
        for name in ("distributed", "dask", "neo4j", "urllib3", "matplotlib", "PIL"):
            logging.getLogger(name).setLevel(max(level, logging.WARNING))


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kg`` console script; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    configure_logging(args.quiet, args.verbose)
    _terminate_cleanly()
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()
        return code
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `kg ... | head`: the reader has all it wanted; stop quietly, as other command-line tools do.
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except KgError as exc:
        print(f"kg: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        # Safety net for file errors a command did not turn into a KgError (an --out under a file, a full disk).
        print(f"kg: error: {exc.filename or ''}{': ' if exc.filename else ''}{exc.strerror or exc}", file=sys.stderr)
        return OutputError.exit_code if exc.errno in _OUTPUT_ERRNOS else KgError.exit_code


#: errno values that mean "cannot write there" (exit 3) rather than "cannot read the input" (exit 1).
_OUTPUT_ERRNOS = {errno.EEXIST, errno.ENOTDIR, errno.EISDIR, errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def _terminate_cleanly() -> None:
    """Make SIGTERM (``kill PID``, a CI timeout) unwind like Ctrl-C, so builds remove their ``*.tmp`` files.

    SIGKILL cannot be caught; the next build removes what such a kill left (``prepare_output_dir``).
    """
    def handler(signum, frame):
        raise SystemExit(128 + signum)

    try:
        signal.signal(signal.SIGTERM, handler)
    except ValueError:          # not the main thread (kg.cli.main called from a thread): leave the default
        pass


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    raise SystemExit(main())
