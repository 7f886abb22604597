/**
 * CRD patterns without a backtracking engine: a CRD's `pattern` is compiled with RE2, as
 * the API server compiles it (Go's regexp), so `^(a+)+$` cannot hang `validate --crds`, and a
 * pattern RE2 refuses (the API server refuses such a CRD) is an error naming it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandIO } from '../../../lib/tooling/cli/command-io';
import { runValidate } from '../../../lib/tooling/cli/validate-command';
import { re2RegExp } from '../../../lib/tooling/check/schema-runtime';

function collect(): CommandIO & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

/** A CRD folder whose kind `kind` has `spec.value` with this pattern (and patternProperties under `spec.labels`). */
function crdFolder(root: string, kind: string, pattern: string): string {
  const dir = join(root, `crds-${kind}`);
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'crd.yaml'),
    `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ${kind.toLowerCase()}s.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: ${kind}, plural: ${kind.toLowerCase()}s}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              value: {type: string, pattern: ${JSON.stringify(pattern)}}
`,
  );
  return dir;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hostile-patterns-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('^(a+)+$ against 5,000 a and a ! is answered at once (JavaScript RegExp backtracks for ages)', () => {
  const crds = crdFolder(dir, 'Evil', '^(a+)+$');
  const file = join(dir, 'evil.yaml');
  writeFileSync(file, `apiVersion: example.com/v1\nkind: Evil\nmetadata: {name: e}\nspec: {value: "${'a'.repeat(5000)}!"}\n`);
  const io = collect();
  const started = Date.now();
  expect(runValidate([file, '--crds', crds], io)).toBe(1);
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(io.lines[0]).toMatch(/Evil\/e spec\.value \[schema\] error \(k8s-practice rule\): .*must match pattern "\^\(a\+\)\+\$"/);
});

test('RE2 semantics, not JavaScript: a pattern still matches what it should', () => {
  const crds = crdFolder(dir, 'Fine', '^[a-z]([-a-z0-9]*[a-z0-9])?$');
  const good = join(dir, 'fine.yaml');
  writeFileSync(good, 'apiVersion: example.com/v1\nkind: Fine\nmetadata: {name: f}\nspec: {value: my-name}\n');
  expect(runValidate([good, '--crds', crds], collect())).toBe(0);
  const bad = join(dir, 'fine-bad.yaml');
  writeFileSync(bad, 'apiVersion: example.com/v1\nkind: Fine\nmetadata: {name: f}\nspec: {value: My-Name-}\n');
  expect(runValidate([bad, '--crds', crds], collect())).toBe(1);
  // Go's regexp, like RE2: `.` matches U+2028 (JavaScript's does not).
  expect(re2RegExp('^.$').test('\u2028')).toBe(true);
});

test('a pattern RE2 cannot compile (a lookahead) is refused with a message naming it', () => {
  expect(() => re2RegExp('^(?=a)a$')).toThrow(
    /schema pattern "\^\(\?=a\)a\$" is not an RE2 regular expression, which the API server requires: .*\(\?=/,
  );
});

test('validate reports a CRD whose pattern RE2 refuses as a schema error naming the CRD, not an internal error', () => {
  const crds = crdFolder(dir, 'Look', '^(?=a)a$');
  const file = join(dir, 'look.yaml');
  writeFileSync(file, 'apiVersion: example.com/v1\nkind: Look\nmetadata: {name: l}\nspec: {value: a}\n');
  const io = collect();
  expect(runValidate([file, '--crds', crds], io)).toBe(1);
  expect(io.lines[0]).toBe(
    `${file}: Look/l (object) [schema] error (k8s-practice rule): the CRD of example.com/v1 Look (${join(crds, 'crd.yaml')}) cannot be used: schema pattern "^(?=a)a$" is not an RE2 regular expression, which the API server requires: error parsing regexp: invalid or unsupported Perl syntax: \`(?=\``,
  );
});
