"""A small Python API: extract papers, build a graph from files or from in-memory records, read it back.

``build`` is ``kg build`` as a function (files in, a folder of outputs); ``build_graph_from_papers`` builds the
graph of (title, abstract) pairs in memory; ``read_graph`` loads a ``graph.json``. The README's "Python API"
section is run by ``tests/test_readme_api.py``.

Examples
--------
>>> from kg.api import extract_paper
>>> ex = extract_paper("TinyTune: Pruning Llama-2-7B", "We prune Llama-2-7B and evaluate on GSM8K.", rules_only=True)
>>> sorted((r.type, r.target) for r in ex.relations)
[('INTRODUCES', 'TinyTune'), ('USES', 'GSM8K'), ('USES', 'Llama-2-7B'), ('USES', 'pruning')]
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from kg.io.graph_json import read_graph_json as read_graph
from kg.pipeline.write import GraphWriter
from kg.records import Extraction, PaperRecord

if TYPE_CHECKING:            # spaCy is imported only when something is extracted (``kg build --update`` may not),
    import networkx as nx    # networkx only when a graph is made or read (not by ``kg build --no-html``)
    from spacy.language import Language

__all__ = ["build", "build_graph_from_papers", "default_nlp", "extract_paper", "extract_papers", "graph_writers",
           "read_graph"]


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


def graph_writers(*, html: bool = True) -> dict[str, GraphWriter]:
    """The writers ``kg build`` hands its write step: graph.json, graph.graphml and (``html``) graph.html."""
    from kg.pipeline import core_writers

    writers = core_writers()
    if html:
        from kg.viz import write_graph_html

        writers["graph.html"] = write_graph_html
    return writers


def build(inputs: Iterable[str | Path], out_dir: str | Path, *, html: bool = True, rules_only: bool = False,
          spacy_model: str | None = None) -> nx.MultiDiGraph:
    """Run ``kg build`` on input files, folders or globs; write the outputs into ``out_dir``; return the graph.

    Parameters
    ----------
    inputs : iterable of str or Path
        Paper listings (HF Daily text, arXiv Atom/OAI XML, JSONL, CSV) or ``extractions.jsonl`` files.
    out_dir : str or Path
        Output folder: ``graph.json``, ``graph.graphml``, ``extractions.jsonl`` (and ``graph.html``).
    html : bool
        Also write ``graph.html``.
    rules_only : bool
        Decide with the rules alone, without the trained models.
    spacy_model : str, optional
        An installed spaCy pipeline to use instead of blank English.

    Returns
    -------
    networkx.MultiDiGraph
        The graph, as read back from ``out_dir/graph.json``.
    """
    from kg.pipeline import run_build

    out = Path(out_dir)
    run_build([str(i) for i in inputs], out, spacy_model=spacy_model, writers=graph_writers(html=html),
              progress=False, rules_only=rules_only)
    return read_graph(out / "graph.json")
