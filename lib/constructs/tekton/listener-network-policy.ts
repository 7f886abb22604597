import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkLabels, invalidProp, checkKnownProps, PropNames } from '../../util/props-check';
import { AllowIngressPolicy } from '../network/allow-ingress-policy';
import { WebhookListener } from './webhook-listener';
import { LibraryConstruct } from '../library-construct';

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

/** The prop names of {@link ListenerNetworkPolicyProps}, for checkKnownProps and pickProps (the compiler checks the list against the type). */
const LISTENER_NETWORK_POLICY_PROPS: PropNames<ListenerNetworkPolicyProps> = { listener: true, from: true, name: true };

/**
 * A NetworkPolicy that lets only the given pods reach an EventListener pod,
 * and only on its HTTP port (8080). Everything else is denied ingress to the
 * listener pods, including the metrics port 9000.
 *
 * It is an {@link AllowIngressPolicy} to the listener (a listener is an
 * {@link IPodTarget}), with the stricter peers a webhook endpoint needs: every
 * peer names its sender pods by at least one label. The listener pods are
 * selected by the labels the Triggers controller puts on them
 * (`eventlistener: <name>`, `app.kubernetes.io/managed-by: EventListener`).
 * Kubelet health probes come from the node and are not affected on the
 * common CNI plugins. Needs a CNI plugin that enforces NetworkPolicy.
 */
export class ListenerNetworkPolicy extends LibraryConstruct {
  /** The NetworkPolicy object. */
  public readonly apiObject: k8s.KubeNetworkPolicy;
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ListenerNetworkPolicyProps) {
    super(scope, id);
    checkKnownProps(this, 'ListenerNetworkPolicy', props, LISTENER_NETWORK_POLICY_PROPS);
    const listener = props?.listener;
    if (!(listener instanceof WebhookListener))
      invalidProp(this, 'listener', listener, 'a WebhookListener (e.g. gogsPushTrigger.listener)');
    const from = props.from;
    if (!Array.isArray(from) || from.length === 0) {
      invalidProp(this, 'from', from, 'at least one peer { podLabels }: an empty list would let every pod in');
    }
    from.forEach((peer, index) => {
      const labels = checkLabels(this, `from[${index}].podLabels`, peer?.podLabels);
      if (Object.keys(labels).length === 0) {
        invalidProp(this, `from[${index}].podLabels`, labels, 'at least one label: an empty selector selects every pod');
      }
    });
    this.name = props.name ?? `${listener.serviceName}-ingress`;
    const policy = new AllowIngressPolicy(this, 'Resource', { name: this.name, to: listener, ports: [listener.port], from });
    this.apiObject = policy.apiObject;
  }
}
