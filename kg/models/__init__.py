"""Package data: the trained extraction models (JSON), rebuilt by ``scripts/train_models.py``."""
