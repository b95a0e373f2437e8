"""Turn one annotated Doc (title + "\\n\\n" + abstract) into an ``Extraction``: mentions, relations, acronyms."""

from __future__ import annotations

from spacy.tokens import Doc

from kg.extraction.introduced import Introduced, introduced_names, macro_tokens
from kg.extraction.linking import Link, link_sentence
from kg.extraction.mentions import DocMention, select_mentions
from kg.extraction.names import fold
from kg.nlp.components import FIELD_SEPARATOR
from kg.nlp.rules import Cues, Typing
from kg.records import Extraction, Mention, Relation

FALLBACK_DATASET_RULE = "use.dataset-in-own-sentence"
FALLBACK_DATASET_CONFIDENCE = 0.55


def doc_text(title: str, abstract: str) -> str:
    """The text the pipeline processes for one paper (offsets of each field are recoverable)."""
    return title + FIELD_SEPARATOR + abstract


def _attach_introduced(doc: Doc, mentions: list[DocMention], intros: list[Introduced], title_end: int) -> list[DocMention]:
    """Make sure every introduced name has a mention with its canonical name and label."""
    by_key: dict[str, Introduced] = {}
    for intro in intros:
        for surface in (intro.canonical, *intro.aliases):
            by_key.setdefault(fold(surface), intro)
    for m in mentions:
        intro = by_key.get(m.key) or by_key.get(fold(m.text))
        if intro is not None:
            m.canonical, m.label, m.weak = intro.canonical, intro.label, False
    present = {m.key for m in mentions}
    taken = {i for m in mentions for i in range(m.start, m.end)}
    for intro in intros:
        if fold(intro.canonical) in present:
            continue
        for surface in (*intro.aliases, intro.canonical):
            pos = doc.text.find(surface)
            span = doc.char_span(pos, pos + len(surface), alignment_mode="expand") if pos >= 0 else None
            if span is not None and not any(i in taken for i in range(span.start, span.end)):
                mentions = [m for m in mentions if m.end <= span.start or m.start >= span.end]
                mentions.append(DocMention(span.start, span.end, span.text, intro.label, intro.canonical, intro.rule))
                taken.update(range(span.start, span.end))
                break
    if intros:
        primary = intros[0]
        for i in macro_tokens(doc):
            if i not in taken:
                mentions.append(DocMention(i, i + 1, doc[i].text, primary.label, primary.canonical, "introduce.latex-macro"))
    return sorted(mentions, key=lambda m: m.start)


def _field_offsets(start_char: int, end_char: int, title_end: int) -> tuple[str, int, int]:
    if start_char < title_end:
        return "title", start_char, end_char
    shift = title_end + len(FIELD_SEPARATOR)
    return "abstract", start_char - shift, end_char - shift


def extract_doc(doc: Doc, paper: dict, typing: Typing, cues: Cues) -> Extraction:
    """Extract mentions and relations from ``doc``; ``paper`` is the record's metadata (``title`` required)."""
    title = paper["title"]
    title_end = len(title)
    mentions, acronyms = select_mentions(doc, typing, title_end)
    intros = introduced_names(doc, title, mentions, acronyms, typing)
    mentions = _attach_introduced(doc, mentions, intros, title_end)
    own_keys = {fold(s) for intro in intros for s in (intro.canonical, *intro.aliases)}

    cue_spans = list(doc.spans.get("kg_cues", []))
    links: list[Link] = []
    for sent in doc.sents:
        is_title = sent.start_char < title_end
        sent_mentions = [m for m in mentions if sent.start <= m.start < sent.end]
        found = link_sentence(doc, sent, sent_mentions, cue_spans, cues, own_keys, is_title)
        linked = {id(link.mention) for link in found}
        own = is_title or any(c.label_ in ("own.subject", "introduce") and sent.start <= c.start < sent.end for c in cue_spans)
        if own:
            for m in sent_mentions:
                if m.label == "Dataset" and not m.weak and id(m) not in linked and m.key not in own_keys:
                    found.append(Link("USES", m, sent.text.strip(), FALLBACK_DATASET_RULE, FALLBACK_DATASET_CONFIDENCE))
        links.extend(found)

    linked_keys = {link.mention.key for link in links}
    kept = [m for m in mentions if not m.weak or m.key in linked_keys]
    out_mentions: list[Mention] = []
    for m in kept:
        span = doc[m.start:m.end]
        field, start, end = _field_offsets(span.start_char, span.end_char, title_end)
        out_mentions.append(Mention(m.text, field, start, end, m.label, m.canonical, m.rule))

    relations: list[Relation] = [
        Relation("INTRODUCES", intro.canonical, intro.evidence, intro.rule, 0.9 if intro.rule.endswith("title-prefix") else 0.8)
        for intro in intros
    ]
    seen: set[tuple[str, str]] = set()
    for link in links:
        key = (link.type, link.mention.key)
        if key in seen:
            continue
        seen.add(key)
        relations.append(Relation(link.type, link.mention.canonical, link.evidence, link.rule, link.confidence))
    return Extraction(paper=paper, mentions=out_mentions, relations=relations, acronyms=acronyms)
