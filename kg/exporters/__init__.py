"""Bulk exports of a graph.json, one module per format.

* :mod:`kg.exporters.cypher_script` – a ``.cypher`` script (MERGE statements) that recreates the graph.
* :mod:`kg.exporters.neo4j_admin_csv` – CSV files for ``neo4j-admin database import full``.
* :mod:`kg.exporters.gexf` – GEXF for Gephi (``networkx.write_gexf``).
* :mod:`kg.exporters.cytoscape` – Cytoscape.js JSON (``networkx.cytoscape_data``).

Every exporter is deterministic: the same graph gives byte-identical output.
"""

FORMATS = ("cypher", "neo4j-admin-csv", "gexf", "cytoscape")
