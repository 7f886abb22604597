import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Project } from '../project/project';

/** The peers of "any source address": every IPv4 and every IPv6 address. */
export const ANY_ADDRESS_PEERS: readonly k8s.NetworkPolicyPeer[] = [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }];

/**
 * For a server exposed on node ports inside a {@link Project}: a NetworkPolicy `<name>-from-anywhere`
 * admitting any source address to the named container ports of the pods with `podLabels`. Node-port
 * clients come from outside the namespace, which the project's `default-deny-ingress` shuts out.
 * Returns undefined (and adds nothing) outside a Project, or when the Service is not node-exposed.
 */
export function nodePortAccessPolicy(
  scope: Construct,
  options: {
    readonly name: string;
    readonly serviceType: string;
    readonly podLabels: { readonly [key: string]: string };
    readonly ports: readonly string[];
  },
): k8s.KubeNetworkPolicy | undefined {
  if ((options.serviceType !== 'NodePort' && options.serviceType !== 'LoadBalancer') || Project.find(scope) === undefined) return undefined;
  return new k8s.KubeNetworkPolicy(scope, 'FromOutside', {
    metadata: { name: `${options.name}-from-anywhere` },
    spec: {
      podSelector: { matchLabels: { ...options.podLabels } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [...ANY_ADDRESS_PEERS],
          ports: options.ports.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromString(port) })),
        },
      ],
    },
  });
}
