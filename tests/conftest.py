"""Shared pytest fixtures: where the seeds are, and one build of the seeds graph per test session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("KG_SHARED", REPO.parent / "shared"))
SEEDS = SHARED / "seeds"
GOLD = SHARED / "gold" / "dev.jsonl"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The real Daily Papers listings (``../shared/seeds``); tests that need them skip without them."""
    if not SEEDS.is_dir():
        pytest.skip(f"seeds not found at {SEEDS}")
    return SEEDS


@pytest.fixture(scope="session")
def seeds_build(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run ``kg build ../shared/seeds --out DIR`` once per session and return DIR."""
    out = tmp_path_factory.mktemp("seeds-build")
    subprocess.run(
        [sys.executable, "-m", "kg", "-q", "build", str(seeds_dir), "--out", str(out)],
        check=True,
        cwd=REPO,
    )
    return out


@pytest.fixture(scope="session")
def seeds_graph_path(seeds_build: Path) -> Path:
    """Path of the seeds ``graph.json``."""
    return seeds_build / "graph.json"
