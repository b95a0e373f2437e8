"""Run one analysis on a graph and write its tables (CSV + Markdown) and plots (PNG) into a folder.

The scripts under ``scripts/analytics/`` are thin wrappers around these functions; each
returns the summary lines the script prints and the paths it wrote (sorted), so tests
and other tools can call them without a subprocess.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx

from kg.analytics import co_usage, leaderboards, lineage, paper_card, plots, rankings, structure
from kg.analytics.tables import write_table
from kg.schema import ENTITY_LABELS

LABEL_COLORS = {"Model": "#4c72b0", "Dataset": "#55a868", "Technique": "#dd8452", "Paper": "#8172b2"}


def _names(rows: list[dict], key: str = "name", n: int = 5) -> str:
    return ", ".join(f"{r[key]} ({r['papers']})" for r in rows[:n]) or "-"


def run_rankings(G: nx.MultiDiGraph, out: Path, top: int = 15) -> tuple[list[str], list[Path]]:
    """Most used datasets, models, techniques (USES papers) and most mentioned entities; bar charts."""
    by_label = rankings.rankings_by_label(G, ("USES",), top)
    rows = [r for lab in ENTITY_LABELS for r in by_label[lab]]
    cols = ("label", "rank", "name", "papers", "mentions", "id")
    files = write_table(rows, cols, out, "rankings", "Most used entities (distinct papers with a USES claim)")
    mentioned = rankings.rank_entities(G, None, ("MENTIONS",), top)
    files += write_table(mentioned, ("rank", "name", "label", "mentions", "id"), out, "rankings_mentions",
                         "Most mentioned entities (distinct papers naming them)")
    panels = [(f"{lab}s", [r["name"] for r in by_label[lab]], [r["papers"] for r in by_label[lab]])
              for lab in ENTITY_LABELS]
    files.append(plots.bar_panels(panels, out / "rankings.png", "Most used entities", "papers using it"))
    lines = [f"most used {lab.lower()}s: {_names(by_label[lab])}" for lab in ENTITY_LABELS]
    lines.append("most mentioned: " + (", ".join(f"{r['name']} ({r['mentions']})" for r in mentioned[:5]) or "-"))
    return lines, sorted(files)


def run_co_usage(G: nx.MultiDiGraph, out: Path, top: int = 15) -> tuple[list[str], list[Path]]:
    """Model x dataset evaluation pairs and technique pairs, as tables and heatmaps."""
    md = co_usage.model_dataset(G)
    tp = co_usage.technique_pairs(G)
    md_rows = co_usage.pair_table(G, md)
    tp_rows = co_usage.pair_table(G, tp)
    for r in md_rows:
        r["model"], r["dataset"] = r["a"], r["b"]
    files = write_table(md_rows, ("model", "dataset", "papers", "a_id", "b_id"), out, "model_dataset",
                        "Models evaluated on datasets (papers introducing/using the model and using the dataset)")
    files += write_table(tp_rows, co_usage.PAIR_COLUMNS, out, "technique_pairs",
                         "Techniques used together (papers introducing/using both)")
    rn, cn, vals = co_usage.matrix(G, md, top, top)
    files.append(plots.heatmap(rn, cn, vals, out / "model_dataset.png", "Which models are evaluated on which datasets",
                               "dataset", "model"))
    rn, cn, vals = co_usage.matrix(G, tp, top, top, symmetric=True)
    files.append(plots.heatmap(rn, cn, vals, out / "technique_pairs.png", "Techniques used together",
                               "technique", "technique"))
    lines = [f"model-dataset pairs: {len(md_rows)}; top: "
             + (", ".join(f"{r['a']} on {r['b']} ({r['papers']})" for r in md_rows[:5]) or "-"),
             f"technique pairs: {len(tp_rows)}; top: "
             + (", ".join(f"{r['a']} + {r['b']} ({r['papers']})" for r in tp_rows[:5]) or "-")]
    return lines, sorted(files)


def run_lineage(G: nx.MultiDiGraph, out: Path, max_trees: int = 8, max_nodes: int = 40
                ) -> tuple[list[str], list[Path]]:
    """EXTENDS trees: node table (depth, roots), tree table, most extended; layered tree plot."""
    L = lineage.lineage_graph(G)
    trees = lineage.trees(L)
    files = write_table(lineage.node_table(L), lineage.NODE_COLUMNS, out, "lineage_nodes", "Lineage (EXTENDS) nodes")
    files += write_table(trees, lineage.TREE_COLUMNS, out, "lineage_trees", "Lineage trees (largest first)")
    ext = lineage.most_extended(L, None)
    files += write_table(ext, lineage.EXTENDED_COLUMNS, out, "most_extended", "Most extended entities")
    found = lineage.cycles(L)
    cyc_rows = [{"cycle": i, "path": " -> ".join(L.nodes[n]["name"] for n in c + c[:1])}
                for i, c in enumerate(found, start=1)]
    files += write_table(cyc_rows, ("cycle", "path"), out, "lineage_cycles", "EXTENDS cycles (contradictory lineage)")
    depth = lineage.depths(L)
    groups, drawn = _lineage_groups(L, trees, max_trees, max_nodes)
    keep = {n for g in groups for n in g}
    note = "" if len(keep) == sum(t["size"] for t in trees[:len(groups)]) else f", {len(keep)} most extended nodes"
    files.append(plots.layered_graph(
        groups, [(u, v) for u, v in L.edges if u in keep and v in keep], drawn,
        {n: L.nodes[n]["name"] for n in keep}, {n: LABEL_COLORS.get(L.nodes[n]["label"], "#999999") for n in keep},
        out / "lineage.png",
        f"EXTENDS lineage: {len(groups)} largest of {len(trees)} trees{note} (roots on top, arrow = extends)",
        legend=LABEL_COLORS))
    lines = [f"lineage: {L.number_of_nodes()} nodes, {L.number_of_edges()} EXTENDS links, {len(trees)} trees, "
             f"max depth {max(depth.values(), default=0)}, {len(found)} cycles",
             "most extended: " + (", ".join(f"{r['name']} ({r['papers_extending']})" for r in ext[:5]) or "-")]
    if trees:
        lines.append(f"longest chain: {trees[0]['longest_chain'] or '-'}")
    return lines, sorted(files)


def _lineage_groups(L: nx.DiGraph, trees: list[dict], max_trees: int, max_nodes: int
                    ) -> tuple[list[list], dict]:
    """Pick the trees to draw (largest first, at most ``max_nodes`` nodes) and each node's drawing layer.

    A first tree larger than the budget is cut to its ``max_nodes`` most extended nodes (most
    children, then shallowest, then name); layers are depths within the drawn subgraph, so the
    picture stays a compact layered tree.
    """
    groups: list[list] = []
    for t in trees[:max_trees]:
        nodes = t["nodes"]
        if sum(map(len, groups)) + len(nodes) > max_nodes:
            if groups:
                break
            full = lineage.depths(L)
            nodes = sorted(nodes, key=lambda n: (-L.in_degree(n), full[n], L.nodes[n]["name"].casefold(),
                                                 str(n)))[:max_nodes]
        groups.append(list(nodes))
    keep = {n for g in groups for n in g}
    layer = lineage.depths(L.subgraph(keep))
    groups = [sorted(g, key=lambda n: (layer[n], L.nodes[n]["name"].casefold(), str(n))) for g in groups]
    return groups, layer


def run_leaderboards(G: nx.MultiDiGraph, out: Path, top_chains: int = 20) -> tuple[list[str], list[Path]]:
    """OUTPERFORMS ranking (PageRank on the reversed graph, win/loss), longest chains, cycles with evidence."""
    B = leaderboards.beats_graph(G)
    rank = leaderboards.ranking(B)
    chains = leaderboards.longest_chains(B, top_chains)
    found = leaderboards.cycles(B)
    files = write_table(rank, leaderboards.RANK_COLUMNS, out, "leaderboard",
                        "Who beats whom: PageRank on the reversed OUTPERFORMS graph, wins and losses")
    files += write_table(chains, leaderboards.CHAIN_COLUMNS, out, "beats_chains", "Longest 'beats' chains")
    files += write_table(leaderboards.cycle_rows(found), ("cycle", "path", "winner", "loser", "paper", "evidence"),
                         out, "beats_cycles", "Contradictions: OUTPERFORMS cycles with their evidence")
    (out / "beats_cycles.json").write_text(
        json.dumps([{"names": c["names"], "edges": c["edges"]} for c in found], ensure_ascii=False, indent=1,
                   sort_keys=True) + "\n", encoding="utf-8")
    files.append(out / "beats_cycles.json")
    lines = [f"beats graph: {B.number_of_nodes()} nodes, {B.number_of_edges()} pairs, {len(found)} cycles",
             "top by PageRank: " + (", ".join(f"{r['name']} ({r['wins']}W/{r['losses']}L)" for r in rank[:5]) or "-")]
    if chains:
        lines.append(f"longest chain ({chains[0]['length']}): {chains[0]['chain']}")
    for c in found[:3]:
        lines.append("cycle: " + " > ".join(c["names"] + c["names"][:1]))
    return lines, sorted(files)


def run_structure(G: nx.MultiDiGraph, out: Path, seed: int = 42, top: int = 20) -> tuple[list[str], list[Path]]:
    """PageRank/betweenness and seeded Louvain communities of the entity co-occurrence graph; size plot."""
    E = structure.entity_graph(G)
    comms = structure.communities(E, seed=seed)
    pr = structure.pagerank(E)
    cent = structure.centrality(E, comms, seed=seed, pr=pr)
    ctab = structure.community_table(E, comms, pr=pr)
    files = write_table(cent, structure.CENTRALITY_COLUMNS, out, "centrality",
                        "Entity centrality in the co-occurrence graph")
    files += write_table(ctab, structure.COMMUNITY_COLUMNS, out, "communities",
                         f"Louvain communities (seed {seed}), largest first")
    files.append(plots.community_plot([len(c) for c in comms], [r["name"] for r in cent[:top]],
                                      [r["pagerank"] for r in cent[:top]], out / "structure.png",
                                      f"Entity co-occurrence graph: {E.number_of_nodes()} entities, "
                                      f"{E.number_of_edges()} links, {len(comms)} communities"))
    lines = [f"entity graph: {E.number_of_nodes()} entities, {E.number_of_edges()} links, {len(comms)} communities",
             "top PageRank: " + (", ".join(f"{r['name']} ({r['pagerank']:.3f})" for r in cent[:5]) or "-"),
             "top betweenness: " + (", ".join(f"{r['name']} ({r['betweenness']:.3f})" for r in
                                             sorted(cent, key=lambda r: (-r["betweenness"], r["rank"]))[:5]) or "-")]
    lines += [f"community {r['community']} ({r['size']}, mostly {r['main_label']}): {r['label']}" for r in ctab[:5]]
    return lines, sorted(files)


def safe_stem(text: str) -> str:
    """File-name-safe version of a paper id (``2502.07780`` stays, other characters become ``_``)."""
    return re.sub(r"[^0-9A-Za-z._-]+", "_", text).strip("._") or "paper"


def run_paper_card(G: nx.MultiDiGraph, out: Path, query: str) -> tuple[list[str], list[Path]]:
    """Card of the paper matching ``query`` (id or title): Markdown card, CSV/MD rows and JSON."""
    pid = paper_card.find_paper(G, query)
    card = paper_card.paper_card(G, pid)
    stem = "paper_card_" + safe_stem(str(pid))
    out.mkdir(parents=True, exist_ok=True)
    card_md = out / f"{stem}.md"
    card_md.write_text(paper_card.card_markdown(card), encoding="utf-8")
    files = [card_md]
    files += write_table(paper_card.card_rows(card), paper_card.ROW_COLUMNS, out, f"{stem}_rows",
                         f"Claims of {card['title']}")
    (out / f"{stem}.json").write_text(json.dumps(card, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                      encoding="utf-8")
    files.append(out / f"{stem}.json")
    s = card["sections"]
    lines = [f"paper {card['id']}: {card['title']}",
             "introduces: " + (", ".join(card["introduces"]) or "-")]
    for key, word in (("USES", "uses"), ("OUTPERFORMS", "beats"), ("EXTENDS", "extends")):
        lines.append(f"{word}: " + (", ".join(sorted({r['object'] for r in s[key]}, key=str.casefold)) or "-"))
    lines.append(f"mentions: {len(s['MENTIONS'])} entities; later work on its entities: {len(card['later'])} claims")
    return lines, sorted(set(files))
