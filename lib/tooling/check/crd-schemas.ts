/**
 * Reads CustomResourceDefinitions from YAML files (any folder depth) and
 * returns one schema per served version, for the validator to compile.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { listManifestFiles } from './manifest';
import { JsonSchema } from './strict-schema';

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
  return dirs.flatMap((dir) => listManifestFiles(dir)).flatMap((file) => crdSchemasFromYaml(file, readFileSync(file, 'utf8')));
}

/** The served versions of the CRDs in one YAML text (`file` is where it came from). */
export function crdSchemasFromYaml(file: string, text: string): CrdVersionSchema[] {
  const out: CrdVersionSchema[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${file}: cannot parse CRD YAML: ${doc.errors[0]!.message}`);
    const crd = doc.toJSON() as any;
    if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec?.group || !crd.spec?.names?.kind) continue;
    const scope = crd.spec.scope === 'Cluster' ? 'Cluster' : 'Namespaced';
    for (const version of crd.spec.versions ?? []) {
      if (version?.served === false || !version?.schema?.openAPIV3Schema) continue;
      out.push({
        apiVersion: `${crd.spec.group}/${version.name}`,
        kind: crd.spec.names.kind,
        scope,
        schema: version.schema.openAPIV3Schema,
        file,
      });
    }
  }
  return out;
}
