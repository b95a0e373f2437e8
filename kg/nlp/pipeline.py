"""Build the spaCy pipeline: blank English (default) or an installed pretrained pipeline, plus kg's components."""

from __future__ import annotations

import spacy
from spacy.language import Language

import kg.nlp.components  # noqa: F401  (registers the factories)
from kg.nlp.tokenizer import TOKENIZER_CONFIG, customize_tokenizer


def build_nlp(spacy_model: str | None = None) -> Language:
    """Return the extraction pipeline.

    Parameters
    ----------
    spacy_model : str, optional
        Name of an installed spaCy pipeline (e.g. ``en_core_web_sm``) to use instead of blank English; its
        tagger/parser run before kg's components. Nothing is downloaded: a missing model is an error.

    Examples
    --------
    >>> nlp = build_nlp()
    >>> nlp.pipe_names
    ['sentencizer', 'kg_field_boundary', 'kg_gazetteer', 'kg_candidates', 'kg_cues']
    """
    if spacy_model:
        nlp = spacy.load(spacy_model, exclude=["ner", "lemmatizer", "textcat"])
        if "parser" not in nlp.pipe_names and "senter" not in nlp.pipe_names:
            nlp.add_pipe("sentencizer", first=True)
        customize_tokenizer(nlp)
    else:
        nlp = spacy.blank("en", config=TOKENIZER_CONFIG)     # kg's tokenizer (``kg.nlp.tokenizer``) made at once
        nlp.add_pipe("sentencizer")
    # A parsed Doc refuses new sentence starts, so the title/abstract break goes before the component that sets
    # sentences (the parser and senter respect boundaries already set); blank English: after the sentencizer.
    setter = next((name for name in ("parser", "senter") if name in nlp.pipe_names), None)
    if setter:
        nlp.add_pipe("kg_field_boundary", before=setter)
    else:
        nlp.add_pipe("kg_field_boundary")
    nlp.add_pipe("kg_gazetteer")
    nlp.add_pipe("kg_candidates")
    nlp.add_pipe("kg_cues")
    return nlp
