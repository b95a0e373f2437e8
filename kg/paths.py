"""Where the project's data lives (ontology, gazetteers, cue lists).

The ontology folder sits beside the package in the repository; ``KG_ONTOLOGY``
overrides it (e.g. for a site-wide curated ontology).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def ontology_dir() -> Path:
    """Return the folder holding ``schema.json``, gazetteers and cue phrases."""
    env = os.environ.get("KG_ONTOLOGY")
    return Path(env) if env else REPO_ROOT / "ontology"
