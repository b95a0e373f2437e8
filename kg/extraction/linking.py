"""Rule-based linking: cue phrases in a sentence attach the entity mentions after them to the paper.

For each sentence, relation cues (``ontology/cues.json``) claim the mentions that follow them, up to a
clause boundary or another cue, across coordinations ("X, Y and Z") and through an exemplifier ("baselines such
as X and Y"). A cue is cancelled by a negation
just before it ("does not outperform"); parity cues ("comparable to", "on par with") claim their
targets with no relation. OUTPERFORMS, EXTENDS and most USES cues need the sentence to speak of the
paper's own work (we/our/the proposed/the introduced name/the title) and no other entity as the
subject right before the cue ("GPT-4 outperforms X" is background, not the paper's claim).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span

from kg.extraction.doccache import sentence_start_of, sentence_text, span_string, token_texts
from kg.extraction.mentions import DocMention
from kg.nlp.rules import Cues

NEGATION_WINDOW = 3
CITATION_TOKENS = 7     # tokens a numbered citation may hold between its brackets ("[1, 2, 3]")
LIST_GAP = 8            # tokens allowed between two coordinated targets (``cues.json`` list_connectors)


@dataclass
class Link:
    """A relation from the paper's contribution to a mention, with its sentence and rule."""

    type: str
    mention: DocMention
    evidence: str
    rule: str
    confidence: float


def _accepted_cues(sent: Span, cue_spans: list[Span]) -> list[Span]:
    """Cue spans of the sentence, longest first on overlaps ("improves over" beats "improves")."""
    inside = [c for c in cue_spans if c.start >= sent.start and c.end <= sent.end]
    inside.sort(key=lambda c: (c.start, -(c.end - c.start)))
    out: list[Span] = []
    last_end = -1
    for c in inside:
        if c.start >= last_end:
            out.append(c)
            last_end = c.end
    return out


def _background_regions(doc: Doc, sent: Span, accepted: list[Span], cues: Cues) -> list[tuple[int, int]]:
    """Token ranges from a background marker ("unlike", "prior work", a sentence-initial "While") to the next comma."""
    regions = []
    for c in accepted:
        if c.label_ != "background":
            continue
        if span_string(doc, c.start, c.end).lower() in cues.concessive_markers and c.start != sent.start:
            continue                      # only a sentence-initial concessive clause is background
        texts = token_texts(doc)
        end = next((i for i in range(c.end, sent.end) if texts[i] in (",", ";")), sent.end)
        regions.append((c.start, end))
    return regions


def _explicit_subject(doc: Doc, cue: Span, mention_end: dict[int, DocMention], cues: Cues) -> DocMention | None:
    """The mention right before the cue (skipping adverbs/auxiliaries), if any: the cue's grammatical subject."""
    i = cue.start - 1
    sent_start, texts = sentence_start_of(doc)[cue.start], token_texts(doc)     # ``cue.sent`` walks the Doc per call
    while i >= sent_start and texts[i].lower() in cues.subject_skip:
        i -= 1
    return mention_end.get(i + 1) if i >= sent_start else None


def is_own(m: DocMention, own_keys: set[str], title: str) -> bool:
    """Does ``m`` name the paper's own contribution? (an introduced name, or a new name the title carries)"""
    if m.key in own_keys or any(m.key.startswith(k) for k in own_keys if len(k) >= 4):
        return True
    return not m.rule.startswith(("gazetteer", "acronym")) and m.text[:1].isupper() and m.text in title


def link_sentence(doc: Doc, sent: Span, mentions: list[DocMention], cue_spans: list[Span], cues: Cues,
                  own_keys: set[str], is_title: bool, title: str = "", claimed_out: set[int] | None = None) -> list[Link]:
    """Relations found in one sentence; ``claimed_out`` collects the mentions any cue claimed (even with no relation)."""
    accepted = _accepted_cues(sent, cue_spans)
    labels = {c.start: c for c in accepted}
    own = is_title or any(c.label_ in ("own.subject", "introduce") for c in accepted) or any(
        m.key in own_keys for m in mentions if sent.start <= m.start < sent.end)
    mention_at = {m.start: m for m in mentions if sent.start <= m.start < sent.end}
    mention_end = {m.end: m for m in mentions if sent.start <= m.start < sent.end}
    transparent = {t.lower() for t in cues.transparent}
    links: list[Link] = []
    claimed = claimed_out if claimed_out is not None else set()
    background_spans = _background_regions(doc, sent, accepted, cues)
    for cue in accepted:
        rule = cues.rule(cue.label_)
        if rule is not None and any(a <= cue.start < b for a, b in background_spans):
            continue                      # "unlike previous methods that improve X, ...": not the paper's claim
        is_parity = cue.label_ == "block.parity"
        if rule is None and not is_parity:
            continue
        if rule is not None and rule.needs_own_subject and not own:
            continue
        negated = any(c.label_ == "block.negation" and 0 <= cue.start - c.end <= NEGATION_WINDOW for c in accepted)
        if rule is not None and rule.relation == "OUTPERFORMS" and not negated:
            negated = _hedged(cue, accepted, mention_at)
        subject = _explicit_subject(doc, cue, mention_end, cues)
        background = subject is not None and not is_own(subject, own_keys, title)
        targets = _walk_targets(doc, cue, sent, mention_at, labels, transparent, rule.max_gap if rule else 4, cues)
        for m in targets:
            if m.start in claimed or m.key in own_keys:
                continue
            if rule is not None and rule.labels and m.label not in rule.labels:
                continue
            claimed.add(m.start)
            if is_parity or negated or rule is None:
                continue
            if background and rule.relation in ("OUTPERFORMS", "EXTENDS"):
                continue
            relation, rule_id = rule.relation, rule.id
            if relation == "EXTENDS" and m.end < len(doc) and token_texts(doc)[m.end] in cues.possessive_markers:
                relation, rule_id = "USES", rule.id + ".possessive"     # "improves X's accuracy" uses X
            links.append(Link(relation, m, sentence_text(doc, sent), rule_id, rule.confidence))
    return links


def _hedged(cue: Span, accepted: list[Span], mention_at: dict[int, DocMention]) -> bool:
    """A comparison hedged by a parity cue ending at most ``NEGATION_WINDOW`` tokens before it, with no name
    between them ("comparable to or even outperforms X", "at par (or even better) than X"): the paper does not
    claim the win. In the training abstracts, all five names compared this way are annotated without OUTPERFORMS."""
    return any(c.label_ == "block.parity" and 0 <= cue.start - c.end <= NEGATION_WINDOW
               and not any(c.end <= i < cue.start for i in mention_at) for c in accepted)


def _walk_targets(doc: Doc, cue: Span, sent: Span, mention_at: dict[int, DocMention], cue_at: dict[int, Span],
                  transparent: set[str], max_gap: int, cues: Cues) -> list[DocMention]:
    """Mentions claimed by ``cue``: the first within ``max_gap`` tokens, then the ones coordinated with it.

    After a target, the walk goes on only through a connector ("," "and" "or"), after which a few
    modifier tokens may precede the next target ("X and even a larger Y"). Before the first target, an exemplifier
    ("such as", ``cues.json`` exemplifiers) restarts the gap ("against existing 7B models such as X"); a numbered
    citation ("[23]") anywhere is skipped, so it does not end a list.
    """
    targets: list[DocMention] = []
    i, gap = cue.end, 0
    in_list, connected = False, False
    texts = token_texts(doc)
    while i < sent.end:
        cited = _citation_end(texts, i, sent.end)
        if cited:
            i = cited                     # "LCM [23], SDXL-Lightning [17]": a numbered citation is not a word
            continue
        if not in_list:
            example = _exemplifier_end(texts, i, sent.end, cues)
            if example:
                i, gap = example, 0       # "against existing 7B models such as X": the examples are the targets
                continue
        low = texts[i].lower()
        if low in cues.clause_boundaries and low not in transparent:
            break
        other = cue_at.get(i)
        if other is not None and other is not cue and span_string(doc, other.start, other.end).lower() not in transparent \
                and other.label_ != "own.subject":
            break
        m = mention_at.get(i)
        if m is not None:
            targets.append(m)
            i, gap, in_list, connected = m.end, 0, True, False
            continue
        if in_list:
            if low in cues.connectors:
                connected, gap = True, 0
            elif not connected and low not in cues.list_connectors:
                break
        gap += 1
        if gap > (LIST_GAP if in_list else max_gap):
            break
        i += 1
    return targets


def _citation_end(texts: list[str], i: int, end: int) -> int:
    """The index after a numbered citation starting at ``i`` ("[23]", "[1,2]", "[17, 18]", "[3-5]"), else 0."""
    if texts[i] != "[":
        return 0
    for j in range(i + 1, min(end, i + CITATION_TOKENS + 2)):
        if texts[j] == "]":
            return j + 1 if j > i + 1 else 0
        if not texts[j].replace(",", "").replace("-", "").replace("–", "").isdigit() and texts[j] not in (",", "-", "–"):
            return 0
    return 0


def _exemplifier_end(texts: list[str], i: int, end: int, cues: Cues) -> int:
    """The index after an exemplifier starting at ``i`` ("such as", "including", "e.g."; ``cues.json``
    exemplifiers), else 0: what follows it names examples of the phrase the cue governs."""
    for words in cues.exemplifiers:
        n = len(words)
        if i + n <= end and tuple(t.lower() for t in texts[i:i + n]) == words:
            return i + n
    return 0
