/**
 * Rules about where an object lives:
 * - `duplicate-object`: two objects with the same API group, kind, namespace and name
 *   (the second `kubectl apply` silently overwrites the first);
 * - `cluster-scoped-namespace`: a cluster-scoped object (Namespace, ClusterRole, ...) that
 *   carries `metadata.namespace`.
 */
import { apiGroup } from '../../foundation/cluster-scoped-kinds';
import { RuleContext } from '../rule-context';
import { RuleDefinition } from '../rule-definition';
import { field } from '../../foundation/json-value';

export function checkObjectIdentity(ctx: RuleContext): void {
  const firstSeen = new Map<string, { file: string; document: number }>();
  for (const item of ctx.objects) {
    const { apiVersion, kind, metadata } = item.object;
    if (typeof kind !== 'string' || typeof apiVersion !== 'string') continue;
    if (ctx.isClusterScoped(item.object) && typeof field(metadata, 'namespace') === 'string' && field(metadata, 'namespace') !== '') {
      ctx.report(
        item,
        ['metadata', 'namespace'],
        'cluster-scoped-namespace',
        'error',
        `${kind} is cluster-scoped and must not set metadata.namespace (found "${String(field(metadata, 'namespace'))}")`,
      );
    }
    const name = field(metadata, 'name');
    if (typeof name !== 'string') continue; // generateName objects are never duplicates
    const namespace = ctx.namespaceOf(item);
    const key = JSON.stringify([apiGroup(apiVersion), kind, namespace, name]);
    const first = firstSeen.get(key);
    if (first) {
      ctx.report(
        item,
        ['metadata', 'name'],
        'duplicate-object',
        'error',
        `duplicate ${kind} "${name}"${namespace ? ` in namespace "${namespace}"` : ''}; first defined in ${first.file} (document ${first.document + 1})`,
      );
    } else {
      firstSeen.set(key, { file: item.file, document: item.document });
    }
  }
}

export const objectIdentityRule: RuleDefinition = {
  id: 'object-identity',
  summary: 'each object is unique and namespaced only when its kind is',
  codes: [
    { code: 'duplicate-object', severity: 'error', summary: 'the same API group, kind, namespace and name twice' },
    { code: 'cluster-scoped-namespace', severity: 'error', summary: 'a namespace on a cluster-scoped object' },
  ],
  check: checkObjectIdentity,
};
