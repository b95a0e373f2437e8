"""From an annotated spaCy Doc to an ``Extraction``: choose mentions, find introduced names, link relations."""
