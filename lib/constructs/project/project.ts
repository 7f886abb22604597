import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { ContainerSize, SMALL_CONTAINER, checkContainerSize } from '../restricted-defaults';
import { markClusterScoped } from '../cluster-scoped';
import { checkDnsLabel, checkOneOf, invalidProp, checkKnownProps, PropNames } from '../../util/props-check';
import { compareQuantities, parseQuantity } from '../../util/exact-quantity';
import { checkResourceQuantity } from '../../util/resource-quantity';
import { POD_SECURITY_LEVELS, PSA_ENFORCE_LABEL, PodSecurityLevel } from '../../util/pod-security-level';
import { ProjectQuota, SMALL_PROJECT_QUOTA } from './project-quota';
import { guardEmittedText } from '../../util/emitted-text';

const PROJECT_SYMBOL = Symbol.for('k8s-practice-constructs.Project');

/** Props of {@link Project}. */
export interface ProjectProps {
  /** The namespace: one project per namespace ("namespace 당 프로젝트 1개"). */
  readonly namespace: string;

  /**
   * Pod Security Standard the namespace enforces.
   * @default 'restricted'
   */
  readonly podSecurity?: PodSecurityLevel;

  /**
   * Level Pod Security Admission warns about (on `kubectl apply`) and audits.
   * @default 'restricted', so a relaxed project still shows what breaks the strictest level
   */
  readonly podSecurityWarn?: PodSecurityLevel;

  /**
   * ResourceQuota of the project.
   * @default SMALL_PROJECT_QUOTA (1 CPU / 1Gi requested, 2 CPU / 2Gi limits, 10 pods)
   */
  readonly quota?: ProjectQuota;

  /**
   * Requests and limits the LimitRange gives containers that set none, so
   * such pods are still admitted under the quota.
   * @default SMALL_CONTAINER
   */
  readonly containerDefaults?: ContainerSize;

  /**
   * Let every pod of the namespace reach every other pod of it. Turn off when
   * the project's own NetworkPolicies should decide who talks to whom.
   * @default true
   */
  readonly allowSameNamespace?: boolean;
}

/** The prop names of {@link ProjectProps}, for checkKnownProps and pickProps (the compiler checks the list against the type). */
const PROJECT_PROPS: PropNames<ProjectProps> = {
  namespace: true,
  podSecurity: true,
  podSecurityWarn: true,
  quota: true,
  containerDefaults: true,
  allowSameNamespace: true,
};

/** Names of the objects every project makes, for `kubectl get -n NS ...`. */
export const PROJECT_OBJECT_NAMES = {
  quota: 'project-quota',
  limitRange: 'container-defaults',
  denyIngress: 'default-deny-ingress',
  allowSameNamespace: 'allow-same-namespace',
} as const;

/** Namespaces the cluster or every user already depends on. */
const RESERVED_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * One project per namespace: a chart whose objects all land in its own
 * namespace, which it declares first, with
 * - Pod Security Admission labels (`enforce`, plus `warn`/`audit`),
 * - a ResourceQuota and a LimitRange whose defaults let pods without
 *   resources in under the quota,
 * - a default-deny ingress NetworkPolicy, and (by default) one allowing
 *   traffic between the namespace's own pods.
 *
 * Constructs placed in a project pick up its namespace from the chart; they
 * never repeat it. Use {@link Project.find} to find the project of a construct.
 */
export class Project extends Chart {
  /** The project that contains `construct`, or undefined when it is in none. */
  public static find(construct: IConstruct): Project | undefined {
    const scopes: IConstruct[] = construct.node.scopes;
    return scopes.reverse().find((scope) => Project.isProject(scope));
  }

  /**
   * Whether `x` is a Project. (`instanceof` cannot tell: cdk8s's Chart
   * overrides it so that every chart is an instance of every Chart subclass.)
   */
  public static isProject(x: unknown): x is Project {
    return typeof x === 'object' && x !== null && PROJECT_SYMBOL in x;
  }

  public readonly namespaceName: string;
  public readonly podSecurity: PodSecurityLevel;
  public readonly quota: ProjectQuota;
  public readonly containerDefaults: ContainerSize;
  public readonly namespaceObject: k8s.KubeNamespace;

  constructor(scope: Construct, id: string, props: ProjectProps) {
    super(scope, id, { namespace: typeof props?.namespace === 'string' ? props.namespace : undefined });
    guardEmittedText(this);
    checkKnownProps(this, 'Project', props, PROJECT_PROPS);
    if (typeof props !== 'object' || props === null) invalidProp(this, 'props', props, 'an object with at least { namespace }');
    Object.defineProperty(this, PROJECT_SYMBOL, { value: true });
    this.namespaceName = checkDnsLabel(this, 'namespace', props.namespace);
    // A project owns its namespace (quota, LimitRange, default-deny): never one the cluster itself depends on.
    if (RESERVED_NAMESPACES.includes(this.namespaceName)) {
      invalidProp(
        this,
        'namespace',
        props.namespace,
        `a namespace of its own, not one of ${RESERVED_NAMESPACES.map((n) => `"${n}"`).join(', ')} (a default-deny policy and quota there would break the cluster or its users)`,
      );
    }
    this.podSecurity = checkOneOf(this, 'podSecurity', props.podSecurity ?? 'restricted', POD_SECURITY_LEVELS);
    const warn = checkOneOf(this, 'podSecurityWarn', props.podSecurityWarn ?? 'restricted', POD_SECURITY_LEVELS);
    this.quota = this.checkQuota(props.quota ?? SMALL_PROJECT_QUOTA);
    this.containerDefaults = checkContainerSize(this, 'containerDefaults', props.containerDefaults ?? SMALL_CONTAINER);
    this.checkQuotaHoldsOnePod();

    // Created first, so it is the first object in the chart's file.
    this.namespaceObject = new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: this.namespaceName,
        labels: {
          [PSA_ENFORCE_LABEL]: this.podSecurity,
          'pod-security.kubernetes.io/enforce-version': 'v1.28',
          'pod-security.kubernetes.io/warn': warn,
          'pod-security.kubernetes.io/audit': warn,
        },
      },
    });
    markClusterScoped(this.namespaceObject);

    const q = this.quota;
    new k8s.KubeResourceQuota(this, 'Quota', {
      metadata: { name: PROJECT_OBJECT_NAMES.quota },
      spec: {
        hard: {
          'requests.cpu': k8s.Quantity.fromString(q.requestsCpu),
          'requests.memory': k8s.Quantity.fromString(q.requestsMemory),
          'limits.cpu': k8s.Quantity.fromString(q.limitsCpu),
          'limits.memory': k8s.Quantity.fromString(q.limitsMemory),
          pods: k8s.Quantity.fromString(String(q.pods)),
          ...(q.requestsStorage ? { 'requests.storage': k8s.Quantity.fromString(q.requestsStorage) } : {}),
          ...(q.persistentVolumeClaims !== undefined
            ? { persistentvolumeclaims: k8s.Quantity.fromString(String(q.persistentVolumeClaims)) }
            : {}),
        },
      },
    });

    const d = this.containerDefaults;
    new k8s.KubeLimitRange(this, 'LimitRange', {
      metadata: { name: PROJECT_OBJECT_NAMES.limitRange },
      spec: {
        limits: [
          {
            type: 'Container',
            defaultRequest: { cpu: k8s.Quantity.fromString(d.cpuRequest), memory: k8s.Quantity.fromString(d.memoryRequest) },
            default: { cpu: k8s.Quantity.fromString(d.cpuLimit), memory: k8s.Quantity.fromString(d.memoryLimit) },
          },
        ],
      },
    });

    new k8s.KubeNetworkPolicy(this, 'DenyIngress', {
      metadata: { name: PROJECT_OBJECT_NAMES.denyIngress },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    });
    if (props.allowSameNamespace ?? true) {
      new k8s.KubeNetworkPolicy(this, 'AllowSameNamespace', {
        metadata: { name: PROJECT_OBJECT_NAMES.allowSameNamespace },
        spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] },
      });
    }
  }

  private checkQuota(quota: ProjectQuota): ProjectQuota {
    if (typeof quota !== 'object' || quota === null) invalidProp(this, 'quota', quota, 'a ProjectQuota object');
    for (const key of ['requestsCpu', 'requestsMemory', 'limitsCpu', 'limitsMemory', 'requestsStorage'] as const) {
      const value = quota[key];
      if (key !== 'requestsStorage' || value !== undefined) checkResourceQuantity(this, `quota.${key}`, value);
    }
    for (const key of ['pods', 'persistentVolumeClaims'] as const) {
      const value = quota[key];
      if ((key === 'pods' || value !== undefined) && (!Number.isInteger(value) || (value as number) < 0)) {
        invalidProp(this, `quota.${key}`, value, 'a whole number of objects, 0 or more');
      }
    }
    return quota;
  }

  /**
   * A quota smaller than one pod with the LimitRange defaults makes the API server refuse
   * every pod of the project ("exceeded quota"), so it is a prop error, not YAML to apply.
   */
  private checkQuotaHoldsOnePod(): void {
    const q = this.quota;
    const d = this.containerDefaults;
    if (q.pods < 1) invalidProp(this, 'quota.pods', q.pods, 'at least 1: a quota of 0 pods refuses every pod of the project');
    const pairs = [
      ['requestsCpu', 'cpuRequest'],
      ['requestsMemory', 'memoryRequest'],
      ['limitsCpu', 'cpuLimit'],
      ['limitsMemory', 'memoryLimit'],
    ] as const;
    for (const [quotaKey, defaultKey] of pairs) {
      const hard = parseQuantity(q[quotaKey]);
      const one = parseQuantity(d[defaultKey]);
      if (hard && one && compareQuantities(hard, one) < 0) {
        invalidProp(
          this,
          `quota.${quotaKey}`,
          q[quotaKey],
          `at least containerDefaults.${defaultKey} (${d[defaultKey]}): a smaller quota refuses every pod of the project`,
        );
      }
    }
  }
}
