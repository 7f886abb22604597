/**
 * Golden files: the exact exit code, stdout and stderr of `explain` (without
 * the project-usage section, i.e. what kubectl prints) for the paths in
 * `golden-cases.ts`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { explain } from '../../../lib/tooling/explain/explain';
import { GOLDEN_CASES, GoldenCase } from './golden-cases';

const DIR = join(__dirname, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

/** Runs a case the way the CLI parses its arguments. */
export function runCase(c: GoldenCase): string {
  const [path, ...flags] = c.args;
  const apiVersion = flags.find((f) => f.startsWith('--api-version='))?.slice('--api-version='.length);
  const result = explain(path, { recursive: flags.includes('--recursive'), apiVersion });
  return (
    `$ kubectl explain ${c.args.map((a) => (a === '' ? "''" : a)).join(' ')}\nexit: ${result.exitCode}\n` +
    `--- stdout\n${result.stdout}--- stderr\n${result.stderr}`
  );
}

jest.setTimeout(60_000);

describe('explain golden files', () => {
  test('cover every kind of path the issue asks for, 30 or more', () => {
    expect(GOLDEN_CASES.length).toBeGreaterThanOrEqual(30);
    const covered = new Set(GOLDEN_CASES.map((c) => c.covers));
    for (const kind of ['kind', 'deep', 'array', 'map', 'int-or-string', 'enum', 'tekton', 'recursive', 'error'] as const)
      expect(covered).toContain(kind);
    expect(new Set(GOLDEN_CASES.map((c) => c.name)).size).toBe(GOLDEN_CASES.length);
  });

  test.each(GOLDEN_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const file = join(DIR, `${c.name}.txt`);
    const actual = runCase(c);
    if (UPDATE || !existsSync(file)) {
      if (!UPDATE) throw new Error(`golden file ${file} is missing; run with UPDATE_GOLDEN=1`);
      mkdirSync(DIR, { recursive: true });
      writeFileSync(file, actual);
      return;
    }
    expect(actual).toBe(readFileSync(file, 'utf8'));
  });
});
