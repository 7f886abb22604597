import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { IPodTarget, describeDeclaredPorts, findDeclaredPort } from '../pod/pod-target';
import { checkDns1035Label, checkNodePort, checkOneOf, checkPort, checkPortName, invalidProp } from '../util/props-check';
import { EXPOSE_TYPES, ExposeType } from './expose-type';

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
   * Service name.
   * @default the pod's name, as `kubectl expose pod NAME` names it
   */
  readonly serviceName?: string;
}

/** Props of {@link PodService}. */
export interface PodServiceProps extends ExposeOptions {
  /** The pod to expose; the Service selects exactly its labels. */
  readonly pod: IPodTarget;
}

/**
 * A Service made the way `kubectl expose pod NAME --type=TYPE --port=P
 * --target-port=T` makes it: named after the pod, selecting the pod's labels,
 * one unnamed TCP port.
 */
export class PodService extends Construct {
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

  constructor(scope: Construct, id: string, props: PodServiceProps) {
    super(scope, id);
    const pod = props?.pod;
    if (!pod || typeof pod.name !== 'string' || !Array.isArray(pod.ports)) {
      invalidProp(this, 'pod', pod, 'a pod construct such as RunPod');
    }
    this.name = checkDns1035Label(this, 'serviceName', props.serviceName ?? pod.name);
    this.type = checkOneOf(this, 'type', props.type ?? 'ClusterIP', EXPOSE_TYPES);

    const firstPort = pod.ports[0];
    if (!firstPort && (props.servicePort === undefined || props.targetPort === undefined)) {
      invalidProp(this, 'targetPort', props.targetPort, `a port the pod "${pod.name}" declares; it declares none, so give the pod a port`);
    }
    this.port = checkPort(this, 'servicePort', props.servicePort ?? firstPort.containerPort);

    const targetPort = props.targetPort ?? firstPort.containerPort;
    if (typeof targetPort === 'number') checkPort(this, 'targetPort', targetPort);
    else checkPortName(this, 'targetPort', targetPort);
    const declared = findDeclaredPort(pod, targetPort);
    if (!declared) {
      invalidProp(this, 'targetPort', targetPort, `a port the pod "${pod.name}" declares: ${describeDeclaredPorts(pod)}`);
    }
    this.targetPort = targetPort;

    if (props.nodePort !== undefined) {
      if (this.type === 'ClusterIP') {
        invalidProp(this, 'nodePort', props.nodePort, 'no nodePort for type "ClusterIP"; use type "NodePort" or "LoadBalancer"');
      }
      this.nodePort = checkNodePort(this, 'nodePort', props.nodePort);
    }

    this.selector = { ...pod.labels };
    this.apiObject = new k8s.KubeService(this, 'Resource', {
      metadata: { name: this.name, labels: { ...pod.labels } },
      spec: {
        type: this.type,
        selector: { ...this.selector },
        ports: [{
          port: this.port,
          protocol: declared.protocol,
          targetPort: typeof targetPort === 'number' ? k8s.IntOrString.fromNumber(targetPort) : k8s.IntOrString.fromString(targetPort),
          nodePort: this.nodePort,
        }],
      },
    });
  }
}
