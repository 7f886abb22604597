/**
 * Terminal escapes in what the CLI prints: a manifest, a CRD or a webhook body is input from anywhere, and
 * what `k8s-practice` prints from it must not drive the terminal. ESC sequences (clear the
 * screen, move the cursor), carriage returns, C1 controls (0x9b is a one-byte CSI) and bidi
 * overrides come out as visible `\uXXXX` escapes, through one helper (lib/util/terminal-text.ts)
 * that every printer uses; a newline in a name cannot forge a line of output; JSON output stays
 * valid JSON with the same values.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../bin/k8s-practice';
import { CommandIO, PROCESS_IO } from '../../../lib/tooling/cli/command-io';
import { formatFinding } from '../../../lib/tooling/check/finding';
import { terminalText, terminalValue } from '../../../lib/util/terminal-text';

const ROOT = join(__dirname, '..', '..', '..');
/** Any control character a terminal acts on, and the bidi controls. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const CLEAR = '\u001b[2J\u001b[H';
const HOSTILE = `evil${CLEAR}\r\u009b31m\u202e`;

function collect(): CommandIO & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string; lines: string[] }> {
  const io = collect();
  const code = await main(args, io);
  return { code, out: io.lines.join('\n'), err: io.errors.join('\n'), lines: io.lines };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hostile-output-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${JSON.stringify(name)}\ndata: {a: "1"}\n`;

test('the helper escapes every control character and keeps layout only where asked', () => {
  expect(terminalValue(`a${CLEAR}\nb\tc\u0085d\u2066e`)).toBe('a\\u001b[2J\\u001b[H\\u000ab\\u0009c\\u0085d\\u2066e');
  expect(terminalText('line 1\n\tline 2\r\u009b')).toBe('line 1\n\tline 2\\u000d\\u009b');
  expect(terminalText('plain ünïcode ✓ text')).toBe('plain ünïcode ✓ text');
});

test('validate prints Kind/name, paths and messages without raw control characters', async () => {
  const file = join(dir, 'validate.yaml');
  writeFileSync(file, configMap(HOSTILE).replace('\ndata:', '\ndta:'));
  const result = await run(['validate', file]);
  expect(result.code).toBe(1); // our schemas: the unknown field "dta"; the API server's checks of the name are the engine's
  expect(result.out).not.toMatch(CONTROL);
  expect(result.out).toContain('ConfigMap/evil\\u001b[2J\\u001b[H\\u000d\\u009b31m\\u202e');
});

test('a newline in a name cannot forge a finding line', () => {
  const line = formatFinding({
    file: 'x.yaml',
    kind: 'Pod',
    name: 'a\nx.yaml: Pod/b (object) [fake] error: forged',
    namespace: '',
    path: '',
    rule: 'r',
    severity: 'error',
    message: 'm',
  });
  expect(line.split('\n')).toHaveLength(1);
  expect(line).toContain('Pod/a\\u000ax.yaml');
});

test('validate --format json keeps the values: the escapes are JSON escapes', async () => {
  const file = join(dir, 'json.yaml');
  writeFileSync(file, configMap(HOSTILE).replace('\ndata:', '\ndta:'));
  const result = await run(['validate', file, '--format', 'json']);
  expect(result.out).not.toMatch(CONTROL);
  const { findings } = JSON.parse(result.out) as { findings: { name: string }[] };
  expect(findings.map((f) => f.name)).toContain(HOSTILE);
});

test('compare prints object names, paths and values without raw control characters', async () => {
  const a = join(dir, 'a.yaml');
  const b = join(dir, 'b.yaml');
  writeFileSync(a, configMap(HOSTILE));
  writeFileSync(b, configMap(HOSTILE).replace('"1"', JSON.stringify(`2${CLEAR}`)));
  const result = await run(['compare', a, b]);
  expect(result.code).toBe(1);
  expect(result.out).not.toMatch(CONTROL);
  expect(result.out).toContain('~ v1 ConfigMap evil\\u001b[2J');
  expect(result.out).toMatch(/changed +data\.a: "1" -> "2\\u001b\[2J/);
});

test('explain prints CRD descriptions without raw control characters', async () => {
  const crds = join(dir, 'crds');
  mkdirSync(crds);
  writeFileSync(
    join(crds, 'widget.yaml'),
    `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets, singular: widget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        description: ${JSON.stringify(`A widget.${CLEAR}Rewritten\rline`)}
        properties:
          spec:
            type: object
            description: ${JSON.stringify(`The spec\u009b2J.`)}
`,
  );
  const result = await run(['explain', 'widgets', '--crds', crds, '--no-usage']);
  expect(result.code).toBe(0);
  expect(result.out).not.toMatch(CONTROL);
  expect(result.out).toContain('A widget.\\u001b[2J\\u001b[HRewritten\\u000dline');
  expect(result.out).toContain('The spec\\u009b2J.');
});

test('simulate prints listener and trigger names without raw control characters', async () => {
  const ci = readFileSync(join(ROOT, 'dist', '08-ci-pipeline.k8s.yaml'), 'utf8');
  const file = join(dir, 'ci.yaml');
  writeFileSync(file, ci.replace('name: on-push\n', `name: ${JSON.stringify(`push${CLEAR}`)}\n`));
  const body = join(dir, 'body.json');
  writeFileSync(body, '{}');
  const result = await run(['simulate', file, '--listener', 'gogs-push', '--body', body]);
  expect(result.out).toContain('trigger push\\u001b[2J\\u001b[H: refused');
  expect(result.out).not.toMatch(CONTROL);
});

test("the process's own streams go through the helper too", () => {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    PROCESS_IO.out(`x${CLEAR}`);
  } finally {
    spy.mockRestore();
  }
  expect(written).toEqual(['x\\u001b[2J\\u001b[H\n']);
});
