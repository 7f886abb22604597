/**
 * Gives each case of a comparison its own copy of the namespaces and cluster-scoped names its
 * objects use, so cases cannot see each other's objects on one cluster: `shop` becomes
 * `c12-shop`, ClusterRole `pod-reader` becomes `c12-pod-reader`, and every reference to them
 * (a subject's namespace, a binding's roleRef) is renamed the same way.
 */
import { isBuiltinClusterScoped } from '../../lib/tooling/foundation/cluster-scoped-kinds';
import { ApiObject } from './api-client';

/** Whether an object's kind is cluster-scoped: the validator's list of built-in kinds (the cases use no cluster-scoped custom kind). */
const isClusterScoped = (o: ApiObject) => isBuiltinClusterScoped(String(o.apiVersion ?? ''), String(o.kind ?? ''));

/** The names in a set of objects that must be made unique per case. */
function renamable(objects: readonly ApiObject[]): { namespaces: Set<string>; clusterNames: Set<string> } {
  const namespaces = new Set<string>();
  const clusterNames = new Set<string>();
  for (const o of objects) {
    if (o.kind === 'Namespace' && typeof o.metadata?.name === 'string') namespaces.add(o.metadata.name);
    else if (isClusterScoped(o) && typeof o.metadata?.name === 'string') clusterNames.add(o.metadata.name);
    if (typeof o.metadata?.namespace === 'string') namespaces.add(o.metadata.namespace);
  }
  return { namespaces, clusterNames };
}

/** A deep copy of `objects` with their namespaces and cluster-scoped names prefixed by `prefix-`. */
export function isolateCase(objects: readonly ApiObject[], prefix: string): ApiObject[] {
  const { namespaces, clusterNames } = renamable(objects);
  const ns = (value: unknown) => (typeof value === 'string' && namespaces.has(value) ? `${prefix}-${value}` : value);
  return objects.map((original) => {
    const o = structuredClone(original);
    if (!o.metadata || typeof o.metadata !== 'object') return o;
    if (o.kind === 'Namespace') o.metadata.name = ns(o.metadata.name) as string;
    else if (isClusterScoped(o) && typeof o.metadata.name === 'string') o.metadata.name = `${prefix}-${o.metadata.name}`;
    if (o.metadata.namespace !== undefined) o.metadata.namespace = ns(o.metadata.namespace) as string;
    // References to a namespace or a cluster-scoped object elsewhere in the object.
    const subjects = (o as { subjects?: unknown }).subjects;
    if (Array.isArray(subjects))
      for (const s of subjects)
        if (s && typeof s === 'object' && 'namespace' in s)
          (s as { namespace: unknown }).namespace = ns((s as { namespace: unknown }).namespace);
    const roleRef = (o as { roleRef?: { kind?: unknown; name?: unknown } }).roleRef;
    if (roleRef && roleRef.kind === 'ClusterRole' && typeof roleRef.name === 'string' && clusterNames.has(roleRef.name))
      roleRef.name = `${prefix}-${roleRef.name}`;
    return o;
  });
}
