"""Seeded synthetic graphs that follow the graph contract, for the viz benchmark and tests.

The shape imitates a corpus build: about a third of the nodes are papers; entity popularity is
heavy-tailed (a few GSM8K-like hubs, many names seen once, none unnamed); every paper MENTIONS the entities it names,
INTRODUCES at most one, and its contribution USES / OUTPERFORMS / EXTENDS some of them, with evidence
sentences. Same ``(n_nodes, seed)`` gives the same graph.
"""

from __future__ import annotations

import random

import networkx as nx

from kg.schema import CLAIM_TYPES, ENTITY_LABELS


def synthetic_graph(n_nodes: int, seed: int = 0) -> nx.MultiDiGraph:
    """Return a contract-shaped ``MultiDiGraph`` with exactly ``n_nodes`` nodes.

    Examples
    --------
    >>> G = synthetic_graph(300, seed=1)
    >>> G.number_of_nodes(), sorted({d["label"] for _, d in G.nodes(data=True)})
    (300, ['Dataset', 'Model', 'Paper', 'Technique'])
    >>> nx.utils.graphs_equal(G, synthetic_graph(300, seed=1))
    True
    """
    if n_nodes < 4:
        raise ValueError("n_nodes must be at least 4")
    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    n_papers = max(1, n_nodes // 3)
    n_entities = n_nodes - n_papers
    entities = []
    for i in range(n_entities):
        label = ENTITY_LABELS[i % 3]
        eid = f"ent:{label.lower()}-{i:05d}"
        G.add_node(eid, label=label, name=f"{label[0]}{i:05d}", aliases=[f"{label.lower()} {i}"], paper_count=0)
        entities.append(eid)
    # Zipf-like popularity: entity i is picked with weight 1/(i+1).
    weights = [1.0 / (i + 1) ** 0.9 for i in range(n_entities)]
    fresh = iter(rng.sample(entities, k=len(entities)))  # entities a paper can introduce
    # As in a real build every entity is named by at least one paper: deal them out first.
    first_named: dict[int, list[str]] = {}
    for ent in rng.sample(entities, k=len(entities)):
        first_named.setdefault(rng.randrange(n_papers), []).append(ent)
    for p in range(n_papers):
        pid = f"2401.{p:05d}"
        G.add_node(
            pid, label="Paper", name=f"Paper {p}", title=f"A study of synthetic topic {p}", aliases=[],
            sources=[f"day-{p % 5}.jsonl"], date=f"2024-01-{p % 28 + 1:02d}", authors=[f"Author {p % 17}"],
            url=f"https://arxiv.org/abs/2401.{p:05d}", arxiv_id=f"2401.{p:05d}", abstract="",
        )
        named = sorted(set(rng.choices(entities, weights=weights, k=rng.randint(1, 4))) | set(first_named.get(p, [])))
        introduced = next(fresh, None) if rng.random() < 0.6 else None
        if introduced is not None and introduced not in named:
            named.append(introduced)
        for ent in named:
            G.add_edge(pid, ent, type="MENTIONS", paper=pid, evidence=f"Paper {p} names {G.nodes[ent]['name']}.",
                       rule="mention", confidence=1.0)
            G.nodes[ent]["paper_count"] += 1
        subject = pid
        if introduced is not None:
            G.add_edge(pid, introduced, type="INTRODUCES", paper=pid, rule="introduces.we_propose", confidence=0.9,
                       evidence=f"We propose {G.nodes[introduced]['name']}.")
            subject = introduced
        for ent in named:
            if ent == introduced:
                continue
            rel = rng.choices((*CLAIM_TYPES, None), weights=(5, 2, 1, 3))[0]
            if rel is None:
                continue
            G.add_edge(subject, ent, type=rel, paper=pid, rule=f"{rel.lower()}.synthetic",
                       confidence=round(rng.uniform(0.5, 1.0), 3),
                       evidence=f"Our method {rel.lower()} {G.nodes[ent]['name']} in paper {p}.")
    return G
