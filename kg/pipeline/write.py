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
        from viz import write_graph_html

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
