import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { checkDnsLabel, checkLabels, checkOneOf, invalidProp, checkKnownProps, PropNames } from '../../util/props-check';
import { isLabelKey, LABEL_KEY_RULE } from '../../util/k8s-syntax';
import { IPodTarget, PodPort } from './pod-target';
import { RunContainerProps, checkStringMap, runContainer, runContainerPorts, RUN_CONTAINER_PROPS } from './run-container';
import { LibraryConstruct } from '../library-construct';

/** `--restart` values. */
export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';
/** Every {@link RestartPolicy}. */
export const RESTART_POLICIES: readonly RestartPolicy[] = ['Always', 'OnFailure', 'Never'];

/** Props of {@link RunPod}: the flags of `kubectl run` (the container's are in {@link RunContainerProps}). */
export interface RunPodProps extends RunContainerProps {
  /**
   * The pod's name (`kubectl run NAME`). kubectl also names the single
   * container after it, so it must be a DNS-1123 label.
   */
  readonly name: string;

  /**
   * Pod labels (`--labels`).
   * @default `{ run: NAME }`, as `kubectl run` sets it
   */
  readonly labels?: { readonly [key: string]: string };

  /**
   * Pod annotations (`--annotations`).
   * @default no annotations
   */
  readonly annotations?: { readonly [key: string]: string };

  /**
   * The pod's restart policy (`--restart`). `kubectl run --restart=Never`
   * makes a pod that runs once (e.g. a one-off client); `OnFailure` retries
   * a failing command.
   * @default 'Always'
   */
  readonly restartPolicy?: RestartPolicy;
}

/** The prop names of {@link RunPodProps}, for checkKnownProps and pickProps (the compiler checks the list against the type). */
export const RUN_POD_PROPS: PropNames<RunPodProps> = {
  name: true,
  labels: true,
  annotations: true,
  restartPolicy: true,
  ...RUN_CONTAINER_PROPS,
};

/**
 * A pod the way `kubectl run NAME --image=IMAGE --port=PORT` makes it: one
 * container named NAME, label `run: NAME`, `restartPolicy: Always`.
 *
 * Unlike `kubectl run`, the container is hardened for the `restricted` Pod
 * Security Standard (non-root, no capabilities, read-only root filesystem,
 * RuntimeDefault seccomp) and has small resource requests and limits, so it
 * is admitted into a namespace with a ResourceQuota. An image the library
 * knows to run as root (`nginx`, `busybox`) is a synth-time error unless
 * `runAsUser` is set or `podSecurity: 'baseline'` is chosen (see {@link RunContainerProps.podSecurity}).
 *
 * @example
 * new RunPod(chart, 'nginx', { name: 'nginx' });
 * // kubectl run nginx --image=nginxinc/nginx-unprivileged --port=8080
 */
export class RunPod extends LibraryConstruct implements IPodTarget {
  /** The Pod object; use it to patch fields this construct does not offer. */
  public readonly apiObject: k8s.KubePod;
  public readonly name: string;
  public readonly labels: { readonly [key: string]: string };
  public readonly ports: readonly PodPort[];

  constructor(scope: Construct, id: string, props: RunPodProps) {
    super(scope, id);
    checkKnownProps(this, 'RunPod', props, RUN_POD_PROPS);
    this.name = checkDnsLabel(this, 'name', props?.name);
    this.labels = { ...checkLabels(this, 'labels', props.labels ?? { run: this.name }) };
    this.ports = runContainerPorts(this, props);
    const { container, volumes, podSecurityContext } = runContainer(this, this, this.name, props);
    const annotations = props.annotations === undefined ? undefined : { ...checkStringMap(this, 'annotations', props.annotations) };
    for (const key of Object.keys(annotations ?? {})) if (!isLabelKey(key)) invalidProp(this, 'annotations key', key, LABEL_KEY_RULE);
    const restartPolicy = checkOneOf(this, 'restartPolicy', props.restartPolicy ?? 'Always', RESTART_POLICIES);
    if (restartPolicy !== 'Always' && (container.livenessProbe || container.startupProbe)) {
      invalidProp(
        this,
        props.livenessProbe ? 'livenessProbe' : 'startupProbe',
        props.livenessProbe ?? props.startupProbe,
        `no liveness or startup probe with restartPolicy "${restartPolicy}" (the kubelet could not restart the container); use restartPolicy "Always"`,
      );
    }

    this.apiObject = new k8s.KubePod(this, 'Resource', {
      metadata: { name: this.name, labels: { ...this.labels }, annotations },
      spec: {
        automountServiceAccountToken: false,
        securityContext: podSecurityContext,
        containers: [container],
        volumes,
        dnsPolicy: 'ClusterFirst',
        restartPolicy,
      },
    });
  }
}
