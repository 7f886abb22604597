/** The validator's table of kinds: where each apiVersion/kind's schema is. Kept free of Ajv, so listing kinds does not load it. */
import { CrdVersionSchema } from './crd-schemas';

/** The Ajv `$id` of the Kubernetes definitions. */
export const K8S_SCHEMA_ID = 'https://k8s-practice.dev/schemas/k8s-1.28.json';

/** Where a kind's schema comes from. */
export interface KindSchema {
  readonly apiVersion: string;
  readonly kind: string;
  readonly source: 'kubernetes' | 'crd';
  /** Whether objects of this kind live outside namespaces. */
  readonly clusterScoped: boolean;
  /** Ajv schema reference. */
  readonly ref: string;
  /** For custom resources: the CRD file. */
  readonly file?: string;
}

/** The Ajv reference of a custom resource's schema. */
export function crdSchemaRef(apiVersion: string, kind: string): string {
  return `https://k8s-practice.dev/schemas/crd/${apiVersion}/${kind}.json`;
}

/** The kind entry of one CRD version. */
export function crdKind(crd: CrdVersionSchema): KindSchema {
  return {
    apiVersion: crd.apiVersion,
    kind: crd.kind,
    source: 'crd',
    clusterScoped: crd.scope === 'Cluster',
    ref: crdSchemaRef(crd.apiVersion, crd.kind),
    file: crd.file,
  };
}
