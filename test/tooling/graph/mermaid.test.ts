/**
 * Injection into Mermaid (`k8s-practice graph`): names cannot add
 * nodes or `click` directives, distinct objects never share a node id, --out
 * never overwrites silently, and odd shapes are findings, not crashes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { runGraph } from '../../../lib/tooling/cli/graph-command';
import { mermaidText, toMermaid } from '../../../lib/tooling/graph/mermaid';
import { buildObjectGraph, SynthesizedObject } from '../../../lib/tooling/graph/object-graph';

const obj = (kind: string, namespace: string | undefined, name: string): SynthesizedObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, namespace },
});

/** The statements of a flowchart: one per line after the header. */
function statements(mermaid: string): string[] {
  return mermaid
    .split('\n')
    .slice(1)
    .map((l) => l.trim());
}

describe('Mermaid output', () => {
  test('a quote and a newline in a name add no node and no click directive', () => {
    const name = 'x"]\n  click A "https://attacker.example"\n  B["y';
    const text = toMermaid(buildObjectGraph([obj('ConfigMap', 'ns', name)]));
    expect(statements(text)).toHaveLength(1);
    expect(text).not.toMatch(/\n\s*click/);
    expect(text).toContain('#34;');
  });

  test.each([
    [
      ['ns', 'a-b'],
      ['ns', 'a.b'],
    ],
    [
      ['a', 'b-c'],
      ['a-b', 'c'],
    ],
  ])('%j and %j get distinct node ids', ([ns1, n1], [ns2, n2]) => {
    const text = toMermaid(buildObjectGraph([obj('Pod', ns1, n1), obj('Pod', ns2, n2)]));
    const ids = statements(text).map((s) => s.split('[')[0]);
    expect(new Set(ids).size).toBe(2);
  });

  test('ids of collision-free graphs are unchanged (the docs diagram keep their ids)', () => {
    expect(toMermaid(buildObjectGraph([obj('Service', 'ci', 'registry')]))).toBe(
      'flowchart LR\n  Service_ci_registry["Service: registry"]',
    );
  });

  test('property: any names give one statement per node, distinct ids, and labels that decode back', () => {
    const part = fc.string({
      unit: fc.constantFrom('a', '-', '.', '_', '/', '"', '\n', '[', ']', '|', '#', ';', ' ', 'é', '\u2028', '`', '<', '>'),
      maxLength: 8,
    });
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(part, part), { minLength: 1, maxLength: 6, selector: ([a, b]) => `${a}\u0000${b}` }), (pairs) => {
        const objects = pairs.map(([ns, name]) => obj('Pod', ns, name));
        const graph = buildObjectGraph(objects);
        const lines = statements(toMermaid(graph));
        expect(lines).toHaveLength(graph.nodes.size);
        const ids = lines.map((l) => /^([A-Za-z0-9_]+)\["([^"]*)"\]$/.exec(l));
        expect(ids.every((m) => m !== null)).toBe(true);
        expect(new Set(ids.map((m) => m![1])).size).toBe(graph.nodes.size);
        const decoded = ids.map((m) => m![2].replace(/#(\d+);/g, (_e, code) => String.fromCodePoint(Number(code))));
        expect(decoded).toEqual([...graph.nodes.values()].map((o) => `Pod: ${o.metadata.name}`));
      }),
      { numRuns: 300 },
    );
  });

  test('mermaidText leaves the characters of Kubernetes names alone', () => {
    expect(mermaidText('Namespace: pod-basics.v1/x_y')).toBe('Namespace: pod-basics.v1/x_y');
  });
});

describe('graph command on hostile files', () => {
  let dir: string;
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'graph-hostile-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test.each([
    ['a number as the document', '5\n'],
    ['an object without metadata', 'apiVersion: v1\nkind: Pod\n'],
    ['metadata.name a number', 'apiVersion: v1\nkind: Pod\nmetadata: {name: 5}\n'],
    ['containers a number', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: 5}\n'],
    [
      'a selector a list',
      'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {selector: [1, 2]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {a: b}}\nspec: {containers: [{name: c, image: i}]}\n',
    ],
  ])('%s: no crash; the file is named and the other files are still drawn', (_what, text) => {
    writeFileSync(join(dir, 'bad.yaml'), text);
    writeFileSync(join(dir, 'good.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: ns1}\n');
    const { out, err, io: cio } = io();
    const code = runGraph([dir], cio);
    expect(out.join('\n')).toContain('ConfigMap: c');
    if (code !== 0) expect(err.join('\n')).toContain('bad.yaml');
  });

  test('--out refuses a second input with the same name and an existing non-graph file', () => {
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'b'));
    const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\n`;
    writeFileSync(join(dir, 'a', 'x.yaml'), cm('first'));
    writeFileSync(join(dir, 'b', 'x.yaml'), cm('second'));
    writeFileSync(join(dir, 'b', 'notes.yaml'), cm('third'));
    const out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.mmd'), 'my own notes\n');
    const { err, io: cio } = io();
    expect(runGraph([join(dir, 'a'), join(dir, 'b'), '--out', out], cio)).toBe(1);
    expect(readFileSync(join(out, 'x.mmd'), 'utf8')).toContain('ConfigMap: first');
    expect(readFileSync(join(out, 'notes.mmd'), 'utf8')).toBe('my own notes\n');
    expect(err.join('\n')).toMatch(/b\/x\.yaml: not written: .*x\.mmd already holds the graph of .*a\/x\.yaml/);
    expect(err.join('\n')).toMatch(/notes\.yaml: not written: .*is not a Mermaid flowchart/);
  });
});
