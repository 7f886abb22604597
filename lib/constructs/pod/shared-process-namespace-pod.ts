import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { Images, WEB_PORT, WEB_UID } from '../images';
import { checkDnsLabel, checkImage, checkLabels, invalidProp, checkPropsObject, checkKnownProps, PropNames } from '../../util/props-check';
import { IPodTarget, PodPort } from './pod-target';
import {
  containerResources,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  writableScratch,
} from '../restricted-defaults';
import { requireProjectAdmits } from '../project/project-pod-security';
import { checkImageRunsAsNonRoot } from './image-user';
import { LibraryConstruct } from '../library-construct';

/** Props of {@link SharedProcessNamespacePod}. */
export interface SharedProcessNamespacePodProps {
  /**
   * Pod name.
   * @default 'nginx', as in the Kubernetes task
   */
  readonly name?: string;
  /**
   * Image of the web server container (named `nginx`); it must listen on 8080
   * and run as a non-root user of its own (an image known to run as root,
   * such as the stock `nginx`, is a synth-time error).
   * @default Images.web
   */
  readonly webImage?: string;
  /**
   * Image of the shell container (named `shell`); it needs `sh` and `ps`.
   * @default Images.shell
   */
  readonly shellImage?: string;
  /**
   * Pod labels.
   * @default { run: NAME }
   */
  readonly labels?: { readonly [key: string]: string };
  /**
   * Give the shell container the `SYS_PTRACE` capability, as the Kubernetes
   * task does, so it can read other containers' `/proc/<pid>/root` and
   * environment. Without it `ps ax` and `kill -HUP <nginx pid>` still work,
   * because the shell runs as the same uid as nginx.
   *
   * `SYS_PTRACE` is allowed by neither the `restricted` nor the `baseline`
   * Pod Security Standard: the pod is then admitted only into a namespace
   * that enforces `privileged`. Inside a Project that enforces anything
   * stricter it is a synth-time error.
   * @default false
   */
  readonly shellPtraceCapability?: boolean;
}

/** The prop names of {@link SharedProcessNamespacePodProps}, for checkKnownProps and pickProps (the compiler checks the list against the type). */
const SHARED_PROCESS_NAMESPACE_POD_PROPS: PropNames<SharedProcessNamespacePodProps> = {
  name: true,
  webImage: true,
  shellImage: true,
  labels: true,
  shellPtraceCapability: true,
};

/**
 * The pod of the Kubernetes task "Share Process Namespace between Containers
 * in a Pod" (Pod와 Container 사이의 Process Namespace 공유): a web server and a
 * busybox shell with `shareProcessNamespace: true`.
 *
 * Attach to the shell with `kubectl attach -it nginx -c shell` and run
 * `ps ax`: PID 1 is `/pause`, the pod's sandbox (infra) container that the
 * container runtime starts first to hold the pod's namespaces. The notes'
 * `registry.k8s.io/pause` image is that process. With a shared process
 * namespace it becomes every container's init and reaps zombies; without it
 * each container sees its own entrypoint as PID 1.
 */
export class SharedProcessNamespacePod extends LibraryConstruct implements IPodTarget {
  public readonly apiObject: k8s.KubePod;
  public readonly name: string;
  public readonly labels: { readonly [key: string]: string };
  public readonly ports: readonly PodPort[];
  /** Whether the shell has SYS_PTRACE (the namespace must then be `privileged`). */
  public readonly shellPtraceCapability: boolean;

  constructor(scope: Construct, id: string, props: SharedProcessNamespacePodProps = {}) {
    super(scope, id);
    checkKnownProps(this, 'SharedProcessNamespacePod', props, SHARED_PROCESS_NAMESPACE_POD_PROPS);
    props = checkPropsObject<SharedProcessNamespacePodProps>(this, props, false);
    this.name = checkDnsLabel(this, 'name', props.name ?? 'nginx');
    this.labels = { ...checkLabels(this, 'labels', props.labels ?? { run: this.name }) };
    const webImage = checkImage(this, 'webImage', props.webImage ?? Images.web);
    // The web container gets no runAsUser: its image must bring a non-root user.
    checkImageRunsAsNonRoot(this, 'webImage', webImage, undefined, `use Images.web ("${Images.web}", uid ${WEB_UID}, port ${WEB_PORT})`);
    const shellImage = checkImage(this, 'shellImage', props.shellImage ?? Images.shell);
    const ptrace = props.shellPtraceCapability ?? false;
    if (typeof ptrace !== 'boolean') invalidProp(this, 'shellPtraceCapability', ptrace, 'true or false');
    this.shellPtraceCapability = ptrace;
    if (ptrace) {
      requireProjectAdmits(this, 'privileged', 'a container that adds the SYS_PTRACE capability', {
        field: 'shellPtraceCapability',
        value: ptrace,
        instead: 'false (ps and kill still work without it)',
      });
    }
    this.ports = [{ containerPort: WEB_PORT, name: 'http', protocol: 'TCP' }];

    const webScratch = writableScratch(['/tmp']);
    const shellSecurity = restrictedContainerSecurityContext(WEB_UID);

    this.apiObject = new k8s.KubePod(this, 'Resource', {
      metadata: { name: this.name, labels: { ...this.labels } },
      spec: {
        shareProcessNamespace: true,
        automountServiceAccountToken: false,
        securityContext: restrictedPodSecurityContext(),
        containers: [
          {
            name: 'nginx',
            image: webImage,
            ports: [{ containerPort: WEB_PORT, name: 'http' }],
            resources: containerResources(),
            securityContext: restrictedContainerSecurityContext(),
            volumeMounts: webScratch.mounts,
          },
          {
            name: 'shell',
            image: shellImage,
            // Interactive, like the task: `kubectl attach -it nginx -c shell`.
            stdin: true,
            tty: true,
            resources: containerResources(),
            // Same uid as nginx, so the shell may signal it without any capability.
            securityContext: ptrace ? { ...shellSecurity, capabilities: { drop: ['ALL'], add: ['SYS_PTRACE'] } } : shellSecurity,
          },
        ],
        volumes: webScratch.volumes,
        dnsPolicy: 'ClusterFirst',
        restartPolicy: 'Always',
      },
    });
  }
}
