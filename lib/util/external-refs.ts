/**
 * Objects created out of band (Secrets holding tokens, for example) are
 * referenced by name and never emitted. The referencing object lists them in
 * this annotation, so the offline validator (`k8s-practice validate`) knows
 * the reference is intended and does not report it as missing.
 */
import { ApiObject } from 'cdk8s';

/** Annotation key; the value is a comma-separated list of `Kind/name` (same namespace). */
export const EXTERNAL_REFS_ANNOTATION = 'k8s-practice.dev/external-refs';

/** A reference to an object that is created out of band, e.g. `{ kind: 'Secret', name: 'gogs-secret-key' }`. */
export interface ExternalRef {
  /** Kind of the referenced object. */
  readonly kind: 'Secret' | 'ConfigMap' | 'ServiceAccount';
  /** Name of the referenced object, in the referencing object's namespace. */
  readonly name: string;
}

/** Formats refs as the annotation value: sorted, deduplicated `Kind/name` items. */
export function formatExternalRefs(refs: readonly ExternalRef[]): string {
  return [...new Set(refs.map((r) => `${r.kind}/${r.name}`))].sort().join(',');
}

/** Parses the annotation value back into refs (the validator's side). */
export function parseExternalRefs(value: string | undefined): ExternalRef[] {
  if (!value) return [];
  return value.split(',').map((item) => item.trim()).filter(Boolean).map((item) => {
    const [kind, name] = item.split('/');
    return { kind: kind as ExternalRef['kind'], name };
  });
}

/** Adds refs to an object's annotation, merging with refs it already declares. */
export function declareExternalRefs(apiObject: ApiObject, refs: readonly ExternalRef[]): void {
  const existing = parseExternalRefs(apiObject.metadata.toJson().annotations?.[EXTERNAL_REFS_ANNOTATION]);
  apiObject.metadata.addAnnotation(EXTERNAL_REFS_ANNOTATION, formatExternalRefs([...existing, ...refs]));
}
