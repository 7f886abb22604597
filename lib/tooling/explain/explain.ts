/**
 * `kubectl explain` without a cluster: one pure function from an argument
 * and options to kubectl's exit code, stdout and stderr.
 *
 * With the defaults the result is meant to equal what kubectl 1.28 prints
 * against a 1.28 API server that has the vendored Tekton CRDs installed
 * (`--output plaintext`, the default). Known differences come from the data,
 * not the layout: the vendored definitions lack the per-value enum docs and
 * the descriptions of `IntOrString` and `Quantity` that the API server adds.
 *
 * Beyond kubectl: `usage: true` appends where the field is used in this
 * project (see `project-usage.ts`), and `output: 'json'` returns the same
 * information as data.
 */
import { ExplainSchemas, ExplainSchemasOptions } from './explain-schemas';
import { header, PlaintextRenderer, TemplateError, truthy } from './plaintext';
import { fieldSteps, ProjectUsage, projectUsage, renderUsage, UsageOptions } from './project-usage';
import { ExplainError, gvrString, resolveRequest } from './resource-mapper';
import { isList, member, ownMember } from '../foundation/json-value';

export type ExplainOutput = 'plaintext' | 'json';

export interface ExplainOptions extends ExplainSchemasOptions, UsageOptions {
  /** `--recursive`: field names and types of every level, no descriptions. @default false */
  readonly recursive?: boolean;
  /** `--api-version GROUP/VERSION` (`v1` for the core group). @default the preferred version */
  readonly apiVersion?: string;
  /** `--output`. `json` is ours (kubectl 1.28 has plaintext and plaintext-openapiv2). @default 'plaintext' */
  readonly output?: ExplainOutput;
  /** Append "USED IN THIS PROJECT" (plaintext) or `usage` (json). Off for comparisons with kubectl. @default false */
  readonly usage?: boolean;
}

export interface ExplainResult {
  /** 0 on success, 1 on an error kubectl reports (unknown resource or field, bad --api-version). */
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The JSON output: what plaintext shows, as data. */
export interface ExplainJson {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly resource: string;
  readonly fieldPath: readonly string[];
  /** The type hint of the explained field (absent for a whole kind). */
  readonly type?: string;
  readonly description: string;
  readonly enum?: readonly unknown[];
  readonly fields: ReadonlyArray<{ name: string; type: string; required: boolean; description?: string; enum?: readonly unknown[] }>;
  readonly usage?: ProjectUsage;
}

const KUBECTL_MISSING_ARGUMENT =
  'You must specify the type of resource to explain. Use "kubectl api-resources" for a complete list of supported resources.\n';

function fail(message: string, stdout = ''): ExplainResult {
  const text = message.startsWith('error: ') ? message : `error: ${message}`;
  return { exitCode: 1, stdout, stderr: text.endsWith('\n') ? text : `${text}\n` };
}

/**
 * Explains `resourcePath` (`pods`, `svc.spec.ports`, `deployments.apps.spec`,
 * `pr.spec.pipelineRef`) like `kubectl explain` 1.28. Never throws for bad
 * input: errors come back as kubectl's text on stderr with exit code 1.
 */
export function explain(resourcePath: string, options: ExplainOptions = {}): ExplainResult {
  if (resourcePath === '') return fail(KUBECTL_MISSING_ARGUMENT);
  const schemas = ExplainSchemas.shared(options);
  let request;
  try {
    request = resolveRequest(resourcePath, schemas.resources, options.apiVersion);
  } catch (error) {
    if (error instanceof ExplainError) return fail(error.message);
    throw error;
  }
  const { group, version, resource, fieldPath } = request;
  if (!schemas.hasGroupVersion(group, version))
    return fail(`couldn't find resource for ${JSON.stringify(gvrString(group, version, resource))}`);
  const entry = schemas.resources.find((r) => r.group === group && r.version === version && r.plural === resource);
  const root = entry && schemas.rootSchema(group, version, entry.kind);
  if (!entry || !root) return fail(`GVR (${gvrString(group, version, resource)}) not found in OpenAPI schema`);

  const renderer = new PlaintextRenderer(schemas);
  const head = header(group, entry.kind, version);
  let body: string;
  try {
    body = renderer.output(root, fieldPath, options.recursive ?? false);
  } catch (error) {
    if (error instanceof TemplateError) return fail(error.message, head);
    throw error;
  }
  if (!body) return fail(`field ${JSON.stringify(fieldPath[fieldPath.length - 1])} does not exist`, head);

  const steps = fieldSteps(schemas, root, fieldPath) ?? [];
  const query = { group, kind: entry.kind, fieldPath, steps };
  const usage = options.usage ? projectUsage(query, options) : undefined;

  if (options.output === 'json') {
    const json = explainJson(
      renderer,
      schemas,
      root,
      { group, version, kind: entry.kind, resource, fieldPath },
      options.recursive ?? false,
    );
    return { exitCode: 0, stdout: `${JSON.stringify(usage ? { ...json, usage } : json, null, 2)}\n`, stderr: '' };
  }
  let stdout = `${head}${body}\n`;
  if (usage) stdout += `${renderUsage(usage, query)}\n`;
  return { exitCode: 0, stdout, stderr: '' };
}

interface Target {
  group: string;
  version: string;
  kind: string;
  resource: string;
  fieldPath: readonly string[];
}

/** `value?.[key]` as JavaScript reads it on a schema value not yet checked. */
const optionalProp = (value: unknown, key: string): unknown => ownMember(value, key);

/** Follows the path like the renderer and returns the explained schema. */
function locate(schemas: ExplainSchemas, root: Record<string, unknown>, fieldPath: readonly string[]): { schema: unknown } {
  let schema: unknown = root;
  const steps = fieldSteps(schemas, root as never, fieldPath) ?? [];
  for (const step of steps) {
    let s: unknown = schema ?? {};
    // Step through refs and single allOf wrappers to the schema holding the next property or items.
    for (let guard = 0; guard < 20; guard++) {
      const resolved = schemas.resolveRef(member(s, '$ref'));
      if (resolved) {
        s = resolved;
        continue;
      }
      if ('property' in step && truthy(member(s, 'properties')) && ownMember(member(s, 'properties'), step.property)) break;
      if ('items' in step && truthy(member(s, 'items'))) break;
      if ('values' in step && truthy(member(s, 'additionalProperties'))) break;
      const allOf = member(s, 'allOf');
      if (isList(allOf) && allOf.length > 0) {
        s = allOf[0];
        continue;
      }
      break;
    }
    if ('property' in step) schema = optionalProp(member(s, 'properties'), step.property);
    else if ('items' in step) schema = member(s, 'items');
    else schema = member(s, 'additionalProperties');
  }
  return { schema };
}

function explainJson(
  renderer: PlaintextRenderer,
  schemas: ExplainSchemas,
  root: Record<string, unknown>,
  target: Target,
  recursive: boolean,
): ExplainJson {
  const { schema } = locate(schemas, root, target.fieldPath);
  const s: unknown = schema ?? {};
  const resolved = schemas.resolveRef(member(s, '$ref')) ?? s;
  const fields: Array<{ name: string; type: string; required: boolean; description?: string; enum?: readonly unknown[] }> = [];
  const collect = (node: unknown, prefix: string, seen: ReadonlySet<string>): void => {
    const n: unknown = node ?? {};
    const $ref = member(n, '$ref');
    const ref = typeof $ref === 'string' ? $ref : '';
    if (ref && seen.has(ref)) return;
    const next = new Set(seen).add(ref);
    const r = schemas.resolveRef(ref) ?? n;
    const properties = member(r, 'properties');
    for (const name of Object.keys((properties ?? {}) as object).sort()) {
      const field = member(properties, name);
      const description = member(field, 'description');
      const fieldEnum = member(field, 'enum');
      const required = member(r, 'required');
      fields.push({
        name: prefix + name,
        type: renderer.typeGuess(field),
        required: isList(required) && required.includes(name),
        ...(recursive ? {} : { description: typeof description === 'string' ? description : '' }),
        ...(isList(fieldEnum) ? { enum: fieldEnum } : {}),
      });
      if (recursive) collect(field, `${prefix}${name}.`, next);
    }
    const allOf = member(r, 'allOf');
    for (const branch of isList(allOf) ? allOf : []) collect(branch, prefix, next);
    if (truthy(member(r, 'items'))) collect(member(r, 'items'), prefix, next);
    if (truthy(member(r, 'additionalProperties'))) collect(member(r, 'additionalProperties'), prefix, next);
  };
  collect(resolved, '', new Set());
  const description = renderer.description(resolved).replace(/\n$/, '');
  return {
    group: target.group,
    version: target.version,
    kind: target.kind,
    resource: target.resource,
    fieldPath: target.fieldPath,
    ...(target.fieldPath.length > 0 ? { type: renderer.typeGuess(schema) } : {}),
    description,
    ...(isList(member(s, 'enum')) ? { enum: member(s, 'enum') as readonly unknown[] } : {}),
    fields,
  };
}
