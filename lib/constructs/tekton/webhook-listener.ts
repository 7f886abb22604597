import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { markClusterScoped } from '../../util/cluster-scoped';
import { ExternalRef, declareExternalRefs } from '../../util/external-refs';
import { DNS1035_LABEL_RULE, isDns1035Label } from '../../util/k8s-syntax';
import { checkDnsSubdomain, invalidProp, checkKnownProps } from '../../util/props-check';
import { IPodTarget, PodPort } from '../pod/pod-target';
import { EventListener, EventListenerTrigger } from './triggers-types';
import { guardEmittedText } from '../../util/emitted-text';
import { WEBHOOK_LISTENER_PROPS } from '../prop-names';

/**
 * ClusterRole shipped by the Tekton Triggers release (config/200-clusterrole.yaml):
 * read the Triggers objects and ConfigMaps of the namespace, create runs,
 * write events. Bound in the listener's namespace with a RoleBinding.
 */
export const EVENTLISTENER_ROLES_CLUSTERROLE = 'tekton-triggers-eventlistener-roles';

/**
 * ClusterRole shipped by the Tekton Triggers release: read
 * ClusterTriggerBindings, ClusterInterceptors and Secrets. Bound with a
 * ClusterRoleBinding.
 */
export const EVENTLISTENER_CLUSTERROLES_CLUSTERROLE = 'tekton-triggers-eventlistener-clusterroles';

/** Port of the Service the Triggers controller makes for an EventListener (and of its pod). */
export const EVENTLISTENER_PORT = 8080;

/** Prefix of the Deployment and Service the Triggers controller makes for an EventListener. */
export const EVENTLISTENER_RESOURCE_PREFIX = 'el-';

/** Labels the Triggers controller puts on every EventListener pod (besides the EventListener's own labels). */
export function eventListenerPodLabels(eventListenerName: string): { [key: string]: string } {
  return {
    'app.kubernetes.io/managed-by': 'EventListener',
    'app.kubernetes.io/part-of': 'Triggers',
    eventlistener: eventListenerName,
  };
}

/**
 * Name of the ClusterRoleBinding of a listener's ServiceAccount. The binding
 * is cluster-scoped, so the name carries the namespace; a dot separates the
 * two because a namespace (a DNS label) cannot contain one, so no two
 * (namespace, ServiceAccount) pairs share a name (`a-b` + `c` is `a-b.c`,
 * `a` + `b-c` is `a.b-c`). RBAC object names may contain dots.
 */
function clusterRoleBindingName(namespace: string, serviceAccountName: string): string {
  return `${namespace}.${serviceAccountName}`;
}

/** Props of {@link WebhookListener}. */
export interface WebhookListenerProps {
  /**
   * EventListener name. The controller names its Service and Deployment
   * `el-<name>`, which must be a DNS-1035 label, so the name is at most 60
   * characters of a-z, 0-9 and "-", starting with a letter.
   */
  readonly name: string;

  /** The listener's triggers. */
  readonly triggers: EventListenerTrigger[];

  /**
   * ServiceAccount of the listener pod (created here, with the two Triggers
   * roles bound to it).
   * @default `<name>-listener`
   */
  readonly serviceAccountName?: string;

  /**
   * DNS domain of the cluster, used in the listener's address.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;

  /**
   * Objects the triggers use that are created out of band (Secrets read by
   * `compareSecret`), declared on the EventListener so the validator knows.
   * @default none
   */
  readonly externalRefs?: ExternalRef[];
}

/**
 * A Tekton Triggers EventListener with its own ServiceAccount, bound (never
 * redefined) to the two ClusterRoles the Triggers release ships:
 * a RoleBinding to `tekton-triggers-eventlistener-roles` in the listener's
 * namespace and a ClusterRoleBinding to `tekton-triggers-eventlistener-clusterroles`.
 *
 * The Triggers controller turns the EventListener into a Deployment and a
 * ClusterIP Service `el-<name>` on port 8080; {@link hostname} and
 * {@link url} give that address so webhook senders and allowlists can be
 * derived from one value.
 */
export class WebhookListener extends Construct implements IPodTarget {
  /** The EventListener object. */
  public readonly eventListener: EventListener;
  public readonly serviceAccount: k8s.KubeServiceAccount;
  public readonly roleBinding: k8s.KubeRoleBinding;
  public readonly clusterRoleBinding: k8s.KubeClusterRoleBinding;
  /** EventListener name. */
  public readonly name: string;
  /** Namespace of the listener (the chart's, or `default`). */
  public readonly namespace: string;
  /** Name of the Service the controller creates: `el-<name>`. */
  public readonly serviceName: string;
  /** In-cluster DNS name of that Service: `el-<name>.<namespace>.svc.<clusterDomain>`. */
  public readonly hostname: string;
  /** Service port (8080). */
  public readonly port: number;
  /** The listener's URL: `http://el-<name>.<namespace>.svc.<clusterDomain>:8080/`. */
  public readonly url: string;
  /** Labels of the listener pods, for NetworkPolicies. */
  public readonly podLabels: { readonly [key: string]: string };
  /**
   * The labels that select this listener's pods and no other pod: the listener's
   * name and the controller's marker (as an {@link IPodTarget}, so policies can point at it).
   */
  public readonly labels: { readonly [key: string]: string };
  /** The port the listener pods serve webhooks on (as an {@link IPodTarget}); the metrics port is left out on purpose. */
  public readonly ports: readonly PodPort[];

  constructor(scope: Construct, id: string, props: WebhookListenerProps) {
    super(scope, id);
    guardEmittedText(this);
    checkKnownProps(this, 'WebhookListener', props, WEBHOOK_LISTENER_PROPS);
    const name = props?.name;
    if (!isDns1035Label(name) || name.length > 63 - EVENTLISTENER_RESOURCE_PREFIX.length) {
      invalidProp(
        this,
        'name',
        name,
        `${DNS1035_LABEL_RULE}, at most ${63 - EVENTLISTENER_RESOURCE_PREFIX.length} characters (the Service is named "el-<name>")`,
      );
    }
    if (!Array.isArray(props.triggers) || props.triggers.length === 0) {
      invalidProp(this, 'triggers', props.triggers, 'at least one trigger');
    }
    this.name = name;
    this.namespace = Chart.of(this).namespace ?? 'default';
    const saName = checkDnsSubdomain(this, 'serviceAccountName', props.serviceAccountName ?? `${name}-listener`);
    const clusterDomain = checkDnsSubdomain(this, 'clusterDomain', props.clusterDomain ?? 'cluster.local');

    this.serviceName = `${EVENTLISTENER_RESOURCE_PREFIX}${name}`;
    this.hostname = `${this.serviceName}.${this.namespace}.svc.${clusterDomain}`;
    this.port = EVENTLISTENER_PORT;
    this.url = `http://${this.hostname}:${this.port}/`;
    this.podLabels = eventListenerPodLabels(name);
    this.labels = { eventlistener: name, 'app.kubernetes.io/managed-by': this.podLabels['app.kubernetes.io/managed-by']! };
    this.ports = [{ containerPort: EVENTLISTENER_PORT, protocol: 'TCP' }];

    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: saName },
    });
    const subject = { kind: 'ServiceAccount', name: saName, namespace: this.namespace };
    this.roleBinding = new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name: saName },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: EVENTLISTENER_ROLES_CLUSTERROLE },
      subjects: [subject],
    });
    this.clusterRoleBinding = new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: clusterRoleBindingName(this.namespace, saName) },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: EVENTLISTENER_CLUSTERROLES_CLUSTERROLE },
      subjects: [subject],
    });
    markClusterScoped(this.clusterRoleBinding);

    this.eventListener = new EventListener(this, 'Resource', {
      metadata: { name },
      spec: {
        serviceAccountName: saName,
        triggers: props.triggers,
      },
    });
    if (props.externalRefs?.length) declareExternalRefs(this.eventListener, props.externalRefs);
  }
}
