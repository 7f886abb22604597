/**
 * Compare with duplicate objects: compare matches objects by apiVersion, kind, namespace and
 * name. With two objects of one identity in one file its answer depended on the order of the
 * arguments; such a file is now an error naming it and the two objects, as validate reports it
 * (`duplicate-object`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../bin/k8s-practice';
import { CommandIO } from '../../../lib/tooling/cli/command-io';
import { compareYaml } from '../../../lib/tooling/compare/compare';

function collect(): CommandIO & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = collect();
  const code = await main(args, io);
  return { code, out: io.lines.join('\n'), err: io.errors.join('\n') };
}

const cm = (name: string, value: string, namespace?: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}${namespace ? `, namespace: ${namespace}` : ''}}\ndata: {a: "${value}"}\n`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hostile-compare-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('two objects of one identity in a file are an error naming the file and both objects, in either argument order', async () => {
  const twice = join(dir, 'twice.yaml');
  const once = join(dir, 'once.yaml');
  writeFileSync(twice, `${cm('c', '1')}---\n${cm('other', '0')}---\n${cm('c', '2')}`);
  writeFileSync(once, cm('c', '2'));
  const message = `${twice}: objects 1 and 3 are both v1 ConfigMap c; compare matches objects by apiVersion, kind, namespace and name, so each may appear once in a file: remove or rename one`;
  for (const args of [
    [twice, once],
    [once, twice],
  ]) {
    const result = await run(['compare', ...args]);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toBe(`k8s-practice compare: ${message}`);
  }
});

test('--namespace that makes two objects one identity is named in the message', () => {
  expect(() => compareYaml(`${cm('c', '1')}---\n${cm('c', '2', 'web')}`, cm('c', '1', 'web'), { defaultNamespace: 'web' })).toThrow(
    'a: objects 1 and 2 are both v1 ConfigMap web/c (with --namespace web given to objects without one)',
  );
});

test('one name in two kinds or two namespaces is no duplicate', () => {
  const a = `${cm('c', '1')}---\n${cm('c', '1', 'web')}---\napiVersion: v1\nkind: Secret\nmetadata: {name: c}\n`;
  expect(compareYaml(a, a).equal).toBe(true);
});
