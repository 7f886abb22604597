import { Chart, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { TaskV1 } from '../../../imports/tekton-task-tekton.dev';
import { KUBECTL_IMAGE, TEKTON_NONROOT_UID } from '../images';
import { restrictedContainerSecurityContext } from '../restricted-defaults';
import { DNS_SUBDOMAIN_RULE } from '../../util/k8s-syntax';
import { checkDnsSubdomain, checkImage, invalidProp, checkKnownProps, PropNames } from '../../util/props-check';
import { checkTektonName, scratchHome, stepResources } from './task-steps';
import { tektonTask } from './tekton-imports';
import { LibraryConstruct } from '../library-construct';

/** Props of {@link DeployImageTask}. */
export interface DeployImageTaskProps {
  /**
   * Task name; also the name of its ServiceAccount, Role and RoleBinding.
   * @default 'deploy-image'
   */
  readonly name?: string;

  /**
   * Deployments (in the Task's namespace) the Task may change. The Role lists
   * exactly these names; more can be added with {@link DeployImageTask.allowDeployment}.
   * At least one is needed by synthesis time: a Role rule without
   * `resourceNames` would allow every Deployment.
   * @default none yet
   */
  readonly deployments?: string[];

  /**
   * Image with `kubectl` on its PATH.
   * @default KUBECTL_IMAGE
   */
  readonly image?: string;
}

/** The prop names of {@link DeployImageTaskProps}, for checkKnownProps and pickProps (the compiler checks the list against the type). */
const DEPLOY_IMAGE_TASK_PROPS: PropNames<DeployImageTaskProps> = { name: true, deployments: true, image: true };

/**
 * A Task that points one container of a Deployment at a new image
 * (`kubectl set image deployment/<deployment> <container>=<image>`), which
 * starts a rollout. Params: `deployment`, `container`, `image` (best a
 * digest reference `host/repository@sha256:...`, so the rollout runs the
 * exact image that was pushed).
 *
 * It comes with its own ServiceAccount, whose Role allows only `get` and
 * `patch` on the named Deployments (what `kubectl set image` needs) and
 * nothing else; runs of this Task must use {@link serviceAccountName}.
 * The step is restricted-compliant (uid 65532, read-only root filesystem).
 */
export class DeployImageTask extends LibraryConstruct {
  /** The Task object. */
  public readonly apiObject: TaskV1;
  public readonly serviceAccount: k8s.KubeServiceAccount;
  public readonly role: k8s.KubeRole;
  public readonly roleBinding: k8s.KubeRoleBinding;
  /** Task name, for `taskRef`. */
  public readonly name: string;
  /** ServiceAccount that runs of this Task must use. */
  public readonly serviceAccountName: string;
  private readonly deployments = new Set<string>();

  constructor(scope: Construct, id: string, props: DeployImageTaskProps = {}) {
    super(scope, id);
    checkKnownProps(this, 'DeployImageTask', props, DEPLOY_IMAGE_TASK_PROPS);
    props = props ?? {}; // JavaScript callers may pass null
    this.name = checkTektonName(this, 'name', props.name ?? 'deploy-image');
    this.serviceAccountName = this.name;
    const image = checkImage(this, 'image', props.image ?? KUBECTL_IMAGE);
    if (props.deployments !== undefined && !Array.isArray(props.deployments)) {
      invalidProp(this, 'deployments', props.deployments, 'a list of Deployment names');
    }
    for (const deployment of props.deployments ?? []) this.allowDeployment(deployment);

    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.serviceAccountName },
    });
    this.role = new k8s.KubeRole(this, 'Role', {
      metadata: { name: this.name },
      rules: [
        {
          apiGroups: ['apps'],
          resources: ['deployments'],
          resourceNames: Lazy.any({ produce: () => this.allowedDeployments() }) as unknown as string[],
          verbs: ['get', 'patch'],
        },
      ],
    });
    this.roleBinding = new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name: this.name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.name },
      subjects: [{ kind: 'ServiceAccount', name: this.serviceAccountName, namespace: Chart.of(this).namespace ?? 'default' }],
    });

    // kubectl keeps its discovery cache under HOME; the root filesystem is read-only.
    const home = scratchHome('/tmp');
    this.apiObject = new (tektonTask().TaskV1)(this, 'Resource', {
      metadata: { name: this.name },
      spec: {
        description: 'Sets the image of one container of a Deployment, which rolls the Deployment out.',
        params: [
          { name: 'deployment', type: 'string', description: 'Deployment to change, in the namespace of the run.' },
          { name: 'container', type: 'string', description: 'Container of the Deployment whose image is set.' },
          { name: 'image', type: 'string', description: 'New image, best by digest: host/repository@sha256:...' },
        ],
        steps: [
          {
            name: 'set-image',
            image,
            // The kubectl image has no shell: kubectl is run directly, params are separate arguments.
            command: ['kubectl'],
            args: [
              'set',
              'image',
              '--namespace=$(context.taskRun.namespace)',
              'deployment/$(params.deployment)',
              '$(params.container)=$(params.image)',
            ],
            env: [home.env],
            securityContext: restrictedContainerSecurityContext(TEKTON_NONROOT_UID),
            computeResources: stepResources(),
            volumeMounts: home.volumeMounts,
          },
        ],
        volumes: home.volumes,
      },
    });
  }

  /** Lets the Task change one more Deployment (adds its name to the Role). */
  public allowDeployment(deployment: string): void {
    checkDnsSubdomain(this, 'deployment', deployment);
    this.deployments.add(deployment);
  }

  /** Whether the Role lets the Task change this Deployment. */
  public allows(deployment: string): boolean {
    return this.deployments.has(deployment);
  }

  /** Deployment names the Role allows, sorted. Fails when there are none. */
  public allowedDeployments(): string[] {
    if (this.deployments.size === 0) {
      invalidProp(
        this,
        'deployments',
        [],
        `at least one Deployment name (${DNS_SUBDOMAIN_RULE}); without resourceNames the Role would allow every Deployment`,
      );
    }
    return [...this.deployments].sort();
  }
}
