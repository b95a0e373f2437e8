"""The paper panel's data: what each drawn paper introduces, uses, beats and extends, with the evidence.

The content is :func:`kg.analytics.paper_card.paper_cards` (the same card as
``scripts/analytics/paper_card.py``), trimmed to what the panel shows so the page stays small: claim
rows keep subject, object, evidence and confidence; MENTIONS rows keep only the names. The page renders
it as text (``textContent``), never as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx

from kg.analytics.paper_card import SECTIONS, paper_cards


def _row(row: dict, paper_title: str, *, evidence: bool = True) -> dict:
    """One panel row: the object, and the subject only when it is not the paper itself."""
    out = {"object": row["object"], "object_id": row["object_id"], "object_label": row["object_label"]}
    if row["subject"] != paper_title:
        out["subject"] = row["subject"]
    if evidence:
        out["evidence"] = row["evidence"] or None
        out["confidence"] = round(float(row["confidence"]), 4) if row["confidence"] is not None else None
    return out


def paper_panels(G: nx.MultiDiGraph, paper_ids: list[str],
                 fill: Callable[[list[tuple[Any, Any, dict]]], None] | None = None) -> dict[str, dict]:
    """Panel data for each paper id: ``{sections: {TYPE: [rows]}, later: [rows]}``; ``fill`` as for
    :func:`kg.analytics.paper_card.paper_cards`.

    Examples
    --------
    >>> G = nx.MultiDiGraph(); G.add_node("p", label="Paper", title="T"); G.add_node("a", label="Model", name="A")
    >>> G.add_node("b", label="Model", name="B")
    >>> _ = G.add_edge("p", "a", type="INTRODUCES", paper="p", evidence="We propose A.", confidence=0.9)
    >>> _ = G.add_edge("a", "b", type="OUTPERFORMS", paper="p", evidence="A beats B.", confidence=0.8)
    >>> panel = paper_panels(G, ["p"])["p"]
    >>> panel["sections"]["OUTPERFORMS"][0]["subject"], panel["sections"]["OUTPERFORMS"][0]["evidence"]
    ('A', 'A beats B.')
    """
    cards = paper_cards(G, paper_ids, fill)
    panels = {}
    for pid, card in cards.items():
        title = card["title"]
        sections = {
            s: [_row(r, title, evidence=s != "MENTIONS") for r in card["sections"][s]] for s in SECTIONS
        }
        later = []
        for r in card["later"]:
            row = _row(r, "")
            row["relation"] = r["relation"]
            row["paper"] = r["paper"]
            row["paper_title"] = r["paper_title"]
            later.append(row)
        panels[str(pid)] = {"sections": sections, "later": later}
    return panels
