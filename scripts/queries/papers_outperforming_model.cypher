// Papers that outperform a given model: the paper behind each OUTPERFORMS claim whose target is the model
// (matched by canonical name or alias). The claim's `paper` property names the paper, whatever the edge source.
// Params: $model (string).
// Run: kg neo4j query -f scripts/queries/papers_outperforming_model.cypher --param model=GPT-4
MATCH ()-[r:OUTPERFORMS]->(m:Model)
WHERE m.name = $model OR $model IN m.aliases
MATCH (p:Paper {id: r.paper})
RETURN DISTINCT p.id AS paper, p.title AS title
ORDER BY paper
