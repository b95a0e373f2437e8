"""The build pipeline: an ordered list of named steps, one module per step.

``read`` -> ``extract`` -> ``resolve`` -> ``graph`` -> ``write``

``run_build`` wires them together for ``kg build``; ``run_extract`` runs the first two for ``kg extract``.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from kg.errors import KgError
from kg.pipeline.read import ReadStats, iter_inputs
from kg.records import BadRecord, Extraction

STEPS = ("read", "extract", "resolve", "graph", "write")

log = logging.getLogger(__name__)


@dataclass
class BuildSummary:
    """What a build produced: counts for the summary table, timings per step, skipped records."""

    records: int = 0
    papers: int = 0
    entities: Counter = field(default_factory=Counter)
    edges: Counter = field(default_factory=Counter)
    skipped: list[BadRecord] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    outputs: list[Path] = field(default_factory=list)

    def skipped_by_reason(self) -> Counter:
        return Counter(b.reason.split(" (")[0].split(":")[0] for b in self.skipped)


def _progress(iterable, *, enabled: bool, desc: str):
    return tqdm(iterable, desc=desc, unit=" rec", disable=not enabled, leave=False, mininterval=0.5)


def run_extract(inputs: list[str], out_file: Path, *, fmt: str | None = None, workers: int = 1,
                spacy_model: str | None = None, progress: bool = True) -> BuildSummary:
    """Read and extract only: write one extractions line per record to ``out_file`` (atomically)."""
    from kg.nlp.pipeline import build_nlp
    from kg.pipeline.extract import extract_records
    from kg.pipeline.write import commit, discard, tmp_path
    from kg.writers.extractions import extraction_line

    summary = BuildSummary()
    stats = ReadStats()
    nlp = build_nlp(spacy_model)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    try:
        with open(tmp_path(out_file), "w", encoding="utf-8") as fh:
            records = _progress(iter_inputs(inputs, fmt, stats), enabled=progress, desc="extract")
            for ex in extract_records(records, nlp, n_process=workers, failures=summary.skipped):
                fh.write(extraction_line(ex))
                summary.records += 1
    except BaseException:
        discard([out_file])
        raise
    commit([out_file])
    summary.skipped = stats.skipped + summary.skipped
    summary.seconds["read+extract"] = time.perf_counter() - t0
    summary.outputs = [out_file]
    return summary


def run_build(inputs: list[str], out_dir: Path, *, fmt: str | None = None, workers: int = 1,
              spacy_model: str | None = None, html: bool = True, progress: bool = True) -> BuildSummary:
    """Run every step and write ``graph.json``, ``graph.graphml``, ``extractions.jsonl`` and ``graph.html``."""
    from kg.nlp.pipeline import build_nlp
    from kg.pipeline.extract import extract_records
    from kg.pipeline.graph import build_graph
    from kg.pipeline.resolve import resolve
    from kg.pipeline.write import commit, discard, tmp_path, write_graph_files
    from kg.writers.extractions import extraction_line

    summary = BuildSummary()
    stats = ReadStats()
    out_dir.mkdir(parents=True, exist_ok=True)
    extractions_path = out_dir / "extractions.jsonl"
    written: list[Path] = [extractions_path]
    try:
        t0 = time.perf_counter()
        nlp = build_nlp(spacy_model)
        nlp.get_pipe("kg_gazetteer").initialize()
        summary.seconds["load"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        extractions: list[Extraction] = []
        with open(tmp_path(extractions_path), "w", encoding="utf-8") as fh:
            records = _progress(iter_inputs(inputs, fmt, stats), enabled=progress, desc="extract")
            for ex in extract_records(records, nlp, n_process=workers, failures=summary.skipped):
                fh.write(extraction_line(ex))
                extractions.append(ex)
        summary.seconds["read+extract"] = time.perf_counter() - t0
        summary.records = len(extractions)
        if not extractions:
            raise KgError(f"no usable records in {', '.join(inputs)} ({len(stats.skipped)} skipped)")

        t0 = time.perf_counter()
        res = resolve(extractions)
        summary.seconds["resolve"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        G = build_graph(res)
        summary.seconds["graph"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        written = [extractions_path, *write_graph_files(G, out_dir, html=html)]
        commit(written)
        summary.seconds["write"] = time.perf_counter() - t0
    except BaseException:
        discard(written + [out_dir / n for n in ("graph.json", "graph.graphml", "graph.html")])
        raise
    summary.skipped = stats.skipped + summary.skipped
    summary.papers = sum(1 for _, d in G.nodes(data=True) if d["label"] == "Paper")
    summary.entities = Counter(d["label"] for _, d in G.nodes(data=True) if d["label"] != "Paper")
    summary.edges = Counter(d["type"] for _, _, d in G.edges(data=True))
    summary.outputs = written
    return summary
