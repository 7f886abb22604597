/**
 * Reads CustomResourceDefinitions from YAML files (any folder depth) and
 * returns one schema per served version, for the validator to compile.
 */
import { parseAllDocuments } from 'yaml';
import { readTextOrThrow } from '../foundation/guarded-read';
import { listManifestFiles } from '../foundation/manifest';
import { JsonSchema } from '../foundation/strict-schema';
import { field, textOf } from '../foundation/json-value';

export interface CrdVersionSchema {
  /** `tekton.dev/v1` */
  readonly apiVersion: string;
  readonly kind: string;
  readonly scope: 'Namespaced' | 'Cluster';
  /** The version's `schema.openAPIV3Schema` (a fresh copy the caller may change). */
  readonly schema: JsonSchema;
  /** The CRD file it came from. */
  readonly file: string;
}

/** The served versions of every CRD found under `dirs`. */
export function loadCrdSchemas(dirs: readonly string[]): CrdVersionSchema[] {
  return dirs.flatMap((dir) => listManifestFiles(dir)).flatMap((file) => crdSchemasFromYaml(file, readTextOrThrow(file, 'CRD file')));
}

/** The served versions of the CRDs in one YAML text (`file` is where it came from). */
export function crdSchemasFromYaml(file: string, text: string): CrdVersionSchema[] {
  const out: CrdVersionSchema[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${file}: cannot parse CRD YAML: ${doc.errors[0]!.message}`);
    const crd: unknown = doc.toJSON();
    const group = field(crd, 'spec', 'group');
    const kind = field(crd, 'spec', 'names', 'kind');
    if (field(crd, 'kind') !== 'CustomResourceDefinition' || !group || !kind) continue;
    const scope = field(crd, 'spec', 'scope') === 'Cluster' ? 'Cluster' : 'Namespaced';
    // Iterated as written: a `versions` that is not a list fails here as it always has.
    for (const version of (field(crd, 'spec', 'versions') ?? []) as Iterable<unknown>) {
      const schema = field(version, 'schema', 'openAPIV3Schema');
      if (field(version, 'served') === false || !schema) continue;
      out.push({
        apiVersion: `${textOf(group)}/${textOf(field(version, 'name'))}`,
        kind: kind as string,
        scope,
        schema: schema as JsonSchema,
        file,
      });
    }
  }
  return out;
}
