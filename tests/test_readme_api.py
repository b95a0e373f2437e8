"""The README's "Python API" example runs as written: its ``pycon`` block is a doctest, run from a folder that
holds a copy of ``examples/`` (so ``out/`` is written there, not into the checkout)."""

from __future__ import annotations

import doctest
import re
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def readme_api_example() -> str:
    """The first ``pycon`` code block of the README's "## Python API" section."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Python API\n", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```pycon\n(.*?)```", section, re.S)
    assert match, "no pycon block in the README's Python API section"
    return match.group(1)


def test_readme_python_api_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    test = doctest.DocTestParser().get_doctest(readme_api_example(), {}, "README.md#python-api", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
    assert (tmp_path / "out" / "graph.json").is_file() and not (tmp_path / "out" / "graph.html").exists()
