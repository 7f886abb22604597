/**
 * The rule registry as a table: plain text for `k8s-practice validate --list-rules`, Markdown
 * for docs/generated/rules.md (scripts/generate/rules.ts writes it; `npm run generate -- --check` keeps it fresh).
 */
import { RuleDefinition } from './rule-definition';

/** Codes that no rule reports and `--disable` does not take: they say an input was not checked at all. */
export const ALWAYS_ON_CODES: readonly string[] = [
  'unreadable',
  'file-too-large',
  'too-many-documents',
  'not-utf8',
  'yaml-parse',
  'not-an-object',
  'tree-changed',
  'internal-error',
  'tekton-admission',
];

/** One line per rule (id and summary), then one indented line per code, in aligned columns. */
export function formatRuleList(rules: readonly RuleDefinition[]): string[] {
  const rows: Array<[string, string, string]> = [['RULE / CODE', 'SEVERITY', 'SUMMARY']];
  for (const rule of rules) {
    rows.push([rule.id, '', rule.summary]);
    for (const code of rule.codes) rows.push([`  ${code.code}`, code.severity, code.summary]);
  }
  const width = (column: 0 | 1) => Math.max(...rows.map((row) => row[column].length)) + 2;
  const [first, second] = [width(0), width(1)];
  return [
    ...rows.map(([name, severity, summary]) => `${name.padEnd(first)}${severity.padEnd(second)}${summary}`.trimEnd()),
    `Always reported, not part of a rule: ${ALWAYS_ON_CODES.join(', ')}.`,
  ];
}

/** The README's table: one row per rule, what it checks, and each code with what it catches. */
export function ruleTableMarkdown(rules: readonly RuleDefinition[]): string {
  const text = (value: string) => value.replace(/[|*_]/g, (c) => `\\${c}`);
  const lines = ['| rule | what it checks | codes (errors unless marked) |', '| --- | --- | --- |'];
  for (const rule of rules) {
    const codes = rule.codes.map((c) => `\`${c.code}\`${c.severity === 'error' ? '' : ` (${c.severity})`}: ${text(c.summary)}`);
    lines.push(`| \`${rule.id}\` | ${text(rule.summary)} | ${codes.join('<br>')} |`);
  }
  return lines.join('\n');
}
