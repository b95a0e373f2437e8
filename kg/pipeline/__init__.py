"""The build pipeline: an ordered list of named steps, one module per step.

``read`` -> ``extract`` -> ``resolve`` -> ``graph`` -> ``write``

``run_build`` wires them together for ``kg build``; ``run_extract`` runs the first two for ``kg extract``.

Failures a user can cause end as a ``KgError`` (``kg.errors``) before anything is moved into place, so an
earlier build in the same folder stays intact; the reading step skips bad records and bad files
(``kg.pipeline.read``, ``kg.pipeline.report``) unless ``strict`` asks to fail on them.
"""

from __future__ import annotations

import functools
import gc
import logging
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import KgError, OutputError, StrictError
from kg.nlp.pattern_cache import CACHE_NAME as PATTERN_CACHE
from kg.pipeline.read import ReadStats, iter_inputs
from kg.pipeline.report import Reporter
from kg.pipeline.write import GRAPH_INDEX, GraphWriter
from kg.records import BadRecord
from kg.schema import PAPER

if TYPE_CHECKING:             # the graph step's hand-over to the write step (imported where it is made)
    from kg.pipeline.splice import Assembly

STEPS = ("read", "extract", "resolve", "graph", "write")

log = logging.getLogger(__name__)


@dataclass
class BuildSummary:
    """What a build produced: counts for the summary table, timings per step, what was skipped or merged."""

    records: int = 0
    papers: int = 0
    entities: Counter = field(default_factory=Counter)
    edges: Counter = field(default_factory=Counter)
    skipped: list[BadRecord] = field(default_factory=list)
    skipped_files: list[BadRecord] = field(default_factory=list)
    duplicates: int = 0                  # papers read from more than one record
    duplicates_differing: int = 0        # ... whose records' texts differ
    seconds: dict[str, float] = field(default_factory=dict)
    outputs: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    reused: int | None = None        # kg build --update: records whose earlier extraction was reused
    copied: int | None = None        # kg build --update: papers whose edges were copied from the earlier files

    def skipped_by_reason(self) -> Counter:
        return Counter(b.kind for b in self.skipped)


def _progress(iterable, *, enabled: bool, desc: str):
    """``iterable`` with a progress bar when ``enabled``; tqdm (a twentieth of a second to import) only then."""
    if not enabled:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, desc=desc, unit=" rec", leave=False, mininterval=0.5)


class Stages:
    """A one-line progress bar over the named steps (only when ``enabled``, i.e. on a terminal)."""

    def __init__(self, steps: tuple[str, ...], *, enabled: bool) -> None:
        self._bar = None
        if enabled:
            from tqdm import tqdm

            self._bar = tqdm(total=len(steps), leave=False, unit=" step",
                             bar_format="kg: {desc} [{n_fmt}/{total_fmt} steps, {elapsed}]")

    def start(self, name: str) -> None:
        if self._bar is not None:
            self._bar.set_description_str(name)
            self._bar.refresh()

    def done(self) -> None:
        if self._bar is not None:
            self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


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


def _finish_reading(stats: ReadStats, failures: list[BadRecord], *, strict: bool) -> None:
    """Hand extraction failures to the reporter; with ``strict``, fail when anything was skipped."""
    for bad in failures:
        stats.reporter.skip(bad, printed=True)
    if strict and (stats.reporter.skipped or stats.skipped_files):
        first = (stats.skipped_files + stats.reporter.skipped)[0]
        where = f"{first.source}:{first.line}" if first.line else first.source
        raise StrictError(f"--strict: {len(stats.reporter.skipped)} records and {len(stats.skipped_files)} files "
                          f"skipped (first: {where}: {first.reason}); nothing written")


@contextmanager
def fewer_collections(young: int = 100_000) -> Iterator[None]:
    """Let the cyclic garbage collector wait for ``young`` new objects (instead of 700) before a collection.

    A build holds hundreds of thousands of long-lived objects (paper metadata, the earlier build's index and
    tally, the graph), and each collection of the older generations walks all of them: with the default
    threshold that was a sixth of an update's CPU time. What is collected does not change, only how often.
    ``pause_collections`` inside the block switches the collector off until the block ends.
    """
    before = gc.get_threshold()
    enabled = gc.isenabled()
    gc.set_threshold(max(young, before[0]), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        if enabled:
            gc.enable()


def pause_collections() -> None:
    """Switch the cyclic garbage collector off until the enclosing ``fewer_collections`` block ends.

    For the graph and write steps: they add long-lived objects (the graph, the view of graph.html, the page's
    data) and make next to no cyclic garbage, so each collection there walks the new objects and frees nothing;
    at 5,050 records that was half a second of an update's CPU time with graph.html. Outputs do not change.
    """
    gc.disable()


def _write_errors(exc: OSError, where: Path) -> Exception:
    """An OS error about an output file, as a one-line ``OutputError`` naming the file; others unchanged
    (``spacy.load`` raises ``OSError`` for a missing model, which is not an output problem)."""
    name = str(exc.filename or "")
    out = str(where)
    if not name or not (name == out or name.startswith(out.rstrip("/") + "/") or name.startswith(str(where.parent))):
        return exc
    return OutputError(f"{name}: cannot write: {exc.strerror or exc}")


def extractor_version(rules_only: bool) -> str:
    """What decided the extraction: ``rules`` or ``learned:<model version>`` (recorded in graph.json)."""
    if rules_only:
        return "rules"
    from kg.learn.decide import shipped_bundle

    return "learned:" + shipped_bundle().version


def run_extract(inputs: list[str], out_file: Path, *, fmt: str | None = None, workers: int = 1,
                spacy_model: str | None = None, progress: bool = True, reporter: Reporter | None = None,
                strict: bool = False, rules_only: bool = False) -> BuildSummary:
    """Read and extract only: write one extractions line per record to ``out_file`` (atomically)."""
    from kg.nlp.pipeline import build_nlp
    from kg.pipeline.extract import extract_records
    from kg.pipeline.write import commit, discard, prepare_output_file, tmp_path
    from kg.io.extractions import extraction_line

    summary = BuildSummary()
    stats = ReadStats(reporter=reporter or Reporter())
    prepare_output_file(out_file)
    nlp = build_nlp(spacy_model)
    t0 = time.perf_counter()
    try:
        with open(tmp_path(out_file), "w", encoding="utf-8") as fh:
            records = _progress(iter_inputs(inputs, fmt, stats, skip=(out_file,)), enabled=progress,
                                desc="extract")
            for ex in extract_records(records, nlp, n_process=workers, failures=summary.skipped,
                                      spacy_model=spacy_model, rules_only=rules_only):
                fh.write(extraction_line(ex))
                summary.records += 1
        _finish_reading(stats, summary.skipped, strict=strict)
        commit([out_file])
    except OSError as exc:
        discard([out_file])
        raise _write_errors(exc, out_file) from None
    except BaseException:
        discard([out_file])
        raise
    summary.skipped = stats.skipped + summary.skipped
    summary.skipped_files = stats.skipped_files
    summary.seconds["read+extract"] = time.perf_counter() - t0
    summary.outputs = [out_file]
    return summary


def core_writers() -> dict[str, GraphWriter]:
    """The writers of every in-memory build: ``graph.json`` and ``graph.graphml`` (``kg.io``)."""
    from kg.io.graph_json import write_graph_json
    from kg.io.graphml import write_graphml

    return {"graph.json": write_graph_json, "graph.graphml": write_graphml}


def run_build(inputs: list[str], out_dir: Path, *, fmt: str | None = None, workers: int = 1,
              spacy_model: str | None = None, writers: Mapping[str, GraphWriter] | None = None,
              progress: bool = True, neo4j_csv: bool = False, reporter: Reporter | None = None,
              strict: bool = False, rules_only: bool = False, update: bool = False) -> BuildSummary:
    """Run every step and write ``extractions.jsonl`` and one file per writer of ``writers``.

    ``writers`` maps an output file name to its writer (``kg.pipeline.write``); the default writes
    ``graph.json`` and ``graph.graphml`` (``kg.io``); ``kg.api.graph_writers`` adds ``graph.html``.

    With ``neo4j_csv`` the graph is never assembled in NetworkX: ``extractions.jsonl`` and the
    ``neo4j-admin`` import files in ``DIR/neo4j-import/`` are written instead (``kg.pipeline.neo4j_csv``).
    Build outputs this run does not write (``graph.html`` without its writer) are removed, so the folder
    never mixes two builds; ``summary.removed`` lists them.
    With ``update`` the extractions of the earlier build in ``out_dir`` are reused for records whose text is
    unchanged (``kg.pipeline.reuse``); the outputs are the same bytes as without it.
    """
    from kg.pipeline.write import BUILD_OUTPUTS, discard, prepare_output_dir

    summary = BuildSummary()
    stats = ReadStats(reporter=reporter or Reporter())
    writers = core_writers() if writers is None else writers
    outputs = (*BUILD_OUTPUTS, *(name for name in writers if name not in BUILD_OUTPUTS))
    prepare_output_dir(out_dir, (*outputs, PATTERN_CACHE, GRAPH_INDEX))
    written: list[Path] = [out_dir / "extractions.jsonl"]
    stages = Stages(("load", "extract", "resolve", "graph", "write"), enabled=progress)
    try:
        with fewer_collections():
            written = _build_steps(inputs, out_dir, summary, stats, stages, fmt=fmt, workers=workers,
                                   spacy_model=spacy_model, writers=writers, progress=progress,
                                   neo4j_csv=neo4j_csv, strict=strict, rules_only=rules_only, update=update)
    except OSError as exc:
        discard([out_dir / name for name in outputs])
        raise _write_errors(exc, out_dir) from None
    except BaseException:
        discard([out_dir / name for name in outputs])
        raise
    finally:
        stages.close()
    summary.skipped = stats.skipped + summary.skipped
    summary.skipped_files = stats.skipped_files
    summary.outputs = written
    return summary


def _build_steps(inputs: list[str], out_dir: Path, summary: BuildSummary, stats: ReadStats, stages: Stages, *,
                 fmt: str | None, workers: int, spacy_model: str | None, writers: Mapping[str, GraphWriter],
                 progress: bool,
                 neo4j_csv: bool, strict: bool, rules_only: bool = False, update: bool = False) -> list[Path]:
    """The steps of ``run_build``; returns the files written (already moved into place)."""
    from kg.pipeline.extract import LazyPipeline, extract_records
    from kg.pipeline.splice import FILES, GraphIndex, save_index
    from kg.pipeline.splice import write as write_spliced
    from kg.pipeline.reuse import Reuse, Reused, write_build_state
    from kg.pipeline.store import ExtractionWriter, PaperRef
    from kg.pipeline.write import commit, remove_stale, tmp_path, write_graph_files

    extractions_path = out_dir / "extractions.jsonl"
    reuse = Reuse.open(out_dir, spacy_model, rules_only, fmt) if update else None
    if reuse is not None and reuse.note:
        log.warning("%s", reuse.note)
    stages.start("load")
    nlp = LazyPipeline(spacy_model, cache=out_dir / PATTERN_CACHE, rules_only=rules_only)
    if reuse is None or workers > 1:
        nlp.get()                    # a full build always needs it; an update only when a record is new
    stages.done()

    stages.start("extract")
    t0 = time.perf_counter()
    refs: list[PaperRef] = []        # paper metadata + line offset; the extractions themselves stay on disk
    with open(tmp_path(extractions_path), "wb") as fh:
        writer = ExtractionWriter(fh)
        stream = iter_inputs(inputs, fmt, stats, reuse.block if reuse is not None else None, skip=(out_dir,))
        records = TimedIterator(reuse.wrap(stream) if reuse is not None else stream)
        for ex in extract_records(_progress(records, enabled=progress, desc="extract"), nlp, n_process=workers,
                                  failures=summary.skipped, spacy_model=spacy_model, rules_only=rules_only):
            refs.append(writer.write_line(ex.paper, reuse.line(ex)) if isinstance(ex, Reused) else writer.write(ex))
    load_seconds = nlp.seconds if reuse is not None and workers <= 1 else 0.0   # paid inside the extract step
    summary.seconds["load"] = nlp.seconds
    summary.seconds["read"] = records.seconds
    summary.seconds["extract"] = time.perf_counter() - t0 - records.seconds - load_seconds
    summary.records = len(refs)
    if reuse is not None:
        summary.reused = reuse.reused
        reuse.close()
    _finish_reading(stats, summary.skipped, strict=strict)
    whole = not (stats.skipped or stats.skipped_files or summary.skipped) and \
        sum(f.items for f in stats.clean) == len(refs)
    inputs_read = stats.clean if whole else None     # where each input file's lines are, for the next update
    if not refs:
        what = f"{len(stats.skipped) + len(summary.skipped)} records and {len(stats.skipped_files)} files skipped"
        raise KgError(f"no usable records in {', '.join(inputs)} ({what})")
    stages.done()

    stages.start("resolve")
    t0 = time.perf_counter()
    core = _core_files(writers)
    index = GraphIndex.load(out_dir) if update and core and not neo4j_csv else None
    res, store = _resolve(refs, extractions_path, index)
    extractor = reuse.extractor if reuse is not None and reuse.extractor else extractor_version(rules_only)
    del refs
    _report_duplicates(res.duplicates, stats.reporter, summary)
    summary.seconds["resolve"] = time.perf_counter() - t0
    stages.done()

    if neo4j_csv:
        from kg.pipeline.neo4j_csv import stream_neo4j_csv

        stages.start("graph+write")
        t0 = time.perf_counter()
        written = [extractions_path, *stream_neo4j_csv(res, out_dir / "neo4j-import", edge_counts=summary.edges)]
        store.close()
        (out_dir / GRAPH_INDEX).unlink(missing_ok=True)
        commit([extractions_path])
        write_build_state(out_dir, spacy_model, rules_only, extractor, inputs_read, fmt)
        summary.removed = remove_stale(out_dir, written)
        summary.seconds["graph+write"] = time.perf_counter() - t0
        summary.papers = len(res.papers)
        summary.entities = Counter(ent.label for ent in res.entities.values())
        stages.done()
        return written

    stages.start("graph")
    t0 = time.perf_counter()
    pause_collections()
    plain = core and set(writers) == set(FILES)      # only the graph files: no NetworkX graph (nor import)
    asm = _assemble(res, store, index, extractor, plain)     # another view (graph.html) gets every edge
    G = asm.graph
    if update:
        log.info("graph: the edges of %d of %d papers copied from the earlier files", asm.copied, len(asm.papers))
    summary.seconds["graph"] = time.perf_counter() - t0
    stages.done()

    stages.start("write")
    t0 = time.perf_counter()
    if core:
        json_path, graphml_path = out_dir / "graph.json", out_dir / "graph.graphml"
        try:
            keys, places, node_places, digests = write_spliced(asm, tmp_path(json_path), tmp_path(graphml_path))
        except (ValueError, IndexError, TypeError) as exc:   # an earlier file is not what its index says
            if asm.old is None:
                raise
            log.info("%s: %s: assembling the whole graph", out_dir / GRAPH_INDEX, exc)
            asm = _assemble(res, store, None, extractor, plain)
            G = asm.graph
            keys, places, node_places, digests = write_spliced(asm, tmp_path(json_path), tmp_path(graphml_path))
        if update:
            summary.copied = asm.copied
        others = _completing({name: w for name, w in writers.items() if name not in FILES}, asm)
        written = [extractions_path, json_path, graphml_path, *write_graph_files(G, out_dir, others)]
    else:
        written = [extractions_path, *write_graph_files(G, out_dir, writers)]
    store.close()
    del res, store
    (out_dir / GRAPH_INDEX).unlink(missing_ok=True)  # it describes the files about to be replaced
    commit(written)
    if core:
        save_index(out_dir, asm, keys, places, node_places, digests)
    write_build_state(out_dir, spacy_model, rules_only, extractor, inputs_read, fmt)
    summary.removed = remove_stale(out_dir, written)
    summary.seconds["write"] = time.perf_counter() - t0
    stages.done()
    summary.papers = sum(1 for _, d in G.nodes(data=True) if d["label"] == PAPER)
    summary.entities = Counter(d["label"] for _, d in G.nodes(data=True) if d["label"] != PAPER)
    summary.edges = asm.edge_types()
    return written


def _assemble(res, store, index, extractor: str, plain: bool = False):
    """The graph of ``res`` (``kg.pipeline.splice.assemble``), copying what ``index`` allows: all of it anew when
    copied edges would not keep their GraphML key ids; the graph records ``extractor``. ``plain``: a
    ``kg.pipeline.plaingraph.PlainGraph``, for a graph only written to graph.json and graph.graphml; else a
    ``MultiDiGraph`` with every edge, for the other views (graph.html), even those copied into the graph files."""
    from kg.pipeline.splice import assemble, spliceable

    asm = assemble(res, store, index, plain, whole=not plain)
    if index is not None and not spliceable(asm, index):
        asm = assemble(res, store, None, plain)
    asm.graph.graph["extractor"] = extractor
    return asm


def _resolve(refs: list, extractions_path: Path, index) -> tuple:
    """Group the records into papers (``kg.pipeline.duplicates``) and resolve their entities: from the earlier
    build's tally when ``index`` (a ``kg.pipeline.splice.GraphIndex``) has one that can be brought up to date
    (``kg.pipeline.retally``), else from every paper, as ``kg.pipeline.resolve.resolve`` does. Returns the
    ``Resolution`` and the ``ExtractionStore`` of the new extractions.jsonl (still at its ``.tmp`` name)."""
    from kg.pipeline.duplicates import group_papers
    from kg.pipeline.resolve import resolve_entities
    from kg.pipeline.retally import retally
    from kg.pipeline.store import ExtractionStore
    from kg.pipeline.write import tmp_path

    groups = group_papers(refs)
    store = ExtractionStore(tmp_path(extractions_path), groups.members)
    res = None
    if index is not None and index.tally is not None:
        res = retally(groups.papers, store, index.papers, index.tally, index.expansions, extractions_path)
    if res is None:
        res = resolve_entities(groups.papers, store)
    res.duplicates = groups.duplicates
    return res, store


def _completing(writers: Mapping[str, GraphWriter], asm: Assembly) -> dict[str, GraphWriter]:
    """The writers of the other views, given what they read of the edges an update copied (which the graph holds
    with their type and paper only, ``kg.pipeline.splice.EarlierEdges``): graph.html's writer (``kg.viz``, known by
    module and name, also inside a ``functools.partial``) fills in those it draws as it reads them; any other writer
    is run after all of them are filled in."""
    if asm.earlier is None:
        return dict(writers)

    def complete_then(write: GraphWriter) -> GraphWriter:
        def run(G, path):
            asm.fill_all()
            return write(G, path)
        return run

    out: dict[str, GraphWriter] = {}
    for name, write in writers.items():
        if _standard(getattr(write, "func", write), "kg.viz", "write_graph_html"):
            out[name] = functools.partial(write, fill=asm.earlier.fill)
        else:
            out[name] = complete_then(write)
    return out


def _standard(writer: object, module: str, name: str) -> bool:
    """Whether ``writer`` is kg's own function ``module.name`` (not a stand-in put in its place)."""
    return getattr(writer, "__module__", None) == module and getattr(writer, "__qualname__", None) == name


def _core_files(writers: Mapping[str, GraphWriter]) -> bool:
    """Whether graph.json and graph.graphml are written by the standard writers (then ``kg.io.graph_files``
    writes both at once and records where every node and edge is, for the next ``--update``). They are known by
    module and name, so a stand-in put in their place (a wrapper, a test's failing writer) is run as given."""
    return (_standard(writers.get("graph.json"), "kg.io.graph_json", "write_graph_json")
            and _standard(writers.get("graph.graphml"), "kg.io.graphml", "write_graphml"))


def _report_duplicates(groups, reporter: Reporter, summary: BuildSummary) -> None:
    """Warn about papers read from records that differ (identical repeats only at -v), and count them all."""
    summary.duplicates = len(groups)
    for group in groups:
        source, line = group.places[1]
        if group.differs or group.titles_differ:
            summary.duplicates_differing += 1
            reporter.warn(source, line, group.message())
        else:
            log.info("%s:%s: %s", source, line, group.message())
    reporter.close()
