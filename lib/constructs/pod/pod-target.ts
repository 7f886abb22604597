import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';

/** What a Service or NetworkPolicy needs to know about the pod it points at. */
export interface PodPort {
  /** The containerPort number. */
  readonly containerPort: number;
  /** The port's name, when it has one (usable as a Service's targetPort). */
  readonly name?: string;
  /** TCP, UDP or SCTP. */
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
}

/** A pod (or pod template) that Services and NetworkPolicies can select by its labels. */
export interface IPodTarget {
  /** The pod's name; `kubectl expose pod NAME` names the Service after it. */
  readonly name: string;
  /** The pod's labels; a Service selects the pod with exactly these. */
  readonly labels: { readonly [key: string]: string };
  /** Every port any container of the pod declares. */
  readonly ports: readonly PodPort[];
}

/** The declared port a Service targetPort (number or name) refers to, if any. */
export function findDeclaredPort(target: IPodTarget, targetPort: number | string): PodPort | undefined {
  return target.ports.find((p) => (typeof targetPort === 'number' ? p.containerPort === targetPort : p.name === targetPort));
}

/** How the declared ports read in an error message: `8080 ("http"), 9000`. */
export function describeDeclaredPorts(target: IPodTarget): string {
  if (target.ports.length === 0) return 'none (the pod declares no ports)';
  return target.ports.map((p) => (p.name ? `${p.containerPort} ("${p.name}")` : `${p.containerPort}`)).join(', ');
}

/** The construct behind a pod target that is not a construct itself (podTargetOf's adapters). */
const TARGET_SCOPES = new WeakMap<IPodTarget, IConstruct>();

/** Records the construct a pod target stands for, so its namespace can be found. */
export function recordPodTargetScope(target: IPodTarget, scope: IConstruct): void {
  TARGET_SCOPES.set(target, scope);
}

/**
 * The namespace of the chart that holds the pod, when it can be known: the
 * target is a construct (RunPod, ...) or an adapter of one (podTargetOf), and
 * its chart has a namespace. Undefined otherwise.
 */
export function podTargetNamespace(target: IPodTarget): string | undefined {
  const scope = Construct.isConstruct(target) ? target : TARGET_SCOPES.get(target);
  if (!scope) return undefined;
  try {
    return Chart.of(scope).namespace;
  } catch {
    return undefined; // not inside a chart
  }
}
