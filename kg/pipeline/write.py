"""Step 5 — write: graph.json, graph.graphml, graph.html next to extractions.jsonl, atomically.

Each file is written to ``NAME.tmp`` and moved into place only when everything succeeded, so a failed
build never leaves a half-written or mixed set of outputs over a good earlier build. The step is handed its
writers (file name -> ``GraphWriter``) by whoever assembles the build (``kg.api.graph_writers``): it knows no
format itself, so the pipeline never imports the viz that writes graph.html.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:               # networkx takes a tenth of a second to import: only where a graph is made
    import networkx as nx

log = logging.getLogger(__name__)

#: Writes one build output: ``writer(G, path)`` (the return value is ignored).
GraphWriter = Callable[["nx.MultiDiGraph", Path], object]


def tmp_path(path: Path) -> Path:
    """The temporary sibling a file is written to before it is moved into place."""
    return path.with_name(path.name + ".tmp")


def write_graph_files(G: nx.MultiDiGraph, out_dir: Path, writers: Mapping[str, GraphWriter]) -> list[Path]:
    """Run each writer on its ``out_dir/NAME.tmp`` (in the mapping's order); return the final paths.

    Examples
    --------
    >>> import tempfile
    >>> import networkx as nx
    >>> out = Path(tempfile.mkdtemp())
    >>> write_graph_files(nx.MultiDiGraph(), out, {"n.txt": lambda G, p: p.write_text(str(len(G)))})[0].name
    'n.txt'
    >>> (out / "n.txt.tmp").read_text()
    '0'
    """
    targets = []
    for name, write in writers.items():
        target = out_dir / name
        write(G, tmp_path(target))
        targets.append(target)
    return targets


def commit(paths: list[Path]) -> None:
    """Move every ``.tmp`` file into place (``os.replace`` is atomic per file)."""
    for path in paths:
        os.replace(tmp_path(path), path)


def discard(paths: list[Path]) -> None:
    """Remove leftover ``.tmp`` files after a failure."""
    for path in paths:
        tmp = tmp_path(path)
        if tmp.exists():
            tmp.unlink()


#: Every file ``kg build`` may write into its output folder (their ``.tmp`` siblings are cleaned at start).
BUILD_OUTPUTS = ("extractions.jsonl", "graph.json", "graph.graphml", "graph.html")
#: Where every edge of graph.json and graph.graphml is, for the next ``--update`` (``kg.pipeline.splice``).
GRAPH_INDEX = ".kg-graph-index.json"


def prepare_output_dir(out_dir: Path, names: tuple[str, ...] = BUILD_OUTPUTS) -> None:
    """Create ``out_dir`` and make sure it is writable; remove ``.tmp`` files a killed build left behind.

    Raises ``OutputError`` naming the folder when ``--out`` names a file, the folder cannot be created, or a
    file cannot be created in it (read-only folder, full disk), before any work is done.
    """
    from kg.errors import OutputError

    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: --out must be a folder, but a file of that name exists")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot create the output folder: {exc.strerror or exc}") from None
    for name in names:
        stale = tmp_path(out_dir / name)
        if stale.is_file():
            log.info("removing %s left by an interrupted build", stale)
            stale.unlink()
    probe = out_dir / ".kg-write-test.tmp"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot write in the output folder: {exc.strerror or exc}") from None


def prepare_output_file(out_file: Path) -> None:
    """The same checks for a single output file (``kg extract --out FILE``)."""
    from kg.errors import OutputError

    if out_file.is_dir():
        raise OutputError(f"{out_file}: --out must be a file, but a folder of that name exists")
    prepare_output_dir(out_file.parent, (out_file.name,))
    if out_file.exists() and not os.access(out_file, os.W_OK):
        raise OutputError(f"{out_file}: cannot overwrite: permission denied")


def remove_stale(out_dir: Path, written: list[Path], names: tuple[str, ...] = BUILD_OUTPUTS) -> list[Path]:
    """Remove the build outputs in ``out_dir`` this run did not write (an old ``graph.html`` after ``--no-html``
    would show a graph that is not the new one); return what was removed."""
    removed = []
    keep = {p.name for p in written}
    for name in names:
        path = out_dir / name
        if name not in keep and path.is_file():
            path.unlink()
            removed.append(path)
    return removed
