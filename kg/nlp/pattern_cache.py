"""The pipeline's phrase patterns cached in a file, so that a later build starts spaCy without tokenising them.

Starting the extraction pipeline used to cost about 2 s on top of importing spaCy, most of it turning the
gazetteer, cue-phrase and lexicon surface forms into PhraseMatcher patterns (``kg.nlp.patterns``). For
``kg build --update``, which often extracts a handful of records, that was the largest single cost. The
patterns are a pure function of the ontology, the lexicon, kg's code and spaCy's tokenizer, so ``kg build``
keeps them, as token hashes, in ``DIR/.kg-patterns.json`` under a *key* naming all of these (the extraction
fingerprint of ``kg.pipeline.reuse`` plus the pipeline's name and version and the gazetteer folder): a later
build into DIR with the same key rebuilds its matchers from the numbers. A missing, stale, unreadable or
malformed file is silently ignored and rewritten; matchers are the same either way, so outputs never depend on it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

    from kg.learn.lexicon import Lexicon

log = logging.getLogger(__name__)

CACHE_NAME = ".kg-patterns.json"
_FORMAT = 1
#: Pipeline components whose patterns are cached (they have ``state``/``load_state``/``initialize``).
PATTERN_COMPONENTS = ("kg_gazetteer", "kg_cues")


def cache_key(nlp: Language, rules: str) -> str:
    """What the cached patterns depend on: ``rules`` (the extraction fingerprint), the pipeline and the gazetteer folder."""
    gazetteer = nlp.get_pipe("kg_gazetteer")
    meta = nlp.meta
    text = (f"format {_FORMAT}\nrules {rules}\npipeline {meta.get('lang')}_{meta.get('name')} {meta.get('version')}\n"
            f"gazetteer {gazetteer.ontology}\n")
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _read(path: Path, key: str) -> dict:
    """The cached states of ``path`` when it holds this ``key``; else an empty dict."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("key") != key or not isinstance(data.get("states"), dict):
        return {}
    return data["states"]


def _write(path: Path, key: str, states: dict) -> None:
    """Write the cache atomically; a failure only costs the next build the time to remake the patterns."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps({"key": key, "states": states}, separators=(",", ":")) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        log.info("cannot cache the phrase patterns in %s: %s", path, exc)
        tmp.unlink(missing_ok=True)


def prepare_patterns(nlp: Language, lexicon: Lexicon | None = None, cache: Path | None = None,
                     rules: str = "") -> bool:
    """Build the matchers of ``nlp``'s gazetteer and cue components (and of ``lexicon`` for ``nlp``), from
    ``cache`` when it holds them under the key of ``rules`` (``cache_key``); remake the others with one shared
    pattern tokenizer and, with a ``cache``, store them. Returns whether everything came from the cache."""
    from kg.nlp.components import pattern_tokenizer

    key = cache_key(nlp, rules) if cache is not None else ""
    cached = _read(cache, key) if cache is not None else {}
    parts = {name: nlp.get_pipe(name) for name in PATTERN_COMPONENTS}
    states: dict[str, dict] = {}
    missing = []
    for name, component in parts.items():
        if _restore(lambda state, c=component: c.load_state(state), cached.get(name)):
            states[name] = cached[name]
        else:
            missing.append(name)
    if lexicon is not None:
        if _restore(lambda state: lexicon.load_matcher_state(nlp, state), cached.get("lexicon")):
            states["lexicon"] = cached["lexicon"]
        else:
            missing.append("lexicon")
    if not missing:
        return True
    make_pattern = pattern_tokenizer(nlp)
    for name in missing:
        if name == "lexicon":
            states[name] = lexicon.matcher_state(nlp, make_pattern)
            lexicon.load_matcher_state(nlp, states[name])
        else:
            parts[name].initialize(make_pattern=make_pattern)
            states[name] = parts[name].state()
    if cache is not None:
        _write(cache, key, {name: states[name] for name in sorted(states)})
    return False


def _restore(load, state: object) -> bool:
    """Apply a cached state; a malformed one (any shape error) counts as absent."""
    if not isinstance(state, dict):
        return False
    try:
        load(state)
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        log.info("ignoring a malformed cached pattern state: %s", exc)
        return False
    return True
