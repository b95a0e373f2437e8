"""Paper card: everything one paper introduces, uses, beats and extends, with the evidence.

Edges are attributed to a paper by their ``paper`` attribute (the source may be the
paper's own model). The card also lists what *other* papers say about the entities this
paper introduces (who uses, beats or extends them), which is how a reader follows its impact.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx

from kg.analytics.common import edges_of, introduced_by, is_paper, label_of, name_of, paper_of, papers
from kg.analytics.tables import md_escape
from kg.errors import KgError
from kg.normalize import normalize_title
from kg.schema import CLAIM_TYPES, RELATION_TYPES

SECTIONS: tuple[str, ...] = RELATION_TYPES
ROW_COLUMNS = ("section", "subject", "relation", "object", "object_label", "confidence", "rule", "evidence", "paper")


def find_paper(G: nx.MultiDiGraph, query: str) -> Any:
    """Resolve a paper by id, exact (normalised) title, or a unique title substring.

    Raises :class:`kg.errors.KgError` naming the candidates when the query is ambiguous
    or matches nothing.

    Examples
    --------
    >>> G = nx.MultiDiGraph(); G.add_node("2501.1", label="Paper", title="Deep Things")
    >>> find_paper(G, "deep things"), find_paper(G, "2501.1"), find_paper(G, "thing")
    ('2501.1', '2501.1', '2501.1')
    """
    q = query.strip()
    ps = papers(G)
    if q in G and is_paper(G, q):
        return q
    by_arxiv = [p for p in ps if str(G.nodes[p].get("arxiv_id") or "") == q]
    if len(by_arxiv) == 1:
        return by_arxiv[0]
    folded = normalize_title(q)
    if not folded:
        raise KgError("empty --paper query")
    exact = [p for p in ps if normalize_title(name_of(G, p)) == folded]
    if len(exact) == 1:
        return exact[0]
    partial = exact or [p for p in ps if folded in normalize_title(name_of(G, p))]
    if len(partial) == 1:
        return partial[0]
    if not partial:
        raise KgError(f"no paper matches {query!r} (by id or title)")
    shown = "; ".join(f"{p} ({name_of(G, p)})" for p in partial[:10])
    raise KgError(f"{len(partial)} papers match {query!r}, be more specific: {shown}")


def _row(G: nx.MultiDiGraph, section: str, u: Any, v: Any, d: dict) -> dict:
    return {"section": section, "subject": name_of(G, u), "relation": str(d.get("type")),
            "object": name_of(G, v), "object_label": label_of(G, v), "object_id": str(v),
            "confidence": d.get("confidence"), "rule": str(d.get("rule", "")),
            "evidence": str(d.get("evidence", "")), "paper": str(paper_of(G, u, d))}


def paper_card(G: nx.MultiDiGraph, paper: Any) -> dict:
    """The card of one paper id: metadata, its claims by section, and later work on its entities.

    Returns ``{id, title, date, authors, url, arxiv_id, sources, sections: {TYPE: [rows]},
    later: [rows]}``; rows are ``{subject, relation, object, object_label, confidence, rule,
    evidence, paper}``, sorted by relation, object name, evidence.
    """
    return paper_cards(G, [paper])[paper]


def paper_cards(G: nx.MultiDiGraph, ids: list[Any],
                fill: Callable[[list[tuple[Any, Any, dict]]], None] | None = None) -> dict[Any, dict]:
    """The cards (see :func:`paper_card`) of many papers in one pass over the edges.

    The viz page embeds the card of every paper it draws, so this costs one sort of the edges rather
    than one per paper. ``fill``: completes the attributes of the edges the cards read (see
    :func:`kg.analytics.common.edges_of`).

    Examples
    --------
    >>> G = nx.MultiDiGraph(); G.add_node("p", label="Paper", title="T"); G.add_node("a", label="Model", name="A")
    >>> _ = G.add_edge("p", "a", type="INTRODUCES", paper="p", evidence="We propose A.")
    >>> [r["object"] for r in paper_cards(G, ["p"])["p"]["sections"]["INTRODUCES"]]
    ['A']
    """
    for paper in ids:
        if paper not in G or not is_paper(G, paper):
            raise KgError(f"not a paper id: {paper!r}")
    wanted = set(ids)
    sections: dict[Any, dict[str, list[dict]]] = {p: {s: [] for s in SECTIONS} for p in wanted}
    later: dict[Any, list[dict]] = {p: [] for p in wanted}
    intro = introduced_by(G)
    mine = {p: set(intro.get(p, [])) for p in wanted}
    owners: dict[Any, list[Any]] = {}
    for p in sorted(wanted, key=str):
        for ent in mine[p]:
            owners.setdefault(ent, []).append(p)
    def read(u: Any, v: Any, e: dict) -> bool:      # what the loop below uses: a card's edge or later work
        return paper_of(G, u, e) in wanted or (e.get("type") in CLAIM_TYPES and v in owners)

    for u, v, e in edges_of(G, SECTIONS, read, fill):
        p = paper_of(G, u, e)
        if p in wanted:
            sections[p][e["type"]].append(_row(G, e["type"], u, v, e))
        if e.get("type") in CLAIM_TYPES:
            for q in owners.get(v, ()):
                if q != p:
                    row = _row(G, "later", u, v, e)
                    row["paper_title"] = name_of(G, p) if p in G else str(p)
                    later[q].append(row)

    def order(r: dict) -> tuple:
        return (r["relation"], r["object"].casefold(), r["subject"].casefold(), r["evidence"], r["paper"])

    cards = {}
    for paper in ids:
        d = G.nodes[paper]
        for rows in sections[paper].values():
            rows.sort(key=order)
        later[paper].sort(key=order)
        cards[paper] = {
            "id": str(paper), "title": name_of(G, paper), "date": d.get("date"), "authors": list(d.get("authors") or []),
            "url": d.get("url"), "arxiv_id": d.get("arxiv_id"), "sources": sorted(d.get("sources") or []),
            "introduces": sorted((name_of(G, n) for n in mine[paper]), key=str.casefold),
            "sections": sections[paper], "later": later[paper],
        }
    return cards


def card_rows(card: dict) -> list[dict]:
    """Flatten a card's sections and later-work rows into one table (``section`` column first)."""
    rows = [r for s in SECTIONS for r in card["sections"][s]]
    return rows + card["later"]


def card_markdown(card: dict) -> str:
    """Render a card as Markdown: header with metadata, one bullet list per section with evidence quotes."""
    lines = [f"# {md_escape(card['title'])}", ""]
    meta = [("id", card["id"]), ("date", card.get("date")), ("authors", ", ".join(card["authors"])),
            ("url", card.get("url")), ("sources", ", ".join(card["sources"]))]
    lines += [f"- **{k}**: {md_escape(str(v))}" for k, v in meta if v]
    titles = {"INTRODUCES": "Introduces", "USES": "Uses", "OUTPERFORMS": "Beats", "EXTENDS": "Extends",
              "MENTIONS": "Mentions"}
    for s in SECTIONS:
        rows = card["sections"][s]
        lines += ["", f"## {titles[s]} ({len(rows)})", ""]
        if not rows:
            lines.append("_(none)_")
        for r in rows:
            who = "" if r["subject"] == card["title"] else f"{md_escape(r['subject'])} → "
            conf = "" if r["confidence"] is None else f", conf {float(r['confidence']):.2f}"
            lines.append(f"- {who}**{md_escape(r['object'])}** ({r['object_label']}; rule `{md_escape(r['rule'])}`{conf})")
            if s != "MENTIONS" and r["evidence"]:
                lines.append(f"  > {md_escape(r['evidence'])}")
    lines += ["", f"## Later work on its entities ({len(card['later'])})", ""]
    if not card["later"]:
        lines.append("_(none)_")
    for r in card["later"]:
        who = "" if r["subject"] == r["paper_title"] else f"{md_escape(r['subject'])} "
        lines.append(f"- {md_escape(r['paper_title'])} ({md_escape(r['paper'])}): {who}{r['relation']} "
                     f"**{md_escape(r['object'])}**")
        if r["evidence"]:
            lines.append(f"  > {md_escape(r['evidence'])}")
    return "\n".join(lines) + "\n"


__all__ = ["find_paper", "paper_card", "paper_cards", "card_rows", "card_markdown"]
