"""Package data: the trained extraction models (JSON) and the name tagger (``names.crfsuite``), rebuilt by ``scripts/train_models.py``."""
