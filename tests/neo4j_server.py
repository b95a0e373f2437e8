"""Pytest fixtures for tests that need a real Neo4j, plus small graphs whose answers are known by construction.

* ``neo4j_server`` (session): the server named by ``NEO4J_URI`` (with ``NEO4J_USER``/``NEO4J_PASSWORD``) when
  set, otherwise a fresh instance started with ``scripts/neo4j-test-server start`` and purged at the end.
  If it cannot start, the tests FAIL with the server's error; they skip only when ``KG_SKIP_NEO4J=1``.
* ``neo4j_driver`` (function): a driver on that server, with this tool's nodes wiped before the test.
* ``managed_instance`` (function): a factory for extra, dedicated instances (auth on, restart, import).
* ``make_corpus_a`` / ``make_corpus_b``: two small corpora sharing entities, with hostile names.

Import into a test module with ``from neo4j_server import *`` (``tests/`` is on ``sys.path`` under pytest).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pytest

from kg.neo4j.rows import to_property

REPO = Path(__file__).resolve().parent.parent
SERVER_SCRIPT = REPO / "scripts" / "neo4j-test-server"

__all__ = [
    "Neo4jServer", "neo4j_server", "neo4j_driver", "managed_instance", "make_corpus_a", "make_corpus_b",
    "HOSTILE_NAMES", "run_kg", "REPO", "snapshot", "expected_snapshot",
]

# Names that must survive every escaping layer unchanged.
HOSTILE_NAMES = [
    "O'Neil \"Quoted\" Net",
    "Back`tick`Former",
    "{Brace} Set {0}",
    "Ñandú-数据集 🚀",
    "<script>alert('x')</script>",
    "Slash\\Path\\Net; DROP",
    "Line\nBreak\tTab",
]


@dataclass
class Neo4jServer:
    """A Neo4j server the tests talk to; ``managed`` ones can be stopped and started again."""

    uri: str
    user: str | None = None
    password: str | None = None
    name: str | None = None
    managed: bool = False
    log: list[str] = field(default_factory=list)

    @property
    def auth(self) -> tuple[str, str] | None:
        """Driver auth tuple, or ``None`` when the server runs without authentication."""
        return (self.user or "neo4j", self.password) if self.password else None

    def driver(self, **kwargs):
        """A new ``neo4j.Driver`` for this server."""
        from neo4j import GraphDatabase

        return GraphDatabase.driver(self.uri, auth=self.auth, **kwargs)

    def env(self) -> dict[str, str]:
        """Environment for a ``kg neo4j`` subprocess aimed at this server."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
        env["NEO4J_URI"] = self.uri
        if self.password:
            env["NEO4J_USER"] = self.user or "neo4j"
            env["NEO4J_PASSWORD"] = self.password
        return env

    def start(self, password: str | None = None) -> None:
        """(Re)start a managed instance; fails the test with the server's output when it cannot start."""
        assert self.managed and self.name
        cmd = [str(SERVER_SCRIPT), "start", "--name", self.name]
        if password:
            cmd += ["--password", password]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if proc.returncode != 0:
            pytest.fail(f"scripts/neo4j-test-server start failed ({proc.returncode}):\n{proc.stderr}\n{proc.stdout}",
                        pytrace=False)
        self.uri = proc.stdout.strip().splitlines()[-1]
        self.log.append(proc.stderr)

    def stop(self, purge: bool = False) -> None:
        """Stop a managed instance (``purge`` deletes its data)."""
        assert self.managed and self.name
        cmd = [str(SERVER_SCRIPT), "stop", "--name", self.name] + (["--purge"] if purge else [])
        subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def status(self) -> str:
        """``running ...`` or ``stopped`` as printed by the script."""
        assert self.managed and self.name
        return subprocess.run([str(SERVER_SCRIPT), "status", "--name", self.name], stdout=subprocess.PIPE,
                              text=True).stdout.strip()


def _skip_requested() -> bool:
    return os.environ.get("KG_SKIP_NEO4J") == "1"


def _instance_name(tag: str) -> str:
    return f"pytest-{os.getpid()}-{tag}"


@pytest.fixture(scope="session")
def neo4j_server():
    """The session's Neo4j server (external via NEO4J_URI, or a managed instance started here)."""
    if _skip_requested():
        pytest.skip("KG_SKIP_NEO4J=1")
    if os.environ.get("NEO4J_URI"):
        yield Neo4jServer(uri=os.environ["NEO4J_URI"], user=os.environ.get("NEO4J_USER"),
                          password=os.environ.get("NEO4J_PASSWORD"))
        return
    server = Neo4jServer(uri="", name=_instance_name("main"), managed=True)
    server.start()
    try:
        yield server
    finally:
        server.stop(purge=True)


@pytest.fixture
def neo4j_driver(neo4j_server):
    """A driver on the session server with this tool's nodes wiped first."""
    from kg.neo4j.wipe import wipe

    driver = neo4j_server.driver()
    try:
        wipe(driver)
        yield driver
    finally:
        driver.close()


@pytest.fixture
def managed_instance():
    """Factory ``start(tag, password=None, running=True) -> Neo4jServer`` for dedicated instances, purged after
    the test; ``running=False`` leaves a new instance unstarted (``neo4j-admin`` imports into it first)."""
    if _skip_requested():
        pytest.skip("KG_SKIP_NEO4J=1")
    started: list[Neo4jServer] = []

    def start(tag: str, password: str | None = None, running: bool = True) -> Neo4jServer:
        server = Neo4jServer(uri="", name=_instance_name(tag), managed=True, password=password, user="neo4j")
        started.append(server)
        if running:
            server.start(password=password)
        return server

    yield start
    for server in started:
        server.stop(purge=True)


def run_kg(*args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``python -m kg ARGS`` in the repo and capture its output."""
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=REPO, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=timeout)


def _paper(G: nx.MultiDiGraph, pid: str, title: str, source: str) -> None:
    G.add_node(pid, label="Paper", name=title, title=title, abstract=f"Abstract of {title}.", aliases=[],
               sources=[source], date="2024-05-01", authors=["A. Author", "B. Autor"], url=None, arxiv_id=pid)


def _entity(G: nx.MultiDiGraph, eid: str, label: str, name: str, aliases: list[str], paper_count: int) -> None:
    G.add_node(eid, label=label, name=name, aliases=aliases, paper_count=paper_count)


def _edge(G: nx.MultiDiGraph, u: str, v: str, rel: str, paper: str, evidence: str, conf: float = 0.8) -> None:
    G.add_edge(u, v, key=f"{rel}:{paper}", type=rel, paper=paper, evidence=evidence, rule=f"r-{rel.lower()}",
               confidence=conf)


def make_corpus_a() -> nx.MultiDiGraph:
    """Three papers; answers known by construction.

    * datasets by USES papers: MathBench 3 (2401.00001, 2401.00002, 2401.00003), ``{Brace} Set {0}`` 1.
    * OUTPERFORMS Llama-Base: papers 2401.00001 and 2401.00003; OUTPERFORMS ``O'Neil…``: 2401.00002.
    * EXTENDS chain: QLoRA -> LoRA -> Low-Rank Adaptation Root; ``Back`tick`Former`` -> QLoRA.
    """
    G = nx.MultiDiGraph()
    _paper(G, "2401.00001", "Llama-X: a \"quoted\" {model}", "day1.txt")
    _paper(G, "2401.00002", "QLoRA-style tuning", "day1.txt")
    _paper(G, "2401.00003", "Ñandú benchmark study", "day2.txt")
    _entity(G, "ent:llama-x", "Model", "Llama-X", ["LlamaX", "Llama X"], 1)
    _entity(G, "ent:llama-base", "Model", "Llama-Base", ["Llama"], 2)
    _entity(G, "ent:oneil", "Model", HOSTILE_NAMES[0], [], 1)
    _entity(G, "ent:mathbench", "Dataset", "MathBench", ["MATH-Bench"], 3)
    _entity(G, "ent:brace", "Dataset", HOSTILE_NAMES[2], [], 1)
    _entity(G, "ent:nandu", "Dataset", HOSTILE_NAMES[3], ["nandu"], 1)
    _entity(G, "ent:lora", "Technique", "LoRA", ["low-rank adapters"], 2)
    _entity(G, "ent:qlora", "Technique", "QLoRA", [], 1)
    _entity(G, "ent:root", "Technique", "Low-Rank Adaptation Root", [], 1)
    _entity(G, "ent:backtick", "Technique", HOSTILE_NAMES[1], [], 1)
    _entity(G, "ent:script", "Technique", HOSTILE_NAMES[4], [], 1)
    _entity(G, "ent:slash", "Model", HOSTILE_NAMES[5], [], 1)
    _entity(G, "ent:newline", "Technique", HOSTILE_NAMES[6], [], 1)
    p1, p2, p3 = "2401.00001", "2401.00002", "2401.00003"
    for e in ("ent:llama-x", "ent:llama-base", "ent:mathbench", "ent:brace", "ent:lora", "ent:slash"):
        _edge(G, p1, e, "MENTIONS", p1, f"{p1} names {e}.", 1.0)
    _edge(G, p1, "ent:llama-x", "INTRODUCES", p1, "We introduce Llama-X, a \"quoted\" {model}.", 0.95)
    _edge(G, "ent:llama-x", "ent:llama-base", "OUTPERFORMS", p1, "Llama-X outperforms Llama-Base on MathBench.")
    _edge(G, "ent:llama-x", "ent:mathbench", "USES", p1, "We evaluate on MathBench.")
    _edge(G, "ent:llama-x", "ent:brace", "USES", p1, "Evidence with `backticks`, {braces} and 'quotes'.")
    _edge(G, "ent:llama-x", "ent:lora", "USES", p1, "Fine-tuned with LoRA.", 0.7)
    for e in ("ent:qlora", "ent:lora", "ent:mathbench", "ent:oneil", "ent:backtick", "ent:root", "ent:llama-base"):
        _edge(G, p2, e, "MENTIONS", p2, f"{p2} names {e}.", 1.0)
    _edge(G, p2, "ent:qlora", "INTRODUCES", p2, "We propose QLoRA.")
    _edge(G, "ent:qlora", "ent:lora", "EXTENDS", p2, "QLoRA extends LoRA with quantisation.")
    _edge(G, "ent:qlora", "ent:mathbench", "USES", p2, "QLoRA is evaluated on MathBench.")
    _edge(G, "ent:qlora", "ent:oneil", "OUTPERFORMS", p2, "QLoRA beats O'Neil \"Quoted\" Net.")
    _edge(G, "ent:lora", "ent:root", "EXTENDS", p2, "LoRA itself extends the root idea.", 0.6)
    _edge(G, "ent:backtick", "ent:qlora", "EXTENDS", p2, "Back`tick`Former is a QLoRA variant.", 0.55)
    for e in ("ent:nandu", "ent:mathbench", "ent:llama-base", "ent:script", "ent:newline", "ent:llama-x"):
        _edge(G, p3, e, "MENTIONS", p3, f"{p3} names {e}.", 1.0)
    _edge(G, p3, "ent:nandu", "INTRODUCES", p3, "We release Ñandú-数据集 🚀.")
    _edge(G, p3, "ent:mathbench", "USES", p3, "We also report MathBench.")
    _edge(G, p3, "ent:llama-base", "OUTPERFORMS", p3, "Our baseline beats Llama-Base.")
    _edge(G, p3, "ent:script", "USES", p3, "Uses <script>alert('x')</script> as a technique.")
    _edge(G, p3, "ent:newline", "USES", p3, "Line\nBreak\tTab technique.")
    return G


def make_corpus_b() -> nx.MultiDiGraph:
    """Two new papers sharing MathBench, LoRA and Llama-Base with corpus A (new alias ``MB``), one new model."""
    G = nx.MultiDiGraph()
    _paper(G, "2402.00010", "Tiny-Z beats Llama-Base", "day3.txt")
    _paper(G, "2402.00011", "LoRA for all", "day3.txt")
    _entity(G, "ent:tiny-z", "Model", "Tiny-Z", [], 1)
    _entity(G, "ent:llama-base", "Model", "Llama-Base", ["Llama"], 1)
    _entity(G, "ent:mathbench", "Dataset", "MathBench", ["MATH-Bench", "MB"], 2)
    _entity(G, "ent:lora", "Technique", "LoRA", ["low-rank adapters"], 1)
    p4, p5 = "2402.00010", "2402.00011"
    for e in ("ent:tiny-z", "ent:llama-base", "ent:mathbench"):
        _edge(G, p4, e, "MENTIONS", p4, f"{p4} names {e}.", 1.0)
    _edge(G, p4, "ent:tiny-z", "INTRODUCES", p4, "We introduce Tiny-Z.")
    _edge(G, "ent:tiny-z", "ent:llama-base", "OUTPERFORMS", p4, "Tiny-Z outperforms Llama-Base.")
    _edge(G, "ent:tiny-z", "ent:mathbench", "USES", p4, "Tiny-Z is evaluated on MathBench.")
    for e in ("ent:lora", "ent:mathbench"):
        _edge(G, p5, e, "MENTIONS", p5, f"{p5} names {e}.", 1.0)
    _edge(G, p5, "ent:lora", "USES", p5, "We apply LoRA.")
    _edge(G, p5, "ent:mathbench", "USES", p5, "We test on MathBench.")
    return G


def snapshot(driver) -> tuple[dict, dict]:
    """Every KgNode's properties and labels by id, and every relationship's properties by identity."""
    nodes = {r["id"]: (sorted(r["labels"]), r["props"]) for r in driver.execute_query(
        "MATCH (n:KgNode) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props").records}
    rels = {}
    for r in driver.execute_query(
            "MATCH (s:KgNode)-[r]->(t:KgNode) RETURN s.id AS s, t.id AS t, type(r) AS type, properties(r) AS props"
    ).records:
        ident = (r["s"], r["t"], r["type"], r["props"]["paper"])
        assert ident not in rels, f"duplicate relationship {ident}"
        rels[ident] = r["props"]
    return nodes, rels


def expected_snapshot(G: nx.MultiDiGraph) -> tuple[dict, dict]:
    """What :func:`snapshot` must return after loading ``G`` alone, computed from the graph."""
    nodes = {}
    for n, d in G.nodes(data=True):
        props = {k: to_property(v) for k, v in d.items() if v is not None}
        props["id"] = n
        props.setdefault("aliases", [])
        props.setdefault("sources", [])
        nodes[n] = (sorted(["KgNode", d["label"]]), props)
    rels = {}
    for u, v, k, d in G.edges(keys=True, data=True):
        props = {kk: vv for kk, vv in d.items() if kk not in ("type",) and vv is not None}
        props["key"] = k
        rels[(u, v, d["type"], d["paper"])] = props
    return nodes, rels
