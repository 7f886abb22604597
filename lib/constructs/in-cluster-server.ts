/**
 * What the two in-cluster CI servers (GogsServer, ImageRegistry) share: the
 * props every server takes (name, image, storage, cluster domain, Service type),
 * the Service with named ports and optional node ports, the policy that admits
 * node-port clients, and the hardened single-container pod both run (non-root
 * uid, read-only root filesystem, no API token, no Service links, a /tmp emptyDir).
 */
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PodPort } from './pod/pod-target';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './restricted-defaults';
import { checkDns1035Label, checkDnsSubdomain, checkImage, checkOneOf } from '../util/props-check';
import { checkStorageSize } from '../util/resource-quantity';
import { NODE_SERVICE_TYPES, NodeServiceType } from './service/service-type';
import { nodePortAccessPolicy } from './network/outside-access-policy';

/** The props both servers take, as the user gives them. */
export interface InClusterServerProps {
  readonly serviceName?: string;
  readonly image?: string;
  readonly storageSize?: string;
  readonly storageClassName?: string;
  readonly clusterDomain?: string;
  readonly serviceType?: NodeServiceType;
}

/** The same props checked, defaults applied, and the names that follow from them. */
export interface InClusterServer {
  readonly name: string;
  readonly image: string;
  readonly storageSize: string;
  readonly storageClassName?: string;
  readonly serviceType: NodeServiceType;
  readonly namespace: string;
  /** `<name>.<namespace>.svc.<clusterDomain>` */
  readonly host: string;
  /** `{ app: <name> }`: the pod's labels and the Service's selector. */
  readonly labels: { readonly [key: string]: string };
}

/** Checks the shared props (each error names the prop) and derives the server's names. */
export function checkInClusterServer(
  scope: Construct,
  props: InClusterServerProps,
  defaults: { readonly serviceName: string; readonly image: string; readonly storageSize: string },
): InClusterServer {
  const name = checkDns1035Label(scope, 'serviceName', props.serviceName ?? defaults.serviceName);
  const image = checkImage(scope, 'image', props.image ?? defaults.image);
  const storageSize = checkStorageSize(scope, 'storageSize', props.storageSize ?? defaults.storageSize);
  if (props.storageClassName !== undefined) checkDnsSubdomain(scope, 'storageClassName', props.storageClassName);
  const clusterDomain = checkDnsSubdomain(scope, 'clusterDomain', props.clusterDomain ?? 'cluster.local');
  const serviceType = checkOneOf(scope, 'serviceType', props.serviceType ?? 'ClusterIP', NODE_SERVICE_TYPES);
  const namespace = Chart.of(scope).namespace ?? 'default';
  return {
    name,
    image,
    storageSize,
    storageClassName: props.storageClassName,
    serviceType,
    namespace,
    host: `${name}.${namespace}.svc.${clusterDomain}`,
    labels: { app: name },
  };
}

/** One Service port: named like the pod port it targets, with an optional fixed node port. */
export interface ServerServicePort {
  readonly name: string;
  readonly port: number;
  readonly nodePort?: number;
}

/**
 * The server's Service (`<name>`, selecting its pod by name), and for a NodePort
 * Service inside a Project the NetworkPolicy that lets node-port clients, who come
 * from outside the namespace, past the project's default-deny-ingress.
 */
export function serverService(
  scope: Construct,
  server: InClusterServer,
  ports: readonly ServerServicePort[],
): {
  readonly service: k8s.KubeService;
  readonly fromOutside?: k8s.KubeNetworkPolicy;
} {
  const service = new k8s.KubeService(scope, 'Service', {
    metadata: { name: server.name, labels: { ...server.labels } },
    spec: {
      type: server.serviceType,
      selector: { ...server.labels },
      ports: ports.map((p) => ({
        name: p.name,
        port: p.port,
        protocol: 'TCP',
        targetPort: k8s.IntOrString.fromString(p.name),
        nodePort: p.nodePort,
      })),
    },
  });
  const fromOutside = nodePortAccessPolicy(scope, {
    name: server.name,
    serviceType: server.serviceType,
    podLabels: server.labels,
    ports: ports.map((p) => p.name),
  });
  return { service, fromOutside };
}

/**
 * The pod spec both servers run: one container as `uid` (group too; the volume
 * gets it as fsGroup), restricted hardening, no API token, no Service links
 * (they would inject variables named after every Service of the namespace),
 * the container's ports, the given mounts plus /tmp, and the given volumes plus
 * the /tmp emptyDir.
 */
export function serverPodSpec(options: {
  readonly uid: number;
  readonly container: Omit<k8s.Container, 'ports' | 'securityContext' | 'volumeMounts'>;
  readonly ports: readonly PodPort[];
  readonly volumeMounts: readonly k8s.VolumeMount[];
  readonly volumes: readonly k8s.Volume[];
}): k8s.PodSpec {
  const { uid } = options;
  return {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: {
      ...restrictedPodSecurityContext(),
      runAsUser: uid,
      runAsGroup: uid,
      // Makes the volume writable by the server's user on drivers that support fsGroup.
      fsGroup: uid,
      fsGroupChangePolicy: 'OnRootMismatch',
    },
    containers: [
      {
        ...options.container,
        ports: options.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol })),
        // Read-only root filesystem: each server writes only below its volume and /tmp.
        securityContext: { ...restrictedContainerSecurityContext(uid), runAsGroup: uid },
        volumeMounts: [...options.volumeMounts, { name: 'tmp', mountPath: '/tmp' }],
      },
    ],
    volumes: [...options.volumes, { name: 'tmp', emptyDir: {} }],
  };
}
