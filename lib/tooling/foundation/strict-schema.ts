/**
 * Makes OpenAPI-derived JSON schemas strict, in place, the way
 * openapi2jsonschema `--strict` and kubeconform `-strict` do: every schema
 * that lists `properties` and says nothing about `additionalProperties` gets
 * `additionalProperties: false`, so a misspelled field is an error instead of
 * being pruned (or ignored) by the API server.
 *
 * Kubernetes vendor extensions are honoured:
 * - `x-kubernetes-preserve-unknown-fields: true` keeps the object open;
 * - `x-kubernetes-int-or-string: true` accepts an integer or a string;
 * - `x-kubernetes-embedded-resource: true` allows `apiVersion`, `kind`, `metadata`;
 * - `nullable` is dropped (the validator removes nulls before it validates).
 *
 * Only schema positions are walked (`properties` values, `items`,
 * `additionalProperties`, `patternProperties`, `allOf`/`anyOf`/`oneOf`, `not`),
 * never the property names themselves: `JSONSchemaProps` has properties
 * called `properties` and `x-kubernetes-int-or-string`.
 */

export type JsonSchema = Record<string, unknown>;

/** The schema keyword that marks a Kubernetes quantity (resource.Quantity); the validator checks it with exact-quantity.ts. */
export const QUANTITY_KEYWORD = 'x-k8s-quantity';

const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'] as const;

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Applies the strict rules to `schema` and every schema nested in it. Returns the same object. */
export function makeStrict(schema: JsonSchema): JsonSchema {
  walk(schema);
  return schema;
}

function walk(schema: JsonSchema): void {
  if (schema['x-kubernetes-int-or-string'] === true) {
    delete schema.type;
    delete schema.format;
    if (!schema.anyOf && !schema.oneOf) schema.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if ('nullable' in schema) delete schema.nullable;
  // Never shown by the validator; the compiled (and precompiled) code embeds the schemas it reports from.
  if (typeof schema.description === 'string') delete schema.description;
  // The quantity pattern of controller-gen CRDs: checked by the one quantity parser instead (exact-quantity.ts).
  if (typeof schema.pattern === 'string' && schema.pattern.includes('numkMGTPE')) {
    delete schema.pattern;
    schema[QUANTITY_KEYWORD] = true;
  }

  const properties = schema.properties;
  if (isSchema(properties)) {
    if (schema['x-kubernetes-embedded-resource'] === true) {
      properties.apiVersion ??= { type: 'string' };
      properties.kind ??= { type: 'string' };
      properties.metadata ??= { type: 'object' };
    }
    if (!('additionalProperties' in schema) && schema['x-kubernetes-preserve-unknown-fields'] !== true) {
      schema.additionalProperties = false;
    }
    for (const child of Object.values(properties)) if (isSchema(child)) walk(child);
  }
  if (isSchema(schema.items)) walk(schema.items);
  else if (Array.isArray(schema.items)) for (const child of schema.items) if (isSchema(child)) walk(child);
  if (isSchema(schema.additionalProperties)) walk(schema.additionalProperties);
  if (isSchema(schema.patternProperties)) {
    for (const child of Object.values(schema.patternProperties)) if (isSchema(child)) walk(child);
  }
  for (const key of SCHEMA_LISTS) {
    const list = schema[key];
    if (Array.isArray(list)) for (const child of list) if (isSchema(child)) walk(child);
  }
  if (isSchema(schema.not)) walk(schema.not);
}

/** Copies each enum list onto the matching `definitions[def].properties[prop]`, deduplicated. Returns how many were merged. */
export function mergeEnums(definitions: Record<string, JsonSchema>, table: Record<string, Record<string, string[]>>): number {
  let merged = 0;
  for (const [definition, properties] of Object.entries(table)) {
    const target = definitions[definition]?.properties;
    if (!isSchema(target)) continue;
    for (const [property, values] of Object.entries(properties)) {
      const propertySchema = target[property];
      if (!isSchema(propertySchema)) continue;
      propertySchema.enum = [...new Set(values)];
      merged++;
    }
  }
  return merged;
}

/**
 * Returns a copy of `value` with every `null` object property removed
 * (recursively). The copies are null-prototype objects, so a key named
 * `__proto__` stays an ordinary field instead of replacing the prototype.
 */
export function dropNulls<T>(value: T): T {
  if (Array.isArray(value)) return (value as unknown[]).map((item) => dropNulls(item)) as unknown as T;
  if (value !== null && typeof value === 'object') {
    const out = Object.create(null) as Record<string, unknown>;
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      if (child !== null) out[key] = dropNulls(child);
    }
    return out as T;
  }
  return value;
}
