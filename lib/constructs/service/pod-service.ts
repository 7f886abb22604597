import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { IPodTarget, describeDeclaredPorts, findDeclaredPort } from '../pod/pod-target';
import {
  checkDns1035Label,
  checkLabels,
  checkNodePort,
  checkOneOf,
  checkPort,
  checkPortName,
  invalidProp,
  checkKnownProps,
} from '../../util/props-check';
import { EXPOSE_TYPES, ExposeType } from './service-type';
import { PropNames } from '../../util/props-check';
import { LibraryConstruct } from '../library-construct';

/** `--session-affinity` values. */
export type SessionAffinity = 'None' | 'ClientIP';
/** Every {@link SessionAffinity}. */
export const SESSION_AFFINITIES: readonly SessionAffinity[] = ['None', 'ClientIP'];
/** Service `externalTrafficPolicy` values (no `kubectl expose` flag). */
export type ExternalTrafficPolicy = 'Cluster' | 'Local';
/** Every {@link ExternalTrafficPolicy}. */
export const EXTERNAL_TRAFFIC_POLICIES: readonly ExternalTrafficPolicy[] = ['Cluster', 'Local'];

/** One port of a Service with several ({@link ExposeOptions.ports}). */
export interface ServicePortOptions {
  /** Port the Service listens on. */
  readonly port: number;
  /**
   * Container port (number or declared name) traffic goes to.
   * @default `port`, which the pod must declare
   */
  readonly targetPort?: number | string;
  /**
   * Port name; a Service with several ports needs one on each.
   * @default the target port's declared name, else `port-N` (N counts from 1), as `kubectl expose` names them
   */
  readonly name?: string;
  /**
   * Fixed node port (NodePort and LoadBalancer only), 30000-32767.
   * @default the cluster picks one
   */
  readonly nodePort?: number;
}

/** The flags of `kubectl expose pod`. */
export interface ExposeOptions {
  /**
   * Service type (`--type`). ExternalName is not offered.
   * @default 'ClusterIP'
   */
  readonly type?: ExposeType;

  /**
   * Port the Service listens on (`--port`).
   * @default the pod's first declared port
   */
  readonly servicePort?: number;

  /**
   * Container port the traffic goes to (`--target-port`): a number or the
   * name of a port the pod declares.
   * @default the pod's first declared port (kubectl defaults to `--port`,
   * which is only right when the two are equal)
   */
  readonly targetPort?: number | string;

  /**
   * Fixed node port for NodePort and LoadBalancer Services, 30000-32767
   * (`kubectl expose` has no flag for it; `kubectl create service nodeport --node-port` has).
   * @default the cluster picks a free port
   */
  readonly nodePort?: number;

  /**
   * Service name (`--name`).
   * @default the pod's name, as `kubectl expose pod NAME` names it
   */
  readonly serviceName?: string;

  /**
   * Several ports in one Service (`kubectl expose` without `--port` exposes
   * every declared port). Replaces `servicePort`, `targetPort` and `nodePort`.
   * @example [{ port: 80, targetPort: 'http' }, { port: 9090, targetPort: 'metrics' }]
   * @default one port, from `servicePort`/`targetPort`/`nodePort`
   */
  readonly ports?: ServicePortOptions[];

  /**
   * `--session-affinity`: `ClientIP` sends each client to the same pod.
   * @default unset (the API server's default, `None`)
   */
  readonly sessionAffinity?: SessionAffinity;

  /**
   * `Local` keeps the client's source IP and only uses pods on the node the
   * traffic arrived at; NodePort and LoadBalancer only. No `kubectl expose` flag.
   * @default unset (the API server's default, `Cluster`)
   */
  readonly externalTrafficPolicy?: ExternalTrafficPolicy;

  /**
   * Service labels (`--labels`).
   * @default the pod's labels, as `kubectl expose` copies them
   */
  readonly serviceLabels?: { readonly [key: string]: string };
}

/** The prop names of {@link ExposeOptions}, for checkKnownProps and pickProps (the compiler checks the list against the type). */
export const EXPOSE_OPTIONS_PROPS: PropNames<ExposeOptions> = {
  type: true,
  servicePort: true,
  targetPort: true,
  nodePort: true,
  serviceName: true,
  ports: true,
  sessionAffinity: true,
  externalTrafficPolicy: true,
  serviceLabels: true,
};

/** Props of {@link PodService}. */
export interface PodServiceProps extends ExposeOptions {
  /** The pod to expose; the Service selects exactly its labels. */
  readonly pod: IPodTarget;
}

/** The prop names of {@link PodServiceProps}, for checkKnownProps and pickProps (the compiler checks the list against the type). */
const POD_SERVICE_PROPS: PropNames<PodServiceProps> = { pod: true, ...EXPOSE_OPTIONS_PROPS };

/** One checked Service port. */
interface CheckedPort {
  readonly name?: string;
  readonly port: number;
  readonly targetPort: { readonly value: number | string; readonly kube: k8s.IntOrString };
  readonly nodePort?: number;
  readonly protocol: string;
}

/**
 * A Service made the way `kubectl expose pod NAME --type=TYPE --port=P
 * --target-port=T` makes it: named after the pod, selecting the pod's labels,
 * one unnamed TCP port.
 */
export class PodService extends LibraryConstruct {
  /** The Service object. */
  public readonly apiObject: k8s.KubeService;
  public readonly name: string;
  public readonly type: ExposeType;
  /** The port clients connect to. */
  public readonly port: number;
  /** The container port (number or name) traffic is sent to. */
  public readonly targetPort: number | string;
  /** The fixed node port, if one was given. */
  public readonly nodePort?: number;
  /** The selector: the pod's labels. */
  public readonly selector: { readonly [key: string]: string };
  /** Every port of the Service (one unless `ports` was given). */
  public readonly ports: readonly {
    readonly name?: string;
    readonly port: number;
    readonly targetPort: number | string;
    readonly nodePort?: number;
    readonly protocol: string;
  }[];

  constructor(scope: Construct, id: string, props: PodServiceProps) {
    super(scope, id);
    checkKnownProps(this, 'PodService', props, POD_SERVICE_PROPS);
    const pod = props?.pod;
    if (!pod || typeof pod.name !== 'string' || !Array.isArray(pod.ports)) {
      invalidProp(this, 'pod', pod, 'a pod construct such as RunPod');
    }
    this.name = checkDns1035Label(this, 'serviceName', props.serviceName ?? pod.name);
    this.type = checkOneOf(this, 'type', props.type ?? 'ClusterIP', EXPOSE_TYPES);

    const ports = props.ports === undefined ? [this.singlePort(props, pod)] : this.severalPorts(props, pod);
    const first = ports[0]!; // severalPorts refuses an empty list
    this.port = first.port;
    this.targetPort = first.targetPort.value;
    this.nodePort = first.nodePort;
    this.ports = ports.map((p) => ({
      name: p.name,
      port: p.port,
      targetPort: p.targetPort.value,
      nodePort: p.nodePort,
      protocol: p.protocol,
    }));

    const sessionAffinity =
      props.sessionAffinity === undefined ? undefined : checkOneOf(this, 'sessionAffinity', props.sessionAffinity, SESSION_AFFINITIES);
    const externalTrafficPolicy =
      props.externalTrafficPolicy === undefined
        ? undefined
        : checkOneOf(this, 'externalTrafficPolicy', props.externalTrafficPolicy, EXTERNAL_TRAFFIC_POLICIES);
    if (externalTrafficPolicy !== undefined && this.type === 'ClusterIP') {
      invalidProp(
        this,
        'externalTrafficPolicy',
        externalTrafficPolicy,
        'no externalTrafficPolicy for type "ClusterIP" (the API server refuses it); use type "NodePort" or "LoadBalancer"',
      );
    }
    const labels = props.serviceLabels === undefined ? { ...pod.labels } : { ...checkLabels(this, 'serviceLabels', props.serviceLabels) };

    this.selector = { ...pod.labels };
    this.apiObject = new k8s.KubeService(this, 'Resource', {
      metadata: { name: this.name, labels },
      spec: {
        type: this.type,
        selector: { ...this.selector },
        sessionAffinity,
        externalTrafficPolicy,
        ports: ports.map((p) => ({
          name: p.name,
          port: p.port,
          protocol: p.protocol,
          targetPort: p.targetPort.kube,
          nodePort: p.nodePort,
        })),
      },
    });
  }

  private checkTarget(field: string, targetPort: unknown, pod: IPodTarget) {
    if (typeof targetPort === 'number') checkPort(this, field, targetPort);
    else checkPortName(this, field, targetPort);
    const declared = findDeclaredPort(pod, targetPort as number | string);
    if (!declared) invalidProp(this, field, targetPort, `a port the pod "${pod.name}" declares: ${describeDeclaredPorts(pod)}`);
    const value = targetPort as number | string;
    return {
      declared,
      target: { value, kube: typeof value === 'number' ? k8s.IntOrString.fromNumber(value) : k8s.IntOrString.fromString(value) },
    };
  }

  private checkNodePortFor(field: string, nodePort: number | undefined): number | undefined {
    if (nodePort === undefined) return undefined;
    if (this.type === 'ClusterIP')
      invalidProp(this, field, nodePort, 'no nodePort for type "ClusterIP"; use type "NodePort" or "LoadBalancer"');
    return checkNodePort(this, field, nodePort);
  }

  /** The single unnamed port of `kubectl expose pod NAME --port=P --target-port=T`. */
  private singlePort(props: ExposeOptions, pod: IPodTarget): CheckedPort {
    const firstPort = pod.ports[0];
    if (!firstPort && (props.servicePort === undefined || props.targetPort === undefined)) {
      invalidProp(this, 'targetPort', props.targetPort, `a port the pod "${pod.name}" declares; it declares none, so give the pod a port`);
    }
    // firstPort is read only when the pod declares one (checked above).
    const port = checkPort(this, 'servicePort', props.servicePort ?? firstPort!.containerPort);
    const { declared, target } = this.checkTarget('targetPort', props.targetPort ?? firstPort!.containerPort, pod);
    return { port, targetPort: target, nodePort: this.checkNodePortFor('nodePort', props.nodePort), protocol: declared.protocol };
  }

  /** `ports`: several named ports. */
  private severalPorts(props: ExposeOptions, pod: IPodTarget): CheckedPort[] {
    for (const field of ['servicePort', 'targetPort', 'nodePort'] as const) {
      if (props[field] !== undefined) invalidProp(this, field, props[field], `no ${field} together with ports; give it in the ports entry`);
    }
    if (!Array.isArray(props.ports) || props.ports.length === 0)
      invalidProp(this, 'ports', props.ports, 'a non-empty list of { port, targetPort?, name?, nodePort? }');
    const result = props.ports.map((entry, i): CheckedPort => {
      const field = `ports[${i}]`;
      if (typeof entry !== 'object' || entry === null) invalidProp(this, field, entry, 'an object { port, targetPort?, name?, nodePort? }');
      const port = checkPort(this, `${field}.port`, entry.port);
      const { declared, target } = this.checkTarget(`${field}.targetPort`, entry.targetPort ?? entry.port, pod);
      const name =
        entry.name !== undefined
          ? checkPortName(this, `${field}.name`, entry.name)
          : props.ports!.length === 1
            ? undefined
            : (declared.name ?? `port-${i + 1}`);
      return {
        name,
        port,
        targetPort: target,
        nodePort: this.checkNodePortFor(`${field}.nodePort`, entry.nodePort),
        protocol: declared.protocol,
      };
    });
    const seen = new Map<string, number>();
    result.forEach((p, i) => {
      for (const [what, key] of [
        ['name', p.name],
        ['port', `${p.port}/${p.protocol}`],
        ['nodePort', p.nodePort],
      ] as const) {
        if (key === undefined) continue;
        const k = `${what}:${key}`;
        if (seen.has(k))
          invalidProp(
            this,
            `ports[${i}].${what === 'port' ? 'port' : what}`,
            what === 'port' ? p.port : key,
            `a ${what} not used by ports[${seen.get(k)}]`,
          );
        seen.set(k, i);
      }
    });
    return result;
  }
}
