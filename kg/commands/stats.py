"""`kg stats`: placeholder registration until its issue lands (the module is owned by that issue's work)."""


def register(sub) -> None:
    """Register nothing yet."""
    return None
