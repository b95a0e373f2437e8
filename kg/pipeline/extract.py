"""Step 2 — extract: run the spaCy pipeline over records and assemble one ``Extraction`` per record.

One process (``n_process=1``) streams records through ``nlp.pipe``. With ``n_process > 1`` the records are
cut into fixed-size chunks that a process pool extracts whole (``extract_partition``: spaCy *and* the
extraction rules run in the worker, only the small ``Extraction`` objects travel back); chunks are yielded
back in input order and only a bounded window of chunks is in flight, so the output is byte-identical to
one process and memory does not grow with the input. ``kg.distributed`` maps the same ``extract_partition``
over a Dask cluster.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice

from spacy.language import Language

from kg.extraction.assemble import doc_text, extract_doc
from kg.learn.decide import default_decider
from kg.nlp.rules import load_cues, load_typing
from kg.records import BadRecord, Extraction, PaperRecord
from kg.pipeline.read import paper_metadata
from kg.text_clean import clean_text

log = logging.getLogger(__name__)

BATCH_SIZE = 128          # docs per nlp.pipe batch
CHUNK_SIZE = 256          # records per task when extraction is spread over processes

Item = PaperRecord | Extraction


def extract_records(records: Iterable[Item], nlp: Language, *, n_process: int = 1,
                    failures: list[BadRecord] | None = None, spacy_model: str | None = None,
                    chunk_size: int = CHUNK_SIZE, rules_only: bool = False) -> Iterator[Extraction]:
    """Yield an ``Extraction`` per input, in input order; ready extractions pass through unchanged.

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


def _extract_stream(records: Iterable[Item], nlp: Language, rules_only: bool = False) -> Iterator[Extraction | BadRecord]:
    """Extract in this process: ``nlp.pipe`` over the texts, records riding along as context."""
    typing, cues = load_typing(), load_cues()
    decider = None if rules_only else default_decider(nlp)

    def texts() -> Iterator[tuple[str, Item]]:
        for item in records:
            if isinstance(item, Extraction):
                yield "", item
            else:
                yield doc_text(clean_text(item.title), clean_text(item.abstract)), item

    for doc, item in nlp.pipe(texts(), as_tuples=True, batch_size=BATCH_SIZE):
        if isinstance(item, Extraction):
            yield item
            continue
        try:
            yield extract_doc(doc, paper_metadata(item), typing, cues, decider)
        except Exception as exc:  # noqa: BLE001 - one bad record must not stop the batch
            yield BadRecord(item.source, item.line, f"extraction failed: {type(exc).__name__}: {exc}")


# --- per-process pipeline, shared by the process pool and the Dask workers --------------------------------

_NLP: dict[str | None, Language] = {}


def worker_nlp(spacy_model: str | None = None) -> Language:
    """This process's extraction pipeline for ``spacy_model`` (built and initialised once per process)."""
    nlp = _NLP.get(spacy_model)
    if nlp is None:
        from kg.nlp.pipeline import build_nlp

        nlp = build_nlp(spacy_model)
        nlp.get_pipe("kg_gazetteer").initialize()
        _NLP[spacy_model] = nlp
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


def _extract_pooled(records: Iterable[Item], nlp: Language, n_process: int, spacy_model: str | None,
                    chunk_size: int, rules_only: bool = False) -> Iterator[Extraction | BadRecord]:
    """Extract chunks on ``n_process`` processes; yield results in input order, ``2 * n_process`` chunks in flight."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods:
        gazetteer = nlp.get_pipe("kg_gazetteer")
        if not gazetteer.ready:
            gazetteer.initialize()
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
