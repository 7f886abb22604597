/**
 * `tsx tools/cluster/cli.ts mirror-registry`: lets the real node pull from exercise 8's in-cluster
 * registry, as kind's "local registry" recipe does. Pods push to the registry by its cluster name
 * (`registry.ci.svc.cluster.local:5000`); the node cannot resolve cluster names and containerd
 * wants HTTPS, so the node gets the library's own `ImageRegistry.containerdHostsToml()` with the
 * Service's ClusterIP as the mirror (docs/ci-servers.md, "ClusterIP from the node").
 */
import { App } from 'cdk8s';
import { CiPipelineExercise } from '../../lib/exercises/ci-pipeline-exercise';
import { containerdPaths, installRegistryHosts } from './containerd';
import { kubectlJson, readClusterState } from './local-cluster';

/** Writes the hosts.toml for exercise 8's registry on the running real node; returns the file and the mirror URL. */
export function mirrorExerciseRegistry(): { host: string; file: string; mirror: string } {
  const node = readClusterState()?.realNode;
  if (!node) throw new Error('mirror-registry: needs a running real-node cluster (npm run cluster:up -- --node real)');
  const { registry } = new CiPipelineExercise(new App(), 'ci');
  const service = kubectlJson<{ spec: { clusterIP?: string } }>(['-n', registry.namespace, 'get', 'service', registry.name]);
  const clusterIp = service.spec.clusterIP;
  if (!clusterIp || clusterIp === 'None') {
    throw new Error(`mirror-registry: Service ${registry.namespace}/${registry.name} has no ClusterIP (apply dist/08 first)`);
  }
  const mirror = `http://${clusterIp}:${registry.address.split(':')[1]}`;
  const file = installRegistryHosts(containerdPaths(node.dir), registry.address, registry.containerdHostsToml(mirror));
  return { host: registry.address, file, mirror };
}
