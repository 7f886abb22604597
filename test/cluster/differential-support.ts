/**
 * What both differential suites (engine-vs-api-server*.cluster.test.ts) do to a case before the
 * engine and the server judge it, and to their answers before comparing them.
 */
import { isBuiltinClusterScoped } from '../../lib/tooling/check/cluster-scoped-kinds';
import { ApiObject } from '../../tools/cluster/api-client';
import { isolateCase } from '../../tools/cluster/case-namespaces';
import { KubeObject } from '../support/helpers';
import { api } from './support';

/**
 * Text that differs from run to run: generated pod names, Go pointers, go-cmp's spacing, the run's prefix, and what
 * the server gives each stored object (UID, times, resource version, cluster IP). Both sides
 * judge the same prefixed names, so the prefix is only removed for the report.
 */
export const normalize = (message: string, prefix: string) =>
  message
    .split(`${prefix}-`)
    .join('')
    .replace(/\(0x[0-9a-f]+\)/g, '(0x…)')
    // go-cmp's diffs (a Pod's forbidden update) put no-break spaces in at random, on purpose.
    .replace(/\u00a0/g, ' ')
    // What the server gives a stored object, shown where kubectl prints the live object.
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uid>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, '<time>')
    .replace(/time\.Date\(\d{4}, [^)]*\)/g, 'time.Date(…)')
    .replace(/([rR]esourceVersion\\?"?:\\?")\d+/g, '$1<n>')
    .replace(/\b10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+\b/g, '<cluster IP>')
    .replace(/"([a-z0-9.-]+?)-[a-z0-9]{8,10}-[a-z0-9]{5}"/g, '"$1-…"')
    .replace(/"([a-z0-9.-]+?)-[a-z0-9]{5}"/g, '"$1-…"');

/**
 * A case's objects with their namespaces and cluster-scoped names made its own, plus the
 * Namespaces they use but do not declare (the examples assume `default`): both sides get exactly these.
 */
export function isolated(c: { readonly objects: readonly KubeObject[] }, prefix: string): ApiObject[] {
  const placed = c.objects.map((o) => {
    const copy = structuredClone(o) as ApiObject;
    const metadata = copy.metadata as KubeObject | undefined;
    if (metadata && typeof metadata === 'object' && metadata.namespace === undefined && copy.kind !== 'Namespace') {
      if (!isBuiltinClusterScoped(String(copy.apiVersion), String(copy.kind))) metadata.namespace = 'default';
    }
    return copy;
  });
  const objects = isolateCase(placed, prefix);
  const declared = new Set(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata?.name));
  const used = [...new Set(objects.map((o) => o.metadata?.namespace).filter((n): n is string => typeof n === 'string'))];
  const missing = used.filter((n) => !declared.has(n)).map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  return [...missing, ...objects];
}

export const label = (o: ApiObject) => `${String(o.kind)}/${String(o.metadata?.name ?? '?')}`;

/** The node ports the objects fix (`spec.ports[].nodePort` of their Services). */
export function fixedNodePorts(objects: readonly KubeObject[]): Set<number> {
  const ports = new Set<number>();
  for (const o of objects)
    if (o.kind === 'Service' && Array.isArray(o.spec?.ports))
      for (const port of o.spec.ports) if (typeof port?.nodePort === 'number') ports.add(port.nodePort);
  return ports;
}

/**
 * Deletes the cluster's Services that hold one of `ports`: node ports are cluster-wide, and a
 * suite run before this one (apply-dist) leaves dist/ applied as it is, with its fixed node port.
 * Returns `namespace/name` of each Service deleted.
 */
export async function freeNodePorts(ports: ReadonlySet<number>): Promise<string[]> {
  const services = await api().list<ApiObject & { spec?: { ports?: { nodePort?: number }[] } }>('v1', 'Service');
  const holding = services.filter((s) => (s.spec?.ports ?? []).some((p) => p.nodePort !== undefined && ports.has(p.nodePort)));
  for (const s of holding) await api().delete('v1', 'Service', s.metadata.name!, s.metadata.namespace);
  return holding.map((s) => `${s.metadata.namespace}/${s.metadata.name}`);
}
