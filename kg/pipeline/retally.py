"""Step 3 of ``kg build --update``: the earlier build's tally, with changed papers taken out and put back in.

Resolution sums what every paper says about each node key (``kg.pipeline.resolve.Tally``) and then picks each
entity's name, label and aliases from the sums. The earlier build keeps its tally in its graph index
(``kg.pipeline.splice``), with the acronym expansions the node keys were made under and, per paper, the digest and
places of its extraction lines. When this build's expansions are the same, a paper whose lines have the recorded
digest says what it said; every other earlier paper (changed or gone) has its earlier lines read back from the
earlier extractions.jsonl, checked against their digest, and taken away, and every new or changed paper is added.
So only the changed papers are read, and the sums, hence the entities, are those of a full resolution. With other
expansions (an acronym gained or lost its one long form), or when an earlier line is not as recorded, ``retally``
gives ``None`` and every paper is resolved anew.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kg.pipeline.resolve import Memo, Resolution, Tally, acronym_expansions, distinct, node_keys, resolution_of, \
    written_form
from kg.pipeline.store import lines_digest
from kg.records import Extraction

_FIELDS = ("spellings", "labels", "gazetteer_labels", "surfaces", "literal", "written")


def tally_data(tally: Tally) -> dict[str, Any]:
    """A tally as JSON data (sets as sorted lists; written with sorted keys, the same for the same sums)."""
    data: dict[str, Any] = {name: getattr(tally, name) for name in _FIELDS}
    data["papers"] = {key: sorted(pids) for key, pids in tally.papers.items()}
    return data


def tally_of(data: Any) -> Tally:
    """The tally of ``tally_data``; ``ValueError`` when the data is not one."""
    if not isinstance(data, dict):
        raise ValueError("no tally")
    tally = Tally()
    for name in _FIELDS:
        table: dict[str, Counter] = defaultdict(Counter)
        for key, counts in data[name].items():
            if not all(type(n) is int and n > 0 for n in counts.values()):
                raise ValueError("bad counts")
            table[key] = Counter(counts)
        setattr(tally, name, table)
    tally.papers = defaultdict(set, {key: set(pids) for key, pids in data["papers"].items()})
    return tally


def retally(papers: dict[str, dict], store: Any, earlier: Mapping[str, list], data: Any,
            expansions: Mapping[str, str], extractions: Path) -> Resolution | None:
    """The resolution of ``store`` (an ``ExtractionStore``; ``papers`` its merged metadata) from the earlier
    build's tally ``data`` made under ``expansions``, whose papers ``earlier`` maps to [lines digest, ..., places
    of its lines in ``extractions``]; ``None`` when it cannot be the same as a full resolution."""
    new_expansions = acronym_expansions(store)
    if dict(expansions) != new_expansions:
        return None
    try:
        tally = tally_of(data)
        keys, written = node_keys(new_expansions), Memo(written_form)
        with open(extractions, "rb") as fh:
            for pid, entry in earlier.items():
                if pid in store and store.digest(pid) == entry[0]:
                    continue
                lines = []
                for offset, length in entry[3]:
                    fh.seek(offset)
                    lines.append(fh.read(length))
                if lines_digest(lines) != entry[0]:
                    return None
                records = [Extraction.from_dict(json.loads(line)) for line in lines]
                tally.add(pid, distinct(records), keys, written, -1)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None
    for pid in sorted(store):
        entry = earlier.get(pid)
        if entry is None or entry[0] != store.digest(pid):
            tally.add(pid, distinct(store[pid]), keys, written)
    return resolution_of(papers, store, tally, new_expansions)
