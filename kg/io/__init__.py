"""Graph I/O: one module per file format, each with public ``read_*`` and/or ``write_*`` functions.

Modelled on ``networkx.readwrite``. Every writer is deterministic: the same graph gives the same bytes.

* :mod:`kg.io.graph_json` – node-link JSON, ``graph.json`` (``read_graph_json``, ``write_graph_json``): the
  graph contract every other stage reads.
* :mod:`kg.io.graphml` – GraphML, ``graph.graphml`` (``write_graphml``; ``networkx.read_graphml`` reads it).
* :mod:`kg.io.extractions` – ``extractions.jsonl`` lines (``extraction_line``, ``write_extractions``; read back by
  ``kg.readers.read_extractions``).
* :mod:`kg.io.gexf` – GEXF for Gephi (``write_gexf``).
* :mod:`kg.io.cytoscape` – Cytoscape.js JSON (``write_cytoscape``, ``read_cytoscape``).
* :mod:`kg.io.cypher_script` – a Cypher script of MERGE statements (``write_cypher``, ``read_cypher``).
* :mod:`kg.io.neo4j_admin_csv` – CSV files for ``neo4j-admin database import full`` (``write_neo4j_admin_csv``)
  and the public row functions the streaming ``kg build --neo4j-csv`` path shares.
* :mod:`kg.io.chunks` – buffered writing of the streaming writers' many small strings.

``graph.html`` is written by ``kg.viz.write_graph_html``; the build is handed it with the other writers
(``kg.pipeline.write``), so nothing under ``kg.io`` or ``kg.pipeline`` imports the viz.
"""

#: ``kg export --format`` name -> "module:function" of the writer, each ``(G, out, *, source) -> [paths]``.
EXPORTERS: dict[str, str] = {
    "cypher": "kg.io.cypher_script:write_cypher",
    "neo4j-admin-csv": "kg.io.neo4j_admin_csv:write_neo4j_admin_csv",
    "gexf": "kg.io.gexf:write_gexf",
    "cytoscape": "kg.io.cytoscape:write_cytoscape",
}
EXPORT_FORMATS: tuple[str, ...] = tuple(EXPORTERS)
