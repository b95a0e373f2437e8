"""Step 2 — extract: run the spaCy pipeline over records and assemble one ``Extraction`` per record.

One process (``n_process=1``) streams records through ``nlp.pipe``. With ``n_process > 1`` the records are
cut into fixed-size chunks that a process pool extracts whole (``extract_partition``: spaCy *and* the
extraction rules run in the worker, only the small ``Extraction`` objects travel back); chunks are yielded
back in input order and only a bounded window of chunks is in flight, so the output is byte-identical to
one process and memory does not grow with the input. ``kg.distributed`` maps the same ``extract_partition``
over a Dask cluster.

Items that are not records (ready extractions, records reused by ``kg build --update``) pass through in
their place without touching spaCy; a ``LazyPipeline`` is built only when the first record needs it, so an
update that finds nothing new never loads spaCy.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.records import BadRecord, Extraction, PaperRecord

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

BATCH_SIZE = 128          # docs per nlp.pipe batch
CHUNK_SIZE = 256          # records per task when extraction is spread over processes

Item = PaperRecord | Extraction | Any      # any non-record item passes through unchanged


class LazyPipeline:
    """The spaCy pipeline for ``spacy_model``, built and initialised on the first ``get`` (``seconds`` it took).

    Its phrase matchers (gazetteer, cue phrases and, unless ``rules_only``, the learned lexicon) are made
    ready by ``kg.nlp.pattern_cache``: from ``cache`` (a file, normally ``DIR/.kg-patterns.json`` of the build)
    when it holds them for these rules, else remade and stored there.
    """

    def __init__(self, spacy_model: str | None = None, cache: Path | None = None, rules_only: bool = False) -> None:
        self.spacy_model = spacy_model
        self.cache = cache
        self.rules_only = rules_only
        self.seconds = 0.0
        self.from_cache = False
        self._nlp: Language | None = None

    def get(self) -> Language:
        if self._nlp is None:
            t0 = time.perf_counter()
            from kg.nlp.pattern_cache import prepare_patterns
            from kg.nlp.pipeline import build_nlp

            nlp = build_nlp(self.spacy_model)
            lexicon = None
            if not self.rules_only:
                from kg.learn.decide import shipped_bundle

                lexicon = shipped_bundle().lexicon
            rules = ""
            if self.cache is not None:
                from kg.pipeline.reuse import fingerprint

                rules = fingerprint(self.spacy_model)
            self.from_cache = prepare_patterns(nlp, lexicon, self.cache, rules)
            self._nlp = nlp
            self.seconds = time.perf_counter() - t0
        return self._nlp

    @property
    def loaded(self) -> bool:
        return self._nlp is not None


def _pipeline(nlp: Language | LazyPipeline) -> Language:
    return nlp.get() if isinstance(nlp, LazyPipeline) else nlp


def extract_records(records: Iterable[Item], nlp: Language | LazyPipeline, *, n_process: int = 1,
                    failures: list[BadRecord] | None = None, spacy_model: str | None = None,
                    chunk_size: int = CHUNK_SIZE, rules_only: bool = False) -> Iterator[Extraction]:
    """Yield an ``Extraction`` per input, in input order; other items (ready extractions) pass through unchanged.

    A record whose extraction fails is reported in ``failures`` (file, line, error) and skipped, so one
    bad record never stops the batch. ``n_process > 1`` spreads chunks of ``chunk_size`` records over a
    process pool whose workers reuse ``nlp`` (inherited on fork) or build it from ``spacy_model``.
    ``rules_only`` skips the trained models (``kg build --rules-only``).
    """
    if n_process <= 1:
        results: Iterable[Extraction | BadRecord] = _extract_stream(records, nlp, rules_only)
    else:
        results = _extract_pooled(records, nlp, n_process, spacy_model, chunk_size, rules_only)
    for result in results:
        if isinstance(result, BadRecord):
            log.warning("%s", result)
            if failures is not None:
                failures.append(result)
        else:
            yield result


def _extract_stream(records: Iterable[Item], nlp: Language | LazyPipeline,
                    rules_only: bool = False) -> Iterator[Extraction | BadRecord | Any]:
    """Extract in this process: ``nlp.pipe`` over the records' texts; other items are yielded in their place.

    ``nlp.pipe`` reads ahead, so every item read is queued in ``waiting`` and released in input order as the
    docs of the records come back. The pipeline is taken from ``nlp`` only when a record arrives.
    """
    items = iter(records)
    for item in items:
        if isinstance(item, PaperRecord):
            break
        yield item
    else:
        return                     # nothing to extract: the pipeline is never built
    from kg.extraction.assemble import doc_text, extract_doc
    from kg.learn.decide import default_decider
    from kg.nlp.rules import load_cues, load_typing
    from kg.pipeline.read import paper_metadata
    from kg.text_clean import clean_text

    nlp = _pipeline(nlp)
    typing, cues = load_typing(), load_cues()
    decider = None if rules_only else default_decider(nlp)
    waiting: deque[Item] = deque()

    def texts() -> Iterator[tuple[str, PaperRecord]]:
        for it in chain([item], items):
            waiting.append(it)
            if isinstance(it, PaperRecord):
                yield doc_text(clean_text(it.title), clean_text(it.abstract)), it

    for doc, record in nlp.pipe(texts(), as_tuples=True, batch_size=BATCH_SIZE):
        while not isinstance(waiting[0], PaperRecord):
            yield waiting.popleft()
        waiting.popleft()          # ``record`` itself
        try:
            yield extract_doc(doc, paper_metadata(record), typing, cues, decider)
        except Exception as exc:  # noqa: BLE001 - one bad record must not stop the batch
            yield BadRecord(record.source, record.line, f"extraction failed: {type(exc).__name__}: {exc}")
    yield from waiting


# --- per-process pipeline, shared by the process pool and the Dask workers --------------------------------

_NLP: dict[str | None, Language] = {}


def worker_nlp(spacy_model: str | None = None) -> Language:
    """This process's extraction pipeline for ``spacy_model`` (built and initialised once per process)."""
    nlp = _NLP.get(spacy_model)
    if nlp is None:
        nlp = _NLP[spacy_model] = LazyPipeline(spacy_model, rules_only=True).get()   # the lexicon: on first use
    return nlp


def extract_partition(items: list[Item], spacy_model: str | None = None,
                      rules_only: bool = False) -> list[Extraction | BadRecord]:
    """Extract a list of records in this process; failed records come back as ``BadRecord``.

    The unit of work of ``--workers`` and of ``kg.distributed``: everything heavy (spaCy and the rules)
    runs where this is called, and the result is as small as the extractions themselves.

    Examples
    --------
    >>> from kg.records import PaperRecord
    >>> rec = PaperRecord("TinyNet: A Small Model", "We propose TinyNet and evaluate it on ImageNet.", "x.jsonl", 1)
    >>> [ex.paper["title"] for ex in extract_partition([rec])]
    ['TinyNet: A Small Model']
    """
    return list(_extract_stream(items, worker_nlp(spacy_model), rules_only))


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _extract_pooled(records: Iterable[Item], nlp: Language | LazyPipeline, n_process: int,
                    spacy_model: str | None, chunk_size: int,
                    rules_only: bool = False) -> Iterator[Extraction | BadRecord]:
    """Extract chunks on ``n_process`` processes; yield results in input order, ``2 * n_process`` chunks in flight."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods:
        nlp = _pipeline(nlp)
        from kg.nlp.pattern_cache import PATTERN_COMPONENTS

        for name in PATTERN_COMPONENTS:
            component = nlp.get_pipe(name)
            if not component.ready:
                component.initialize()
        _NLP[spacy_model] = nlp          # forked workers inherit the initialised pipeline
        context = multiprocessing.get_context("fork")
    else:                                # pragma: no cover - platforms without fork build it per worker
        context = multiprocessing.get_context("spawn")
    window: deque[Future] = deque()
    with ProcessPoolExecutor(max_workers=n_process, mp_context=context) as pool:
        for chunk in _chunks(records, chunk_size):
            window.append(pool.submit(extract_partition, chunk, spacy_model, rules_only))
            if len(window) >= 2 * n_process:
                yield from window.popleft().result()
        while window:
            yield from window.popleft().result()
