/**
 * The single hardened container of `kubectl run` and `kubectl create
 * deployment`, shared by RunPod and RunDeployment: its props, their checks,
 * and the pod-level security context that goes with it.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { Images, NOBODY_UID, WEB_PORT } from '../images';
import { requireProjectAdmits } from '../project/project-pod-security';
import { checkImage, checkOneOf, checkPort, checkPortName, invalidProp, PropNames } from '../../util/props-check';
import { checkImageRunsAsNonRoot } from './image-user';
import { IPodTarget, PodPort } from './pod-target';
import { PodProbe, probeToKube } from './pod-probe';
import {
  ContainerSize,
  SMALL_CONTAINER,
  checkContainerSize,
  containerResources,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  writablePathsProblem,
  writableScratch,
} from '../restricted-defaults';

/** `--image-pull-policy` values. */
export type ImagePullPolicy = 'Always' | 'IfNotPresent' | 'Never';
/** Every {@link ImagePullPolicy}. */
export const IMAGE_PULL_POLICIES: readonly ImagePullPolicy[] = ['Always', 'IfNotPresent', 'Never'];

/**
 * The Pod Security Standard a RunPod or RunDeployment is hardened for.
 * - `restricted`: non-root, every capability dropped, read-only root
 *   filesystem, no privilege escalation, RuntimeDefault seccomp.
 * - `baseline`: for images that must start as root (the stock `nginx`):
 *   root allowed, the container runtime's default capabilities kept, a
 *   writable root filesystem; still no privilege escalation and RuntimeDefault seccomp.
 */
export type PodHardening = 'restricted' | 'baseline';
/** Every {@link PodHardening}. */
export const POD_HARDENINGS: readonly PodHardening[] = ['restricted', 'baseline'];

/** What to run in the one container (the container flags of `kubectl run` / `kubectl create deployment`). */
export interface RunContainerProps {
  /**
   * Container image (`--image`). Images the library knows to run as root
   * (`nginx`, `busybox`, `alpine`, ... see `KNOWN_IMAGES`) are refused under
   * `podSecurity: 'restricted'` unless `runAsUser` is set, because the kubelet
   * would refuse to start them. Images it does not know are not checked: look
   * up the image's user (`docker image inspect -f '{{.Config.User}}' IMAGE`;
   * empty or `root` means root) and set `runAsUser` when it is root.
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
   * @default the port is unnamed, as kubectl leaves it
   */
  readonly portName?: string;

  /**
   * Environment variables (`--env NAME=VALUE`, repeatable), in this order.
   * Values are written into the manifest: never put a secret here (use
   * ConfiguredPod's `secret` for Secret references).
   * @default no variables
   */
  readonly env?: { readonly [name: string]: string };

  /**
   * When the kubelet pulls the image (`--image-pull-policy`).
   * @default unset: the API server makes it `Always` for an untagged or
   * `:latest` image and `IfNotPresent` otherwise
   */
  readonly imagePullPolicy?: ImagePullPolicy;

  /**
   * Readiness probe: a Service sends traffic only to a ready pod. No kubectl flag.
   * @default no probe (ready as soon as the container runs)
   */
  readonly readinessProbe?: PodProbe;

  /**
   * Liveness probe: the kubelet restarts the container when it fails. No kubectl flag.
   * @default no probe
   */
  readonly livenessProbe?: PodProbe;

  /**
   * Startup probe: holds off the other probes until it succeeds once. No kubectl flag.
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
   * Absolute paths the container may write to, each an emptyDir volume.
   * Under `restricted` the root filesystem is read-only, so every path the
   * image writes must be listed.
   * @default ['/tmp'] under restricted (where the default nginx keeps its pid
   * and temp files); none under baseline, whose root filesystem is writable
   */
  readonly writablePaths?: string[];

  /**
   * Numeric user to run as. Needed under `restricted` for images whose
   * default user is root (e.g. busybox: `runAsUser: 65534`), because the pod
   * requires a non-root user. Under `baseline` it may be 0 (root).
   * @default the image's own user
   */
  readonly runAsUser?: number;

  /**
   * CPU and memory requests and limits.
   * @default SMALL_CONTAINER (50m/32Mi requested, 200m/128Mi limit)
   */
  readonly size?: ContainerSize;

  /**
   * The Pod Security Standard the container is hardened for. `baseline` lets
   * an image start as root (the stock `nginx` binds port 80 and chowns its
   * cache as root), at a price: the process runs as root with the runtime's
   * default capabilities and a writable root filesystem, so a compromised
   * container can do more. Such a pod is refused by a namespace that enforces
   * `restricted`, the default of `Project`: inside a Project it must have
   * `podSecurity: 'baseline'` (or `'privileged'`), which is checked at synth time.
   * @default 'restricted'
   */
  readonly podSecurity?: PodHardening;
}

/** The prop names of {@link RunContainerProps}, for checkKnownProps and pickProps (the compiler checks the list against the type). */
export const RUN_CONTAINER_PROPS: PropNames<RunContainerProps> = {
  image: true,
  port: true,
  portName: true,
  env: true,
  imagePullPolicy: true,
  readinessProbe: true,
  livenessProbe: true,
  startupProbe: true,
  command: true,
  args: true,
  writablePaths: true,
  runAsUser: true,
  size: true,
  podSecurity: true,
};

/** The container, its volumes and the pod securityContext it needs. */
export interface RunContainer {
  readonly container: k8s.Container;
  readonly volumes?: k8s.Volume[];
  readonly podSecurityContext: k8s.PodSecurityContext;
  readonly hardening: PodHardening;
}

/** What Kubernetes 1.28 accepts as an environment variable name. */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** The ports the container declares (checked); a Service or probe may target them. */
export function runContainerPorts(scope: Construct, props: RunContainerProps): PodPort[] {
  const port = props.port ?? (props.image === undefined ? WEB_PORT : undefined);
  if (port !== undefined) checkPort(scope, 'port', port);
  if (props.portName !== undefined) {
    if (port === undefined) invalidProp(scope, 'portName', props.portName, 'no portName, because the pod declares no port');
    checkPortName(scope, 'portName', props.portName);
  }
  return port === undefined ? [] : [{ containerPort: port, name: props.portName, protocol: 'TCP' }];
}

/** Builds the container named `name` for `target` (whose ports come from {@link runContainerPorts}); throws on a bad prop. */
export function runContainer(scope: Construct, target: IPodTarget, name: string, props: RunContainerProps): RunContainer {
  const image = checkImage(scope, 'image', props.image ?? Images.web);
  const hardening = checkOneOf(scope, 'podSecurity', props.podSecurity ?? 'restricted', POD_HARDENINGS);
  const restricted = hardening === 'restricted';
  // The API server keeps user ids in an int32: 2^31 and above are refused. Root only without the non-root requirement.
  const lowest = restricted ? 1 : 0;
  if (props.runAsUser !== undefined && (!Number.isInteger(props.runAsUser) || props.runAsUser < lowest || props.runAsUser > 2147483647)) {
    invalidProp(
      scope,
      'runAsUser',
      props.runAsUser,
      restricted
        ? 'a positive integer up to 2147483647 (a non-root uid; 0 needs podSecurity "baseline")'
        : 'an integer from 0 to 2147483647',
    );
  }
  if (restricted) {
    checkImageRunsAsNonRoot(
      scope,
      'image',
      image,
      props.runAsUser,
      `set runAsUser (e.g. ${NOBODY_UID}, nobody) if the image works as another user, use Images.web for a web server, ` +
        'or set podSecurity "baseline" (root allowed; needs a Project that enforces baseline)',
    );
  } else {
    requireProjectAdmits(scope, 'baseline', 'a container hardened only for "baseline" (root allowed, capabilities kept)', {
      field: 'podSecurity',
      value: hardening,
      instead: '"restricted" (with runAsUser for a root image)',
    });
  }

  const writablePaths = props.writablePaths ?? (restricted ? ['/tmp'] : []);
  if (!Array.isArray(writablePaths)) invalidProp(scope, 'writablePaths', writablePaths, 'a list of absolute paths such as ["/tmp"]');
  const pathProblem = writablePathsProblem(writablePaths);
  if (pathProblem)
    invalidProp(scope, 'writablePaths', writablePaths, `absolute paths such as "/tmp", each with its own volume (${pathProblem})`);
  for (const field of ['command', 'args'] as const) {
    const value = props[field];
    if (value !== undefined && (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))) {
      invalidProp(scope, field, value, 'a list of strings, e.g. ["sleep", "3600"]');
    }
  }
  const size = checkContainerSize(scope, 'size', props.size ?? SMALL_CONTAINER);
  const scratch = writableScratch(writablePaths);
  const env =
    props.env === undefined
      ? undefined
      : Object.entries(checkStringMap(scope, 'env', props.env)).map(([key, value]) => {
          if (!ENV_NAME.test(key))
            invalidProp(scope, 'env key', key, 'a variable name of letters, digits, "_", "-" and ".", not starting with a digit');
          return { name: key, value };
        });
  const imagePullPolicy =
    props.imagePullPolicy === undefined ? undefined : checkOneOf(scope, 'imagePullPolicy', props.imagePullPolicy, IMAGE_PULL_POLICIES);
  const probe = (field: 'readinessProbe' | 'livenessProbe' | 'startupProbe') =>
    props[field] && probeToKube(scope, field, props[field]!, target);

  return {
    hardening,
    podSecurityContext: restricted ? restrictedPodSecurityContext() : { seccompProfile: { type: 'RuntimeDefault' } },
    container: {
      name,
      image,
      imagePullPolicy,
      env,
      command: props.command,
      args: props.args,
      ports: target.ports.length ? target.ports.map((p) => ({ containerPort: p.containerPort, name: p.name })) : undefined,
      readinessProbe: probe('readinessProbe'),
      livenessProbe: probe('livenessProbe'),
      startupProbe: probe('startupProbe'),
      resources: containerResources(size),
      securityContext: restricted
        ? restrictedContainerSecurityContext(props.runAsUser)
        : { allowPrivilegeEscalation: false, runAsUser: props.runAsUser, seccompProfile: { type: 'RuntimeDefault' } },
      volumeMounts: scratch.mounts.length ? scratch.mounts : undefined,
    },
    volumes: scratch.volumes.length ? scratch.volumes : undefined,
  };
}

/** A map of string to string (env, annotations); throws naming the field otherwise. */
export function checkStringMap(scope: Construct, field: string, value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    invalidProp(scope, field, value, 'an object of name to string value, e.g. { "APP_COLOR": "blue" }');
  }
  return value as Record<string, string>;
}
