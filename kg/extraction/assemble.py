"""Turn one annotated Doc (title + "\\n\\n" + abstract) into an ``Extraction``: mentions, relations, acronyms."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc

from kg.extraction.doccache import (cue_list, sentence_spans, sentence_start_of, sentence_text, sentences_with,
                                    span_string, token_bounds, token_texts, whole_word_spans)
from kg.extraction.introduced import Introduced, introduced_names, macro_tokens
from kg.extraction.linking import Link, is_own, link_sentence
from kg.extraction.mentions import DocMention, select_mentions
from kg.normalize import fold
from kg.nlp.components import FIELD_SEPARATOR
from kg.nlp.rules import Cues, Typing, load_words
from kg.records import Extraction, Mention, Relation

FALLBACK_DATASET_RULE = "use.dataset-in-own-sentence"
FALLBACK_DATASET_CONFIDENCE = 0.55
FALLBACK_ENTITY_RULE = "use.entity-in-own-sentence"
FALLBACK_ENTITY_CONFIDENCE = 0.45
FALLBACK_RULES = {FALLBACK_DATASET_RULE, FALLBACK_ENTITY_RULE}
TITLE_RULE = "use.title"
TITLE_CONFIDENCE = 0.7
TITLE_HEAD_RULE = "extend.title-head"
TITLE_HEAD_CONFIDENCE = 0.6
KIND_OF_RULE = "extend.kind-of"
KIND_OF_CONFIDENCE = 0.7


def doc_text(title: str, abstract: str) -> str:
    """The text the pipeline processes for one paper (offsets of each field are recoverable)."""
    return title + FIELD_SEPARATOR + abstract


def title_head_links(doc: Doc, sent, mentions: list[DocMention], own_keys: set[str], cues: Cues) -> list[Link]:
    """"Efficient Dataset Distillation through ...", "Scaling Model Merging with ...": a technique modified at the
    head of the title (before the first preposition) is what the paper extends ("Pruning Llama-2-7B" uses a model)."""
    texts = token_texts(doc)                   # no ``Token`` per look-up
    start = sent.start
    colon = next((i for i in range(sent.start, sent.end) if texts[i] == ":"), None)
    if colon is not None:
        start = colon + 1
    end = next((i for i in range(start, sent.end) if texts[i].lower() in cues.title_boundaries), sent.end)
    links = []
    for m in mentions:
        if start < m.start and m.end <= end and not m.weak and m.key not in own_keys and m.label == "Technique" \
                and texts[m.start - 1].lower() not in cues.title_head_determiners:
            links.append(Link("EXTENDS", m, sentence_text(doc, sent), TITLE_HEAD_RULE, TITLE_HEAD_CONFIDENCE))
    return links


def kind_of_links(doc: Doc, sent, mentions: list[DocMention], own_keys: set[str], typing: Typing) -> list[Link]:
    """"we propose X, a <entity> framework" / "a novel <entity> method": the contribution is a kind of <entity>.

    The entity must sit right before a generic head noun (method, framework, scheme...) in an indefinite
    noun phrase ("a", "an", optionally one adjective) after an introduce cue in the same sentence.
    """
    intro_cues = [c for c in cue_list(doc) if c.label_ == "introduce" and sent.start <= c.start < sent.end]
    if not intro_cues:
        return []
    first = min(c.start for c in intro_cues)
    links = []
    for m in mentions:
        if m.start <= first or m.key in own_keys or m.label != "Technique" or m.end >= sent.end:
            continue
        texts = token_texts(doc)
        if texts[m.end].lower() not in typing.generic_heads:
            continue
        before = [w.lower() for w in texts[max(sent.start, m.start - 2):m.start]]
        if any(w in load_words().indefinite_articles for w in before):
            links.append(Link("EXTENDS", m, sentence_text(doc, sent), KIND_OF_RULE, KIND_OF_CONFIDENCE))
    return links


def _attach_introduced(doc: Doc, mentions: list[DocMention], intros: list[Introduced], title_end: int) -> list[DocMention]:
    """Give every occurrence of an introduced name (or its aliases, or a ``\\sysname`` macro) a mention
    with the introduced canonical name and label, so sentences about the paper's own system are recognised."""
    by_key: dict[str, Introduced] = {}
    for intro in intros:
        for surface in (intro.canonical, *intro.aliases):
            by_key.setdefault(fold(surface), intro)
    macros = set(macro_tokens(doc)) if intros else set()
    for m in mentions:
        intro = by_key.get(m.key) or by_key.get(fold(m.text))
        if intro is None and m.end - m.start == 1 and m.start in macros:
            intro, m.rule = intros[0], "introduce.latex-macro"     # a candidate over "\sysname" (the name tagger's)
        if intro is not None:
            m.canonical, m.label, m.weak = intro.canonical, intro.label, False
    taken = {i for m in mentions for i in range(m.start, m.end)}
    for intro in intros:
        for surface in sorted({intro.canonical, *intro.aliases}, key=len, reverse=True):
            for span in whole_word_spans(doc, surface):
                if any(i in taken for i in range(span.start, span.end)):
                    continue
                mentions.append(DocMention(span.start, span.end, span.text, intro.label, intro.canonical, intro.rule))
                taken.update(range(span.start, span.end))
    if intros:
        primary = intros[0]
        for i in sorted(macros):
            if i not in taken:
                mentions.append(DocMention(i, i + 1, doc[i].text, primary.label, primary.canonical, "introduce.latex-macro"))
    return sorted(mentions, key=lambda m: m.start)


def _field_offsets(start_char: int, end_char: int, title_end: int) -> tuple[str, int, int]:
    if start_char < title_end:
        return "title", start_char, end_char
    shift = title_end + len(FIELD_SEPARATOR)
    return "abstract", start_char - shift, end_char - shift


@dataclass
class Proposals:
    """Everything the rules propose for one paper, before any keep/drop decision.

    ``mentions`` holds every selected mention (weak ones too), ``links`` every relation a rule proposed (one
    per rule firing, not deduplicated), ``intros`` the introduced names. The rules-only path
    (:func:`rules_extraction`) and the learned path (``kg.learn.decide``) both start from here.
    """

    doc: Doc
    paper: dict
    title_end: int
    mentions: list[DocMention]
    links: list[Link]
    intros: list[Introduced]
    acronyms: dict[str, str]
    own_keys: set[str]


def propose(doc: Doc, paper: dict, typing: Typing, cues: Cues) -> Proposals:
    """Run the candidate, introduction and linking rules over ``doc``; decide nothing yet."""
    title = paper["title"]
    title_end = len(title)
    mentions, acronyms = select_mentions(doc, typing, title_end)
    intros = introduced_names(doc, title, mentions, acronyms, typing)
    mentions = _attach_introduced(doc, mentions, intros, title_end)
    own_keys = {fold(s) for intro in intros for s in (intro.canonical, *intro.aliases)}
    links = sentence_links(doc, mentions, own_keys, title_end, title, typing, cues)
    return Proposals(doc, paper, title_end, mentions, links, intros, acronyms, own_keys)


def sentence_links(doc: Doc, mentions: list[DocMention], own_keys: set[str], title_end: int, title: str,
                   typing: Typing, cues: Cues) -> list[Link]:
    """Every link the sentence rules propose: cue links, kind-of, title-head, title and own-sentence fallbacks."""
    start_of = sentence_start_of(doc)
    cues_by_sent: dict[int, list] = {}
    for c in cue_list(doc):
        cues_by_sent.setdefault(start_of[c.start], []).append(c)
    own_sents = sentences_with(doc, ("own.subject", "introduce"))
    links: list[Link] = []
    for sent in sentence_spans(doc):
        is_title = sent.start_char < title_end
        sent_mentions = [m for m in mentions if sent.start <= m.start < sent.end]
        claimed: set[int] = set()
        found = link_sentence(doc, sent, sent_mentions, cues_by_sent.get(sent.start, []), cues, own_keys, is_title, title, claimed)
        found.extend(kind_of_links(doc, sent, sent_mentions, own_keys, typing))
        linked = {id(link.mention) for link in found}
        if is_title:
            head = title_head_links(doc, sent, sent_mentions, own_keys, cues)
            found.extend(head)
            linked.update(id(link.mention) for link in head)
            for m in sent_mentions:
                if not m.weak and id(m) not in linked and m.key not in own_keys and m.rule.startswith(("gazetteer", "acronym")):
                    found.append(Link("USES", m, sentence_text(doc, sent), TITLE_RULE, TITLE_CONFIDENCE))
                    linked.add(id(m))
        own = is_title or sent.start in own_sents or any(m.key in own_keys for m in sent_mentions)
        if own:
            # No cue claimed it, but the sentence speaks of the paper's own work: a named entity there is used
            # (lower confidence; datasets in such sentences are almost always evaluation data).
            for m in sent_mentions:
                if not m.weak and id(m) not in linked and m.start not in claimed and not is_own(m, own_keys, ""):
                    rule, conf = ((FALLBACK_DATASET_RULE, FALLBACK_DATASET_CONFIDENCE) if m.label == "Dataset"
                                  else (FALLBACK_ENTITY_RULE, FALLBACK_ENTITY_CONFIDENCE))
                    found.append(Link("USES", m, sentence_text(doc, sent), rule, conf))
        links.extend(found)
    return links


def mention_records(p: Proposals, kept: list[DocMention]) -> list[Mention]:
    """The ``Mention`` records of ``kept``, with offsets in the original title/abstract text."""
    out: list[Mention] = []
    char_starts = token_bounds(p.doc)[0]       # ``Span.text`` and ``start_char`` without a ``Token`` per token
    for m in kept:
        start_char = char_starts[m.start]
        inner = max(span_string(p.doc, m.start, m.end).find(m.text), 0)
        field, start, end = _field_offsets(start_char + inner, start_char + inner + len(m.text), p.title_end)
        original = p.paper[field][start:end]          # clean-up is length-preserving: report the text as read
        out.append(Mention(original, field, start, end, m.label, m.canonical, m.rule))
    return out


def intro_relation(intro: Introduced) -> Relation:
    """The INTRODUCES relation of a rule-found introduced name (rule confidence)."""
    return Relation("INTRODUCES", intro.canonical, intro.evidence, intro.rule, 0.9 if intro.rule.endswith("title-prefix") else 0.8)


def rules_extraction(p: Proposals) -> Extraction:
    """The rules-only decision: keep strong mentions and linked weak ones, every link (first per type and key)."""
    # A fallback USES adds nothing where the paper already extends or beats the entity.
    stronger = {link.mention.key for link in p.links if link.type in ("EXTENDS", "OUTPERFORMS")}
    links = [link for link in p.links if not (link.rule in FALLBACK_RULES and link.mention.key in stronger)]
    linked_keys = {link.mention.key for link in links}
    kept = [m for m in p.mentions if not m.weak or m.key in linked_keys]
    relations: list[Relation] = [intro_relation(intro) for intro in p.intros]
    seen: set[tuple[str, str]] = set()
    for link in links:
        key = (link.type, link.mention.key)
        if key in seen:
            continue
        seen.add(key)
        relations.append(Relation(link.type, link.mention.canonical, link.evidence, link.rule, link.confidence))
    return Extraction(paper=p.paper, mentions=mention_records(p, kept), relations=relations, acronyms=p.acronyms)


def extract_doc(doc: Doc, paper: dict, typing: Typing, cues: Cues, decider=None) -> Extraction:
    """Extract mentions and relations from ``doc``; ``paper`` is the record's metadata (``title`` required).

    ``decider`` (a ``kg.learn.decide.Decider``) makes the keep/drop and typing decisions with the trained
    models; without one the rules decide alone (``kg build --rules-only``).
    """
    if decider is not None:
        decider.add_learned_spans(doc, paper)
    proposals = propose(doc, paper, typing, cues)
    if decider is None:
        return rules_extraction(proposals)
    return decider.decide(proposals)
