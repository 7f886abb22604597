/**
 * `cluster mirror-registry HOST NAMESPACE/SERVICE`: lets the real node pull from a registry that
 * runs in the cluster, as kind's "local registry" recipe does. Pods push to the registry by its
 * cluster name (e.g. `registry.ci.svc.cluster.local:5000`); the node cannot resolve cluster names
 * and containerd wants HTTPS, so containerd is told to reach that name at the Service's
 * ClusterIP over plain HTTP (a hosts.toml it reads at each pull).
 */
import { containerdPaths, mirrorRegistry } from './containerd';
import { kubectlJson, readClusterState } from './local-cluster';

/** Points the node's containerd at Service `serviceRef` (`namespace/name`) for `host`; returns what it wrote. */
export function mirrorServiceRegistry(host: string, serviceRef: string): { file: string; endpoint: string } {
  const node = readClusterState()?.realNode;
  if (!node) throw new Error('mirror-registry: needs a running real-node cluster (npm run cluster:up -- --node real)');
  const [namespace, name, ...rest] = serviceRef.split('/');
  if (!namespace || !name || rest.length > 0) throw new Error(`mirror-registry: the Service must be NAMESPACE/NAME, not '${serviceRef}'`);
  const port = /:(\d+)$/.exec(host)?.[1] ?? '443';
  const service = kubectlJson<{ spec: { clusterIP?: string; ports?: { port: number }[] } }>(['-n', namespace, 'get', 'service', name]);
  const clusterIp = service.spec.clusterIP;
  if (!clusterIp || clusterIp === 'None') throw new Error(`mirror-registry: Service ${serviceRef} has no ClusterIP`);
  if (!service.spec.ports?.some((p) => String(p.port) === port)) {
    throw new Error(`mirror-registry: Service ${serviceRef} has no port ${port} (the port of ${host})`);
  }
  const endpoint = `${clusterIp}:${port}`;
  return { file: mirrorRegistry(containerdPaths(node.dir), host, endpoint), endpoint };
}
