"""Typed provenance of a candidate span: which rule proposed it, how strongly, from which list.

A candidate span (``doc.spans["kg_gazetteer"]``, ``"kg_compounds"``, ``"kg_candidates"``) carries a
``Provenance`` record, read through ``Span._`` extensions (``span._.kg_rule``, ``kg_strong``, ``kg_source``,
``kg_prefix``) instead of being encoded in and parsed out of ``Span.id_``.

Why not plain stored extensions: spaCy keys a span's stored extension values by its character offsets
only, so two candidates over the same words (a gazetteer hit and a name shape, or hits from two lists)
would overwrite each other. Each span's ``span_id`` therefore holds a small integer, the index of its
record in a per-Doc table (``doc.user_data["kg_provenance"]``), and the extensions are getters over it.

Examples
--------
>>> import spacy
>>> doc = spacy.blank("en")("We fine-tune BERT-based models")
>>> span = provenance_span(doc, 2, 3, Provenance("gazetteer-compound:curated", source="curated", prefix="BERT"),
...                        label="Model", kb_id="BERT")
>>> span._.kg_rule, span._.kg_strong, span._.kg_source, span._.kg_prefix
('gazetteer-compound:curated', True, 'curated', 'BERT')
>>> Span(doc, 0, 1)._.kg_rule is None
True
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from spacy.tokens import Doc, Span

TABLE_KEY = "kg_provenance"
_INDEX_KEY = "kg_provenance_index"


@dataclass(frozen=True)
class Provenance:
    """Where a candidate comes from.

    ``rule`` is the rule id the mention keeps (``"gazetteer:curated"``, ``"pattern:technique-head"``; trained
    models use it as a feature), ``strong`` whether it becomes a mention on its own, ``source`` the gazetteer
    source of a list hit, ``prefix`` the listed name inside an ``X-based`` compound word.
    """

    rule: str
    strong: bool = True
    source: str | None = None
    prefix: str | None = None


def _table(doc: Doc) -> list[Provenance | None]:
    table = doc.user_data.get(TABLE_KEY)
    if table is None:
        table = doc.user_data[TABLE_KEY] = [None]        # index 0: spans made without provenance
        doc.user_data[_INDEX_KEY] = {}
    return table


def provenance_span(doc: Doc, start: int, end: int, provenance: Provenance, *, label: str = "", kb_id: str = "") -> Span:
    """A ``Span`` over tokens [start, end) carrying ``provenance`` (records are shared within the Doc)."""
    table = _table(doc)
    index: dict[Provenance, int] = doc.user_data[_INDEX_KEY]
    slot = index.get(provenance)
    if slot is None:
        slot = index[provenance] = len(table)
        table.append(provenance)
    return Span(doc, start, end, label=label, kb_id=kb_id, span_id=slot)


def provenance_of(span: Span) -> Provenance | None:
    """The span's provenance record, or None for a span no candidate rule made."""
    table = span.doc.user_data.get(TABLE_KEY)
    if table is None or not 0 <= span.id < len(table):
        return None
    return table[span.id]


def _field(name: str):
    def get(span: Span):
        prov = provenance_of(span)
        return getattr(prov, name) if prov is not None else None
    return get


for _f in fields(Provenance):                              # kg_rule, kg_strong, kg_source, kg_prefix
    if not Span.has_extension(f"kg_{_f.name}"):
        Span.set_extension(f"kg_{_f.name}", getter=_field(_f.name))
