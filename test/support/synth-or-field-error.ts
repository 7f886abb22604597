/**
 * The property every public construct must have: given any props, it either
 * synthesizes objects that pass `k8s-practice validate` (strict schema + rules,
 * inside a restricted project), or throws an Error naming one of its fields.
 * Never a TypeError, never `undefined`/`NaN` in the output.
 */
import { App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { validateObjects } from '../../lib/tooling/check/validate';
import { PodSecurityLevel } from '../../lib/util/pod-security-level';
import { Project } from '../../lib/constructs/project/project';
import { ProjectQuota } from '../../lib/constructs/project/project-quota';

/** Tally of what the generated cases did, printed in the closing summary. */
export const tally: Record<string, { accepted: number; rejected: number }> = {};

const BAD_TEXT = /^(undefined|NaN|null|\[object Object\]|Infinity)$|undefined|\[object Object\]/;

function badStrings(value: unknown, path: string, out: string[]): string[] {
  if (typeof value === 'string' && BAD_TEXT.test(value)) out.push(`${path}: ${value}`);
  else if (typeof value === 'number' && !Number.isFinite(value)) out.push(`${path}: ${value}`);
  else if (value === undefined || value === null) out.push(`${path}: ${value}`);
  else if (Array.isArray(value)) value.forEach((v, i) => badStrings(v, `${path}[${i}]`, out));
  else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) badStrings(v, `${path}.${k}`, out);
  return out;
}

/**
 * Runs one case in a project enforcing `podSecurity`. `fields` are the prop
 * names an error may name (the part of the field before any `.` or `[`).
 */
export function synthOrFieldError(
  construct: string,
  fields: readonly string[],
  build: (scope: Construct) => void,
  podSecurity: PodSecurityLevel = 'restricted',
  quota?: ProjectQuota,
): void {
  synthChartOrFieldError(construct, fields, (app) => {
    const project = new Project(app, 'props', { namespace: 'props', podSecurity, quota });
    build(project);
    return project;
  });
}

/** The same, for a construct that is itself a chart: `buildChart` makes it, with id `props`. */
export function synthChartOrFieldError(construct: string, fields: readonly string[], buildChart: (app: App) => Chart): void {
  const counts = (tally[construct] ??= { accepted: 0, rejected: 0 });
  let objects: any[];
  try {
    objects = Testing.synth(buildChart(Testing.app()));
  } catch (error) {
    counts.rejected++;
    if (!(error instanceof Error) || error instanceof TypeError || error instanceof RangeError) throw error;
    const match = /^props(\/[^:]*)?: (?:invalid ([A-Za-z]+)[^ ]* |missing ([A-Za-z]+)[^ ;]*;)/.exec(error.message);
    if (!match || !fields.includes(match[2] ?? match[3])) {
      throw new Error(`${construct}: the error does not name one of the fields ${fields.join(', ')}: ${error.message}`, { cause: error });
    }
    return;
  }
  counts.accepted++;
  const bad = badStrings(objects, construct, []);
  if (bad.length) throw new Error(`${construct}: output holds ${bad.join('; ')}`);
  const result = validateObjects(objects.map((object, document) => ({ file: construct, document, object })));
  const errors = result.findings.filter((f) => f.severity === 'error');
  if (errors.length)
    throw new Error(`${construct}: accepted props gave invalid YAML: ${errors.map((f) => `${f.rule} ${f.path} ${f.message}`).join('; ')}`);
}
