"""Feature dicts for the candidates of one paper: entities (per name), relations (per type and name) and
introduced names. Features come from the rules (which rule proposed or linked the name, its gazetteer
source, label, shape, head word), from the text (count, title, first sentence, neighbouring words) and from
the gold-name lexicon (annotation rate elsewhere) and the name tagger (whether it read the name with the same
boundaries, ``tagger_features``). All are strings mapped to numbers, ready for a linear model.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Doc

from kg.extraction.assemble import Proposals
from kg.extraction.doccache import cues_by_sentence, sentence_start_of, sentence_text_at, token_texts
from kg.extraction.introduced import Introduced
from kg.extraction.linking import Link
from kg.extraction.mentions import DocMention
from kg.normalize import fold
from kg.learn.lexicon import Lexicon
from kg.learn.name_tagger import TAGGER_RULE
from kg.nlp.provenance import provenance_of
from kg.nlp.rules import load_cues, load_typing
from kg.schema import CLAIM_TYPES

Features = dict[str, float]
RELATIONS = tuple(t for t in CLAIM_TYPES if t != "INTRODUCES")
NAME_INTRO_RULE = "introduce.named-entity"


@dataclass
class EntityCandidate:
    """All mentions of one name (fold key) in a paper, with the links the rules proposed to it."""

    key: str
    mentions: list[DocMention]
    links: list[Link] = field(default_factory=list)
    features: Features = field(default_factory=dict)
    context: Features = field(default_factory=dict)

    @property
    def type_features(self) -> Features:
        """What the type model reads: the entity features and the words around the name."""
        return {**self.features, **self.context}

    @property
    def canonical(self) -> str:
        return self.mentions[0].canonical

    @property
    def rule_label(self) -> str:
        labels = Counter(m.label for m in self.mentions)
        return max(sorted(labels), key=labels.__getitem__)


@dataclass
class RelationCandidate:
    """A possible (relation type, entity) of a paper."""

    type: str
    entity: EntityCandidate
    links: list[Link]
    features: Features = field(default_factory=dict)


@dataclass
class IntroCandidate:
    """A name the rules say the paper introduces."""

    intro: Introduced
    features: Features = field(default_factory=dict)


@dataclass
class PaperCandidates:
    """The candidates of one paper."""

    entities: list[EntityCandidate]
    relations: list[RelationCandidate]
    intros: list[IntroCandidate]


def _shape(name: str) -> Features:
    words = name.split()
    f: Features = {f"words={min(len(words), 4)}": 1.0}
    if name.islower():
        f["shape=lower"] = 1.0
    elif name.isupper():
        f["shape=upper"] = 1.0
    elif all(w[:1].isupper() for w in words if w[:1].isalpha()):
        f["shape=title"] = 1.0
    else:
        f["shape=mixed"] = 1.0
    if any(c.isdigit() for c in name):
        f["shape=digit"] = 1.0
    if "-" in name:
        f["shape=hyphen"] = 1.0
    if re.search(r"[a-z][A-Z]", name):
        f["shape=innercap"] = 1.0
    return f


def _lexicon_features(lexicon: Lexicon | None, forms: list[str], exclude: str | None, label: str) -> Features:
    if lexicon is None:
        return {}
    entry = lexicon.lookup(*forms)
    if entry is None:
        return {"lex=none": 1.0}
    gold, seen = entry.counts(exclude)
    if gold == 0:
        return {"lex=none": 1.0}
    f: Features = {"lex=known": 1.0, "lex_gold": math.log1p(gold), "lex_rate": (gold + 0.5) / (seen + 1.0),
                   f"lex_type={entry.label}": 1.0}
    if entry.label == label:
        f["lex_type_agrees"] = 1.0
    return f


_NAME_PART = re.compile(r"[A-Z][a-z]+|[A-Z]+(?![a-z])|[a-z]+")
MIN_PART_CHARS = 3


def name_part_features(lexicon: Lexicon | None, name: str, pid: str | None) -> Features:
    """The type of annotated names found inside a one-word name: "KeyBART" holds BART, "CLIPTrans" CLIP,
    "MMLU-STEM" MMLU, so it most likely names the same kind of thing."""
    if lexicon is None or " " in name:
        return {}
    f: Features = {}
    parts = [m.group() for m in _NAME_PART.finditer(name)]
    if parts and len(parts[-1]) >= MIN_PART_CHARS:
        f[f"last_part={parts[-1].lower()}"] = 1.0
    if len(parts) < 2:
        return f
    for part in parts:
        if len(part) < MIN_PART_CHARS:
            continue
        entry = lexicon.lookup(part)
        if entry is not None and entry.counts(pid)[0] > 0:
            f[f"part_type={entry.label}"] = 1.0
    return f


def sentence_cue_features(p: Proposals, cand: EntityCandidate) -> Features:
    """Which cue phrases share a sentence with the name, before or after it ("X outperforms" vs "outperforms X"),
    whether the sentence negates, states parity, speaks of the paper's own work, or of background."""
    cues = load_cues()
    start_of = sentence_start_of(p.doc)
    f: Features = {}
    by_sent = cues_by_sentence(p.doc)
    for m in cand.mentions:
        for c in by_sent.get(start_of[m.start], []):
            rule = cues.rule(c.label_)
            where = "before" if c.start < m.start else "after"
            if rule is not None:
                f[f"cue_{where}={rule.relation}"] = 1.0
            else:
                f[f"cue_{where}={c.label_.split('.', 1)[0]}"] = 1.0
                f[f"cue={c.label_}"] = 1.0
    return f


def entity_features(p: Proposals, cand: EntityCandidate, lexicon: Lexicon | None, pid: str | None) -> Features:
    """Features of one entity candidate (see module docstring)."""
    doc = p.doc
    label = cand.rule_label
    f: Features = {f"label={label}": 1.0, "n_mentions": math.log1p(len(cand.mentions))}
    for m in cand.mentions:
        f[f"rule={m.rule}"] = 1.0
        f[f"family={m.rule.split(':', 1)[0].split('.', 1)[0]}"] = 1.0
    if all(m.weak for m in cand.mentions):
        f["weak"] = 1.0
    if not any(m.sure_label for m in cand.mentions):
        f["unsure_label"] = 1.0
    first = cand.mentions[0]
    if doc[first.start].idx < p.title_end:
        f["in_title"] = 1.0
    if any(doc[m.start].idx >= p.title_end for m in cand.mentions):
        f["in_abstract"] = 1.0
    name = first.text
    f.update(_shape(name))
    words = name.lower().split()
    if words:
        f[f"head={words[-1]}"] = 1.0
    prev = doc[first.start - 1].lower_ if first.start > 0 else "<s>"
    nxt = doc[first.end].lower_ if first.end < len(doc) else "</s>"
    f[f"prev={prev}"] = 1.0
    f[f"next={nxt}"] = 1.0
    if cand.key in p.own_keys:
        f["introduced"] = 1.0
        for intro in p.intros:
            if fold(intro.canonical) == cand.key or cand.key in {fold(a) for a in intro.aliases}:
                f[f"introduced_as={intro.label}"] = 1.0     # the head of the phrase that introduces it
    elif any(cand.key in own and cand.key != own for own in p.own_keys):
        f["inside_introduced_name"] = 1.0     # "Energy-Based Concept Bottleneck Models" names a kind of its base
    for link in cand.links:
        f[f"link={link.rule}"] = 1.0
        f[f"linktype={link.type}"] = 1.0
    f.update(_lexicon_features(lexicon, [cand.canonical, first.text], pid, label))
    f.update(name_part_features(lexicon, first.text, pid))
    f.update(sentence_cue_features(p, cand))
    f.update(position_features(p, cand))
    return f


def tagged_names(doc: Doc) -> dict[tuple[int, int], str]:
    """(start, end) -> label of the names the name tagger marked in ``doc`` (``kg.learn.name_tagger``)."""
    names: dict[tuple[int, int], str] = {}
    for span in doc.spans.get("kg_candidates", []):
        prov = provenance_of(span)        # the record itself: ``span._.kg_rule`` costs an extension look-up per span
        if prov is not None and prov.rule == TAGGER_RULE:
            names[span.start, span.end] = span.label_
    return names


def tagger_features(cand: EntityCandidate, tagged: dict[tuple[int, int], str]) -> Features:
    """How the name tagger read the candidate's mentions, a second opinion on names any rule proposed: the share
    of its mentions it marked with the same boundaries and the label it gave them, else whether it marked
    other boundaries over one of them ("Asymmetric VAE" around "VAE") or nothing."""
    same = [tagged[m.start, m.end] for m in cand.mentions if (m.start, m.end) in tagged]
    if same:
        label = max(sorted(set(same)), key=same.count)
        return {"tagger_same": len(same) / len(cand.mentions), f"tagger_label={label}": 1.0}
    if any(s < m.end and m.start < e for m in cand.mentions for s, e in tagged):
        return {"tagger_other": 1.0}
    return {"tagger_none": 1.0}


TYPE_CONTEXT_WINDOW = 12
TYPE_CONTEXT_MENTIONS = 3


def type_context_features(p: Proposals, cand: EntityCandidate) -> Features:
    """The words near the first mentions of a name ("we train X on", "X, a benchmark of", "the X loss"), and the
    labels of listed names inside a one-word name ("TinyLLaVA" holds LLaVA): what decides between a trained model,
    a method and a dataset when the name itself does not tell (a paper's own name)."""
    texts = token_texts(p.doc)           # no ``Token`` per word (spaCy's is_alpha and lower_ are these str methods)
    f: Features = {}
    parts = _name_part_labels(p.doc)
    for m in cand.mentions:
        if m.end - m.start == 1:
            for label in parts.get(m.start, ()):
                f[f"part_gaz={label}"] = 1.0      # "TinyLLaVA" holds a listed Model name
    for m in cand.mentions[:TYPE_CONTEXT_MENTIONS]:
        lo, hi = max(0, m.start - TYPE_CONTEXT_WINDOW), min(len(texts), m.end + TYPE_CONTEXT_WINDOW)
        for text in (*texts[lo:m.start], *texts[m.end:hi]):
            if text.isalpha() and len(text) > 2:
                f[f"tctx={text.lower()}"] = 1.0
    return f


def _name_part_labels(doc: Doc) -> dict[int, list[str]]:
    """Token index -> labels of the listed names inside that one-word name (``kg_name_parts``; built once per Doc)."""
    cached = doc.user_data.get("kg_name_part_labels")
    if cached is None:
        cached = {}
        for span in doc.spans.get("kg_name_parts", []):
            cached.setdefault(span.start, []).append(span.label_)
        doc.user_data["kg_name_part_labels"] = cached
    return cached


def position_features(p: Proposals, cand: EntityCandidate) -> Features:
    """Where in the abstract the name stands: the first abstract sentence is mostly background, the last ones
    mostly results (sentence index as a fraction, bucketed in thirds, for the first and the last mention)."""
    index = _abstract_sentence_index(p)
    f: Features = {}
    if not index:
        return f
    start_of = sentence_start_of(p.doc)
    for which, m in (("first", cand.mentions[0]), ("last", cand.mentions[-1])):
        k = index.get(start_of[m.start])
        if k is None:
            continue                     # in the title
        f[f"pos_{which}={min(2, 3 * k // len(index))}"] = 1.0
        if k == 0:
            f[f"pos_{which}=opening"] = 1.0
    return f


def _abstract_sentence_index(p: Proposals) -> dict[int, int]:
    """Start token of each abstract sentence -> its index in the abstract (built once per Doc)."""
    cached = p.doc.user_data.get("kg_abstract_sentence_index")
    if cached is None:
        starts = [sent.start for sent in p.doc.sents if sent.start_char >= p.title_end]
        cached = p.doc.user_data["kg_abstract_sentence_index"] = {st: k for k, st in enumerate(starts)}
    return cached


# The entity features the OUTPERFORMS and EXTENDS models read (by name prefix): where the name stands and which
# cues surround it, its label, lexicon and links; not its shape, words or proposing rules. With about 100 gold
# items each, the full entity feature set let those models fit noise (3x5-fold CV: OUTPERFORMS 0.476 -> 0.495).
RARE_RELATION_ENTITY_FEATURES = ("cue_", "cue=", "pos_", "in_title", "in_abstract", "label=", "lex=", "lex_",
                                 "inside_introduced_name", "link=", "linktype=")


def relation_features(cand: RelationCandidate, entity_part: Features | None = None) -> Features:
    """Features of a (type, entity) candidate: the rules that fired for this type, and the entity's features
    (for the rare types, only ``RARE_RELATION_ENTITY_FEATURES``).

    ``entity_part``: ``entity_relation_part(cand.entity, rare=...)`` when the caller already has it (it is the
    same for every relation type of the entity of the same kind).
    """
    f: Features = {}
    for link in cand.links:
        f[f"r={link.rule}"] = 1.0
    f["n_links"] = math.log1p(len(cand.links))
    f["max_conf"] = max((link.confidence for link in cand.links), default=0.0)
    if not cand.links:
        f["no_link"] = 1.0
    other = {link.type for link in cand.entity.links} - {cand.type}
    for t in sorted(other):
        f[f"other={t}"] = 1.0
    if entity_part is None:
        entity_part = entity_relation_part(cand.entity, rare=cand.type != "USES")
    f.update(entity_part)
    return f


def entity_relation_part(entity: EntityCandidate, rare: bool = False) -> Features:
    """The entity's features as its relation candidates carry them (``e:`` prefix, no context words; for the
    rare relation types only ``RARE_RELATION_ENTITY_FEATURES``)."""
    return {f"e:{name}": value for name, value in entity.features.items()
            if not name.startswith(("prev=", "next=", "head="))
            and (not rare or name.startswith(RARE_RELATION_ENTITY_FEATURES))}


def intro_features(p: Proposals, cand: IntroCandidate, entities: dict[str, EntityCandidate],
                   lexicon: Lexicon | None, pid: str | None) -> Features:
    """Features of an introduced-name candidate: the rule, label, shape, how often the paper names it."""
    intro = cand.intro
    f: Features = {f"rule={intro.rule}": 1.0, f"label={intro.label}": 1.0}
    ent = entities.get(fold(intro.canonical))
    if ent is not None:
        for name, value in ent.features.items():
            if not name.startswith(("prev=", "next=", "head=", "lex", "n_mentions", "label=", "words=", "shape=")):
                f[f"e:{name}"] = value
    f.update(_shape(intro.canonical))
    f["n_mentions"] = math.log1p(len(ent.mentions)) if ent else 0.0
    if intro.aliases:
        f["has_alias"] = 1.0
    f.update(_lexicon_features(lexicon, [intro.canonical, *intro.aliases], pid, intro.label))
    if intro.rule == NAME_INTRO_RULE:      # own weights: a name no rule introduced is judged on its own terms
        if ent is not None:
            f.update(intro_context_features(p, ent))
        return {f"n:{k}": v for k, v in f.items()}
    return f


INTRO_CONTEXT_WINDOW = 4


def intro_context_features(p: Proposals, cand: EntityCandidate) -> Features:
    """The words around each mention of a name ("our X", "X, a method that", "release X"): a cue phrase of its
    sentence ending close before a mention, the words right before and after it, and a generic head noun ("method",
    "framework", "dataset") in an apposition after it."""
    doc = p.doc
    generic = load_typing().generic_heads
    start_of = sentence_start_of(doc)
    by_sent = cues_by_sentence(doc)
    f: Features = {}
    for m in cand.mentions[:3]:
        f[f"prev={doc[m.start - 1].lower_ if m.start else '<s>'}"] = 1.0
        f[f"next={doc[m.end].lower_ if m.end < len(doc) else '</s>'}"] = 1.0
        for c in by_sent.get(start_of[m.start], []):
            if m.start - INTRO_CONTEXT_WINDOW <= c.end <= m.start:
                f[f"near_cue={c.label_.split('.', 1)[0]}"] = 1.0
        after = doc[m.end:min(len(doc), m.end + INTRO_CONTEXT_WINDOW)]
        if any(t.lower_ in generic for t in after):
            f["generic_head_after"] = 1.0
    return f


def _possible(rtype: str, cand: EntityCandidate) -> bool:
    """Which relation candidates a name gets: USES always; OUTPERFORMS and EXTENDS when a rule linked the name or
    a cue of theirs precedes it; EXTENDS also for a name in the title or inside the introduced name (what the
    paper's own method is a kind of)."""
    f = cand.features
    if rtype == "USES" or cand.links or f"cue_before={rtype}" in f:
        return True
    return rtype == "EXTENDS" and ("inside_introduced_name" in f or "in_title" in f)


def paper_candidates(p: Proposals, lexicon: Lexicon | None = None, pid: str | None = None) -> PaperCandidates:
    """Group the proposals of one paper into candidates and compute their features.

    ``pid`` is the paper's ``kg.learn.lexicon.paper_key``: when the paper is a training paper, its own annotations
    are left out of the lexicon features.
    """
    groups: dict[str, EntityCandidate] = {}
    for m in p.mentions:
        groups.setdefault(m.key, EntityCandidate(m.key, [])).mentions.append(m)
    for link in p.links:
        cand = groups.get(link.mention.key)
        if cand is not None:
            cand.links.append(link)
    entities = [groups[k] for k in groups]
    tagged = tagged_names(p.doc)
    for cand in entities:
        cand.features = entity_features(p, cand, lexicon, pid)
        cand.features.update(tagger_features(cand, tagged))
        cand.context = type_context_features(p, cand)
    relations: list[RelationCandidate] = []
    for cand in entities:
        if cand.key in p.own_keys:
            continue                           # an introduced name gets no relation to itself
        by_type: dict[str, list[Link]] = {t: [] for t in RELATIONS}
        for link in cand.links:
            by_type.setdefault(link.type, []).append(link)
        parts: dict[bool, Features] = {}           # the entity part, full (USES) and narrow (rare types)
        for rtype in RELATIONS:
            if _possible(rtype, cand):
                rare = rtype != "USES"
                if rare not in parts:
                    parts[rare] = entity_relation_part(cand, rare=rare)
                rc = RelationCandidate(rtype, cand, by_type[rtype])
                rc.features = relation_features(rc, parts[rare])
                relations.append(rc)
    intros = [IntroCandidate(intro) for intro in p.intros] + entity_intro_candidates(p, entities)
    for ic in intros:
        ic.features = intro_features(p, ic, groups, lexicon, pid)
    return PaperCandidates(entities, relations, intros)


def entity_intro_candidates(p: Proposals, entities: list[EntityCandidate]) -> list[IntroCandidate]:
    """Every named candidate the introduction rules did not claim is also a possible introduced name: about one
    introduced name in six is written in a way no introduction rule catches ("Step-level Advantage Preference
    Optimization (SAPO) ... achieves"), and the introduction model judges it from the same features."""
    out = []
    for cand in entities:
        if cand.key in p.own_keys or all(m.weak for m in cand.mentions):
            continue
        first = cand.mentions[0]
        aliases = tuple(sorted({m.text for m in cand.mentions if fold(m.text) != cand.key}))
        evidence = sentence_text_at(p.doc, first.start)
        out.append(IntroCandidate(Introduced(cand.canonical, cand.rule_label, evidence, NAME_INTRO_RULE, aliases)))
    return out
