/**
 * The registry push trigger, evaluated offline against the captured
 * registry notification (see triggers-cel.ts for how `canonical` and
 * `compareSecret` are bound: custom CEL functions behaving as Triggers'
 * implementation, not standard-CEL rewrites).
 */
import { Chart, Testing } from 'cdk8s';
import { ImageRegistry } from '../../../lib/constructs/registry/image-registry';
import { DEFAULT_TOKEN_HEADER } from '../../../lib/constructs/registry/registry-config';
import { DeployImageTask } from '../../../lib/constructs/tekton/deploy-image-task';
import { RegistryPushTrigger, RegistryPushTriggerProps } from '../../../lib/constructs/tekton/registry-push-trigger';
import { KubeObject, only, synthWith } from '../../support/helpers';
import { buildCiWiring } from './ci-chart';
import { validateTektonObject } from './crd-schema';
import { instantiateTemplate, resolveBinding } from '../../../lib/tooling/simulate/trigger-resolution';
import { SecretStore, WebhookRequest, celParams, runCelInterceptor } from '../../../lib/tooling/simulate/triggers-cel';
import { REGISTRY_PUSH } from '../../support/fixture-paths';

const envelope = JSON.parse(REGISTRY_PUSH.body);
const headers = REGISTRY_PUSH.headers;
const manifestPush = envelope.events[0];
const DIGEST_REF = `registry.ci.svc.cluster.local:5000/gitadmin/demo-app@${manifestPush.target.digest}`;

/** The fixture's header carries the token `s3cr3t`. */
const SECRETS: SecretStore = { 'registry-webhook-token': { token: headers['X-Registry-Token'] } };

function request(overrides: Partial<WebhookRequest> = {}): WebhookRequest {
  return { requestURL: '/', headers, body: envelope, ...overrides };
}

/** A blob upload event as registry:2 sends it when blobs are not ignored: octet-stream, no tag. */
const blobPush = {
  ...manifestPush,
  id: 'b1',
  target: {
    mediaType: 'application/octet-stream',
    size: 2811478,
    digest: 'sha256:5d20c808ce198565ff70b3ed23a991dd49afac45dece63474b27ce6ed036adc6',
    length: 2811478,
    repository: 'gitadmin/demo-app',
    url: 'http://registry.ci.svc.cluster.local:5000/v2/gitadmin/demo-app/blobs/sha256:5d20c808ce198565ff70b3ed23a991dd49afac45dece63474b27ce6ed036adc6',
  },
};
const pull = { ...manifestPush, id: 'p1', action: 'pull', request: { ...manifestPush.request, method: 'GET' } };
const byDigestPush = { ...manifestPush, id: 'd1', target: { ...manifestPush.target, tag: undefined } };
delete byDigestPush.target.tag;
const otherRepoPush = { ...manifestPush, id: 'o1', target: { ...manifestPush.target, repository: 'someone/else' } };

describe('RegistryPushTrigger: CEL filter and overlay against the registry fixture', () => {
  const { objects, registryTrigger } = buildCiWiring();
  const cel = celParams(only(objects, 'EventListener', 'registry-push'));

  test('the construct exposes the filter and overlays it synthesized', () => {
    expect(cel.filter).toBe(registryTrigger.filter);
    expect(cel.overlays).toEqual(registryTrigger.overlays);
  });

  test('a tagged manifest push with the right token is accepted; the overlay gives host/repository@digest', () => {
    expect(runCelInterceptor(cel, request(), SECRETS)).toEqual({ accepted: true, extensions: { image: DIGEST_REF } });
  });

  test.each([
    ['a blob push (octet-stream, no tag)', { events: [blobPush] }],
    ['a pull', { events: [pull] }],
    ['a manifest push by digest (no tag)', { events: [byDigestPush] }],
    ['a push to another repository', { events: [otherRepoPush] }],
    ['an empty envelope', { events: [] }],
  ])('%s is ignored', (_what, body) => {
    expect(runCelInterceptor(cel, request({ body }), SECRETS).accepted).toBe(false);
  });

  test.each([
    ['a wrong token', { ...headers, 'X-Registry-Token': 'guess' }],
    ['no token header', { 'Content-Type': headers['Content-Type'] }],
  ])('%s is rejected', (_what, hdrs) => {
    expect(runCelInterceptor(cel, request({ headers: hdrs }), SECRETS).accepted).toBe(false);
  });

  test('in a mixed envelope the overlay picks the tagged manifest push, not the blob or the pull before it', () => {
    const outcome = runCelInterceptor(cel, request({ body: { events: [blobPush, pull, otherRepoPush, manifestPush] } }), SECRETS);
    expect(outcome).toEqual({ accepted: true, extensions: { image: DIGEST_REF } });
  });

  test.each(['attacker.example', 'attacker.example:5000', 'localhost:5000', ''])(
    "a push whose Host header was %j still gives the registry's own address: request.host is never read",
    (host) => {
      const hostile = { ...manifestPush, request: { ...manifestPush.request, host } };
      expect(runCelInterceptor(cel, request({ body: { events: [hostile] } }), SECRETS)).toEqual({
        accepted: true,
        extensions: { image: DIGEST_REF },
      });
      expect(cel.overlays.map((o) => o.expression).join('\n')).not.toContain('request');
    },
  );

  test('a lower-case header name works too (Go canonicalises it)', () => {
    const lower = { 'x-registry-token': headers['X-Registry-Token'] };
    expect(runCelInterceptor(cel, request({ headers: lower }), SECRETS).accepted).toBe(true);
  });
});

describe('RegistryPushTrigger: binding and template produce the deploy TaskRun', () => {
  const { objects } = buildCiWiring();
  const eventListener = only(objects, 'EventListener', 'registry-push');
  const trigger = eventListener.spec.triggers[0];
  const binding = only(objects, 'TriggerBinding', trigger.bindings[0].ref);
  const template = only(objects, 'TriggerTemplate', trigger.template.ref);
  const { extensions } = runCelInterceptor(celParams(eventListener), request(), SECRETS);
  const [taskRun, ...more]: any[] = instantiateTemplate(template, resolveBinding(binding, request(), extensions));

  test('one TaskRun of deploy-image for demo-app with the pushed digest, run as the deploy ServiceAccount', () => {
    expect(more).toHaveLength(0);
    expect(taskRun).toEqual({
      apiVersion: 'tekton.dev/v1',
      kind: 'TaskRun',
      metadata: { generateName: 'deploy-image-demo-app-' },
      spec: {
        taskRef: { name: 'deploy-image', kind: 'Task' },
        serviceAccountName: 'deploy-image',
        params: [
          { name: 'deployment', value: 'demo-app' },
          { name: 'container', value: 'demo-app' },
          { name: 'image', value: DIGEST_REF },
        ],
      },
    });
    expect(taskRun.spec.params[2].value).toMatch(/^[a-z0-9.-]+(:\d+)?\/[a-z0-9._/-]+@sha256:[0-9a-f]{64}$/);
  });

  test('the TaskRun passes the TaskRun CRD schema (v1, strict)', () => {
    expect(validateTektonObject(taskRun)).toEqual([]);
  });

  test('the deploy Role allows exactly that Deployment', () => {
    expect(only(objects, 'Role', 'deploy-image').rules).toEqual([
      {
        apiGroups: ['apps'],
        resources: ['deployments'],
        resourceNames: ['demo-app'],
        verbs: ['get', 'patch'],
      },
    ]);
  });
});

describe('RegistryPushTrigger: options', () => {
  function build(props: Partial<RegistryPushTriggerProps>): KubeObject[] {
    return synthWith(
      (chart) =>
        new RegistryPushTrigger(chart, 't', {
          deployTask: new DeployImageTask(chart, 'd'),
          deployment: 'web',
          repository: 'gitadmin/demo-app',
          ...props,
        }),
    );
  }

  test('imageHost replaces the pusher host in the image reference', () => {
    const cel = celParams(only(build({ imageHost: 'localhost:30500' }), 'EventListener'));
    expect(runCelInterceptor(cel, request(), SECRETS).extensions).toEqual({
      image: `localhost:30500/gitadmin/demo-app@${manifestPush.target.digest}`,
    });
  });

  test('imageHost replaces the registry address, and a hostile request.host changes nothing', () => {
    const cel = celParams(only(build({ imageHost: 'localhost:30500' }), 'EventListener'));
    const hostile = { ...manifestPush, request: { ...manifestPush.request, host: 'attacker.example' } };
    expect(runCelInterceptor(cel, request({ body: { events: [hostile] } }), SECRETS).extensions).toEqual({
      image: `localhost:30500/gitadmin/demo-app@${manifestPush.target.digest}`,
    });
  });

  test('the registry address: registry.<namespace>.svc.<clusterDomain>:5000 by default, else registryHost or registry.address', () => {
    const trigger = (props: Partial<RegistryPushTriggerProps>, namespace = 'ci') => {
      const chart = new Chart(Testing.app(), 'c', { namespace });
      return new RegistryPushTrigger(chart, 't', {
        deployTask: new DeployImageTask(chart, 'd'),
        deployment: 'web',
        repository: 'a/b',
        ...props,
      });
    };
    expect(trigger({}).registryHost).toBe('registry.ci.svc.cluster.local:5000');
    expect(trigger({}, 'apps').imageHost).toBe('registry.apps.svc.cluster.local:5000');
    expect(trigger({ clusterDomain: 'k8s.internal' }).registryHost).toBe('registry.ci.svc.k8s.internal:5000');
    expect(trigger({ registryHost: 'images.ci.svc.cluster.local:5000' }).imageHost).toBe('images.ci.svc.cluster.local:5000');
    const chart = new Chart(Testing.app(), 'c', { namespace: 'ci' });
    const registry = new ImageRegistry(chart, 'images', { serviceName: 'images' });
    const withRegistry = new RegistryPushTrigger(chart, 't', {
      deployTask: new DeployImageTask(chart, 'd'),
      deployment: 'web',
      repository: 'a/b',
      registry,
    });
    expect(withRegistry.registryHost).toBe(registry.address);
    expect(withRegistry.overlays[0]!.expression).toContain(`'${registry.address}/' + e.target.repository`);
    expect(trigger({ registryHost: 'images:5000', imageHost: 'localhost:30500' })).toMatchObject({
      registryHost: 'images:5000',
      imageHost: 'localhost:30500',
    });
  });

  test('another token header and Secret', () => {
    const cel = celParams(only(build({ tokenHeader: 'X-Hook-Auth', tokenSecret: { name: 'hook', key: 'auth' } }), 'EventListener'));
    expect(runCelInterceptor(cel, request(), SECRETS).accepted).toBe(false);
    expect(runCelInterceptor(cel, request({ headers: { 'X-Hook-Auth': 'pw' } }), { hook: { auth: 'pw' } }).accepted).toBe(true);
  });

  test('clusterDomain reaches the listener address and the notification endpoint', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'ci' });
    const trigger = new RegistryPushTrigger(chart, 't', {
      deployTask: new DeployImageTask(chart, 'd'),
      deployment: 'web',
      repository: 'a/b',
      clusterDomain: 'k8s.internal',
    });
    expect(trigger.listenerHostname).toBe('el-registry-push.ci.svc.k8s.internal');
    expect(trigger.notificationEndpoint().url).toBe('http://el-registry-push.ci.svc.k8s.internal:8080/');
  });

  test('the default token header is the one the registry sends by default', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'ci' });
    const trigger = new RegistryPushTrigger(chart, 't', {
      deployTask: new DeployImageTask(chart, 'd'),
      deployment: 'web',
      repository: 'a/b',
    });
    const { header, ...endpoint } = trigger.notificationEndpoint();
    const registry = new ImageRegistry(chart, 'registry', { notificationEndpoints: [endpoint] });
    expect(header).toBe(DEFAULT_TOKEN_HEADER);
    expect(Object.keys(registry.effectiveEndpoints()[0].headers)).toEqual([trigger.tokenHeader]);
  });

  test('container defaults to the Deployment name and can be set', () => {
    const run = (objects: KubeObject[]) => only(objects, 'TriggerTemplate').spec.resourcetemplates[0];
    expect(run(build({})).spec.params[1]).toEqual({ name: 'container', value: 'web' });
    expect(run(build({ container: 'app' })).spec.params[1]).toEqual({ name: 'container', value: 'app' });
  });

  test('notificationEndpoint() hands the registry the listener URL, token Secret and header', () => {
    const chart = Testing.chart();
    const trigger = new RegistryPushTrigger(chart, 't', {
      deployTask: new DeployImageTask(chart, 'd'),
      deployment: 'web',
      repository: 'a/b',
    });
    expect(trigger.notificationEndpoint()).toEqual({
      name: 'tekton',
      url: 'http://el-registry-push.default.svc.cluster.local:8080/',
      tokenSecret: { name: 'registry-webhook-token', key: 'token' },
      header: 'X-Registry-Token',
    });
    expect(trigger.listenerHostname).toBe('el-registry-push.default.svc.cluster.local');
  });

  test.each([
    [{ repository: 'GitAdmin/Demo' }, /invalid repository "GitAdmin\/Demo"/],
    [{ repository: '' }, /invalid repository ""/],
    [{ deployment: 'Web' }, /invalid deployment "Web"/],
    [{ container: 'a.b' }, /invalid container "a.b"/],
    [{ tokenHeader: 'X Token' }, /invalid tokenHeader "X Token"/],
    [{ imageHost: 'http://x' }, /invalid imageHost "http:\/\/x"/],
    [{ imageHost: 'localhost:99999' }, /t: invalid imageHost "localhost:99999"; expected a registry host/],
    [{ imageHost: 'localhost:0' }, /invalid imageHost "localhost:0"/],
    [{ repository: 'a/-x_' }, /invalid repository "a\/-x_"; expected a registry repository name/],
    [{ repository: 'a'.repeat(256) }, /invalid repository "a{256}"/],
    [{ clusterDomain: 'bad_domain' }, /t: invalid clusterDomain "bad_domain"; expected a DNS-1123 subdomain/],
    [{ tokenSecret: { name: 'x', key: '' } }, /invalid tokenSecret.key ""/],
    [{ registryHost: 'http://registry:5000' }, /t: invalid registryHost "http:\/\/registry:5000"; expected a registry host/],
    [{ registry: { address: 'a b' } }, /t: invalid registry.address "a b"/],
    [{ registry: null }, /t: invalid registry null; expected an object with an address/],
    [
      { registry: { address: 'r:5000' }, registryHost: 'r:5000' },
      /t: invalid registry .*; expected no registry when registryHost is given/,
    ],
  ])('rejects %j', (props, message) => {
    expect(() => build(props as any)).toThrow(message);
  });

  test('a missing deploy Task is refused', () => {
    expect(() => new (RegistryPushTrigger as any)(Testing.chart(), 'hook', { deployment: 'web', repository: 'a/b' })).toThrow(
      /hook: missing deployTask; expected a DeployImageTask/,
    );
  });
});
