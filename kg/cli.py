"""The ``kg`` command line: one sub-command module per command under ``kg/commands``.

Each command module exposes ``register(subparsers)`` that adds its parser and
sets ``func`` (taking the parsed ``argparse.Namespace`` and returning an exit code).
Heavy imports (spaCy, pyvis, neo4j) happen inside the commands, so ``kg --help`` is instant.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from kg import __version__
from kg.errors import KgError

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
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument("-q", "--quiet", action="store_true", help="only errors; no progress bars")
    verbosity.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def configure_logging(quiet: bool, verbose: int) -> None:
    """Send log records to stderr at the level the -q/-v flags ask for."""
    level = logging.ERROR if quiet else (logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s", stream=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kg`` console script; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    configure_logging(args.quiet, args.verbose)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return 130
    except KgError as exc:
        print(f"kg: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
