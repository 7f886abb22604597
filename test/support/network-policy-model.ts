/**
 * A small model of NetworkPolicy ingress semantics for tests: given every
 * object of a namespace, may a client pod reach a server pod's port?
 * (Policies are additive; a pod selected by no Ingress policy is open.)
 */
import { labelSelectorMatches } from '../../lib/tooling/check/label-selector';
import { KubeObject } from './helpers';

const matchLabels = (selector: unknown, labels: Record<string, string> = {}) => labelSelectorMatches(selector, labels);

/** Whether a peer (`from` entry) admits the client. */
function peerAdmits(
  peer: any,
  client: KubeObject,
  policyNamespace: string,
  namespaceLabels: (ns: string) => Record<string, string>,
): boolean {
  if (peer.ipBlock) return true; // in-cluster pod IPs are inside 0.0.0.0/0 and ::/0; narrower blocks are not modelled
  const clientNs = client.metadata.namespace ?? 'default';
  const nsOk = peer.namespaceSelector ? matchLabels(peer.namespaceSelector, namespaceLabels(clientNs)) : clientNs === policyNamespace;
  const podOk = peer.podSelector ? matchLabels(peer.podSelector, client.metadata.labels) : true;
  return nsOk && podOk;
}

/** Whether `client` may open a TCP connection to `server` on `port` (number, or the container port's name). */
export function ingressAllowed(objects: KubeObject[], client: KubeObject, server: KubeObject, port: number): boolean {
  const serverNs = server.metadata.namespace ?? 'default';
  const namespaceLabels = (ns: string) => ({
    'kubernetes.io/metadata.name': ns,
    ...(objects.find((o) => o.kind === 'Namespace' && o.metadata.name === ns)?.metadata.labels ?? {}),
  });
  const portNames = new Map<string, number>();
  for (const c of server.spec.containers) for (const p of c.ports ?? []) if (p.name) portNames.set(p.name, p.containerPort);
  const policies = objects.filter(
    (o) =>
      o.kind === 'NetworkPolicy' &&
      (o.metadata.namespace ?? 'default') === serverNs &&
      (o.spec.policyTypes ?? ['Ingress']).includes('Ingress') &&
      (Object.keys(o.spec.podSelector ?? {}).length === 0 || matchLabels(o.spec.podSelector, server.metadata.labels)),
  );
  if (policies.length === 0) return true;
  return policies.some((policy) =>
    (policy.spec.ingress ?? []).some((rule: any) => {
      const fromOk = !rule.from || rule.from.some((peer: any) => peerAdmits(peer, client, serverNs, namespaceLabels));
      const portOk = !rule.ports || rule.ports.some((p: any) => (typeof p.port === 'string' ? portNames.get(p.port) : p.port) === port);
      return fromOk && portOk;
    }),
  );
}
