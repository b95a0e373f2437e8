"""Graph analytics: the questions researchers ask of the literature graph.

One module per analysis, each a set of pure functions that take the contract's
``nx.MultiDiGraph`` (see :mod:`kg.io.graph_json`) and return plain data (lists of dicts,
sorted, with ties broken by name) so the results are deterministic and easy to test:

``rankings``      most used datasets, models and techniques (by number of papers)
``co_usage``      model x dataset evaluation matrix and technique pairs used together
``lineage``       EXTENDS trees/DAGs: roots, depth, most extended
``leaderboards``  the OUTPERFORMS graph: win/loss and PageRank ranking, longest chains, cycles
``structure``     PageRank, betweenness and Louvain communities of the entity co-occurrence graph
``paper_card``    everything one paper introduces, uses, beats and extends, with evidence
``stats``         headline numbers (``kg stats``)

Writing is kept apart: :mod:`kg.analytics.tables` writes CSV/Markdown, :mod:`kg.analytics.plots`
draws PNGs with matplotlib's headless Agg backend, and :mod:`kg.analytics.reports` ties an analysis
to its files for the scripts under ``scripts/analytics/``.
"""
