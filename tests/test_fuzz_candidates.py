"""Fuzzing the capitalised-phrase candidates (hypothesis): random sentences of capitalised words, lower-case
words and punctuation.

Properties: every phrase is two to six capitalised words of one sentence, none opening it or following an
opener; and every word of a mid-sentence run of capitalised words (one not opening its sentence) that is not
all common words lies in some phrase, so nothing the rule promises is lost when runs are cut.
"""

from __future__ import annotations

import os

import spacy
from hypothesis import HealthCheck, given, settings, strategies as st

from kg.nlp.candidates import MAX_PHRASE_WORDS, _CAPITALISED_PART, _OPENERS, find_capitalised_phrases
from kg.nlp.rules import load_typing

SETTINGS = settings(max_examples=int(os.environ.get("KG_FUZZ_EXAMPLES", "150")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

NLP = spacy.blank("en")
NLP.add_pipe("sentencizer")
TYPING = load_typing()

CAPITALISED = st.sampled_from(["Graph", "Echo", "Search", "Quasi", "Stellar", "Routing", "In", "English", "LoRA",
                               "Multi-Stage", "Zorblax", "The", "Figure", "QD"])
OTHER = st.sampled_from(["we", "use", "the", "model", "and", "of", ",", ".", ":", "(", ")", "42", "on"])
TOKENS = st.lists(st.one_of(CAPITALISED, OTHER), min_size=1, max_size=40)


@SETTINGS
@given(TOKENS)
def test_capitalised_phrases_keep_their_promises(words: list[str]) -> None:
    doc = NLP(" ".join(words))
    texts = [t.text for t in doc]
    phrases = find_capitalised_phrases(doc, TYPING, texts)

    def capitalised(i: int) -> bool:
        """A capitalised word, or a joiner ("of") between two of them: one run, as "Mixture of Experts"."""
        if _CAPITALISED_PART.match(texts[i]):
            return True
        return texts[i] in TYPING.capitalised_joiners and 0 < i < len(texts) - 1 \
            and all(_CAPITALISED_PART.match(texts[k]) and not texts[k].isupper() for k in (i - 1, i + 1))

    covered = set()
    for phrase in phrases:
        assert 2 <= phrase.end - phrase.start <= MAX_PHRASE_WORDS
        assert all(capitalised(i) for i in range(phrase.start, phrase.end))
        assert not any(doc[i].is_sent_start for i in range(phrase.start, phrase.end))
        assert phrase.start == 0 or texts[phrase.start - 1] not in _OPENERS
        assert phrase.canonical == doc[phrase.start:phrase.end].text
        covered.update(range(phrase.start, phrase.end))
    # Runs that do not open a sentence, follow no opener, and hold an uncommon word: every word is in a phrase
    # (only a last piece of one word, after cutting a long run into sixes, may be left alone).
    i = 0
    while i < len(texts):
        j = i
        while j < len(texts) and capitalised(j) and (j == i or not doc[j].is_sent_start):
            j += 1
        run = range(i, j)
        if len(run) >= 2 and not doc[i].is_sent_start and (i == 0 or texts[i - 1] not in _OPENERS) \
                and len(run) <= MAX_PHRASE_WORDS \
                and not all(texts[k].lower() in TYPING.capitalised_common for k in run):
            assert set(run) <= covered, (texts, list(run))
        i = max(j, i + 1)
