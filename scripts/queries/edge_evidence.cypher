// The evidence for an edge: every claim of a type between two named nodes, with its paper, sentence,
// extraction rule and confidence.
// Params: $source (string, name), $target (string, name), $type (string, e.g. OUTPERFORMS).
// Run: kg neo4j query -f scripts/queries/edge_evidence.cypher --param source=QLoRA --param target=LoRA --param type=EXTENDS
MATCH (s:KgNode {name: $source})-[r]->(t:KgNode {name: $target})
WHERE type(r) = $type
RETURN r.paper AS paper, r.evidence AS evidence, r.rule AS rule, r.confidence AS confidence
ORDER BY paper, evidence
