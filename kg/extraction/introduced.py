"""Find what a paper introduces: its title-prefix name (``X: subtitle``) and names after "we propose"-style cues.

The label of an introduced name comes from the head noun of the phrase describing it ("X, a new
benchmark" -> Dataset; "X: An Enterprise-Ready Large Language Model" -> Model; "X: Evolutionary
Structured Pruning of ..." -> Technique).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

from kg.extraction.doccache import cue_list, doc_string, sentence_at, sentence_text, sentences_with, span_string, token_texts
from kg.extraction.mentions import DocMention
from kg.normalize import clean_surface, fold
from kg.text_clean import LATEX_MACRO
from kg.nlp.candidates import (guess_name_label, is_acronym_like, long_form_in, title_prefix_name, token_has_inner_caps,
                               token_is_name_like)
from kg.nlp.rules import Typing, load_words

_MAX_INTRODUCED = 4


@dataclass
class Introduced:
    """A name the paper introduces, with the sentence that says so."""

    canonical: str
    label: str
    evidence: str
    rule: str
    aliases: tuple[str, ...] = ()


def head_label(words: list[str], typing: Typing) -> str | None:
    """Label from the first head word found in ``words`` (dataset/model/technique heads)."""
    for w in words:
        low = w.lower().strip(",.;:")
        if low in typing.dataset_heads:
            return "Dataset"
        if low in typing.descriptor_model_heads or low.endswith("model"):
            return "Model"
        if low in typing.technique_heads:
            return "Technique"
    return None


def _subtitle_head_words(subtitle: str) -> list[str]:
    """Words of a subtitle's first noun phrase, last first ("A Multimodal Open Dataset for X" -> Dataset, Open, ...)."""
    stop_words = load_words().subtitle_stop_words
    words: list[str] = []
    for w in re.findall(r"[A-Za-z][\w\-']*", subtitle):
        if w.lower() in stop_words and words:
            break
        words.append(w)
    return list(reversed(words))


def subtitle_label(subtitle: str, typing: Typing) -> str | None:
    """What a ``Name: subtitle`` title says the name is.

    "Benchmarking ..." / "A Benchmark for ..." -> Dataset; a subtitle opening with another gerund
    ("Reinforcing LLM Agents via ...") describes a way of doing -> Technique; a subtitle whose head is a task
    ("Zero-Shot Monocular Depth Estimation for ...") names what a trained system does -> Model; else the head noun.
    """
    words = re.findall(r"[A-Za-z][\w\-']*", subtitle)
    if not words:
        return None
    first = words[0].lower()
    if first.startswith("benchmark"):
        return "Dataset"
    head_words = _subtitle_head_words(subtitle)
    label = head_label(head_words, typing)
    if label is None and first.endswith("ing") and first not in typing.subtitle_noun_gerunds:
        return "Technique"
    if label is None and head_words and head_words[0].lower() in typing.task_heads:
        return "Model"
    return label


_HEAD_WORD = re.compile(r"[A-Za-z]+")


def subtitle_long_form(subtitle: str, long_form: str, typing: Typing) -> str | None:
    """The name a ``NAME: subtitle`` title gives when its subtitle spells out the acronym NAME as ``long_form``.

    The long form right after "for" is what the system is for, not its name ("HiFi-SR: A ... Network for
    High-Fidelity Speech Super-Resolution": None, the name stays HiFi-SR); a head noun right after the long form
    belongs to it ("MAVOS-DD: Multilingual Audio-Video Open-Set Deepfake Detection Benchmark"). In the training
    titles whose subtitle spells out their acronym, the gold name is the long form 12 times in 23, and the other
    cases are these two.

    >>> from kg.nlp.rules import load_typing
    >>> t = load_typing()
    >>> subtitle_long_form(" Unsupervised Learning for Neural Composition", "Neural Composition", t) is None
    True
    >>> subtitle_long_form(" Open-Set Deepfake Detection Benchmark", "Open-Set Deepfake Detection", t)
    'Open-Set Deepfake Detection Benchmark'
    >>> subtitle_long_form(" Critical Plan Step Learning Boosts Reasoning", "Critical Plan Step Learning", t)
    'Critical Plan Step Learning'
    """
    at = subtitle.find(long_form)
    if at < 0:
        return long_form
    before = subtitle[:at].split()
    if before and before[-1].lower() in typing.purpose_prepositions:
        return None
    after = subtitle[at + len(long_form):].split()
    if after and _HEAD_WORD.fullmatch(after[0]):
        head = after[0].lower()
        if head in typing.generic_heads or head in typing.dataset_heads or head in typing.model_heads:
            return f"{long_form} {after[0]}"
    return long_form


def from_title(title: str, abstract_acronyms: dict[str, str], typing: Typing) -> Introduced | None:
    """The introduced name of a ``Name: subtitle`` title, expanded when the subtitle spells out an acronym."""
    prefix = title_prefix_name(title, typing)
    if not prefix:
        return None
    subtitle = title.split(":", 1)[1]
    long_form = abstract_acronyms.get(prefix)
    if long_form is None and is_acronym_like(prefix):
        found = long_form_in(subtitle, prefix)
        long_form = subtitle_long_form(subtitle, found, typing) if found else None
    label = subtitle_label(subtitle, typing) or guess_name_label(prefix, typing) or "Technique"
    if long_form:
        return Introduced(clean_surface(long_form), label, title, "introduce.title-prefix", (prefix,))
    aliases: tuple[str, ...] = ()
    words = prefix.split()
    if len(words) > 1 and (is_acronym_like(words[0]) or token_has_inner_caps(words[0])) and len(words[0]) >= 3:
        # A several-word title name led by an acronym-like or inner-capital word ("XYZ Training", "FooNet Decoding"):
        # the abstract usually writes that leading word alone, so it is an alias of the introduced name.
        aliases = (words[0],)
    return Introduced(prefix, label, title, "introduce.title-prefix", aliases)


def from_cues(doc: Doc, mentions: list[DocMention], typing: Typing) -> list[Introduced]:
    """Names right after an introduce cue ("we propose X", "dubbed X", "a novel framework, X,")."""
    by_start = {m.start: m for m in mentions}
    found: list[Introduced] = []
    own_sents = sentences_with(doc, ("own.subject",))
    words = load_words()
    texts = token_texts(doc)                   # no ``Token`` per look-up
    for cue in cue_list(doc):
        if cue.label_ != "introduce":
            continue
        sent = sentence_at(doc, cue.start)
        own_sentence = sent.start in own_sents
        if len(cue) == 1 and texts[cue.start].lower() not in words.naming_cues and not own_sentence:
            continue   # a bare "presents" needs "we"/"this paper" in the sentence
        limit = min(sent.end, cue.end + 12)
        for i in range(cue.end, limit):
            text = texts[i]
            if text in (";", ":") or (text == "." and i > cue.end):
                break
            m = by_start.get(i)
            if m is not None:
                fresh_name = m.rule in ("pattern:capitalised", "pattern:acronym") and i - cue.end <= 1
                # "we introduce a mesh-aware pruning loss": a new method phrase right after the cue and an article
                fresh_phrase = m.rule == "pattern:technique-head" and m.end - m.start >= 2 and own_sentence \
                    and all(w.lower() in words.introduce_fillers for w in texts[cue.end:i]) \
                    and not (m.end < len(doc) and texts[m.end].lower() in typing.generic_heads)   # "a new X scheme": kind of X
                if m.rule.startswith("gazetteer") or (m.weak and not (fresh_name or fresh_phrase)):
                    continue   # a known or generic entity is used, not introduced
                label = _label_near(doc, m, cue.end, sent.end, typing) or m.label
                found.append(Introduced(m.canonical, label, sentence_text(doc, sent), "introduce.cue", (m.text,) if m.text != m.canonical else ()))
                break
            bare = _bare_name_after_cue(doc, i, cue.end, sent.end, words.name_joiners)
            if bare is not None:
                end = bare
                name = span_string(doc, i, end)
                label = _label_near(doc, None, cue.end, sent.end, typing, at=(i, end)) or guess_name_label(name, typing) or "Technique"
                found.append(Introduced(clean_surface(name), label, sentence_text(doc, sent), "introduce.cue"))
                break
            if token_is_name_like(doc[i], typing) and text[:1].isupper():
                end = i + 1
                label = _label_near(doc, None, cue.end, sent.end, typing, at=(i, end)) or guess_name_label(text, typing) or "Technique"
                found.append(Introduced(clean_surface(text), label, sentence_text(doc, sent), "introduce.cue"))
                break
    return found


def _bare_name_after_cue(doc: Doc, i: int, cue_end: int, sent_end: int, joiners: frozenset[str]) -> int | None:
    """End of a capitalised name right after the cue and closed by "," or "(" ("we propose Mutual-Taught, a ...")."""
    texts = token_texts(doc)
    if i != cue_end or not texts[i][:1].isupper() or not texts[i][:1].isalpha():
        return None
    for j in range(i + 1, min(sent_end, i + 5)):
        if texts[j] in (",", "("):
            return j
        if not (texts[j][:1].isupper() or texts[j] in joiners):
            return None
    return None


def from_novel(doc: Doc, mentions: list[DocMention]) -> list[Introduced]:
    """"... LLMs with the novel ``dialogue gradient''": a new, unnamed-before term the paper coins."""
    own_sents = sentences_with(doc, ("own.subject", "introduce"))
    found = []
    for m in mentions:
        if m.rule.startswith(("gazetteer", "acronym")) or m.start < 1:
            continue
        texts = token_texts(doc)
        i = m.start - 1
        while i > 0 and texts[i] in ("``", "`", '"', "“", "'"):
            i -= 1
        if texts[i].lower() not in load_words().novelty_markers:
            continue
        sent = sentence_at(doc, m.start)
        if sent.start in own_sents or m.weak:
            found.append(Introduced(m.canonical, m.label, sentence_text(doc, sent), "introduce.novel"))
    return found


def from_appositions(doc: Doc, mentions: list[DocMention], typing: Typing) -> list[Introduced]:
    """"... and train StepRM, a 7B reward model ..." in a sentence about the paper's own work: a new name defined
    by an indefinite appositive is what the paper introduces."""
    own_sents = sentences_with(doc, ("own.subject",))
    found = []
    for m in mentions:
        if m.weak or m.rule.startswith(("gazetteer", "acronym")) or m.end + 2 >= len(doc):
            continue
        sent = sentence_at(doc, m.start)
        texts = token_texts(doc)
        if texts[m.end] == "," and texts[m.end + 1].lower() in load_words().indefinite_articles:
            description = texts[m.end + 2:min(sent.end, m.end + 10)]       # "StepRM, a 7B reward model"
        elif m.start >= 2 and texts[m.start - 1] == "," and texts[m.end] in (",", "(") and not load_words().own_determiners.isdisjoint(
                w.lower() for w in texts[max(sent.start, m.start - 6):m.start - 1]):
            description = texts[max(sent.start, m.start - 6):m.start - 1][::-1]  # "our 8B policy model, X,"
        else:
            continue
        if sent.start not in own_sents:
            continue
        label = head_label(description, typing)
        if label is not None:
            found.append(Introduced(m.canonical, label, sentence_text(doc, sent), "introduce.appositive"))
    return found


def _label_near(doc: Doc, m: DocMention | None, cue_end: int, sent_end: int, typing: Typing, at: tuple[int, int] | None = None) -> str | None:
    """Type an introduced name by the head noun after it (", a new benchmark") or between cue and name."""
    start, end = (m.start, m.end) if m else at  # type: ignore[misc]
    texts = token_texts(doc)
    after = texts[end:min(sent_end, end + 8)]
    if after and after[0] in (",", "(", "—", "-", ":"):
        label = head_label(after[1:], typing)
        if label:
            return label
    return head_label(texts[cue_end:start][::-1], typing)


def introduced_names(doc: Doc, title: str, mentions: list[DocMention], acronyms: dict[str, str], typing: Typing) -> list[Introduced]:
    """All names the paper introduces, title prefix first, deduplicated by fold key."""
    out: list[Introduced] = []
    seen: set[str] = set()
    title_intro = from_title(title, acronyms, typing)
    for intro in ([title_intro] if title_intro else []) + from_cues(doc, mentions, typing) + from_appositions(doc, mentions, typing) + from_novel(doc, mentions):
        keys = {fold(intro.canonical), *(fold(a) for a in intro.aliases)}
        if keys & seen:
            continue
        seen |= keys
        out.append(intro)
        if len(out) >= _MAX_INTRODUCED:
            break
    return out


def macro_tokens(doc: Doc) -> list[int]:
    """Token indexes of custom LaTeX macros (``\\sysname``) that stand for the paper's own system; formatting,
    symbol and abbreviation macros (``{\\em direct}``, ``\\eg``: ``words.json`` text_macros) are not such."""
    if "\\" not in doc_string(doc):
        return []
    text_macros = load_words().text_macros
    return [i for i, text in enumerate(token_texts(doc)) if LATEX_MACRO.match(text) and text[1:] not in text_macros]
