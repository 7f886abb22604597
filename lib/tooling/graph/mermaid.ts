import { ObjectGraph } from './object-graph';

/** The readable part of a node id: the object key with every other character as `_`. */
function baseId(key: string): string {
  return key.replace(/[^A-Za-z0-9]/g, '_');
}

/**
 * Node ids for object keys: readable (`Service_ci_registry`) and distinct.
 * Keys whose readable ids collide (`ns/a-b` and `ns/a.b`) get `_2`, `_3`, ...
 * in order of appearance, never an id another key already has.
 */
function nodeIds(keys: readonly string[]): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set(keys.map(baseId));
  const firstOwner = new Map<string, string>();
  for (const key of keys) {
    const base = baseId(key);
    const owner = firstOwner.get(base);
    if (owner === undefined) {
      firstOwner.set(base, key);
      ids.set(key, base);
      continue;
    }
    let n = 2;
    while (taken.has(`${base}_${n}`)) n++;
    taken.add(`${base}_${n}`);
    ids.set(key, `${base}_${n}`);
  }
  return ids;
}

/**
 * Text for inside a quoted Mermaid label or an edge label: every character
 * other than letters, digits, space and `.:/_-` as a Mermaid entity code
 * (`#34;`), so no name can end the label, start a line or add a directive.
 */
export function mermaidText(text: string): string {
  let out = '';
  for (const ch of text) out += /^[A-Za-z0-9 .:/_-]$/.test(ch) ? ch : `#${ch.codePointAt(0)};`;
  return out;
}

/**
 * Renders a graph as a Mermaid flowchart (GitHub renders these in Markdown).
 * Nodes read `Kind: name`; output order follows the objects' order, so the
 * same objects always give the same text.
 */
export function toMermaid(graph: ObjectGraph): string {
  const ids = nodeIds([...graph.nodes.keys()]);
  const lines = ['flowchart LR'];
  for (const [key, o] of graph.nodes) lines.push(`  ${ids.get(key)}["${mermaidText(`${o.kind}: ${o.metadata.name}`)}"]`);
  for (const e of graph.edges) lines.push(`  ${ids.get(e.from)} -->|${mermaidText(e.label)}| ${ids.get(e.to)}`);
  return lines.join('\n');
}
