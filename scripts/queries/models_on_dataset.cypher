// Models evaluated on a dataset: models named (MENTIONS) by the papers that have a USES claim on the dataset,
// ranked by how many such papers name them.
// Params: $dataset (string, canonical name).
// Run: kg neo4j query -f scripts/queries/models_on_dataset.cypher --param dataset=GSM8K
MATCH ()-[u:USES]->(d:Dataset {name: $dataset})
WITH DISTINCT u.paper AS paper_id
MATCH (p:Paper {id: paper_id})-[:MENTIONS]->(m:Model)
RETURN m.name AS model, count(DISTINCT p) AS papers
ORDER BY papers DESC, model
