"""Step 2 — extract: run the spaCy pipeline over records and assemble one ``Extraction`` per record."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from spacy.language import Language

from kg.extraction.assemble import doc_text, extract_doc
from kg.nlp.rules import load_cues, load_typing
from kg.records import BadRecord, Extraction, PaperRecord
from kg.pipeline.read import paper_metadata
from kg.text_clean import clean_text

log = logging.getLogger(__name__)

BATCH_SIZE = 64


def extract_records(records: Iterable[PaperRecord | Extraction], nlp: Language, *, n_process: int = 1,
                    failures: list[BadRecord] | None = None) -> Iterator[Extraction]:
    """Yield an ``Extraction`` per input, in input order; ready extractions pass through unchanged.

    A record whose extraction fails is reported in ``failures`` (file, line, error) and skipped, so one
    bad record never stops the batch.
    """
    typing, cues = load_typing(), load_cues()

    def texts() -> Iterator[tuple[str, PaperRecord | Extraction]]:
        for item in records:
            if isinstance(item, Extraction):
                yield "", item
            else:
                yield doc_text(clean_text(item.title), clean_text(item.abstract)), item

    for doc, item in nlp.pipe(texts(), as_tuples=True, batch_size=BATCH_SIZE, n_process=n_process):
        if isinstance(item, Extraction):
            yield item
            continue
        try:
            yield extract_doc(doc, paper_metadata(item), typing, cues)
        except Exception as exc:  # noqa: BLE001 - one bad record must not stop the batch
            bad = BadRecord(item.source, item.line, f"extraction failed: {type(exc).__name__}: {exc}")
            log.warning("%s", bad)
            if failures is not None:
                failures.append(bad)
