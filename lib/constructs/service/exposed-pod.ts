import { Construct } from 'constructs';
import { AllowIngressPolicy } from '../network/allow-ingress-policy';
import { RunPod, RunPodProps, RUN_POD_PROPS } from '../pod/run-pod';
import { Project } from '../project/project';
import { invalidProp, checkKnownProps, pickProps, PropNames } from '../../util/props-check';
import { ExposeOptions, PodService, EXPOSE_OPTIONS_PROPS } from './pod-service';
import { LibraryConstruct } from '../library-construct';

/** Props of {@link ExposedPod}: `kubectl run` flags plus `kubectl expose` flags. */
export interface ExposedPodProps extends RunPodProps, ExposeOptions {
  /**
   * Add a NetworkPolicy `<name>-from-anywhere` admitting any source address (IPv4 and IPv6) to the
   * pod's ports. Node-port and load-balancer clients come from outside the namespace, so inside a
   * {@link Project}, whose `default-deny-ingress` policy isolates every pod, a NodePort or
   * LoadBalancer Service would otherwise time out (`k8s-practice validate` reports that as
   * `node-port-unreachable`). Set `false` to write your own, narrower policy.
   * @default true for a NodePort or LoadBalancer Service inside a Project; false otherwise
   */
  readonly allowFromOutside?: boolean;
}

/** The prop names of {@link ExposedPodProps}, for checkKnownProps and pickProps (the compiler checks the list against the type). */
const EXPOSED_POD_PROPS: PropNames<ExposedPodProps> = { ...RUN_POD_PROPS, ...EXPOSE_OPTIONS_PROPS, allowFromOutside: true };

/**
 * A pod and the Service that exposes it: `kubectl run NAME ...` followed by
 * `kubectl expose pod NAME --type=TYPE --port=P --target-port=T`.
 *
 * @example
 * new ExposedPod(chart, 'web', { name: 'nginx', type: 'NodePort', servicePort: 80, nodePort: 30080 });
 */
export class ExposedPod extends LibraryConstruct {
  /** The pod (`kubectl run`). */
  public readonly pod: RunPod;
  /** The Service (`kubectl expose pod`). */
  public readonly service: PodService;
  /** The policy admitting outside clients, when {@link ExposedPodProps.allowFromOutside} applies. */
  public readonly fromOutside?: AllowIngressPolicy;

  constructor(scope: Construct, id: string, props: ExposedPodProps) {
    super(scope, id);
    checkKnownProps(this, 'ExposedPod', props, EXPOSED_POD_PROPS);
    this.pod = new RunPod(this, 'Pod', pickProps(props, RUN_POD_PROPS));
    this.service = new PodService(this, 'Service', { ...pickProps(props, EXPOSE_OPTIONS_PROPS), pod: this.pod });
    const exposedOutside = props.type === 'NodePort' || props.type === 'LoadBalancer';
    const allow = props.allowFromOutside ?? (exposedOutside && Project.find(this) !== undefined);
    if (typeof allow !== 'boolean') invalidProp(this, 'allowFromOutside', allow, 'true or false');
    if (allow) {
      this.fromOutside = new AllowIngressPolicy(this, 'FromOutside', {
        name: `${this.pod.name}-from-anywhere`,
        to: this.pod,
        fromAnywhere: true,
      });
    }
  }
}
