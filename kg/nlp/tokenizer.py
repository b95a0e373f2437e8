"""A tokenizer for ML paper text: names like ``Llama-2-7B``, ``GSM8K``, ``Qwen2.5-14B-Instruct`` stay one token.

spaCy's English defaults split intra-word hyphens (``Llama-2`` ``-`` ``7B``), digit-hyphen-digit
(``2-7``) and unit-like suffixes after digits (``GSM8`` ``K``). Model, dataset and method names are exactly
such strings, so those three rule families are dropped; every other English rule (punctuation, quotes,
brackets, exceptions like ``e.g.``) stays.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.util import compile_infix_regex, compile_suffix_regex

_HYPHEN_BETWEEN_LETTERS = "(?:-|–|—|--|---|——|~)"
_DIGIT_OPERATOR_DIGIT = "(?<=[0-9])[+\\-\\*^](?=[0-9-])"
_UNITS_AFTER_DIGITS = "(?<=[0-9])(?:km|"


def customize_tokenizer(nlp: Language) -> Language:
    """Make ``nlp``'s tokenizer keep hyphenated and alphanumeric names whole; returns ``nlp``.

    Examples
    --------
    >>> import spacy
    >>> nlp = customize_tokenizer(spacy.blank("en"))
    >>> [t.text for t in nlp("We tune Llama-2-7B on GSM8K (+4%).")]
    ['We', 'tune', 'Llama-2-7B', 'on', 'GSM8K', '(', '+4', '%', ')', '.']
    """
    infixes = [p for p in nlp.Defaults.infixes if _HYPHEN_BETWEEN_LETTERS not in p and p != _DIGIT_OPERATOR_DIGIT]
    suffixes = [p for p in nlp.Defaults.suffixes if not p.startswith(_UNITS_AFTER_DIGITS)]
    suffixes.append("%")
    suffixes.append(r"(?<=[A-Z0-9])\.")      # "MobileNetV3-S." ends a sentence; the name is "MobileNetV3-S"
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    return nlp
