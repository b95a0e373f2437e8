"""Where the project's data lives (ontology, gazetteers, cue lists).

The ontology ships inside the package as ``kg.ontology`` (in the repository it is the top-level ``ontology/``
folder, mapped by ``pyproject.toml``) and is found with :mod:`importlib.resources`, so an installed wheel and an
editable checkout read the same files. ``KG_ONTOLOGY`` overrides it (e.g. for a site-wide curated ontology).

>>> (ontology_dir() / "schema.json").is_file()
True
"""

from __future__ import annotations

import atexit
import contextlib
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path


@lru_cache(maxsize=1)
def _packaged_ontology() -> Path:
    """The file-system folder of the ``kg.ontology`` package data (extracted once if the package is zipped)."""
    root = resources.files("kg.ontology")
    if isinstance(root, Path):
        return root
    stack = contextlib.ExitStack()
    atexit.register(stack.close)
    return Path(stack.enter_context(resources.as_file(root)))


def ontology_dir() -> Path:
    """Return the folder holding ``schema.json``, gazetteers and cue phrases (``KG_ONTOLOGY`` if set)."""
    env = os.environ.get("KG_ONTOLOGY")
    return Path(env) if env else _packaged_ontology()
