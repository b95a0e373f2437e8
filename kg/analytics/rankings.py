"""Rankings: the most used datasets, models and techniques, by number of distinct papers.

"By number of papers" counts the distinct ``paper`` attribute values of the
edges of the chosen types pointing into the entity (USES by default; add
MENTIONS for "most talked about"), so one paper that uses GSM8K in three
sentences counts once, and a USES edge whose source is the paper's own model
still counts for that paper.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from kg.analytics.common import entities, label_of, name_of, papers_per_entity
from kg.schema import ENTITY_LABELS

COLUMNS = ("rank", "name", "label", "papers", "mentions", "id")


def rank_entities(G: nx.MultiDiGraph, label: str | None = None, types: Iterable[str] = ("USES",),
                  top: int | None = 10, min_papers: int = 1) -> list[dict]:
    """Rank entities by the number of distinct papers whose ``types`` edges point into them.

    Parameters
    ----------
    G : the contract graph.
    label : only entities of this label (Model, Dataset, Technique); all entities when None.
    types : edge types that count as "use" (``("USES",)``, or ``("USES", "MENTIONS")``).
    top : keep the first ``top`` rows (all when None).
    min_papers : drop entities counted in fewer papers.

    Returns
    -------
    Rows ``{rank, id, name, label, papers, mentions}`` sorted by papers (desc), then name; ``mentions``
    is the number of papers that MENTION the entity at all, shown for context. Rank is dense
    over the count (ties share a rank).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("p1", label="Paper"); G.add_node("p2", label="Paper")
    >>> G.add_node("d", label="Dataset", name="GSM8K")
    >>> G.add_edge("p1", "d", type="USES", paper="p1"); G.add_edge("p2", "d", type="USES", paper="p2")
    0
    0
    >>> [(r["name"], r["papers"]) for r in rank_entities(G, "Dataset")]
    [('GSM8K', 2)]
    """
    used = papers_per_entity(G, tuple(types))
    mentioned = papers_per_entity(G, ("MENTIONS",))
    rows = []
    for n in entities(G, label):
        count = len(used.get(n, ()))
        if count >= min_papers:
            rows.append({"id": str(n), "name": name_of(G, n), "label": label_of(G, n), "papers": count,
                         "mentions": len(mentioned.get(n, ()))})
    rows.sort(key=lambda r: (-r["papers"], r["name"].casefold(), r["id"]))
    rank, last = 0, None
    for r in rows:
        if r["papers"] != last:
            rank, last = rank + 1, r["papers"]
        r["rank"] = rank
    return rows if top is None else rows[:top]


def rankings_by_label(G: nx.MultiDiGraph, types: Iterable[str] = ("USES",), top: int | None = 10
                      ) -> dict[str, list[dict]]:
    """:func:`rank_entities` for each entity label: ``{"Dataset": [...], "Model": [...], "Technique": [...]}``."""
    return {lab: rank_entities(G, lab, types, top) for lab in ENTITY_LABELS}


__all__ = ["COLUMNS", "rank_entities", "rankings_by_label"]
