/**
 * The README's rule table is generated from the rule registry (scripts/readme-rules.ts) and
 * stays in step with it: run `npm run docs` when this fails.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../../lib/tooling/check/rule-registry';
import { RULES_NOTE, rulesSection } from '../../scripts/readme-rules';
import { replaceSection } from '../../scripts/readme-section';

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

test('README.md holds the generated rule table (run `npm run docs` when this fails)', () => {
  expect(replaceSection(README, 'rules', rulesSection(), RULES_NOTE)).toBe(README);
});

test('the table has a row per rule naming each of its codes', () => {
  const section = README.slice(README.indexOf('<!-- rules:start -->'), README.indexOf('<!-- rules:end -->'));
  const rows = section.split('\n').filter((line) => line.startsWith('| `'));
  expect(rows.map((row) => /^\| `([a-z-]+)`/.exec(row)![1])).toEqual(RULES.map((r) => r.id));
  RULES.forEach((rule, i) => {
    for (const code of rule.codes) expect(rows[i]).toContain(`\`${code.code}\``);
  });
});

test('the README documents the options that use the registry', () => {
  for (const option of ['--list-rules', '--disable CODE', 'summary.disabled']) expect(README).toContain(option);
});
