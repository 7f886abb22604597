import { ObjectGraph } from './object-graph';

/** A Mermaid-safe node id for an object key. */
function nodeId(key: string): string {
  return key.replace(/[^A-Za-z0-9]/g, '_');
}

/**
 * Renders a graph as a Mermaid flowchart (GitHub renders these in Markdown).
 * Nodes read `Kind: name`; output order follows the objects' order, so the
 * same objects always give the same text.
 */
export function toMermaid(graph: ObjectGraph): string {
  const lines = ['flowchart LR'];
  for (const [key, o] of graph.nodes) lines.push(`  ${nodeId(key)}["${o.kind}: ${o.metadata.name}"]`);
  for (const e of graph.edges) lines.push(`  ${nodeId(e.from)} -->|${e.label}| ${nodeId(e.to)}`);
  return lines.join('\n');
}

