"""Load the entity gazetteers of ``ontology/gazetteers`` into one conflict-free list.

The gazetteers are JSONL files, one entry per line::

    {"name": "Monte Carlo Tree Search", "label": "Technique", "aliases": ["MCTS"], "source": "curated"}

(an optional integer ``support`` says how many documents/papers of its source attest the name;
other keys are ignored). They live in three tiers, by the first folder under ``gazetteers/``:

* ``curated/`` — hand-written lists of the models, datasets and techniques of 2018–2026 ML;
* ``pwc/`` — derived from Papers with Code data (CC BY-SA 4.0, see ``pwc/NOTICE.md``);
* ``derived/`` — derived from Apache-2.0 and research corpora (see ``derived/NOTICE.md``);

any other folder ranks after these. ``scripts/build_gazetteers.py`` writes ``pwc/`` and
``derived/``; ``ontology/stoplist.txt`` (measured by ``scripts/measure_stoplist.py``) lists generic
surface forms that must never be matched.

Why one owner per surface form: the extraction stage matches every surface form with a spaCy
``PhraseMatcher``; if "SAM" belonged to two entries a match would be ambiguous, so the loader
decides once, here, which entry owns each *folded* form (see :func:`fold`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from kg.errors import KgError
from kg.normalize import alnum_fold
from kg.schema import ENTITY_LABELS

TIERS: tuple[str, ...] = ("curated", "pwc", "derived")
STOPLIST_NAME = "stoplist.txt"

_SPACES = re.compile(r"\s+")
_SPLIT_PARTS = re.compile(r"[\s\-_/]+")


@dataclass(frozen=True)
class GazetteerEntry:
    """One gazetteer entity.

    Attributes
    ----------
    name : str
        Canonical display name ("Monte Carlo Tree Search", "Llama 2", "GSM8K").
    label : str
        "Model", "Dataset" or "Technique".
    aliases : tuple of str
        Other surface forms ("MCTS"), never including ``name`` itself.
    source : str
        Where the entry comes from ("curated", "pwc-methods", "scierc", ...).
    """

    name: str
    label: str
    aliases: tuple[str, ...]
    source: str

    @property
    def surfaces(self) -> tuple[str, ...]:
        """The name followed by the aliases: every form the matcher should look for."""
        return (self.name, *self.aliases)


def normalize_stop_form(surface: str) -> str:
    """The form compared against the stop-list: lower-case, runs of whitespace made one space.

    Examples
    --------
    >>> normalize_stop_form("  Attention   Mechanism ")
    'attention mechanism'
    """
    return _SPACES.sub(" ", surface.strip().lower())


def load_stoplist(path: Path) -> frozenset[str]:
    """Read a stop-list: one surface form per line, ``#`` starts a comment, blank lines ignored.

    Forms are compared case-insensitively (see :func:`normalize_stop_form`). Lines starting with
    ``!`` name reviewed keepers (forms the measurement flags but that are real entities); they are
    read by ``scripts/measure_stoplist.py`` only and are not stop forms. A missing file is an
    empty stop-list.

    Examples
    --------
    >>> import tempfile, os
    >>> p = Path(tempfile.mkdtemp()) / "stop.txt"
    >>> _ = p.write_text("# generic\\nAttention\\nmodel   # too common\\n!Adam\\n", encoding="utf-8")
    >>> sorted(load_stoplist(p))
    ['attention', 'model']
    """
    if not path.is_file():
        return frozenset()
    forms = set()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("!"):
                continue
            text = line.split("#", 1)[0]
            form = normalize_stop_form(text)
            if form:
                forms.add(form)
    return frozenset(forms)


def _tier_of(rel: Path) -> int:
    top = rel.parts[0] if len(rel.parts) > 1 else ""
    return TIERS.index(top) if top in TIERS else len(TIERS)


@dataclass
class _Raw:
    """An entry as read from disk, with what conflict resolution needs to order it."""

    name: str
    label: str
    aliases: list[str]
    source: str
    tier: int
    support: int
    order: tuple[str, int]  # (relative file path, line number): the final tie-breaker


def _read_file(path: Path, rel: Path) -> list[_Raw]:
    tier = _tier_of(rel)
    out: list[_Raw] = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise KgError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from None
            if not isinstance(rec, dict):
                raise KgError(f"{path}:{lineno}: expected a JSON object")
            name = rec.get("name")
            label = rec.get("label")
            aliases = rec.get("aliases", [])
            if not isinstance(name, str) or not name.strip():
                raise KgError(f"{path}:{lineno}: 'name' must be a non-empty string")
            if label not in ENTITY_LABELS:
                raise KgError(f"{path}:{lineno}: 'label' must be one of {', '.join(ENTITY_LABELS)}, got {label!r}")
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                raise KgError(f"{path}:{lineno}: 'aliases' must be a list of strings")
            support = rec.get("support", 0)
            out.append(
                _Raw(
                    name=name.strip(),
                    label=label,
                    aliases=[a.strip() for a in aliases if a.strip()],
                    source=str(rec.get("source") or rel.parent.as_posix() or "unknown"),
                    tier=tier,
                    support=support if isinstance(support, int) else 0,
                    order=(rel.as_posix(), lineno),
                )
            )
    return out


def resolve(raw: list[_Raw], stop: frozenset[str]) -> list[GazetteerEntry]:
    """Give every folded surface form to exactly one entry.

    Rules, applied in this order:

    1. A stop-listed surface form is removed; an entry whose *name* is stop-listed is dropped
       whole (its aliases would otherwise be matched under a generic name).
    2. Candidates (every name and alias of every entry) are ranked by tier
       (curated > pwc > derived > other), then names before aliases, then higher ``support``,
       then file path and line number. The first candidate of a folded form owns it.
    3. An entry whose name is already owned by another entry of the *same label* is merged into
       that entry: its aliases become the owner's aliases (where still free). With a different
       label it is dropped (the higher-ranked typing wins).
    """
    live = [r for r in raw if normalize_stop_form(r.name) not in stop and alnum_fold(r.name)]
    candidates: list[tuple[tuple, int, str, bool]] = []
    for idx, r in enumerate(live):
        candidates.append(((r.tier, 0, -r.support, r.order), idx, r.name, True))
        for a in r.aliases:
            if normalize_stop_form(a) not in stop and alnum_fold(a):
                candidates.append(((r.tier, 1, -r.support, r.order), idx, a, False))
    candidates.sort(key=lambda c: c[0])

    owner: dict[str, int] = {}  # folded form -> index of the entry that owns it
    redirect: dict[int, int | None] = {}  # merged entry -> owner entry (None: dropped)
    surfaces: dict[int, dict[str, None]] = {}  # entry -> its surface forms, insertion-ordered
    for _, idx, surface, is_name in candidates:
        key = alnum_fold(surface)
        if is_name:
            if key in owner and owner[key] != idx:
                target = owner[key]
                redirect[idx] = target if live[target].label == live[idx].label else None
                continue
            owner[key] = idx
            surfaces.setdefault(idx, {})[surface] = None
            continue
        target = redirect.get(idx, idx)
        if target is None:
            continue
        if key not in owner:
            owner[key] = target
        if owner[key] == target:
            surfaces.setdefault(target, {})[surface] = None

    entries = []
    for idx, forms in surfaces.items():
        r = live[idx]
        aliases = sorted((s for s in forms if s != r.name), key=lambda s: (s.casefold(), s))
        entries.append(GazetteerEntry(name=r.name, label=r.label, aliases=tuple(aliases), source=r.source))
    entries.sort(key=lambda e: (e.name.casefold(), e.name, e.label))
    return entries


def load_gazetteer(root: Path | None = None, apply_stoplist: bool = True) -> list[GazetteerEntry]:
    """Read ``ROOT/gazetteers/**/*.jsonl`` and ``ROOT/stoplist.txt`` into conflict-free entries.

    Parameters
    ----------
    root : Path, optional
        The ontology folder; defaults to :func:`kg.paths.ontology_dir`.
    apply_stoplist : bool
        Drop the forms of ``ROOT/stoplist.txt`` (default). ``False`` is for measuring the stop-list.

    Returns
    -------
    list of GazetteerEntry
        Sorted by name; each folded surface form belongs to one entry (see :func:`resolve`).

    Raises
    ------
    KgError
        If the gazetteer folder is missing or a file holds a malformed entry (names the file).

    Examples
    --------
    >>> entries = load_gazetteer()
    >>> by_surface = {s: e for e in entries for s in e.surfaces}
    >>> by_surface["MCTS"].name, by_surface["MCTS"].label
    ('Monte Carlo Tree Search', 'Technique')
    """
    if root is None:
        from kg.paths import ontology_dir

        root = ontology_dir()
    root = Path(root)
    gdir = root / "gazetteers"
    if not gdir.is_dir():
        raise KgError(f"gazetteer folder not found: {gdir}")
    raw: list[_Raw] = []
    for path in sorted(gdir.rglob("*.jsonl")):
        raw.extend(_read_file(path, path.relative_to(gdir)))
    stop = load_stoplist(root / STOPLIST_NAME) if apply_stoplist else frozenset()
    return resolve(raw, stop)


def surface_is_case_sensitive(surface: str) -> bool:
    """Whether the matcher must match ``surface`` with its exact case.

    Policy (no dictionary needed at run time):

    * multi-part forms (spaces, hyphens, slashes or underscores between parts, e.g.
      "Monte Carlo Tree Search", "Mixture-of-Experts", "Llama-2-7B", "CIFAR-10") are distinctive:
      case-insensitive, except when no part has a digit and every part is all-caps or at most
      2 characters ("GPT-J", "MS COCO"), which reads like an acronym;
    * single tokens of at most 3 characters ("SAM", "o1", "T5", "MLP") are case-sensitive;
    * single words with any capital and no digit are case-sensitive: all-caps ("MATH", "ARC",
      "BLOOM"), capitalised ("Adam", "Falcon", "Transformer") and camel-case ("QuALITY",
      "ComplEx", "ZeRO", "ReAct") forms are very often English words in lower case (measured on
      the seeds: case-insensitive "QuALITY" fired in 9.6 % of documents, "ComplEx" in 8.5 %);
      a curated entry lists a lower-case alias ("transformer") when the lower-case form is safe;
    * all-lower-case tokens ("dropout", "word2vec") and tokens with digits ("GSM8K", "DINOv2")
      of 4+ characters are case-insensitive.

    Examples
    --------
    >>> [surface_is_case_sensitive(s) for s in ("MATH", "ARC", "SAM", "Adam", "BERT")]
    [True, True, True, True, True]
    >>> [surface_is_case_sensitive(s) for s in ("Monte Carlo Tree Search", "Llama-2-7B", "GSM8K", "dropout")]
    [False, False, False, False]
    """
    s = surface.strip()
    parts = [p for p in _SPLIT_PARTS.split(s) if p]
    if len(parts) > 1:
        if len(s) <= 3 or not any(ch.isdigit() for ch in s):
            return all(p.isupper() or len(p) <= 2 for p in parts)
        return False
    return _token_is_case_sensitive(s)


def _token_is_case_sensitive(tok: str) -> bool:
    letters = "".join(ch for ch in tok if ch.isalpha())
    if len(tok) <= 3:
        return True
    if not letters or any(ch.isdigit() for ch in tok):
        return False
    return any(ch.isupper() for ch in letters)
