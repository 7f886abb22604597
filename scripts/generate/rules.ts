/** docs/generated/rules.md: the validator's rule table, the one `validate --list-rules` prints. */
import { RULES } from '../../lib/tooling/check/rule-registry';
import { ruleTableMarkdown } from '../../lib/tooling/check/rule-table';
import { generatedPage, Generator } from './generator';

export const rules: Generator = {
  output: 'docs/generated/rules.md',
  render: () =>
    generatedPage(
      'the rule registry, lib/tooling/check/rule-registry.ts (scripts/generate/rules.ts)',
      '`k8s-practice validate`: every rule and its codes',
      `What the rules are for, and the engines beside them: [validate](../cli/validate.md).\n\n${ruleTableMarkdown(RULES)}`,
    ),
};
