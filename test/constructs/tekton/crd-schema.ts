/**
 * Validates Tekton objects against the openAPIV3Schema of the vendored
 * Tekton Pipelines CRDs (crds/tekton-pipeline), made strict the way the API
 * server treats structural schemas: an object schema that lists
 * `properties` accepts no other fields (the API server would prune them
 * silently), unless it says `x-kubernetes-preserve-unknown-fields: true`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';

const CRD_DIR = join(__dirname, '..', '..', '..', 'crds', 'tekton-pipeline');

/** Deep copy of a schema with `additionalProperties: false` wherever it lists properties and is not open. */
export function strictSchema(schema: any): any {
  if (Array.isArray(schema)) return schema.map(strictSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [key, value] of Object.entries(schema)) {
    // `properties` maps field names to schemas: recurse into each schema, never treat the map itself as one.
    out[key] =
      key === 'properties'
        ? Object.fromEntries(Object.entries(value as object).map(([name, s]) => [name, strictSchema(s)]))
        : strictSchema(value);
  }
  if (out.properties && !('additionalProperties' in out) && out['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

/** The schema of one served version of the CRD in `file`. */
export function crdVersionSchema(file: string, version: string): any {
  const docs = parseAllDocuments(readFileSync(join(CRD_DIR, file), 'utf8')).map((d) => d.toJS());
  const crd = docs.find((d) => d?.kind === 'CustomResourceDefinition');
  const served = crd.spec.versions.find((v: any) => v.name === version);
  if (!served) throw new Error(`${file} has no version ${version}`);
  return served.schema.openAPIV3Schema;
}

const FILES: { [kind: string]: string } = {
  Task: '300-task.yaml',
  Pipeline: '300-pipeline.yaml',
  PipelineRun: '300-pipelinerun.yaml',
  TaskRun: '300-taskrun.yaml',
};

const ajv = new Ajv({ strict: false, allErrors: true });
// The OpenAPI formats the Tekton CRDs use (Ajv knows none of them without ajv-formats).
ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
ajv.addFormat('date-time', { type: 'string', validate: (s: string) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d\d-\d\dT/.test(s) });
ajv.addFormat('https', { type: 'string', validate: (s: string) => s.startsWith('https://') });
const validators = new Map<string, ValidateFunction>();

/** Validates a `tekton.dev/v1` object; returns readable errors (empty when valid). */
export function validateTektonObject(object: any): string[] {
  if (object?.apiVersion !== 'tekton.dev/v1') return [`apiVersion ${object?.apiVersion} is not tekton.dev/v1`];
  const file = FILES[object.kind];
  if (!file) return [`no CRD vendored for kind ${object.kind}`];
  let validate = validators.get(object.kind);
  if (!validate) {
    validate = ajv.compile(strictSchema(crdVersionSchema(file, 'v1')));
    validators.set(object.kind, validate);
  }
  if (validate(object)) return [];
  return (validate.errors ?? []).map(
    (e: ErrorObject) =>
      `${object.kind} ${object.metadata?.name ?? object.metadata?.generateName}: ` +
      `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : ''}`,
  );
}
