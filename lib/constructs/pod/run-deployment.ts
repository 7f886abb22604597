import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { Images } from '../images';
import { isDnsLabel, LABEL_KEY_RULE, isLabelKey, DNS_LABEL_RULE } from '../../util/k8s-syntax';
import { checkDnsLabel, checkLabels, invalidProp, checkKnownProps, PropNames } from '../../util/props-check';
import { IPodTarget, PodPort } from './pod-target';
import { RunContainerProps, checkStringMap, runContainer, runContainerPorts, RUN_CONTAINER_PROPS } from './run-container';
import { LibraryConstruct } from '../library-construct';

/** Props of {@link RunDeployment}: the flags of `kubectl create deployment` (the container's are in {@link RunContainerProps}). */
export interface RunDeploymentProps extends RunContainerProps {
  /** The Deployment's name (`kubectl create deployment NAME`). */
  readonly name: string;

  /**
   * Number of pods (`--replicas`). Each counts against the Project's quota.
   * @default 1
   */
  readonly replicas?: number;

  /**
   * Labels of the Deployment, its selector and its pods. `kubectl create
   * deployment` has no flag for them; a Service made with PodService (`kubectl
   * expose deployment`) selects exactly these.
   * @default `{ app: NAME }`, as `kubectl create deployment` sets it
   */
  readonly labels?: { readonly [key: string]: string };

  /**
   * Pod template annotations. No kubectl flag.
   * @default no annotations
   */
  readonly podAnnotations?: { readonly [key: string]: string };

  /**
   * Name of the one container.
   * @default the image's name without registry, path, tag or digest, with
   * `.` and `_` turned into `-` (`docker.io/library/nginx:1.27` -> `nginx`), as
   * kubectl names it; kubectl also appends a random suffix when it had to
   * replace a character, which a reproducible synth leaves out
   */
  readonly containerName?: string;
}

/** The prop names of {@link RunDeploymentProps}, for checkKnownProps and pickProps (the compiler checks the list against the type). */
const RUN_DEPLOYMENT_PROPS: PropNames<RunDeploymentProps> = {
  name: true,
  replicas: true,
  labels: true,
  podAnnotations: true,
  containerName: true,
  ...RUN_CONTAINER_PROPS,
};

/** kubectl's container name for an image, without its random suffix. */
function containerNameOf(image: string): string {
  let name = image.split('/').pop()!;
  name = name.split(':')[0]!.split('@')[0]!; // split always yields one element
  return name.replace(/[_.]/g, '-');
}

/**
 * A Deployment the way `kubectl create deployment NAME --image=IMAGE
 * --port=PORT --replicas=N` makes it: labels, selector and pod labels
 * `app: NAME`, one container named after the image. Expose it with
 * `new PodService(scope, id, { pod: deployment, ... })`, as `kubectl expose
 * deployment NAME` does: the Service selects the Deployment's labels.
 *
 * The container has the same hardening, props and checks as {@link RunPod}
 * (restricted by default, `podSecurity: 'baseline'` to opt out, root images
 * refused without `runAsUser`).
 *
 * @example
 * const web = new RunDeployment(chart, 'web', { name: 'web', replicas: 3 });
 * new PodService(chart, 'web-svc', { pod: web, servicePort: 80 });
 * // kubectl create deployment web --image=nginxinc/nginx-unprivileged --port=8080 --replicas=3
 * // kubectl expose deployment web --port=80 --target-port=8080
 */
export class RunDeployment extends LibraryConstruct implements IPodTarget {
  /** The Deployment object; use it to patch fields this construct does not offer. */
  public readonly apiObject: k8s.KubeDeployment;
  public readonly name: string;
  /** The labels of the Deployment's selector and pods. */
  public readonly labels: { readonly [key: string]: string };
  public readonly ports: readonly PodPort[];
  /** The number of pods. */
  public readonly replicas: number;

  constructor(scope: Construct, id: string, props: RunDeploymentProps) {
    super(scope, id);
    checkKnownProps(this, 'RunDeployment', props, RUN_DEPLOYMENT_PROPS);
    if (typeof props !== 'object' || props === null) invalidProp(this, 'props', props, 'an object with at least { name }');
    this.name = checkDnsLabel(this, 'name', props.name);
    this.labels = { ...checkLabels(this, 'labels', props.labels ?? { app: this.name }) };
    if (Object.keys(this.labels).length === 0)
      invalidProp(this, 'labels', props.labels, 'at least one label: the Deployment selects its pods by them');
    const replicas = props.replicas ?? 1;
    // int32 on the API server; 0 is allowed (scaled down).
    if (!Number.isInteger(replicas) || replicas < 0 || replicas > 2147483647) {
      invalidProp(this, 'replicas', replicas, 'a whole number from 0 to 2147483647');
    }
    this.replicas = replicas;
    const containerName = props.containerName ?? containerNameOf(typeof props.image === 'string' ? props.image : Images.web);
    if (!isDnsLabel(containerName)) {
      invalidProp(
        this,
        props.containerName === undefined ? 'containerName (from the image)' : 'containerName',
        containerName,
        DNS_LABEL_RULE,
      );
    }
    this.ports = runContainerPorts(this, props);
    const { container, volumes, podSecurityContext } = runContainer(this, this, containerName, props);
    const annotations =
      props.podAnnotations === undefined ? undefined : { ...checkStringMap(this, 'podAnnotations', props.podAnnotations) };
    for (const key of Object.keys(annotations ?? {})) if (!isLabelKey(key)) invalidProp(this, 'podAnnotations key', key, LABEL_KEY_RULE);

    this.apiObject = new k8s.KubeDeployment(this, 'Resource', {
      metadata: { name: this.name, labels: { ...this.labels } },
      spec: {
        replicas,
        selector: { matchLabels: { ...this.labels } },
        template: {
          metadata: { labels: { ...this.labels }, annotations },
          spec: {
            automountServiceAccountToken: false,
            securityContext: podSecurityContext,
            containers: [container],
            volumes,
          },
        },
      },
    });
  }
}
