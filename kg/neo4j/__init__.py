"""Neo4j support: connection settings from the environment, pure Cypher builders, the batched loader, wipe, queries.

Modules, one job each:

* :mod:`kg.neo4j.settings` – ``NEO4J_URI``/``NEO4J_USER``/``NEO4J_PASSWORD`` and a driver with clear errors.
* :mod:`kg.neo4j.rows` – graph nodes/edges to Neo4j-storable property rows.
* :mod:`kg.neo4j.cypher` – functions returning ``(query, params)``; labels and types come from the schema
  whitelist, every value is a parameter.
* :mod:`kg.neo4j.loader` – idempotent ``UNWIND`` loading in managed transactions (CREATE for rows proved
  new, MERGE otherwise).
* :mod:`kg.neo4j.wipe` – delete this tool's nodes (label ``KgNode``) in batches.
* :mod:`kg.neo4j.query` – run user Cypher with parameters and render a table or JSON.
"""

from kg.neo4j.cypher import COMMON_LABEL

__all__ = ["COMMON_LABEL"]
