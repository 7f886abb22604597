import { Construct } from 'constructs';
import { DemoApp } from './demo-app';
import { GogsServer } from '../constructs/gogs/gogs-server';
import { Project } from '../constructs/project/project';
import { BUILD_PROJECT_QUOTA } from '../constructs/project/project-quota';
import { AllowIngressPolicy } from '../constructs/network/allow-ingress-policy';
import { ImageRegistry } from '../constructs/registry/image-registry';
import { BuildPipeline } from '../constructs/tekton/build-pipeline';
import { DeployImageTask } from '../constructs/tekton/deploy-image-task';
import { GogsPushTrigger } from '../constructs/tekton/gogs-push-trigger';
import { ListenerNetworkPolicy } from '../constructs/tekton/listener-network-policy';
import { RegistryPushTrigger } from '../constructs/tekton/registry-push-trigger';
import { ExerciseProps } from './exercise-options';

/** The Gogs repository the exercise builds and deploys. */
export const DEMO_REPOSITORY = 'gitadmin/demo-app';

/**
 * Exercise: gogs 경량화된 git서버 + tekton git서버와 image registry 웹훅 역할 —
 * in namespace `ci`, a Gogs git server and an in-cluster registry, with
 * Tekton as the webhook receiver of both:
 *
 * git push -> Gogs webhook -> EventListener `gogs-push` -> PipelineRun
 * (git-clone, kaniko build and push) -> registry notification ->
 * EventListener `registry-push` -> TaskRun `kubectl set image` -> `demo-app`
 * rolls out.
 *
 * The namespace enforces `baseline`, not `restricted`: kaniko must run as
 * root to unpack base images (it is not privileged and adds no
 * capabilities, which baseline allows). Every other pod is restricted-compliant.
 */
export class CiPipelineExercise extends Project {
  public readonly gogs: GogsServer;
  public readonly registry: ImageRegistry;
  public readonly pipeline: BuildPipeline;
  public readonly gogsPush: GogsPushTrigger;
  public readonly registryPush: RegistryPushTrigger;
  public readonly app: DemoApp;

  constructor(scope: Construct, id: string, props: ExerciseProps = {}) {
    super(scope, id, {
      namespace: props.namespace ?? 'ci',
      podSecurity: 'baseline',
      quota: BUILD_PROJECT_QUOTA,
      // NetworkPolicies add up: a namespace-wide allow would let every pod reach the listeners.
      allowSameNamespace: false,
    });
    this.app = new DemoApp(this, 'demo-app');
    this.pipeline = new BuildPipeline(this, 'pipeline');
    const deployTask = new DeployImageTask(this, 'deploy-image');
    this.registryPush = new RegistryPushTrigger(this, 'registry-push', {
      deployTask,
      deployment: this.app.name,
      container: this.app.containerName,
      repository: DEMO_REPOSITORY,
    });
    this.registry = new ImageRegistry(this, 'registry', { notificationEndpoints: [this.registryPush.notificationEndpoint()] });
    this.gogsPush = new GogsPushTrigger(this, 'gogs-push', {
      pipeline: this.pipeline,
      registryHost: this.registry.address,
      repositories: [DEMO_REPOSITORY],
    });
    // No self sign-up: the first account would become admin, and every pod in the namespace can reach Gogs.
    this.gogs = new GogsServer(this, 'gogs', { webhookUrls: [this.gogsPush.listenerUrl], disableRegistration: true });

    // The pipeline's pods clone from Gogs and push to the registry; the app is open within the namespace.
    const sameNamespace = [{}];
    new AllowIngressPolicy(this, 'gogs-ingress', { name: 'gogs-from-namespace', to: this.gogs, from: sameNamespace });
    new AllowIngressPolicy(this, 'registry-ingress', { name: 'registry-from-namespace', to: this.registry, from: sameNamespace });
    new AllowIngressPolicy(this, 'app-ingress', { name: 'demo-app-from-namespace', to: this.app, from: sameNamespace });
    // Only Gogs may call the Gogs listener, only the registry the registry listener.
    new ListenerNetworkPolicy(this, 'gogs-push-ingress', { listener: this.gogsPush.listener, from: [{ podLabels: this.gogs.labels }] });
    new ListenerNetworkPolicy(this, 'registry-push-ingress', {
      listener: this.registryPush.listener,
      from: [{ podLabels: this.registry.labels }],
    });
  }
}
