"""User-facing errors: the CLI prints their message and exits non-zero, without a traceback."""


class KgError(Exception):
    """An error with a message meant for the user (bad path, bad input format, unreachable server)."""
