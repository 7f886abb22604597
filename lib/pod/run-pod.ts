import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { Images, WEB_PORT } from '../images';
import { checkDnsLabel, checkImage, checkLabels, checkPort, checkPortName, invalidProp } from '../util/props-check';
import { IPodTarget, PodPort } from './pod-target';
import {
  ContainerSize, SMALL_CONTAINER, checkContainerSize, containerResources, restrictedContainerSecurityContext, restrictedPodSecurityContext,
  writablePathsProblem, writableScratch,
} from './restricted-defaults';

/** Props of {@link RunPod}: the flags of `kubectl run`. */
export interface RunPodProps {
  /**
   * The pod's name (`kubectl run NAME`). kubectl also names the single
   * container after it, so it must be a DNS-1123 label.
   */
  readonly name: string;

  /**
   * Container image (`--image`).
   * @default Images.web, an nginx that runs as non-root on port 8080
   */
  readonly image?: string;

  /**
   * Port the container listens on (`--port`), declared as `containerPort`.
   * @default 8080 for the default image; no port for any other image
   */
  readonly port?: number;

  /**
   * Name of the declared port, so a Service can target it by name.
   * @default the port is unnamed, as `kubectl run` leaves it
   */
  readonly portName?: string;

  /**
   * Pod labels (`--labels`).
   * @default { run: NAME }, as `kubectl run` sets it
   */
  readonly labels?: { readonly [key: string]: string };

  /**
   * Entrypoint override (`--command -- ...`).
   * @default the image's entrypoint
   */
  readonly command?: string[];

  /**
   * Arguments (`-- ARG ...`).
   * @default the image's arguments
   */
  readonly args?: string[];

  /**
   * Absolute paths the container may write to. The root filesystem is
   * read-only, so each path gets an emptyDir volume.
   * @default ['/tmp'], where the default nginx image keeps its pid and temp files
   */
  readonly writablePaths?: string[];

  /**
   * Numeric user to run as. Needed for images whose default user is root
   * (e.g. busybox), because the pod requires a non-root user.
   * @default the image's own user
   */
  readonly runAsUser?: number;

  /**
   * CPU and memory requests and limits.
   * @default SMALL_CONTAINER (50m/32Mi requested, 200m/128Mi limit)
   */
  readonly size?: ContainerSize;
}

/**
 * A pod the way `kubectl run NAME --image=IMAGE --port=PORT` makes it: one
 * container named NAME, label `run: NAME`, `restartPolicy: Always`.
 *
 * Unlike `kubectl run`, the container is hardened for the `restricted` Pod
 * Security Standard (non-root, no capabilities, read-only root filesystem,
 * RuntimeDefault seccomp) and has small resource requests and limits, so it
 * is admitted into a namespace with a ResourceQuota.
 *
 * @example
 * new RunPod(chart, 'nginx', { name: 'nginx' });
 * // kubectl run nginx --image=nginxinc/nginx-unprivileged --port=8080
 */
export class RunPod extends Construct implements IPodTarget {
  /** The Pod object; use it to patch fields this construct does not offer. */
  public readonly apiObject: k8s.KubePod;
  public readonly name: string;
  public readonly labels: { readonly [key: string]: string };
  public readonly ports: readonly PodPort[];

  constructor(scope: Construct, id: string, props: RunPodProps) {
    super(scope, id);
    this.name = checkDnsLabel(this, 'name', props?.name);
    const image = checkImage(this, 'image', props.image ?? Images.web);
    this.labels = { ...checkLabels(this, 'labels', props.labels ?? { run: this.name }) };

    const port = props.port ?? (props.image === undefined ? WEB_PORT : undefined);
    if (port !== undefined) checkPort(this, 'port', port);
    if (props.portName !== undefined) {
      if (port === undefined) invalidProp(this, 'portName', props.portName, 'no portName, because the pod declares no port');
      checkPortName(this, 'portName', props.portName);
    }
    this.ports = port === undefined ? [] : [{ containerPort: port, name: props.portName, protocol: 'TCP' }];

    const writablePaths = props.writablePaths ?? ['/tmp'];
    if (!Array.isArray(writablePaths)) invalidProp(this, 'writablePaths', writablePaths, 'a list of absolute paths such as ["/tmp"]');
    const pathProblem = writablePathsProblem(writablePaths);
    if (pathProblem) invalidProp(this, 'writablePaths', writablePaths, `absolute paths such as "/tmp", each with its own volume (${pathProblem})`);
    for (const field of ['command', 'args'] as const) {
      const value = props[field];
      if (value !== undefined && (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))) {
        invalidProp(this, field, value, 'a list of strings, e.g. ["sleep", "3600"]');
      }
    }
    const size = checkContainerSize(this, 'size', props.size ?? SMALL_CONTAINER);
    if (props.runAsUser !== undefined && (!Number.isInteger(props.runAsUser) || props.runAsUser < 1)) {
      invalidProp(this, 'runAsUser', props.runAsUser, 'a positive integer (a non-root uid)');
    }
    const scratch = writableScratch(writablePaths);

    this.apiObject = new k8s.KubePod(this, 'Resource', {
      metadata: { name: this.name, labels: { ...this.labels } },
      spec: {
        automountServiceAccountToken: false,
        securityContext: restrictedPodSecurityContext(),
        containers: [{
          name: this.name,
          image,
          command: props.command,
          args: props.args,
          ports: this.ports.length ? this.ports.map((p) => ({ containerPort: p.containerPort, name: p.name })) : undefined,
          resources: containerResources(size),
          securityContext: restrictedContainerSecurityContext(props.runAsUser),
          volumeMounts: scratch.mounts.length ? scratch.mounts : undefined,
        }],
        volumes: scratch.volumes.length ? scratch.volumes : undefined,
        dnsPolicy: 'ClusterFirst',
        restartPolicy: 'Always',
      },
    });
  }
}
