"""kg: turn ML paper titles and abstracts into a typed, evidenced knowledge graph.

Stages (see ``kg.pipeline``): read records -> extract mentions and relations
(spaCy blank English + rules from ``ontology/``) -> resolve entities across
papers -> assemble a NetworkX graph -> write graph.json / graph.graphml /
extractions.jsonl / graph.html.
"""

__version__ = "0.1.0"
