import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { markClusterScoped } from '../cluster-scoped';
import { ExternalRef, declareExternalRefs } from '../../util/external-refs';
import { DNS1035_LABEL_RULE, isDns1035Label } from '../../util/k8s-syntax';
import { checkDnsSubdomain, checkOneOf, invalidProp, checkKnownProps, PropNames } from '../../util/props-check';
import { IPodTarget, PodPort } from '../pod/pod-target';
import { EventListener, EventListenerTrigger } from './triggers-types';
import { LibraryConstruct } from '../library-construct';

/**
 * ClusterRole shipped by the Tekton Triggers release (config/200-clusterrole.yaml):
 * read the Triggers objects and ConfigMaps of the namespace, create runs,
 * impersonate any ServiceAccount, write events. {@link WebhookListener} no
 * longer binds it: its listeners get a Role of their own with only what the
 * sink uses (see {@link LISTENER_ROLE_RULES}).
 */
export const EVENTLISTENER_ROLES_CLUSTERROLE = 'tekton-triggers-eventlistener-roles';

/**
 * ClusterRole shipped by the Tekton Triggers release: read
 * ClusterTriggerBindings, ClusterInterceptors and every Secret of the
 * cluster. {@link WebhookListener} does not bind it: the EventListener sink
 * of Triggers v0.37.0 never reads a Secret (the core interceptors do, under
 * their own ServiceAccount), so the grant would only let a compromised
 * listener read every Secret in the cluster.
 */
export const EVENTLISTENER_CLUSTERROLES_CLUSTERROLE = 'tekton-triggers-eventlistener-clusterroles';

/** A kind of Tekton run a listener's TriggerTemplates create. */
export type ListenerRunKind = 'PipelineRun' | 'TaskRun';

/** The plural resource names of {@link ListenerRunKind}s, in the `tekton.dev` API group. */
const RUN_RESOURCES: { readonly [K in ListenerRunKind]: string } = { PipelineRun: 'pipelineruns', TaskRun: 'taskruns' };

/** One RBAC policy rule. */
export interface ListenerPolicyRule {
  /** API groups of the resources (`''` is the core group). */
  readonly apiGroups: readonly string[];
  /** Resources (plural, lower case). */
  readonly resources: readonly string[];
  /** Only these objects, when given. */
  readonly resourceNames?: readonly string[];
  /** What may be done with them. */
  readonly verbs: readonly string[];
}

/**
 * What the EventListener sink of Triggers v0.37.0 reads in its own namespace
 * (tektoncd/triggers@v0.37.0: cmd/eventlistenersink, pkg/adapter, pkg/sink):
 * informers (list and watch, never get: the sink reads their caches) on
 * EventListeners, Triggers, TriggerBindings, TriggerTemplates and
 * Interceptors. The listener's Role adds `create` on the runs its templates
 * create and, only for triggers that name a ServiceAccount,
 * `impersonate` on those ServiceAccounts.
 */
export const LISTENER_ROLE_RULES: readonly ListenerPolicyRule[] = [
  {
    apiGroups: ['triggers.tekton.dev'],
    resources: ['eventlisteners', 'interceptors', 'triggerbindings', 'triggers', 'triggertemplates'],
    verbs: ['list', 'watch'],
  },
];

/**
 * What the sink reads across the cluster: informers on the cluster-scoped
 * ClusterTriggerBindings and ClusterInterceptors (it waits for both caches
 * before it serves, and reads the interceptors' `caBundle`). No Secret.
 */
export const LISTENER_CLUSTER_ROLE_RULES: readonly ListenerPolicyRule[] = [
  {
    apiGroups: ['triggers.tekton.dev'],
    resources: ['clusterinterceptors', 'clustertriggerbindings'],
    verbs: ['list', 'watch'],
  },
];

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
 * Name of the ClusterRole and ClusterRoleBinding of a listener's ServiceAccount. They
 * are cluster-scoped, so the name carries the namespace; a dot separates the
 * two because a namespace (a DNS label) cannot contain one, so no two
 * (namespace, ServiceAccount) pairs share a name (`a-b` + `c` is `a-b.c`,
 * `a` + `b-c` is `a.b-c`). RBAC object names may contain dots.
 */
function clusterScopedName(namespace: string, serviceAccountName: string): string {
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
   * ServiceAccount of the listener pod (created here, with the listener's
   * own Role and ClusterRole bound to it).
   * @default `<name>-listener`
   */
  readonly serviceAccountName?: string;

  /**
   * The kinds of run the triggers' TriggerTemplates create: the listener's
   * Role allows `create` on these and nothing else. To create other objects
   * from a template, bind another Role to {@link WebhookListener.serviceAccount}.
   * @default ['PipelineRun', 'TaskRun']
   */
  readonly creates?: readonly ListenerRunKind[];

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

/** The prop names of {@link WebhookListenerProps}, for checkKnownProps and pickProps (the compiler checks the list against the type). */
const WEBHOOK_LISTENER_PROPS: PropNames<WebhookListenerProps> = {
  name: true,
  triggers: true,
  serviceAccountName: true,
  creates: true,
  clusterDomain: true,
  externalRefs: true,
};

/**
 * A Tekton Triggers EventListener with its own ServiceAccount, and RBAC of
 * its own for it: exactly what the EventListener sink of Triggers v0.37.0
 * uses, nothing more.
 *
 * - a Role `<serviceAccount>` (and its RoleBinding) in the listener's
 *   namespace: list/watch the namespace's Triggers objects
 *   ({@link LISTENER_ROLE_RULES}), `create` on the runs in {@link WebhookListenerProps.creates},
 *   and `impersonate` on the ServiceAccounts that inline triggers name, if any
 *   (a Trigger object reached by `triggerRef` that names one needs that
 *   granted separately: the listener cannot see it);
 * - a ClusterRole `<namespace>.<serviceAccount>` (and its ClusterRoleBinding):
 *   list/watch ClusterTriggerBindings and ClusterInterceptors
 *   ({@link LISTENER_CLUSTER_ROLE_RULES}).
 *
 * The ClusterRoles the Triggers release suggests for listeners are not bound:
 * `tekton-triggers-eventlistener-clusterroles` lets its subject read every
 * Secret in the cluster, which the sink never does (`compareSecret` and the
 * other interceptors that read Secrets run in the core interceptors' pod,
 * under its own ServiceAccount).
 * With the Triggers controller's `-el-events enable` (the release sets
 * `disable`) the sink also records Events; bind a Role with `create` and
 * `patch` on `events` to {@link serviceAccount} then.
 *
 * The Triggers controller turns the EventListener into a Deployment and a
 * ClusterIP Service `el-<name>` on port 8080; {@link hostname} and
 * {@link url} give that address so webhook senders and allowlists can be
 * derived from one value.
 */
export class WebhookListener extends LibraryConstruct implements IPodTarget {
  /** The EventListener object. */
  public readonly eventListener: EventListener;
  public readonly serviceAccount: k8s.KubeServiceAccount;
  /** What the sink uses in the listener's namespace. */
  public readonly role: k8s.KubeRole;
  public readonly roleBinding: k8s.KubeRoleBinding;
  /** What the sink reads across the cluster: ClusterTriggerBindings and ClusterInterceptors, no Secret. */
  public readonly clusterRole: k8s.KubeClusterRole;
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
    this.role = new k8s.KubeRole(this, 'Role', {
      metadata: { name: saName },
      rules: this.roleRules(props.creates, props.triggers).map(toPolicyRule),
    });
    this.roleBinding = new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name: saName },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: saName },
      subjects: [subject],
    });
    const clusterName = clusterScopedName(this.namespace, saName);
    this.clusterRole = new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: clusterName },
      rules: LISTENER_CLUSTER_ROLE_RULES.map(toPolicyRule),
    });
    markClusterScoped(this.clusterRole);
    this.clusterRoleBinding = new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: clusterName },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterName },
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

  /**
   * The namespaced rules: the sink's informers, `create` on the runs the
   * templates make, and `impersonate` on the ServiceAccounts inline triggers
   * name (the sink creates those triggers' resources as that ServiceAccount).
   */
  private roleRules(creates: unknown, triggers: readonly EventListenerTrigger[]): ListenerPolicyRule[] {
    const kinds = creates ?? ['PipelineRun', 'TaskRun'];
    if (!Array.isArray(kinds) || kinds.length === 0) {
      invalidProp(this, 'creates', creates, 'a non-empty list of "PipelineRun", "TaskRun"');
    }
    const runKinds = kinds.map((kind, i) => checkOneOf(this, `creates[${i}]`, kind, ['PipelineRun', 'TaskRun'] as const));
    const impersonated = triggers.flatMap((trigger, i) =>
      typeof trigger === 'object' && trigger !== null && trigger.serviceAccountName !== undefined
        ? [checkDnsSubdomain(this, `triggers[${i}].serviceAccountName`, trigger.serviceAccountName)]
        : [],
    );
    return [
      ...LISTENER_ROLE_RULES,
      { apiGroups: ['tekton.dev'], resources: sortedUnique(runKinds.map((k) => RUN_RESOURCES[k])), verbs: ['create'] },
      ...(impersonated.length > 0
        ? [{ apiGroups: [''], resources: ['serviceaccounts'], resourceNames: sortedUnique(impersonated), verbs: ['impersonate'] }]
        : []),
    ];
  }
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

function toPolicyRule(rule: ListenerPolicyRule): k8s.PolicyRule {
  return {
    apiGroups: [...rule.apiGroups],
    resources: [...rule.resources],
    ...(rule.resourceNames ? { resourceNames: [...rule.resourceNames] } : {}),
    verbs: [...rule.verbs],
  };
}
