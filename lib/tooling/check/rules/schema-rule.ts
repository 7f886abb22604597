/**
 * Rule `schema-*` and `unknown-kind`: every object must have an apiVersion and
 * kind that a vendored schema describes, and must satisfy that schema
 * (strict: unknown fields, wrong types, bad enum values, missing fields).
 */
import { RuleContext } from '../rule-context';

export function checkSchemas(ctx: RuleContext): void {
  for (const item of ctx.objects) {
    const { apiVersion, kind } = item.object;
    if (typeof apiVersion !== 'string' || apiVersion === '' || typeof kind !== 'string' || kind === '') {
      const missing = typeof apiVersion !== 'string' || apiVersion === '' ? 'apiVersion' : 'kind';
      ctx.report(item, [missing], 'missing-kind', 'error', `missing ${missing}; every object needs apiVersion and kind`);
      continue;
    }
    const problems = ctx.schemas.validate(item.object);
    if (problems === undefined) {
      const versions = ctx.schemas.versionsOf(kind);
      const hint = versions.length > 0
        ? `; ${kind} is served as ${versions.join(', ')}`
        : '; no vendored Kubernetes 1.28 definition or CRD (crds/) defines it';
      ctx.report(item, ['kind'], 'unknown-kind', 'error', `no schema for apiVersion "${apiVersion}" kind "${kind}"${hint}`);
      continue;
    }
    for (const problem of problems) ctx.reportAt(item, problem.path, problem.rule, 'error', problem.message);
  }
}
