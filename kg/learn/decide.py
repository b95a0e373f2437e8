"""Apply the trained models to one paper's rule proposals and return its ``Extraction``.

Each relation keeps the evidence sentence and id of its strongest rule (``use.learned`` when no rule fired and
the model still judged the name used), lists every rule that fired, and its confidence is the model's
probability. An entity is kept when the entity model accepts it or a kept introduction names it; a relation is
kept when its model (for OUTPERFORMS, or a cue rule: ``CUE_DECIDES``) and the entity model both accept it and
the entity's label may be its target (``schema.json`` claim_target_labels: no OUTPERFORMS of a dataset). The
entity's type is the type model's choice.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from kg.extraction.assemble import Proposals, mention_records
from kg.extraction.doccache import sentence_text_at
from kg.normalize import fold
from kg.learn.features import EntityCandidate, PaperCandidates, RelationCandidate, paper_candidates
from kg.learn.lexicon import Lexicon, paper_key
from kg.learn.phrases import add_phrase_spans
from kg.learn.linear import LinearModel
from kg.learn.name_tagger import TAGGER_FILE, NameTagger, add_name_spans
from kg.nlp.candidates import ends_in_billions
from kg.records import Extraction, Relation
from kg.schema import CLAIM_TARGET_LABELS, CLAIM_TYPES

MODEL_NAMES = ("entity", "type", *CLAIM_TYPES, "introduces")
# Claims a cue rule makes are kept whatever their model says (it still decides the claims no rule made, and every
# claim's confidence is its probability): with 80 positive rows its model under-rates the rules' OUTPERFORMS
# (5-fold CV on train over 6 splits: OUTPERFORMS 0.503 -> 0.508, relations unchanged; for EXTENDS too, EXTENDS
# 0.243 -> 0.257 but relations 0.594 -> 0.592, so EXTENDS stays with its model).
CUE_DECIDES = ("OUTPERFORMS",)
NO_RULE = "use.learned"
MODELS_PACKAGE = "kg.models"


@dataclass
class ModelBundle:
    """The trained models and the lexicon they were trained with."""

    models: dict[str, LinearModel]
    lexicon: Lexicon
    tagger: bytes | None = None          # the name tagger's CRFsuite model file (``kg.learn.name_tagger``)

    @cached_property
    def name_tagger(self) -> NameTagger | None:
        return NameTagger(self.tagger) if self.tagger is not None else None

    def to_files(self) -> dict[str, bytes]:
        """File name -> bytes of the package data (deterministic)."""
        files = {f"{name}.json": _dump(self.models[name].to_json()) for name in MODEL_NAMES}
        files["lexicon.json"] = _dump(self.lexicon.to_json())
        if self.tagger is not None:
            files[TAGGER_FILE] = self.tagger
        return files

    @cached_property
    def version(self) -> str:
        """A short hash of the model files: recorded in every graph the models build."""
        digest = hashlib.sha256()
        for name, data in sorted(self.to_files().items()):
            digest.update(name.encode() + b"\0" + data)
        return digest.hexdigest()[:12]

    @classmethod
    def load(cls, folder: Path | None = None) -> "ModelBundle":
        """Read the bundle from ``folder``, or from the package data ``kg/models`` when ``folder`` is None."""
        def read_bytes(name: str) -> bytes:
            if folder is not None:
                return (Path(folder) / name).read_bytes()
            return resources.files(MODELS_PACKAGE).joinpath(name).read_bytes()

        def read(name: str) -> dict:
            return json.loads(read_bytes(name).decode("utf-8"))

        models = {name: LinearModel.from_json(read(f"{name}.json")) for name in MODEL_NAMES}
        return cls(models, Lexicon.from_json(read("lexicon.json")), read_bytes(TAGGER_FILE))


def _dump(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=0) + "\n").encode("utf-8")


def _strongest(rc: RelationCandidate):
    return max(rc.links, key=lambda link: (link.confidence, link.rule)) if rc.links else None


class Decider:
    """Keep/drop and typing decisions for one paper's proposals with a ``ModelBundle``."""

    def __init__(self, bundle: ModelBundle, nlp: Language | None = None) -> None:
        self.bundle = bundle
        self.models = bundle.models
        self.nlp = nlp

    def add_learned_spans(self, doc: Doc, paper: dict) -> None:
        """Add the lexicon's names to the Doc's gazetteer spans (needs the ``nlp`` the Decider was made with;
        names annotated only in this very paper, a training paper met again, are left out, as in training), then
        the learned phrases and the name tagger's names to its candidates."""
        if self.nlp is not None:
            self.bundle.lexicon.add_spans(doc, self.nlp, exclude=paper_key(paper["title"]))
        add_phrase_spans(doc, self.bundle.lexicon.phrase_vocabulary())
        if self.bundle.name_tagger is not None:
            add_name_spans(doc, self.bundle.name_tagger.names(doc, len(paper["title"])))

    def candidates(self, p: Proposals, pid: str | None = None) -> PaperCandidates:
        return paper_candidates(p, self.bundle.lexicon, pid)

    def decide(self, p: Proposals, pid: str | None = None) -> Extraction:
        """The paper's ``Extraction`` after the models' decisions; the paper's own annotations (when it is a
        training paper) never count in its lexicon features (``pid`` defaults to its ``paper_key``)."""
        cands = self.candidates(p, pid or paper_key(p.paper["title"]))
        intro_model = self.models["introduces"]
        relations: list[Relation] = []
        needed: set[str] = set()
        for ic in cands.intros:
            prob = intro_model.probability(ic.features)
            if prob >= intro_model.threshold:
                intro = ic.intro
                relations.append(Relation("INTRODUCES", intro.canonical, intro.evidence, intro.rule, round(prob, 3)))
                needed.add(ic.intro.canonical)
        introduced = {fold(name) for name in needed}
        entity_model, type_model = self.models["entity"], self.models["type"]
        accepted = {cand.key for cand in cands.entities if entity_model.accept(cand.features)}
        labels: dict[str, str] = {}

        def label_of(cand: EntityCandidate) -> str:
            label = labels.get(cand.key)
            if label is None:
                label = labels[cand.key] = ("Model" if ends_in_billions(cand.canonical)
                                            else type_model.best(cand.type_features))
            return label

        for rc in cands.relations:
            if rc.entity.key in introduced or rc.entity.key not in accepted:
                continue                     # no relation to what the paper introduces, nor to a rejected name
            if label_of(rc.entity) not in CLAIM_TARGET_LABELS[rc.type]:
                continue                     # a dataset is used, never beaten (``schema.json``)
            model = self.models[rc.type]
            prob = model.probability(rc.features)
            if prob < model.threshold and not (rc.type in CUE_DECIDES and rc.links):
                continue
            best = _strongest(rc)
            if best is not None:
                evidence, rule = best.evidence, best.rule
            else:
                m = rc.entity.mentions[0]
                evidence, rule = sentence_text_at(p.doc, m.start), NO_RULE
            relations.append(Relation(rc.type, rc.entity.canonical, evidence, rule, round(prob, 3),
                                      rules=sorted({link.rule for link in rc.links})))
            needed.add(rc.entity.canonical)
        kept = []
        for cand in cands.entities:
            if cand.canonical in needed or cand.key in accepted:
                label = label_of(cand)
                for m in cand.mentions:
                    m.label = label
                kept.extend(cand.mentions)
        kept.sort(key=lambda m: m.start)
        return Extraction(paper=p.paper, mentions=mention_records(p, kept), relations=relations, acronyms=p.acronyms)


@lru_cache(maxsize=1)
def shipped_bundle() -> ModelBundle:
    """The models of the package data, read once per process."""
    return ModelBundle.load()


_DECIDERS: dict[int, Decider] = {}


def default_decider(nlp: Language) -> Decider:
    """The Decider of the shipped models for ``nlp`` (one per pipeline)."""
    decider = _DECIDERS.get(id(nlp))
    if decider is None:
        decider = _DECIDERS[id(nlp)] = Decider(shipped_bundle(), nlp)
    return decider
