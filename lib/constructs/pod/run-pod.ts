import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { Images, WEB_PORT } from '../images';
import { checkDnsLabel, checkImage, checkLabels, checkOneOf, checkPort, checkPortName, invalidProp } from '../../util/props-check';
import { isLabelKey, LABEL_KEY_RULE } from '../../util/k8s-syntax';
import { IPodTarget, PodPort } from './pod-target';
import { PodProbe, probeToKube } from './pod-probe';
import {
  ContainerSize, SMALL_CONTAINER, checkContainerSize, containerResources, restrictedContainerSecurityContext, restrictedPodSecurityContext,
  writablePathsProblem, writableScratch,
} from './restricted-defaults';
import { guardEmittedText } from '../../util/emitted-text';

/** `--image-pull-policy` values. */
export type ImagePullPolicy = 'Always' | 'IfNotPresent' | 'Never';
/** Every {@link ImagePullPolicy}. */
export const IMAGE_PULL_POLICIES: readonly ImagePullPolicy[] = ['Always', 'IfNotPresent', 'Never'];
/** `--restart` values. */
export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';
/** Every {@link RestartPolicy}. */
export const RESTART_POLICIES: readonly RestartPolicy[] = ['Always', 'OnFailure', 'Never'];

/** What Kubernetes 1.28 accepts as an environment variable name. */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

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
   * Environment variables (`--env NAME=VALUE`, repeatable), in this order.
   * Values are written into the manifest: never put a secret here (use
   * ConfiguredPod's `secret` for Secret references).
   * @default no variables
   */
  readonly env?: { readonly [name: string]: string };

  /**
   * Pod annotations (`--annotations`).
   * @default no annotations
   */
  readonly annotations?: { readonly [key: string]: string };

  /**
   * When the kubelet pulls the image (`--image-pull-policy`).
   * @default unset: the API server makes it `Always` for an untagged or
   * `:latest` image and `IfNotPresent` otherwise
   */
  readonly imagePullPolicy?: ImagePullPolicy;

  /**
   * The pod's restart policy (`--restart`). `kubectl run --restart=Never`
   * makes a pod that runs once (e.g. a one-off client); `OnFailure` retries
   * a failing command.
   * @default 'Always'
   */
  readonly restartPolicy?: RestartPolicy;

  /**
   * Readiness probe: a Service sends traffic only to a ready pod. No `kubectl run` flag.
   * @default no probe (ready as soon as the container runs)
   */
  readonly readinessProbe?: PodProbe;

  /**
   * Liveness probe: the kubelet restarts the container when it fails. No `kubectl run` flag.
   * @default no probe
   */
  readonly livenessProbe?: PodProbe;

  /**
   * Startup probe: holds off the other probes until it succeeds once. No `kubectl run` flag.
   * @default no probe
   */
  readonly startupProbe?: PodProbe;

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
    guardEmittedText(this);
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
    // The API server keeps user ids in an int32: 2^31 and above are refused.
    if (props.runAsUser !== undefined && (!Number.isInteger(props.runAsUser) || props.runAsUser < 1 || props.runAsUser > 2147483647)) {
      invalidProp(this, 'runAsUser', props.runAsUser, 'a positive integer up to 2147483647 (a non-root uid)');
    }
    const scratch = writableScratch(writablePaths);

    const env = props.env === undefined ? undefined : Object.entries(checkStringMap(this, 'env', props.env)).map(([name, value]) => {
      if (!ENV_NAME.test(name)) invalidProp(this, 'env key', name, 'a variable name of letters, digits, "_", "-" and ".", not starting with a digit');
      return { name, value };
    });
    const annotations = props.annotations === undefined ? undefined : { ...checkStringMap(this, 'annotations', props.annotations) };
    for (const key of Object.keys(annotations ?? {})) if (!isLabelKey(key)) invalidProp(this, 'annotations key', key, LABEL_KEY_RULE);
    const imagePullPolicy = props.imagePullPolicy === undefined ? undefined : checkOneOf(this, 'imagePullPolicy', props.imagePullPolicy, IMAGE_PULL_POLICIES);
    const restartPolicy = checkOneOf(this, 'restartPolicy', props.restartPolicy ?? 'Always', RESTART_POLICIES);
    const probes = {
      readinessProbe: props.readinessProbe && probeToKube(this, 'readinessProbe', props.readinessProbe, this),
      livenessProbe: props.livenessProbe && probeToKube(this, 'livenessProbe', props.livenessProbe, this),
      startupProbe: props.startupProbe && probeToKube(this, 'startupProbe', props.startupProbe, this),
    };
    if (restartPolicy !== 'Always' && (probes.livenessProbe || probes.startupProbe)) {
      invalidProp(this, props.livenessProbe ? 'livenessProbe' : 'startupProbe', props.livenessProbe ?? props.startupProbe,
        `no liveness or startup probe with restartPolicy "${restartPolicy}" (the kubelet could not restart the container); use restartPolicy "Always"`);
    }

    this.apiObject = new k8s.KubePod(this, 'Resource', {
      metadata: { name: this.name, labels: { ...this.labels }, annotations },
      spec: {
        automountServiceAccountToken: false,
        securityContext: restrictedPodSecurityContext(),
        containers: [{
          name: this.name,
          image,
          imagePullPolicy,
          env,
          command: props.command,
          args: props.args,
          ports: this.ports.length ? this.ports.map((p) => ({ containerPort: p.containerPort, name: p.name })) : undefined,
          ...probes,
          resources: containerResources(size),
          securityContext: restrictedContainerSecurityContext(props.runAsUser),
          volumeMounts: scratch.mounts.length ? scratch.mounts : undefined,
        }],
        volumes: scratch.volumes.length ? scratch.volumes : undefined,
        dnsPolicy: 'ClusterFirst',
        restartPolicy,
      },
    });
  }
}

/** A map of string to string (env, annotations); throws naming the field otherwise. */
function checkStringMap(scope: Construct, field: string, value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    invalidProp(scope, field, value, 'an object of name to string value, e.g. { "APP_COLOR": "blue" }');
  }
  return value as Record<string, string>;
}
