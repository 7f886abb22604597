/**
 * The triggers wired to the GogsServer and ImageRegistry constructs, the way
 * the `ci` project composes them: one value for each address, shared by both sides.
 */
import { Chart, Testing } from 'cdk8s';
import { GogsServer } from '../../../lib/constructs/gogs/gogs-server';
import { webhookHost } from '../../../lib/util/webhook-hosts';
import { ImageRegistry } from '../../../lib/constructs/registry/image-registry';
import { BuildPipeline } from '../../../lib/constructs/tekton/build-pipeline';
import { DeployImageTask } from '../../../lib/constructs/tekton/deploy-image-task';
import { GogsPushTrigger } from '../../../lib/constructs/tekton/gogs-push-trigger';
import { ListenerNetworkPolicy } from '../../../lib/constructs/tekton/listener-network-policy';
import { RegistryPushTrigger } from '../../../lib/constructs/tekton/registry-push-trigger';
import { KubeObject, only, selects } from '../../support/helpers';
import { GOGS_PUSH, REGISTRY_PUSH } from '../../support/fixture-paths';

const pushBody = JSON.parse(GOGS_PUSH.body);
const registryEvent = JSON.parse(REGISTRY_PUSH.body).events[0];

const chart = new Chart(Testing.app(), 'ci', { namespace: 'ci' });
const pipeline = new BuildPipeline(chart, 'pipeline');
const gogsTrigger = new GogsPushTrigger(chart, 'gogs-push', { pipeline });
const registryTrigger = new RegistryPushTrigger(chart, 'registry-push', {
  deployTask: new DeployImageTask(chart, 'deploy'),
  deployment: 'demo-app',
  repository: 'gitadmin/demo-app',
});
const gogs = new GogsServer(chart, 'gogs', { webhookUrls: [gogsTrigger.listenerUrl] });
const registry = new ImageRegistry(chart, 'registry', { notificationEndpoints: [registryTrigger.notificationEndpoint()] });
new ListenerNetworkPolicy(chart, 'gogs-listener', { listener: gogsTrigger.listener, from: [{ podLabels: gogs.labels }] });
new ListenerNetworkPolicy(chart, 'registry-listener', { listener: registryTrigger.listener, from: [{ podLabels: registry.labels }] });
const objects = Testing.synth(chart) as KubeObject[];

describe('Gogs <-> Gogs push listener', () => {
  test('Gogs allows exactly the listener hostname, and the hook URL with the token has that hostname', () => {
    expect(gogs.allowlistedHosts).toEqual([gogsTrigger.listenerHostname]);
    expect(webhookHost(gogsTrigger.webhookUrlFor('t0ken'))).toEqual({ host: gogsTrigger.listenerHostname });
  });

  test('the clone URL Gogs puts in its payload is the one the fixture carries (what the binding reads)', () => {
    expect(gogs.cloneUrlFor('gitadmin', 'demo-app')).toBe(pushBody.repository.clone_url);
  });

  test('the listener policy lets exactly the Gogs pods in', () => {
    const policy = only(objects, 'NetworkPolicy', 'el-gogs-push-ingress');
    const gogsPod = only(objects, 'StatefulSet', gogs.name).spec.template.metadata.labels;
    expect(selects(policy.spec.ingress[0].from[0].podSelector.matchLabels, gogsPod)).toBe(true);
  });
});

describe('registry <-> build and registry push listener', () => {
  test('kaniko pushes to the registry address, with the tag the registry event then carries', () => {
    expect(gogsTrigger.registryHost).toBe(registry.address);
    const run = only(objects, 'TriggerTemplate', 'gogs-push-template').spec.resourcetemplates[0];
    expect(run.spec.params.find((p: any) => p.name === 'image').value).toBe(
      `${registry.address}/$(tt.params.image-repo):$(tt.params.image-tag)`,
    );
    expect(registry.imageRef('gitadmin/demo-app', '9b1e7c3')).toBe(
      `${registryEvent.request.host}/${registryEvent.target.repository}:${registryEvent.target.tag}`,
    );
  });

  test('the registry notifies the listener URL with the token header the filter checks', () => {
    const [endpoint] = registry.effectiveEndpoints();
    expect(endpoint.url).toBe(registryTrigger.listenerUrl);
    expect(Object.keys(endpoint.headers)).toEqual([registryTrigger.tokenHeader]);
    expect(registryTrigger.filter).toContain(`header.canonical('${registryTrigger.tokenHeader}')`);
  });

  test("the registry listener deploys from the registry's own address, the one kaniko pushes to", () => {
    expect(registryTrigger.registryHost).toBe(registry.address);
    expect(registryTrigger.imageHost).toBe(registry.address);
    expect(registryTrigger.overlays[0]!.expression).toContain(`'${registry.address}/' + e.target.repository`);
  });

  test('the listener policy lets exactly the registry pods in', () => {
    const policy = only(objects, 'NetworkPolicy', 'el-registry-push-ingress');
    const registryPod = only(objects, 'Deployment', registry.name).spec.template.metadata.labels;
    expect(selects(policy.spec.ingress[0].from[0].podSelector.matchLabels, registryPod)).toBe(true);
    const gogsPod = only(objects, 'StatefulSet', gogs.name).spec.template.metadata.labels;
    expect(selects(policy.spec.ingress[0].from[0].podSelector.matchLabels, gogsPod)).toBe(false);
  });
});
