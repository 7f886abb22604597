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
