"""A small Python API: extract one paper, or build a graph from (title, abstract) pairs in memory.

Examples
--------
>>> from kg.api import extract_paper
>>> ex = extract_paper("TinyTune: Pruning Llama-2-7B", "We prune Llama-2-7B and evaluate on GSM8K.", rules_only=True)
>>> sorted((r.type, r.target) for r in ex.relations)
[('INTRODUCES', 'TinyTune'), ('USES', 'GSM8K'), ('USES', 'Llama-2-7B'), ('USES', 'pruning')]
"""

from __future__ import annotations

from functools import lru_cache

import networkx as nx
from spacy.language import Language

from kg.records import Extraction, PaperRecord


@lru_cache(maxsize=2)
def default_nlp(spacy_model: str | None = None) -> Language:
    """The extraction pipeline, built once per process."""
    from kg.nlp.pipeline import build_nlp

    return build_nlp(spacy_model)


def extract_paper(title: str, abstract: str, *, source: str = "api", nlp: Language | None = None,
                  rules_only: bool = False) -> Extraction:
    """Extract mentions and relations from one title and abstract (``rules_only``: without the trained models)."""
    return next(iter(extract_papers([(title, abstract)], source=source, nlp=nlp, rules_only=rules_only)))


def extract_papers(papers: list[tuple[str, str]], *, source: str = "api", nlp: Language | None = None,
                   rules_only: bool = False) -> list[Extraction]:
    """Extract several papers (title, abstract) in one ``nlp.pipe`` pass."""
    from kg.pipeline.extract import extract_records

    records = [PaperRecord(title=t, abstract=a, source=source, line=i + 1) for i, (t, a) in enumerate(papers)]
    return list(extract_records(records, nlp or default_nlp(), rules_only=rules_only))


def build_graph_from_papers(papers: list[tuple[str, str]], *, nlp: Language | None = None,
                            rules_only: bool = False) -> nx.MultiDiGraph:
    """Extract, resolve and assemble the graph of in-memory papers (no files written)."""
    from kg.pipeline.graph import build_graph
    from kg.pipeline.resolve import resolve

    return build_graph(resolve(extract_papers(papers, nlp=nlp, rules_only=rules_only)))
