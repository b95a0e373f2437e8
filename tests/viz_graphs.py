"""Hand-written graphs for the viz tests, whose answers are known by construction (no tests here).

``small_graph()``: two papers, five entities. Paper 2401.00001 introduces MathStar (alias "MS-7B"),
which OUTPERFORMS GPT-4 on GSM8K (alias "Grade School Math 8K") and EXTENDS LoRA; the paper USES GSM8K.
Paper 2401.00002 introduces QLoRA, which EXTENDS LoRA. Every entity a paper names has a MENTIONS edge.

``hostile_graph()``: the same plus a paper and an entity whose title, name, aliases, evidence, rule,
sources and URL are markup meant to run script if anything is ever rendered as HTML.
"""

from __future__ import annotations

import networkx as nx

HOSTILE_SCRIPT = "<script>window.pwned=1</script>"
HOSTILE_IMG = '"><img src=x onerror="window.pwned=1">'
OUTPERFORMS_EVIDENCE = "MathStar outperforms GPT-4 on GSM8K by 5 points of accuracy."


def _paper(G: nx.MultiDiGraph, pid: str, title: str, **extra) -> None:
    G.add_node(pid, label="Paper", name=title, title=title, aliases=[], abstract="(test text)",
               sources=["listing-a.txt"], date="2024-01-15", authors=["A. Author", "B. Author"],
               url=f"https://arxiv.org/abs/{pid}", arxiv_id=pid, **extra)


def _entity(G: nx.MultiDiGraph, eid: str, label: str, name: str, aliases: list[str], papers: int) -> None:
    G.add_node(eid, label=label, name=name, aliases=aliases, paper_count=papers)


def _edge(G, u, v, rel, paper, evidence, rule="test.rule", confidence=0.8) -> None:
    G.add_edge(u, v, type=rel, paper=paper, evidence=evidence, rule=rule, confidence=confidence)


def small_graph() -> nx.MultiDiGraph:
    """Two papers and five entities; see the module docstring."""
    G = nx.MultiDiGraph()
    p1, p2 = "2401.00001", "2401.00002"
    _paper(G, p1, "MathStar: scaling small models for grade-school math")
    _paper(G, p2, "QLoRA-style quantised adapters")
    _entity(G, "ent:mathstar", "Model", "MathStar", ["MS-7B"], 1)
    _entity(G, "ent:gpt4", "Model", "GPT-4", [], 1)
    _entity(G, "ent:gsm8k", "Dataset", "GSM8K", ["Grade School Math 8K"], 1)
    _entity(G, "ent:lora", "Technique", "LoRA", ["Low-Rank Adaptation"], 2)
    _entity(G, "ent:qlora", "Technique", "QLoRA", [], 1)
    for ent in ("ent:mathstar", "ent:gpt4", "ent:gsm8k", "ent:lora"):
        _edge(G, p1, ent, "MENTIONS", p1, f"The paper names {G.nodes[ent]['name']}.", rule="mention", confidence=1.0)
    for ent in ("ent:qlora", "ent:lora"):
        _edge(G, p2, ent, "MENTIONS", p2, f"The paper names {G.nodes[ent]['name']}.", rule="mention", confidence=1.0)
    _edge(G, p1, "ent:mathstar", "INTRODUCES", p1, "We introduce MathStar, a 7B model.", rule="introduces.we_introduce")
    _edge(G, "ent:mathstar", "ent:gpt4", "OUTPERFORMS", p1, OUTPERFORMS_EVIDENCE, rule="outperforms.outperforms",
          confidence=0.91)
    _edge(G, p1, "ent:gsm8k", "USES", p1, "We evaluate on GSM8K.", rule="uses.evaluate_on")
    _edge(G, "ent:mathstar", "ent:lora", "EXTENDS", p1, "MathStar extends LoRA with rank scheduling.",
          rule="extends.extends")
    _edge(G, p2, "ent:qlora", "INTRODUCES", p2, "We propose QLoRA.", rule="introduces.we_propose")
    _edge(G, "ent:qlora", "ent:lora", "EXTENDS", p2, "QLoRA extends LoRA to 4-bit weights.", rule="extends.extends")
    return G


def hostile_graph() -> nx.MultiDiGraph:
    """``small_graph()`` plus markup in every text field a page shows."""
    G = small_graph()
    p3 = "t-hostile"
    G.add_node(p3, label="Paper", name=HOSTILE_SCRIPT, title=HOSTILE_SCRIPT, aliases=[HOSTILE_IMG],
               abstract=HOSTILE_SCRIPT, sources=[HOSTILE_IMG], date=HOSTILE_IMG, authors=[HOSTILE_SCRIPT],
               url="javascript:window.pwned=1", arxiv_id=None)
    G.add_node("ent:hostile", label="Technique", name=HOSTILE_IMG, aliases=[HOSTILE_SCRIPT, "{{7*7}} `${x}`"],
               paper_count=1)
    _edge(G, p3, "ent:hostile", "MENTIONS", p3, HOSTILE_SCRIPT, rule=HOSTILE_IMG)
    _edge(G, "ent:hostile", "ent:lora", "EXTENDS", p3, HOSTILE_IMG + HOSTILE_SCRIPT, rule=HOSTILE_SCRIPT)
    return G
