"""Read SciERC in DyGIE JSON Lines: one ``Document`` per abstract with typed entity spans and relations.

Each line is ``{"doc_key", "sentences": [[token, ...], ...], "ner": [[[s, e, type], ...] per sentence],
"relations": [[[s1, e1, s2, e2, REL], ...] per sentence]}`` with document-level, inclusive token indices.
The text is the tokens joined by single spaces (SciERC keeps no original spacing), with the Penn Treebank
bracket escapes (``-LRB-``, ``-RRB-``, ...) turned back into brackets, so the extractor sees ``( CNNs )`` as a
reader of the paper would; token spans become character spans of that text. A relation argument carries the entity type of the NER span with the same
token offsets (empty when no entity has them).
"""

from __future__ import annotations

import json
from pathlib import Path

from kg.errors import KgError
from kg.evaluation.spans import Document, GoldRelation, Span

PTB_ESCAPES = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}"}


def _document(record: dict) -> Document:
    tokens = [PTB_ESCAPES.get(tok, tok) for sent in record["sentences"] for tok in sent]
    starts, pos = [], 0
    for tok in tokens:
        starts.append(pos)
        pos += len(tok) + 1
    text = " ".join(tokens)

    def char_span(s: int, e: int, label: str) -> Span:
        if not 0 <= s <= e < len(tokens):
            raise ValueError(f"token span [{s}, {e}] outside the {len(tokens)} tokens")
        return Span(starts[s], starts[e] + len(tokens[e]), label)

    types = {(s, e): t for sent in record.get("ner", []) for s, e, t in sent}
    spans = [char_span(s, e, t) for (s, e), t in types.items()]
    relations = [
        GoldRelation(rel, char_span(s1, e1, types.get((s1, e1), "")), char_span(s2, e2, types.get((s2, e2), "")))
        for sent in record.get("relations", []) for s1, e1, s2, e2, rel in sent
    ]
    return Document(doc_id=str(record["doc_key"]), text=text, spans=sorted(spans), relations=relations)


def read_scierc(path: str | Path) -> list[Document]:
    """Documents (one per abstract) of a SciERC DyGIE-format file, in file order.

    Examples
    --------
    >>> import json, tempfile, os
    >>> rec = {"doc_key": "d1", "sentences": [["We", "use", "CRF", "for", "NER", "."]],
    ...        "ner": [[[2, 2, "Method"], [4, 4, "Task"]]], "relations": [[[2, 2, 4, 4, "USED-FOR"]]]}
    >>> with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
    ...     _ = fh.write(json.dumps(rec) + "\\n")
    >>> doc = read_scierc(fh.name)[0]; os.unlink(fh.name)
    >>> doc.text, doc.text[doc.relations[0].head.start:doc.relations[0].head.end], doc.relations[0].head.label
    ('We use CRF for NER .', 'CRF', 'Method')
    """
    path = Path(path)
    if not path.is_file():
        raise KgError(f"{path}: no such file")
    docs: list[Document] = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                docs.append(_document(json.loads(line)))
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise KgError(f"{path}:{lineno}: not a SciERC (DyGIE) record: {type(exc).__name__}: {exc}") from exc
    return docs
