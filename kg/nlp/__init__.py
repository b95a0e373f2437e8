"""spaCy side of kg: the tokenizer, the pipeline components and the pipeline builder."""
