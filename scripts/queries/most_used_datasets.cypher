// Most used datasets: datasets ranked by the number of distinct papers with a USES claim on them.
// Params: $limit (int) – how many rows.
// Run: kg neo4j query -f scripts/queries/most_used_datasets.cypher --param limit=10
MATCH ()-[r:USES]->(d:Dataset)
RETURN d.name AS dataset, count(DISTINCT r.paper) AS papers
ORDER BY papers DESC, dataset
LIMIT $limit
