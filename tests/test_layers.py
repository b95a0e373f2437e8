"""Import arrows point down: the graph I/O (``kg.io``) and the build pipeline (``kg.pipeline``) never import the
viz, the command layer or the API (issue 11); the build is handed the graph.html writer instead."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

KG = Path(__file__).resolve().parent.parent / "kg"
LOWER = ("io", "pipeline")
UPPER = ("viz", "kg.viz", "kg.commands", "kg.cli", "kg.api")


def imported_modules(path: Path) -> set[str]:
    """Every module named by an ``import`` or ``from ... import`` anywhere in ``path`` (functions included).

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "m.py"
    >>> _ = p.write_text("import os\\ndef f():\\n    from kg.viz import write_graph_html\\n")
    >>> sorted(imported_modules(p))
    ['kg.viz', 'os']
    """
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", sorted(p for pkg in LOWER for p in (KG / pkg).rglob("*.py")), ids=lambda p: p.name)
def test_lower_layers_do_not_import_upper_ones(path: Path) -> None:
    upward = sorted(m for m in imported_modules(path) if any(m == u or m.startswith(u + ".") for u in UPPER))
    assert not upward, f"{path.relative_to(KG.parent)} imports {upward}"
