/**
 * The schemas the validator compiles, in one Ajv instance: the vendored
 * Kubernetes definitions (made strict, with their enums) and the CRD versions
 * added to it. Knows every built-in kind and where its schema is. Used lazily
 * by the validator for kinds without precompiled code, and at build time to
 * generate that code (precompile-validators.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import { isBuiltinClusterScoped } from '../foundation/cluster-scoped-kinds';
import { CrdVersionSchema } from './crd-schemas';
import { crdSchemaRef, K8S_SCHEMA_ID, KindSchema } from './kind-schema';
import { createAjv } from './schema-ajv';
import { KNOWN_FORMATS } from './schema-runtime';
import { JsonSchema, makeStrict, mergeEnums, QUANTITY_KEYWORD } from '../foundation/strict-schema';

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const QUANTITY_DEFINITION = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

export class SchemaCompiler {
  public readonly ajv: Ajv;
  /** The built-in kinds, by `apiVersion|kind`. */
  public readonly builtinKinds = new Map<string, KindSchema>();
  private readonly added = new Set<string>();

  /** `standaloneRuntime`: see {@link createAjv}; set only when generating standalone code. */
  constructor(schemaDir: string, standaloneRuntime?: string) {
    this.ajv = createAjv(standaloneRuntime);
    const document = JSON.parse(readFileSync(join(schemaDir, '_definitions.json'), 'utf8')) as { definitions: Record<string, JsonSchema> };
    const enums = JSON.parse(readFileSync(join(schemaDir, 'enums.json'), 'utf8')) as Record<string, Record<string, string[]>>;
    for (const definition of Object.values(document.definitions)) makeStrict(definition);
    // the Quantity definition is part of every vendored _definitions.json
    document.definitions[QUANTITY_DEFINITION]![QUANTITY_KEYWORD] = true;
    mergeEnums(document.definitions, enums);
    this.ajv.addSchema({ $id: K8S_SCHEMA_ID, definitions: document.definitions });

    for (const [name, definition] of Object.entries(document.definitions)) {
      const gvks = definition['x-kubernetes-group-version-kind'];
      if (!Array.isArray(gvks) || gvks.length !== 1) continue; // DeleteOptions, WatchEvent: not objects one applies
      const { group, version, kind } = gvks[0] as { group: string; version: string; kind: string };
      const apiVersion = group ? `${group}/${version}` : version;
      this.builtinKinds.set(`${apiVersion}|${kind}`, {
        apiVersion,
        kind,
        source: 'kubernetes',
        clusterScoped: isBuiltinClusterScoped(apiVersion, kind),
        ref: `${K8S_SCHEMA_ID}#/definitions/${name}`,
      });
    }
  }

  /**
   * Adds a CRD version's schema (made strict, its apiVersion, kind and
   * metadata pinned). A kind added before keeps its first schema.
   */
  public addCrd(crd: CrdVersionSchema): void {
    const id = crdSchemaRef(crd.apiVersion, crd.kind);
    if (this.added.has(id) || this.builtinKinds.has(`${crd.apiVersion}|${crd.kind}`)) return;
    this.added.add(id);
    const schema = makeStrict(crd.schema);
    const properties = (schema.properties ??= {}) as Record<string, JsonSchema>;
    properties.apiVersion = { type: 'string', enum: [crd.apiVersion] };
    properties.kind = { type: 'string', enum: [crd.kind] };
    properties.metadata = { $ref: `${K8S_SCHEMA_ID}#/definitions/${OBJECT_META}` };
    if (!('additionalProperties' in schema) && schema['x-kubernetes-preserve-unknown-fields'] !== true) {
      schema.additionalProperties = false;
    }
    for (const format of collectFormats(schema)) {
      if (!(format in KNOWN_FORMATS) && !this.ajv.formats[format]) this.ajv.addFormat(format, true);
    }
    this.ajv.addSchema({ ...schema, $id: id });
  }

  /** The validator of a schema reference (compiled on first use, by Ajv). */
  public compile(ref: string): ValidateFunction {
    const validate = this.ajv.getSchema(ref);
    if (!validate) throw new Error(`schema ${ref} did not compile`);
    return validate;
  }
}

function collectFormats(schema: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) for (const item of schema) collectFormats(item, into);
  else if (schema !== null && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'format' && typeof value === 'string') into.add(value);
      else collectFormats(value, into);
    }
  }
  return into;
}
