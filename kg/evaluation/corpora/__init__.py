"""Readers of external annotated corpora into ``kg.evaluation.spans.Document`` objects.

* ``tdmsci``  TDMSci CoNLL files (token, character offset, BIO tag of TASK/DATASET/METRIC), one document per sentence.
* ``scierc``  SciERC in DyGIE JSON Lines (tokenised sentences, doc-level entity and relation token spans),
              one document per abstract.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from kg.evaluation.spans import Document


def reader(name: str) -> Callable[[str | Path], list[Document]]:
    """The reader function of corpus ``name`` (``tdmsci`` or ``scierc``)."""
    if name == "tdmsci":
        from kg.evaluation.corpora.tdmsci import read_tdmsci

        return read_tdmsci
    if name == "scierc":
        from kg.evaluation.corpora.scierc import read_scierc

        return read_scierc
    raise ValueError(f"unknown corpus {name!r} (expected tdmsci or scierc)")


CORPORA = ("tdmsci", "scierc")
