import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { IPodTarget, PodPort, describeDeclaredPorts, findDeclaredPort, podTargetNamespace } from '../pod/pod-target';
import { ingressPeer } from './ingress-peer';
import {
  checkDnsLabel,
  checkDnsSubdomain,
  checkLabels,
  checkPort,
  checkPortName,
  invalidProp,
  checkKnownProps,
} from '../../util/props-check';
import { ANY_ADDRESS_PEERS } from './outside-access-policy';
import { PropNames } from '../../util/props-check';
import { LibraryConstruct } from '../library-construct';

/** Where allowed traffic may come from. */
export interface IngressSource {
  /**
   * Labels the client pods must carry.
   * @default any pod (of the chosen namespace)
   */
  readonly podLabels?: { readonly [key: string]: string };
  /**
   * Namespace of the client pods, matched by its `kubernetes.io/metadata.name` label.
   * @default the policy's own namespace
   */
  readonly namespace?: string;
}

/** Props of {@link AllowIngressPolicy}. */
export interface AllowIngressPolicyProps {
  /** Name of the NetworkPolicy. */
  readonly name: string;
  /** The pods the policy protects (selected by their labels). */
  readonly to: IPodTarget;
  /**
   * Ports (numbers or names) the traffic may reach; each must be one the pods declare.
   * @default every port the pods declare
   */
  readonly ports?: (number | string)[];
  /**
   * Allowed clients. Give `fromAnywhere` instead to allow every source,
   * e.g. behind a NodePort.
   * @default no pod source
   */
  readonly from?: IngressSource[];
  /**
   * Allow any source address (IPv4 and IPv6), e.g. for NodePort traffic from outside the cluster.
   * @default false
   */
  readonly fromAnywhere?: boolean;
}

/** The prop names of {@link AllowIngressPolicyProps}, for checkKnownProps and pickProps (the compiler checks the list against the type). */
const ALLOW_INGRESS_POLICY_PROPS: PropNames<AllowIngressPolicyProps> = {
  name: true,
  to: true,
  ports: true,
  from: true,
  fromAnywhere: true,
};

/**
 * A NetworkPolicy allowing ingress to a pod's ports only from pods with given
 * labels (optionally in another namespace), or from anywhere.
 *
 * NetworkPolicies add up: once any policy selects a pod, only traffic some
 * policy allows gets in. They are enforced by the CNI plugin (Calico, Cilium,
 * ...), not by kube-proxy; on a CNI without NetworkPolicy support (e.g.
 * plain flannel) they are accepted and silently ignored.
 */
export class AllowIngressPolicy extends LibraryConstruct {
  public readonly apiObject: k8s.KubeNetworkPolicy;
  public readonly name: string;

  constructor(scope: Construct, id: string, props: AllowIngressPolicyProps) {
    super(scope, id);
    checkKnownProps(this, 'AllowIngressPolicy', props, ALLOW_INGRESS_POLICY_PROPS);
    this.name = checkDnsSubdomain(this, 'name', props?.name);
    const target = props.to;
    if (!target || !Array.isArray(target.ports) || typeof target.labels !== 'object') {
      invalidProp(this, 'to', target, 'a pod construct such as RunPod');
    }
    if (Object.keys(target.labels).length === 0) invalidProp(this, 'to.labels', target.labels, 'at least one label to select the pods by');
    this.checkSameNamespace(target);

    const ports = (props.ports ?? (target.ports as readonly PodPort[]).map((p) => p.name ?? p.containerPort)).map((port, i) => {
      if (typeof port === 'number') checkPort(this, `ports[${i}]`, port);
      else checkPortName(this, `ports[${i}]`, port);
      const declared = findDeclaredPort(target, port);
      if (!declared) {
        invalidProp(this, `ports[${i}]`, port, `a port the pod "${target.name}" declares: ${describeDeclaredPorts(target)}`);
      }
      return {
        port: typeof port === 'number' ? k8s.IntOrString.fromNumber(port) : k8s.IntOrString.fromString(port),
        protocol: declared.protocol,
      };
    });
    if (ports.length === 0) invalidProp(this, 'ports', props.ports, `at least one port; the pod "${target.name}" declares none`);

    const fromAnywhere = props.fromAnywhere ?? false;
    const sources = props.from ?? [];
    if (!Array.isArray(sources)) invalidProp(this, 'from', props.from, 'a list of sources { podLabels?, namespace? }');
    if (!fromAnywhere && sources.length === 0) invalidProp(this, 'from', props.from, 'at least one source, or fromAnywhere: true');
    if (fromAnywhere && sources.length > 0) invalidProp(this, 'from', props.from, 'no sources together with fromAnywhere: true');

    const peers: k8s.NetworkPolicyPeer[] = fromAnywhere ? [...ANY_ADDRESS_PEERS] : sources.map((source, i) => this.peer(source, i));

    this.apiObject = new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: { name: this.name },
      spec: {
        podSelector: { matchLabels: { ...target.labels } },
        policyTypes: ['Ingress'],
        ingress: [{ from: peers, ports }],
      },
    });
  }

  /**
   * A NetworkPolicy selects pods of its own namespace only: one made in another
   * project than its pod would select nothing there (and protect nothing).
   */
  private checkSameNamespace(target: IPodTarget): void {
    const own = Chart.of(this).namespace;
    const pods = podTargetNamespace(target);
    if (own === undefined || pods === undefined || own === pods) return;
    invalidProp(
      this,
      `to (a pod of namespace "${pods}")`,
      target.name,
      `a pod of the policy's own namespace "${own}": a NetworkPolicy protects only pods of its own namespace, so in "${own}" this one would select nothing. ` +
        `Create the policy in the project of namespace "${pods}" instead, and name the clients with from: [{ namespace: "${own}", podLabels: {...} }]`,
    );
  }

  private peer(source: IngressSource, i: number): k8s.NetworkPolicyPeer {
    if (typeof source !== 'object' || source === null || Array.isArray(source))
      invalidProp(this, `from[${i}]`, source, 'a source { podLabels?, namespace? }');
    const podLabels = source.podLabels === undefined ? undefined : checkLabels(this, `from[${i}].podLabels`, source.podLabels);
    const namespace = source.namespace === undefined ? undefined : checkDnsLabel(this, `from[${i}].namespace`, source.namespace);
    return ingressPeer(podLabels, namespace, Chart.of(this).namespace);
  }
}
