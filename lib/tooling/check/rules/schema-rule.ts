/**
 * Rule `schema-*` and `unknown-kind`: every object must have an apiVersion and
 * kind that a vendored schema describes, and must satisfy that schema
 * (strict: unknown fields, wrong types, bad enum values, missing fields).
 */
import { RuleContext } from '../rule-context';
import { RuleDefinition } from '../rule-definition';

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
      const hint =
        versions.length > 0
          ? `; ${kind} is served as ${versions.join(', ')}`
          : `; no vendored Kubernetes ${ctx.kubernetesVersion} definition or CRD (crds/) defines it`;
      ctx.report(item, ['kind'], 'unknown-kind', 'error', `no schema for apiVersion "${apiVersion}" kind "${kind}"${hint}`);
      continue;
    }
    for (const problem of problems) ctx.reportAt(item, problem.path, problem.code, 'error', problem.message);
  }
}

export const schemaRule: RuleDefinition = {
  id: 'schemas',
  summary: 'every object has an apiVersion and kind a vendored schema describes (Kubernetes 1.28, crds/) and satisfies it strictly',
  codes: [
    { code: 'missing-kind', severity: 'error', summary: 'an object without apiVersion or kind' },
    { code: 'unknown-kind', severity: 'error', summary: 'no Kubernetes 1.28 definition or CRD for the apiVersion and kind' },
    {
      code: 'schema-unknown-field',
      severity: 'error',
      summary: 'a field the schema does not define (the closest known name is suggested)',
    },
    { code: 'schema-required', severity: 'error', summary: 'a required field is missing' },
    { code: 'schema-type', severity: 'error', summary: 'a value of the wrong type' },
    { code: 'schema-enum', severity: 'error', summary: "a value outside the field's enum (a bad type, protocol, restartPolicy, ...)" },
    { code: 'schema-format', severity: 'error', summary: "a value not in the field's format" },
    { code: 'schema', severity: 'error', summary: 'any other schema violation (e.g. a value matching none of the allowed shapes)' },
    {
      code: 'invalid-quantity',
      severity: 'error',
      summary: 'a Quantity that resource.ParseQuantity refuses (lots, 1 Gi, 1Gb, ten) or whose exponent is beyond ±1000',
    },
  ],
  check: checkSchemas,
};
