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
from kg.records import BadRecord

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
    reused: int | None = None        # kg build --update: records whose earlier extraction was reused

    def skipped_by_reason(self) -> Counter:
        return Counter(b.reason.split(" (")[0].split(":")[0] for b in self.skipped)


def _progress(iterable, *, enabled: bool, desc: str):
    return tqdm(iterable, desc=desc, unit=" rec", disable=not enabled, leave=False, mininterval=0.5)


class TimedIterator:
    """Wrap an iterator and add up the time spent inside its ``__next__`` (the read step, interleaved with extraction)."""

    def __init__(self, iterable) -> None:
        self._it = iter(iterable)
        self.seconds = 0.0

    def __iter__(self) -> "TimedIterator":
        return self

    def __next__(self):
        t0 = time.perf_counter()
        try:
            return next(self._it)
        finally:
            self.seconds += time.perf_counter() - t0


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
            for ex in extract_records(records, nlp, n_process=workers, failures=summary.skipped,
                                      spacy_model=spacy_model):
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
              spacy_model: str | None = None, html: bool = True, progress: bool = True,
              neo4j_csv: bool = False, update: bool = False) -> BuildSummary:
    """Run every step and write ``graph.json``, ``graph.graphml``, ``extractions.jsonl`` and ``graph.html``.

    With ``neo4j_csv`` the graph is never assembled in NetworkX: ``extractions.jsonl`` and the
    ``neo4j-admin`` import files in ``DIR/neo4j-import/`` are written instead (``kg.pipeline.neo4j_csv``).
    With ``update`` the extractions of the earlier build in ``out_dir`` are reused for records whose text is
    unchanged (``kg.pipeline.reuse``); the outputs are the same bytes as without it.
    """
    from kg.nlp.pipeline import build_nlp
    from kg.pipeline.extract import extract_records
    from kg.pipeline.graph import build_graph
    from kg.pipeline.resolve import resolve
    from kg.pipeline.reuse import Reuse, write_build_state
    from kg.pipeline.store import ExtractionStore, ExtractionWriter, PaperRef
    from kg.pipeline.write import commit, discard, tmp_path, write_graph_files

    summary = BuildSummary()
    stats = ReadStats()
    out_dir.mkdir(parents=True, exist_ok=True)
    extractions_path = out_dir / "extractions.jsonl"
    written: list[Path] = [extractions_path]
    reuse = Reuse.open(out_dir, spacy_model) if update else None
    if reuse is not None and reuse.note:
        log.warning("%s", reuse.note)
    try:
        t0 = time.perf_counter()
        nlp = build_nlp(spacy_model)
        nlp.get_pipe("kg_gazetteer").initialize()
        summary.seconds["load"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        refs: list[PaperRef] = []        # paper metadata + line offset; the extractions themselves stay on disk
        with open(tmp_path(extractions_path), "wb") as fh:
            writer = ExtractionWriter(fh)
            stream = iter_inputs(inputs, fmt, stats)
            records = TimedIterator(reuse.wrap(stream) if reuse is not None else stream)
            for ex in extract_records(_progress(records, enabled=progress, desc="extract"), nlp, n_process=workers,
                                      failures=summary.skipped, spacy_model=spacy_model):
                refs.append(writer.write(ex))
        summary.seconds["read"] = records.seconds
        summary.seconds["extract"] = time.perf_counter() - t0 - records.seconds
        summary.records = len(refs)
        if reuse is not None:
            summary.reused = reuse.reused
            reuse.close()
        if not refs:
            raise KgError(f"no usable records in {', '.join(inputs)} ({len(stats.skipped)} skipped)")

        t0 = time.perf_counter()
        store = None

        def load(chosen: dict[str, PaperRef]) -> ExtractionStore:
            nonlocal store
            store = ExtractionStore(tmp_path(extractions_path), chosen)
            return store

        res = resolve(refs, load=load)
        del refs
        summary.seconds["resolve"] = time.perf_counter() - t0

        if neo4j_csv:
            from kg.pipeline.neo4j_csv import stream_neo4j_csv

            t0 = time.perf_counter()
            written = [extractions_path, *stream_neo4j_csv(res, out_dir / "neo4j-import", edge_counts=summary.edges)]
            store.close()
            commit([extractions_path])
            write_build_state(out_dir, spacy_model)
            summary.seconds["graph+write"] = time.perf_counter() - t0
            summary.papers = len(res.papers)
            summary.entities = Counter(ent.label for ent in res.entities.values())
            summary.outputs = written
            summary.skipped = stats.skipped + summary.skipped
            return summary

        t0 = time.perf_counter()
        G = build_graph(res)
        store.close()
        del res, store                   # only the graph is needed from here on
        summary.seconds["graph"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        written = [extractions_path, *write_graph_files(G, out_dir, html=html)]
        commit(written)
        write_build_state(out_dir, spacy_model)
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
