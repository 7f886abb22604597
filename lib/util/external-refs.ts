/**
 * Objects created out of band (Secrets holding tokens, for example) are
 * referenced by name and never emitted. The referencing object lists them in
 * this annotation, so the offline validator (`k8s-practice validate`) knows
 * the reference is intended and does not report it as missing.
 *
 * This module is the one reader and writer of the annotation: the constructs
 * write it, the validator's `missing-reference` rule reads it.
 */
import { ApiObject } from 'cdk8s';

/**
 * Annotation key; the value is a comma-separated list of `Kind/name` (in the
 * object's namespace) or `Kind/namespace/name` (in another namespace).
 */
export const EXTERNAL_REFS_ANNOTATION = 'k8s-practice.dev/external-refs';

/** A reference to an object that is created out of band, e.g. `{ kind: 'Secret', name: 'gogs-secret-key' }`. */
export interface ExternalRef {
  /** Kind of the referenced object. */
  readonly kind: 'Secret' | 'ConfigMap' | 'ServiceAccount';
  /** Name of the referenced object. */
  readonly name: string;
  /**
   * Namespace of the referenced object.
   * @default the referencing object's namespace
   */
  readonly namespace?: string;
}

/** One annotation item: `Kind/name` or `Kind/namespace/name`. */
function formatRef(ref: ExternalRef): string {
  return ref.namespace === undefined ? `${ref.kind}/${ref.name}` : `${ref.kind}/${ref.namespace}/${ref.name}`;
}

/** The annotation's items, trimmed, empty ones dropped. */
function itemsOf(value: unknown): string[] {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : [];
}

/** Formats refs as the annotation value: sorted, deduplicated items. */
export function formatExternalRefs(refs: readonly ExternalRef[]): string {
  return [...new Set(refs.map(formatRef))].sort().join(',');
}

/** Parses the annotation value into refs; items of another shape are skipped. */
export function parseExternalRefs(value: unknown): ExternalRef[] {
  return itemsOf(value).flatMap((item): ExternalRef[] => {
    const parts = item.split('/');
    const kind = parts[0] as ExternalRef['kind'];
    if (parts.length === 2) return [{ kind, name: parts[1]! }];
    if (parts.length === 3) return [{ kind, namespace: parts[1]!, name: parts[2]! }];
    return [];
  });
}

/**
 * The refs an annotation declares, as `Kind/namespace/name` keys, with
 * `namespace` standing in for items that name none (the validator's side).
 */
export function declaredRefKeys(value: unknown, namespace: string): Set<string> {
  return new Set(parseExternalRefs(value).map((ref) => `${ref.kind}/${ref.namespace ?? namespace}/${ref.name}`));
}

/**
 * Adds refs to an object's annotation. Items already there are kept exactly as
 * written (including another namespace, or a shape this library does not read).
 */
export function declareExternalRefs(apiObject: ApiObject, refs: readonly ExternalRef[]): void {
  // cdk8s types toJson() as any; it returns the ApiObjectMetadata, annotations included.
  const metadata: unknown = apiObject.metadata.toJson();
  const existing = itemsOf((metadata as { annotations?: { [key: string]: unknown } }).annotations?.[EXTERNAL_REFS_ANNOTATION]);
  const items = [...new Set([...existing, ...refs.map(formatRef)])].sort();
  apiObject.metadata.addAnnotation(EXTERNAL_REFS_ANNOTATION, items.join(','));
}
