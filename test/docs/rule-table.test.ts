/**
 * The rule table (docs/generated/rules.md) is generated from the rule registry
 * (scripts/generate/rules.ts) and stays in step with it: run `npm run generate` when this fails.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../../lib/tooling/check/rule-registry';

const ROOT = join(__dirname, '..', '..');
const TABLE = readFileSync(join(ROOT, 'docs', 'generated', 'rules.md'), 'utf8');
const VALIDATE = readFileSync(join(ROOT, 'docs', 'cli', 'validate.md'), 'utf8');

test('the table has a row per rule naming each of its codes', () => {
  const rows = TABLE.split('\n').filter((line) => line.startsWith('| `'));
  expect(rows.map((row) => /^\| `([a-z-]+)`/.exec(row)![1])).toEqual(RULES.map((r) => r.id));
  RULES.forEach((rule, i) => {
    for (const code of rule.codes) expect(rows[i]).toContain(`\`${code.code}\``);
  });
});

test('the validate page documents the options that use the registry, and links to the table', () => {
  for (const option of ['--list-rules', '--disable CODE', 'summary.disabled']) expect(VALIDATE).toContain(option);
  expect(VALIDATE).toContain('](../generated/rules.md)');
});
