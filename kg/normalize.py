"""Text normalisation shared by every stage: fold keys, title keys and arXiv identifiers.

There are four fold keys, on purpose: each decides a different "same" and changing one would change outputs.

* :func:`fold` – the entity identity key of extraction and resolution (accents dropped, LaTeX ones too; NFKC, ``.0``
  versions, singular).
* :func:`alnum_fold` – the gazetteer's key: lower-case alphanumerics only (no NFKC, no singular).
* :func:`score_fold` – the gold scorer's key (``shared/gold/score.py``): alphanumerics, a trailing ``s`` dropped.
* :func:`search_fold` – what a user types to find a node (viz, ``kg viz --focus``): NFKC, case-folded, spaces kept.

:func:`normalize_title` is the key duplicate papers share; :func:`arxiv_id_from` and :func:`arxiv_id_of`
recognise arXiv identifiers in ids, ``arXiv:`` strings and URLs.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_WHITESPACE = re.compile(r"\s+")
_DOT_ZERO_VERSION = re.compile(r"(?<=\d)\.0\b(?!\.\d)")
#: A LaTeX accent on one letter, as arXiv abstracts write "T\\"ULU", "Pok\\'emon" or "\\v{S}": a symbol accent with or
#: without braces, a letter accent (``\\u``, ``\\v``, ``\\H``, ``\\c``, ``\\k``) with them only ("\\cite" is no accent).
_LATEX_ACCENT = re.compile(r"""\\["'`^~=.]\{?([A-Za-z])\}?|\\[uvHck]\{([A-Za-z])\}""")

#: An arXiv identifier, new (``2502.07780``) or old style (``cs.LG/0101001``), in an id, URL or ``arXiv:`` string;
#: group 1 is the id without its version.
ARXIV_ID = re.compile(r"(?:arxiv\.org/(?:abs|pdf)/|arXiv:)?(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?", re.I)
#: A whole value that is an arXiv id (optionally ``arxiv:``-prefixed and versioned).
BARE_ARXIV_ID = re.compile(r"(?:arxiv:)?(?:\d{4}\.\d{4,5}|[a-z\-]+(?:\.[a-z]{2})?/\d{7})(?:v\d+)?", re.I)
#: The start of a URL of a site whose paper pages are named by arXiv id.
ARXIV_URL = re.compile(r"https?://(?:www\.|export\.)?(?:arxiv\.org|huggingface\.co/papers|alphaxiv\.org)/", re.I)


def _without_accents(text: str) -> str:
    """``text`` with its accents removed, LaTeX ones too ("TÜLU" and "T\\\\"ULU" -> "TULU"): a fold key must not
    drop an accented letter, nor tell a name from its LaTeX spelling.

    >>> _without_accents(r'T\\"ULU 3'), _without_accents("Pokémon"), _without_accents(r"\\v{S}koda \\cite{x}")
    ('TULU 3', 'Pokemon', 'Skoda \\\\cite{x}')
    """
    if "\\" in text:
        text = _LATEX_ACCENT.sub(lambda m: m.group(1) or m.group(2), text)
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=1 << 16)
def fold(name: str) -> str:
    """Fold a surface form to its identity key: LaTeX accents and then all accents removed ("TÜLU", "T\\\\"ULU" and
    "TULU" are one name), NFKC, lower case, no spaces/punctuation, singular.

    Memoised: extraction, learning and resolution fold the same few thousand names over and over.

    ``Llama-2-7B``, ``LLaMA 2 7B`` and ``Llama2-7b`` share a key; so do ``Transformer`` and ``Transformers``.

    >>> fold("LLaMA 2 7B") == fold("Llama2-7b") == fold("Llama-2-7B")
    True
    >>> fold("Transformers")
    'transformer'
    >>> fold("AlpacaEval 2.0") == fold("AlpacaEval-2")
    True
    """
    text = _without_accents(unicodedata.normalize("NFKC", name)).lower()
    key = _NON_ALNUM.sub("", _DOT_ZERO_VERSION.sub("", text))
    if len(key) > 4 and key.endswith("s") and not key.endswith("ss"):
        key = key[:-1]
    return key


def alnum_fold(surface: str) -> str:
    """Fold a gazetteer surface form for identity: lower-case, every non-alphanumeric removed.

    Examples
    --------
    >>> alnum_fold("Llama-2 7B"), alnum_fold("GPT-4o"), alnum_fold("self attention")
    ('llama27b', 'gpt4o', 'selfattention')
    """
    return _NON_ALNUM.sub("", surface.lower())


def score_fold(text: Any) -> str:
    """The scorer's folding: lower case alphanumerics, one trailing ``s`` dropped after 4 characters.

    Examples
    --------
    >>> score_fold("Class"), score_fold("Transformers"), score_fold("Llama-2")
    ('clas', 'transformer', 'llama2')
    """
    s = alnum_fold(str(text))
    return s[:-1] if len(s) > 4 and s.endswith("s") else s


def search_fold(text: object) -> str:
    """Normalise a name for matching what a user typed: NFKC, case-folded, whitespace collapsed.

    Examples
    --------
    >>> search_fold("  Llama\u00a02 ")
    'llama 2'
    """
    return " ".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


@lru_cache(maxsize=1 << 16)
def clean_surface(text: str) -> str:
    """Collapse whitespace and strip quotes/brackets around a surface form.

    Memoised like ``fold``: every mention's surface is cleaned when it is chosen, typed and resolved.

    Examples
    --------
    >>> clean_surface(' "Llama  2". ')
    'Llama 2'
    """
    text = _WHITESPACE.sub(" ", text).strip()
    return text.strip("\"'“”‘’()[]{}.,;:")


def normalize_title(title: str) -> str:
    """Fold a title for duplicate detection: NFKC, lower case, punctuation and spaces collapsed.

    >>> normalize_title("DarwinLM: Evolutionary  Pruning!")
    'darwinlm evolutionary pruning'
    """
    text = unicodedata.normalize("NFKC", title).lower()
    return _NON_ALNUM.sub(" ", text).strip()


def arxiv_id_from(text: str | None) -> str | None:
    """Extract a version-less arXiv identifier from an id, URL or ``arXiv:`` string, if any.

    >>> arxiv_id_from("https://arxiv.org/pdf/1706.03762v7"), arxiv_id_from("no id here")
    ('1706.03762', None)
    """
    if not text:
        return None
    m = ARXIV_ID.search(text)
    return m.group(1) if m else None


def arxiv_id_of(value: Any) -> str | None:
    """The arXiv id held by an id column or URL, or None (an unrelated URL/id is not mistaken for one).

    >>> arxiv_id_of("https://arxiv.org/abs/2502.07780v2"), arxiv_id_of("arXiv:1706.03762"), arxiv_id_of("row/1234567x")
    ('2502.07780', '1706.03762', None)
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if BARE_ARXIV_ID.fullmatch(text) or ARXIV_URL.match(text):
        return arxiv_id_from(text)
    return None
