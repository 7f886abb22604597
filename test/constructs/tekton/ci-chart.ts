/**
 * The Tekton wiring of the `ci` project as the tests build it: the build
 * Pipeline and its Tasks, the Gogs push trigger, the deploy Task, the
 * registry push trigger and both listener NetworkPolicies, in a chart with
 * namespace `ci`. (The real exercise chart adds Gogs, the registry and the
 * sample app; only their pod labels matter here.)
 */
import { Chart, Testing } from 'cdk8s';
import { BuildPipeline } from '../../../lib/constructs/tekton/build-pipeline';
import { DeployImageTask } from '../../../lib/constructs/tekton/deploy-image-task';
import { GogsPushTrigger, GogsPushTriggerProps } from '../../../lib/constructs/tekton/gogs-push-trigger';
import { ListenerNetworkPolicy } from '../../../lib/constructs/tekton/listener-network-policy';
import { RegistryPushTrigger } from '../../../lib/constructs/tekton/registry-push-trigger';
import { KubeObject } from '../../support/helpers';

export const GOGS_POD_LABELS = { app: 'gogs' };
export const REGISTRY_POD_LABELS = { app: 'registry' };

export interface CiWiring {
  readonly chart: Chart;
  readonly pipeline: BuildPipeline;
  readonly gogsTrigger: GogsPushTrigger;
  readonly deployTask: DeployImageTask;
  readonly registryTrigger: RegistryPushTrigger;
  readonly objects: KubeObject[];
}

export function buildCiWiring(namespace = 'ci', gogsProps: Partial<GogsPushTriggerProps> = {}): CiWiring {
  const chart = new Chart(Testing.app(), 'ci', { namespace });
  const pipeline = new BuildPipeline(chart, 'build-pipeline');
  const gogsTrigger = new GogsPushTrigger(chart, 'gogs-push', { pipeline, ...gogsProps });
  const deployTask = new DeployImageTask(chart, 'deploy-image');
  const registryTrigger = new RegistryPushTrigger(chart, 'registry-push', {
    deployTask,
    deployment: 'demo-app',
    repository: 'gitadmin/demo-app',
  });
  new ListenerNetworkPolicy(chart, 'gogs-listener-policy', { listener: gogsTrigger.listener, from: [{ podLabels: GOGS_POD_LABELS }] });
  new ListenerNetworkPolicy(chart, 'registry-listener-policy', {
    listener: registryTrigger.listener,
    from: [{ podLabels: REGISTRY_POD_LABELS }],
  });
  const objects = Testing.synth(chart) as KubeObject[];
  return { chart, pipeline, gogsTrigger, deployTask, registryTrigger, objects };
}
