"""Step 5 — write: graph.json, graph.graphml, graph.html next to extractions.jsonl, atomically.

Each file is written to ``NAME.tmp`` and moved into place only when everything succeeded, so a failed
build never leaves a half-written or mixed set of outputs over a good earlier build.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import networkx as nx

from kg.writers.graph_json import write_graph_json_stream
from kg.writers.graphml import write_graphml

log = logging.getLogger(__name__)


def tmp_path(path: Path) -> Path:
    """The temporary sibling a file is written to before it is moved into place."""
    return path.with_name(path.name + ".tmp")


def write_graph_files(G: nx.MultiDiGraph, out_dir: Path, *, html: bool = True) -> list[Path]:
    """Write graph.json, graph.graphml and (optionally) graph.html as ``.tmp`` files; return the final paths."""
    targets = [out_dir / "graph.json", out_dir / "graph.graphml"]
    write_graph_json_stream(G, tmp_path(targets[0]))     # same bytes as kg.graphio.write_graph_json, streamed
    write_graphml(G, tmp_path(targets[1]))
    if html:
        from kg.viz import write_graph_html

        target = out_dir / "graph.html"
        write_graph_html(G, tmp_path(target))
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
