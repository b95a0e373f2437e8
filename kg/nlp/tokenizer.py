"""A tokenizer for ML paper text: names like ``Llama-2-7B``, ``GSM8K``, ``Qwen2.5-14B-Instruct`` stay one token.

spaCy's English defaults split intra-word hyphens (``Llama-2`` ``-`` ``7B``), digit-hyphen-digit
(``2-7``) and unit-like suffixes after digits (``GSM8`` ``K``). Model, dataset and method names are exactly
such strings, so those three rule families are dropped; every other English rule (punctuation, quotes,
brackets, exceptions like ``e.g.``) stays, an opening bracket glued to a word before a capital is split off
(``Experts(MoE)``, an acronym definition missing its space) and so is a closing one glued to a dash and a word
(``(CG)-the``), and the abbreviations of ``words.json`` (``al.``, ``Fig.``) are kept
whole as special cases.

Every change to a spaCy tokenizer's affix rules reloads all its special cases (about 1,350 for English, each
tokenised again), so the rules are set at once: blank English is made with ``TOKENIZER``, registered here, which
builds the tokenizer with kg's rules directly (one load, no default rules compiled first), and an installed
pipeline's tokenizer (``customize_tokenizer``) has its special cases set aside while its affix rules change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry

from kg.nlp.rules import load_words

#: kg's tokenizer in spaCy's registry of tokenizers (``spacy.blank("en", config=TOKENIZER_CONFIG)``).
TOKENIZER = "kg.Tokenizer.v1"
TOKENIZER_CONFIG = {"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}}

_HYPHEN_BETWEEN_LETTERS = "(?:-|–|—|--|---|——|~)"
_DIGIT_OPERATOR_DIGIT = "(?<=[0-9])[+\\-\\*^](?=[0-9-])"
_UNITS_AFTER_DIGITS = "(?<=[0-9])(?:km|"
# "Mixture-of-Experts(MoE)", "Networks(GCNs)": an acronym's bracket written without a space is still a bracket
_BRACKET_AFTER_WORD = r"(?<=[A-Za-z])\((?=[A-Z])"
# "compositional generalization (CG)-the ability ...": a closing bracket glued to a dash and the next word
_BRACKET_BEFORE_DASH = r"(?<=[A-Za-z0-9])\)(?=[-–—][A-Za-z])"
_DASH_AFTER_BRACKET = r"(?<=\))[-–—](?=[A-Za-z])"


def name_affixes(defaults: type) -> tuple[list[str], list[str]]:
    """The infix and suffix rules of a language's ``Defaults`` without the three families that split names."""
    infixes = [p for p in defaults.infixes if _HYPHEN_BETWEEN_LETTERS not in p and p != _DIGIT_OPERATOR_DIGIT]
    infixes.extend((_BRACKET_AFTER_WORD, _BRACKET_BEFORE_DASH, _DASH_AFTER_BRACKET))
    suffixes = [p for p in defaults.suffixes if not p.startswith(_UNITS_AFTER_DIGITS)]
    suffixes.append("%")
    suffixes.append(r"(?<=[A-Z0-9])\.")      # "MobileNetV3-S." ends a sentence; the name is "MobileNetV3-S"
    return infixes, suffixes


def with_special_cases(rules: Mapping[str, Any]) -> dict[str, Any]:
    """``rules`` (a tokenizer's special cases) plus the abbreviations of ``words.json``, each kept as one token."""
    return {**rules, **{case: [{"ORTH": case}] for case in load_words().tokenizer_special_cases}}


@registry.tokenizers(TOKENIZER)
def create_tokenizer() -> Callable[[Language], Tokenizer]:
    """spaCy's default tokenizer factory (``spacy.Tokenizer.v1``) with kg's affix rules and special cases."""

    def tokenizer_factory(nlp: Language) -> Tokenizer:
        defaults = nlp.Defaults
        infixes, suffixes = name_affixes(defaults)
        return Tokenizer(
            nlp.vocab,
            rules=with_special_cases(defaults.tokenizer_exceptions),
            prefix_search=compile_prefix_regex(defaults.prefixes).search if defaults.prefixes else None,
            suffix_search=compile_suffix_regex(suffixes).search,
            infix_finditer=compile_infix_regex(infixes).finditer,
            token_match=defaults.token_match,
            url_match=defaults.url_match,
        )

    return tokenizer_factory


def customize_tokenizer(nlp: Language) -> Language:
    """Give ``nlp``'s tokenizer kg's affix rules and special cases (as ``TOKENIZER`` makes them); returns ``nlp``.

    For a pipeline not made with ``TOKENIZER`` (an installed one). Its special cases are set aside while the
    affix rules change and put back with kg's in one assignment, so they are loaded once, not once per change.

    Examples
    --------
    >>> import spacy
    >>> nlp = customize_tokenizer(spacy.blank("en"))
    >>> [t.text for t in nlp("We tune Llama-2-7B on GSM8K (+4%), as Wei et al. did.")]
    ['We', 'tune', 'Llama-2-7B', 'on', 'GSM8K', '(', '+4', '%', ')', ',', 'as', 'Wei', 'et', 'al.', 'did', '.']
    >>> [t.text for t in nlp("a Mixture-of-Experts(MoE) layer")]
    ['a', 'Mixture-of-Experts', '(', 'MoE', ')', 'layer']
    >>> [t.text for t in nlp("generalization (CG)-the ability")]
    ['generalization', '(', 'CG', ')', '-', 'the', 'ability']
    >>> kg_nlp = spacy.blank("en", config=TOKENIZER_CONFIG)
    >>> kg_nlp.tokenizer.rules == nlp.tokenizer.rules
    True
    """
    tokenizer = nlp.tokenizer
    infixes, suffixes = name_affixes(nlp.Defaults)
    rules = dict(tokenizer.rules)
    tokenizer.rules = {}
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    tokenizer.rules = with_special_cases(rules)
    return nlp
