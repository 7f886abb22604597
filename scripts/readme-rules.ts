/**
 * Writes the validator's rule table into README.md between `<!-- rules:start -->` and
 * `<!-- rules:end -->`, from the rule registry (lib/tooling/check/rule-registry.ts), the same
 * table `k8s-practice validate --list-rules` prints. Run `npm run docs`; a test fails when the
 * section is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { RULES } from '../lib/tooling/check/rule-registry';
import { ruleTableMarkdown } from '../lib/tooling/check/rule-table';
import { README } from './readme-graphs';
import { replaceSection } from './readme-section';

/** Where the section says it comes from. */
export const RULES_SOURCE = 'the rule registry (lib/tooling/check/rule-registry.ts)';

/** The rendered section. */
export function rulesSection(): string {
  return ruleTableMarkdown(RULES);
}

if (require.main === module) {
  writeFileSync(README, replaceSection(readFileSync(README, 'utf8'), 'rules', rulesSection(), RULES_SOURCE));
  console.log('README.md: validator rule table updated');
}
