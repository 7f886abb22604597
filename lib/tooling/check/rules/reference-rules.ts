/**
 * Rule `missing-reference`: ConfigMaps, Secrets and ServiceAccounts that an
 * object refers to must be in the output too, or be declared as created out
 * of band in the referencing object's `k8s-practice.dev/external-refs`
 * annotation (`Kind/name`, or `Kind/namespace/name` for another namespace).
 * The ServiceAccount `default` exists in every namespace. References marked
 * `optional: true` may be missing.
 */
import { declaredRefKeys, EXTERNAL_REFS_ANNOTATION } from '../../../util/external-refs';
import { apiGroup } from '../../foundation/cluster-scoped-kinds';
import { PathSegment } from '../../foundation/field-path';
import { each, field, isObject, textOf } from '../../foundation/json-value';
import { KubeObject } from '../../foundation/manifest';
import { DEFAULT_NAMESPACE } from '../../foundation/namespaces';
import { nestedObjects, referencesIn } from '../../foundation/object-references';
import { RuleContext } from '../rule-context';
import { RuleDefinition } from '../rule-definition';

/** The kinds this rule checks; the table's other references (PersistentVolumeClaims, Tasks) are not judged here. */
const CHECKED_KINDS: ReadonlySet<string> = new Set(['ConfigMap', 'Secret', 'ServiceAccount']);

/** One reference from an object to a ConfigMap, Secret or ServiceAccount. */
export interface ObjectReference {
  readonly kind: string;
  readonly name: string;
  /** Namespace of the referenced object (the referrer's unless the field says otherwise). */
  readonly namespace: string;
  readonly path: readonly PathSegment[];
  /** Extra annotation maps that may declare it external (e.g. the pod template's). */
  readonly annotationSources: readonly unknown[];
}

/** RoleBinding and ClusterRoleBinding subjects that are ServiceAccounts (their namespace is the subject's, or the binding's). */
function bindingSubjects(object: KubeObject, namespace: string, prefix: readonly PathSegment[]): ObjectReference[] {
  const group = apiGroup(textOf(object.apiVersion ?? ''));
  const kind = object.kind;
  if (group !== 'rbac.authorization.k8s.io' || (kind !== 'RoleBinding' && kind !== 'ClusterRoleBinding')) return [];
  const refs: ObjectReference[] = [];
  each(object.subjects, (subject, s) => {
    if (subject.kind !== 'ServiceAccount') return;
    const subjectNamespace =
      typeof subject.namespace === 'string' && subject.namespace !== ''
        ? subject.namespace
        : kind === 'RoleBinding'
          ? namespace
          : undefined;
    if (subjectNamespace === undefined) return; // the schema/API requires a namespace here; nothing to resolve
    const name = subject.name;
    if (typeof name !== 'string' || name === '' || name.includes('$(')) return;
    refs.push({
      kind: 'ServiceAccount',
      name,
      namespace: subjectNamespace,
      path: [...prefix, 'subjects', s, 'name'],
      annotationSources: [],
    });
  });
  return refs;
}

/**
 * The references an object makes, resolved against its (effective) namespace: the table's
 * (foundation/object-references.ts) to ConfigMaps, Secrets and ServiceAccounts, every container
 * list in order, optional ones and `$(` placeholders left out; then its binding subjects, then
 * those of the objects it holds (a TriggerTemplate's resource templates).
 */
export function referencesOf(object: KubeObject, namespace: string, prefix: readonly PathSegment[] = []): ObjectReference[] {
  const refs: ObjectReference[] = referencesIn(object, { fields: (f) => CHECKED_KINDS.has(f.target) }, prefix)
    .filter((ref) => !ref.optional && !ref.placeholder)
    .map((ref) => ({
      kind: ref.field.target,
      name: ref.name,
      namespace,
      path: ref.path,
      annotationSources: ref.template ? [ref.template.metadata.annotations] : [],
    }));
  refs.push(...bindingSubjects(object, namespace, prefix));
  for (const nested of nestedObjects(object, prefix)) refs.push(...referencesOf(nested.object, namespace, nested.path));
  return refs;
}

export function checkReferences(ctx: RuleContext): void {
  for (const item of ctx.objects) {
    const namespace = ctx.namespaceOf(item) || DEFAULT_NAMESPACE;
    const refs = referencesOf(item.object, namespace);
    if (refs.length === 0) continue;
    const ownDeclared = declaredRefKeys(field(item.object.metadata, 'annotations', EXTERNAL_REFS_ANNOTATION), namespace);
    for (const ref of refs) {
      if (ref.kind === 'ServiceAccount' && ref.name === 'default') continue;
      if (ctx.find('', ref.kind, ref.namespace, ref.name).length > 0) continue;
      const key = `${ref.kind}/${ref.namespace}/${ref.name}`;
      if (ownDeclared.has(key)) continue;
      if (
        ref.annotationSources.some(
          (annotations) => isObject(annotations) && declaredRefKeys(annotations[EXTERNAL_REFS_ANNOTATION], namespace).has(key),
        )
      )
        continue;
      const where = ref.namespace === namespace ? '' : ` in namespace "${ref.namespace}"`;
      const declare = ref.namespace === namespace ? `${ref.kind}/${ref.name}` : `${ref.kind}/${ref.namespace}/${ref.name}`;
      ctx.report(
        item,
        ref.path,
        'missing-reference',
        'error',
        `${ref.kind} "${ref.name}"${where} is not in the output; add it, or declare it created out of band with annotation ${EXTERNAL_REFS_ANNOTATION}: "${declare}"`,
      );
    }
  }
}

export const referenceRule: RuleDefinition = {
  id: 'references',
  summary: 'every ConfigMap, Secret and ServiceAccount referenced is in the output or declared external',
  codes: [
    {
      code: 'missing-reference',
      severity: 'error',
      summary:
        'a ConfigMap, Secret or ServiceAccount referenced but neither in the output nor in the k8s-practice.dev/external-refs annotation (Kind/name or Kind/namespace/name)',
    },
  ],
  check: checkReferences,
};
