"""Co-usage: which models are evaluated on which datasets, and which techniques are used together.

A paper *involves* an entity when it INTRODUCES or USES it (the ``paper``
attribute of the edge says which paper; the source may be the paper's own
model). Two entities are co-used by a paper when the paper involves both, so
"model M evaluated on dataset D" = papers that introduce or use M and use D.
Counts are numbers of distinct papers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import combinations

import networkx as nx

from kg.analytics.common import label_of, name_of, node_key, paper_entities

INVOLVES = ("INTRODUCES", "USES")
PAIR_COLUMNS = ("a", "b", "papers", "a_id", "b_id")


def co_usage_counts(G: nx.MultiDiGraph, label_a: str, label_b: str, types: Iterable[str] = INVOLVES
                    ) -> Counter:
    """Count distinct papers co-involving an entity of ``label_a`` and one of ``label_b``.

    Keys are ``(a, b)`` node pairs; for ``label_a == label_b`` each unordered pair is
    counted once with ``a`` before ``b`` in (name, id) order.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> for n, lab in [("p", "Paper"), ("m", "Model"), ("d", "Dataset")]: G.add_node(n, label=lab, name=n)
    >>> _ = G.add_edge("p", "m", type="INTRODUCES", paper="p"); _ = G.add_edge("m", "d", type="USES", paper="p")
    >>> dict(co_usage_counts(G, "Model", "Dataset"))
    {('m', 'd'): 1}
    """
    counts: Counter = Counter()
    for _paper, ents in sorted(paper_entities(G, tuple(types)).items(), key=lambda kv: str(kv[0])):
        if label_a == label_b:
            same = sorted((e for e in ents if label_of(G, e) == label_a), key=lambda n: node_key(G, n))
            counts.update(combinations(same, 2))
        else:
            a_side = [e for e in ents if label_of(G, e) == label_a]
            b_side = [e for e in ents if label_of(G, e) == label_b]
            counts.update((a, b) for a in a_side for b in b_side)
    return counts


def pair_table(G: nx.MultiDiGraph, counts: Counter, top: int | None = None, min_papers: int = 1) -> list[dict]:
    """Rows ``{a, b, papers, a_id, b_id}`` sorted by papers (desc), then the names."""
    rows = [{"a": name_of(G, a), "b": name_of(G, b), "papers": c, "a_id": str(a), "b_id": str(b)}
            for (a, b), c in counts.items() if c >= min_papers]
    rows.sort(key=lambda r: (-r["papers"], r["a"].casefold(), r["b"].casefold(), r["a_id"], r["b_id"]))
    return rows if top is None else rows[:top]


def matrix(G: nx.MultiDiGraph, counts: Counter, top_rows: int = 15, top_cols: int = 15,
           symmetric: bool = False) -> tuple[list[str], list[str], list[list[int]]]:
    """Dense matrix of the ``top_rows`` x ``top_cols`` entities with the largest co-usage totals.

    Returns ``(row_names, col_names, values)`` where ``values[i][j]`` is the number of papers;
    rows are ordered by total (desc) then name, columns by their total within those rows, and
    rows with no count in the chosen columns are dropped. With ``symmetric`` (same-label pairs)
    the same entities index rows and columns and the matrix is mirrored.
    """
    row_tot: Counter = Counter()
    col_tot: Counter = Counter()
    for (a, b), c in counts.items():
        row_tot[a] += c
        col_tot[b] += c
        if symmetric:
            row_tot[b] += c
    if symmetric:
        col_tot = row_tot

    def pick(tot: Counter, k: int) -> list:
        return sorted(tot, key=lambda n: (-tot[n], *node_key(G, n)))[:k]

    rows = pick(row_tot, top_rows)
    if not symmetric:
        # columns: the largest totals *within the chosen rows*, then drop rows left empty,
        # so the heatmap shows no blank lines
        chosen = set(rows)
        in_rows: Counter = Counter()
        for (a, b), c in counts.items():
            if a in chosen:
                in_rows[b] += c
        cols = pick(in_rows, top_cols)
        kept = set(cols)
        rows = [a for a in rows if any(counts.get((a, b), 0) for b in kept)]
    else:
        cols = rows
    values = []
    for a in rows:
        line = []
        for b in cols:
            v = counts.get((a, b), 0)
            if symmetric and a != b:
                v = max(v, counts.get((b, a), 0))
            line.append(0 if (symmetric and a == b) else v)
        values.append(line)
    return [name_of(G, n) for n in rows], [name_of(G, n) for n in cols], values


def model_dataset(G: nx.MultiDiGraph) -> Counter:
    """Papers per (model, dataset): which models are evaluated on which datasets."""
    return co_usage_counts(G, "Model", "Dataset")


def technique_pairs(G: nx.MultiDiGraph) -> Counter:
    """Papers per unordered (technique, technique) pair used together."""
    return co_usage_counts(G, "Technique", "Technique")
