import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkDnsLabel, checkDnsSubdomain, checkLabels, invalidProp } from '../../util/props-check';
import { ingressPeer } from '../network/ingress-peer';
import { WebhookListener } from './webhook-listener';
import { guardEmittedText } from '../../util/emitted-text';

/** Pods allowed to reach a listener. */
export interface ListenerPeer {
  /** Labels of the sender pods (e.g. `gogs.labels`, `registry.labels`); at least one. */
  readonly podLabels: { readonly [key: string]: string };
  /**
   * Namespace of the sender pods.
   * @default the listener's namespace
   */
  readonly namespace?: string;
}

/** Props of {@link ListenerNetworkPolicy}. */
export interface ListenerNetworkPolicyProps {
  /** The listener to protect. */
  readonly listener: WebhookListener;
  /** Who may connect, at least one peer. */
  readonly from: ListenerPeer[];
  /**
   * NetworkPolicy name.
   * @default `el-<listener name>-ingress`
   */
  readonly name?: string;
}

/**
 * A NetworkPolicy that lets only the given pods reach an EventListener pod,
 * and only on its HTTP port (8080). Everything else is denied ingress to the
 * listener pods, including the metrics port 9000.
 *
 * The listener pods are selected by the labels the Triggers controller puts
 * on them (`eventlistener: <name>`, `app.kubernetes.io/managed-by: EventListener`).
 * Kubelet health probes come from the node and are not affected on the
 * common CNI plugins. Needs a CNI plugin that enforces NetworkPolicy.
 */
export class ListenerNetworkPolicy extends Construct {
  /** The NetworkPolicy object. */
  public readonly apiObject: k8s.KubeNetworkPolicy;
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ListenerNetworkPolicyProps) {
    super(scope, id);
    guardEmittedText(this);
    const listener = props?.listener;
    if (!(listener instanceof WebhookListener)) invalidProp(this, 'listener', listener, 'a WebhookListener (e.g. gogsPushTrigger.listener)');
    const from = props.from;
    if (!Array.isArray(from) || from.length === 0) {
      invalidProp(this, 'from', from, 'at least one peer { podLabels }: an empty list would let every pod in');
    }
    this.name = checkDnsSubdomain(this, 'name', props.name ?? `${listener.serviceName}-ingress`);

    const peers: k8s.NetworkPolicyPeer[] = from.map((peer, index) => {
      const labels = checkLabels(this, `from[${index}].podLabels`, peer?.podLabels);
      if (Object.keys(labels).length === 0) {
        invalidProp(this, `from[${index}].podLabels`, labels, 'at least one label: an empty selector selects every pod');
      }
      const namespace = peer.namespace === undefined ? undefined : checkDnsLabel(this, `from[${index}].namespace`, peer.namespace);
      return ingressPeer(labels, namespace, listener.namespace);
    });

    this.apiObject = new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: { name: this.name },
      spec: {
        podSelector: {
          matchLabels: {
            eventlistener: listener.podLabels.eventlistener,
            'app.kubernetes.io/managed-by': listener.podLabels['app.kubernetes.io/managed-by'],
          },
        },
        policyTypes: ['Ingress'],
        ingress: [{
          from: peers,
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(listener.port) }],
        }],
      },
    });
  }
}
