// EXTENDS lineage of a technique: everything it extends, directly or transitively, with the shortest depth.
// Params: $technique (string, canonical name).
// Run: kg neo4j query -f scripts/queries/technique_lineage.cypher --param technique=QLoRA
MATCH (t:Technique {name: $technique})
MATCH path = (t)-[:EXTENDS*1..10]->(ancestor)
WHERE ancestor <> t
RETURN ancestor.name AS ancestor, [l IN labels(ancestor) WHERE l <> "KgNode"][0] AS kind,
       min(length(path)) AS depth
ORDER BY depth, ancestor
