"""Name normalisation shared by extraction and resolution: the fold key that decides "same entity"."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_DOT_ZERO_VERSION = re.compile(r"(?<=\d)\.0\b(?!\.\d)")


def fold(name: str) -> str:
    """Fold a surface form to its identity key: NFKC, lower case, no spaces/punctuation, singular.

    ``Llama-2-7B``, ``LLaMA 2 7B`` and ``Llama2-7b`` share a key; so do ``Transformer`` and ``Transformers``.

    >>> fold("LLaMA 2 7B") == fold("Llama2-7b") == fold("Llama-2-7B")
    True
    >>> fold("Transformers")
    'transformer'
    >>> fold("AlpacaEval 2.0") == fold("AlpacaEval-2")
    True
    """
    key = _NON_ALNUM.sub("", _DOT_ZERO_VERSION.sub("", unicodedata.normalize("NFKC", name).lower()))
    if len(key) > 4 and key.endswith("s") and not key.endswith("ss"):
        key = key[:-1]
    return key


def clean_surface(text: str) -> str:
    """Collapse whitespace and strip quotes/brackets around a surface form."""
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip("\"'“”‘’()[]{}.,;:")
