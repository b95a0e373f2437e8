"""Step 4 — graph: assemble the NetworkX ``MultiDiGraph`` of the graph contract from the resolution (or its
networkx-free stand-in ``kg.pipeline.plaingraph.PlainGraph``, when only graph.json and graph.graphml are written).

* Paper nodes (``title``, ``abstract``, ``sources``, metadata) and entity nodes (``name``, ``label``,
  ``aliases``, ``paper_count``).
* ``MENTIONS`` Paper -> every entity the paper names; ``INTRODUCES`` Paper -> its own contributions.
* ``USES`` / ``OUTPERFORMS`` / ``EXTENDS`` from the paper's primary introduced Model/Technique (so "X beats Y"
  chains form across papers), or from the Paper node when it introduces none. Every edge carries ``paper``,
  ``evidence``, ``rule`` and ``confidence``; edge keys are ``TYPE|paper`` so they are stable and unique.
* A paper read from several records (``kg.pipeline.duplicates``) gets the edges of every record; an edge two
  records both state is added once, with the evidence of the newest record.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING

from kg.pipeline.plaingraph import PlainGraph
from kg.pipeline.resolve import Resolution
from kg.records import Extraction
from kg.schema import CONTRIBUTION_LABELS, PAPER

if TYPE_CHECKING:
    import networkx as nx

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\\])")


class Sentences:
    """The sentence breaks of one text, found once, so each mention's sentence is two binary searches.

    A break is a run of spaces after ``.``, ``!`` or ``?`` before a capital, digit or backslash. A break can
    only start right after the punctuation, so the breaks found scanning from the start of the text are the
    ones ``search`` finds from any position: ``around`` gives exactly the sentence a scan would.

    >>> s = Sentences("We use BERT. It is good! Then X.")
    >>> s.around(7, 11), s.around(13, 15), s.around(30, 31)
    ('We use BERT.', 'It is good!', 'Then X.')
    """

    def __init__(self, text: str) -> None:
        self.text = text
        breaks = list(_SENTENCE_END.finditer(text))
        self._starts = [m.start() for m in breaks]
        self._ends = [m.end() for m in breaks]

    def around(self, start: int, end: int) -> str:
        """The sentence that contains the span [start, end) (whitespace around it stripped)."""
        i = bisect_right(self._ends, start)
        lo = self._ends[i - 1] if i else 0
        j = bisect_left(self._starts, end)
        hi = self._starts[j] if j < len(self._starts) else len(self.text)
        return self.text[lo:hi].strip()


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` that contains the span [start, end) (a light splitter for MENTIONS evidence).

    >>> sentence_around("A cat. The BERT model.", 11, 15)
    'The BERT model.'
    """
    return Sentences(text).around(start, end)


def paper_node_attrs(paper: dict) -> dict:
    """The attributes of a Paper node (graph contract) from a paper record's metadata."""
    attrs = {
        "label": PAPER,
        "name": paper["title"],
        "title": paper["title"],
        "abstract": paper["abstract"],
        "aliases": [],
        "sources": list(paper.get("sources", [])),
    }
    for key in ("arxiv_id", "authors", "date", "url"):
        if paper.get(key):
            attrs[key] = paper[key]
    for key, value in (paper.get("extra") or {}).items():
        attrs.setdefault(key, value)
    return attrs


def edge_attrs(etype: str, paper: str, evidence: str | None, rule: str, confidence: float,
               rules: list[str] | None = None) -> dict:
    """An edge's attributes, in the graph's order (also for an edge read back from graph.json, whose keys are
    sorted).

    >>> list(edge_attrs("USES", "p", "We use X.", "use.x", 0.5, ["use.x"]))
    ['type', 'paper', 'evidence', 'rule', 'confidence', 'rules']
    """
    attrs = {"type": etype, "paper": paper, "evidence": evidence, "rule": rule,
             "confidence": round(float(confidence), 3)}
    if rules:                            # ``rules`` last: GraphML numbers its keys in order of first use
        attrs["rules"] = list(rules)
    return attrs


def _add_edge(G: nx.MultiDiGraph | PlainGraph, added: list[tuple[str, str, str]], source: str,
              target: str, etype: str, paper: str, evidence: str, rule: str, confidence: float,
              rules: list[str] | None = None) -> None:
    key = f"{etype}|{paper}"
    if G.has_edge(source, target, key):
        return
    G.add_edge(source, target, key=key, **edge_attrs(etype, paper, evidence, rule, confidence, rules))
    added.append((source, target, key))


def build_graph(res: Resolution) -> nx.MultiDiGraph:
    """Return the knowledge graph of ``res``; deterministic for the same input."""
    G = graph_nodes(res)
    for pid in sorted(res.extractions):
        add_paper_edges(G, res, pid, res.extractions[pid])
    return G


def graph_nodes(res: Resolution, plain: bool = False) -> nx.MultiDiGraph | PlainGraph:
    """A graph of every Paper and entity node of ``res``, without edges: a ``PlainGraph`` with ``plain`` (for
    the graph files alone, without importing networkx; ``kg.pipeline.plaingraph``), else a ``MultiDiGraph``."""
    if plain:
        G = PlainGraph()
    else:
        import networkx as nx

        G = nx.MultiDiGraph()
    for pid in sorted(res.papers):
        G.add_node(pid, **paper_node_attrs(res.papers[pid]))
    for eid in sorted(res.entities):
        ent = res.entities[eid]
        G.add_node(eid, label=ent.label, name=ent.name, aliases=list(ent.aliases), paper_count=len(ent.papers))
    return G


def add_paper_edges(G: nx.MultiDiGraph | PlainGraph, res: Resolution, pid: str, records: list[Extraction]
                    ) -> list[tuple[str, str, str]]:
    """Add the edges of one paper from all of its records (newest first: its evidence wins a shared edge); return
    (source, target, key) of each, in the order they were added."""
    added: list[tuple[str, str, str]] = []
    for ex in records:
        fields = {"title": ex.paper["title"], "abstract": ex.paper["abstract"]}
        sentences: dict[str, Sentences] = {}
        for m in ex.mentions:
            ent = res.entity_of(m.canonical)
            if ent is not None:
                if m.field not in sentences:
                    sentences[m.field] = Sentences(fields[m.field])
                evidence = sentences[m.field].around(m.start, m.end)
                _add_edge(G, added, pid, ent.id, "MENTIONS", pid, evidence, f"mention:{m.rule}", 1.0)
    relations = [rel for ex in records for rel in ex.relations]
    source = pid
    for rel in relations:
        if rel.type != "INTRODUCES":
            continue
        ent = res.entity_of(rel.target)
        if ent is None:
            continue
        _add_edge(G, added, pid, ent.id, "INTRODUCES", pid, rel.evidence, rel.rule, rel.confidence)
        if source == pid and ent.label in CONTRIBUTION_LABELS:
            source = ent.id
    for rel in relations:
        if rel.type == "INTRODUCES":
            continue
        ent = res.entity_of(rel.target)
        if ent is None or ent.id == source:
            continue
        _add_edge(G, added, source, ent.id, rel.type, pid, rel.evidence, rel.rule, rel.confidence, rel.rules)
    return added
