"""`kg extract`: being written."""


def register(sub) -> None:
    """Register nothing yet."""
    return None
