"""Output writers, one module per file format: graph.json, graph.graphml, extractions.jsonl (graph.html: ``viz``)."""
