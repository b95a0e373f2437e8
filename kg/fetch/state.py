"""The resumable state of a harvest, kept as a small JSON file next to the pages it describes.

The file is hidden (``.kg-fetch-state.json``) so that ``kg build DIR`` does not read it as input. It records
what was asked (``request``: source and parameters), how far the harvest got (``pages`` written, the
``next`` step -- a resumption token, a start offset or a date -- and the number of ``records``), and whether
it ``complete``d. It is rewritten atomically after each page, after the page itself is on disk.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import KgError

STATE_NAME = ".kg-fetch-state.json"


@dataclass
class HarvestState:
    """Progress of one harvest into one folder."""

    request: dict[str, Any]
    pages: int = 0
    records: int = 0
    next: Any = None
    complete: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename: readers never see half a file."""
    tmp = path.with_name(f".{path.name}.part")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def load_state(folder: Path, request: dict[str, Any], restart: bool = False) -> HarvestState:
    """The state of the harvest in ``folder``: resumed when it is of the same ``request``, else a new one.

    Raises ``KgError`` when ``folder`` holds a harvest of a different request (unless ``restart``), or an
    unreadable state file.
    """
    path = folder / STATE_NAME
    if restart or not path.exists():
        return HarvestState(request=request)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        state = HarvestState(**data)
    except (OSError, ValueError, TypeError) as exc:
        raise KgError(f"{path}: unreadable harvest state ({exc}); delete it or pass --restart") from None
    if state.request != request:
        raise KgError(f"{folder}: holds a harvest of other parameters ({_describe(state.request)}); "
                      "use another --out folder or pass --restart")
    return state


def begin_harvest(folder: Path, request: dict[str, Any], page_glob: str, restart: bool = False) -> HarvestState:
    """Create ``folder`` and return its harvest state (``load_state``); ``restart`` also deletes the pages an
    earlier harvest wrote there (files matching ``page_glob``), so the folder never mixes two harvests."""
    folder.mkdir(parents=True, exist_ok=True)
    state = load_state(folder, request, restart=restart)
    if restart:
        for old in folder.glob(page_glob):
            old.unlink()
    return state


def save_state(folder: Path, state: HarvestState) -> None:
    """Write ``state`` to ``folder``'s state file (atomically)."""
    text = json.dumps(asdict(state), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    write_atomic(folder / STATE_NAME, text.encode("utf-8"))


def _describe(request: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(request.items()) if v is not None)
