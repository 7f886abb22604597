/**
 * The Gogs push trigger, evaluated offline: the synthesized CEL filter and
 * overlays run in @bufbuild/cel with a test binding of the Triggers CEL
 * functions (see triggers-cel.ts: `match`, `compareSecret`, `truncate`,
 * `parseURL` are custom CEL functions that behave as Triggers documents and
 * implements them, not standard-CEL rewrites), against the Gogs fixture.
 */
import { Chart, Testing } from 'cdk8s';
import fc from 'fast-check';
import { ImageRegistry } from '../../../lib/constructs/registry/image-registry';
import { BuildPipeline } from '../../../lib/constructs/tekton/build-pipeline';
import { celString, celStringList } from '../../../lib/constructs/tekton/cel-literal';
import { GogsPushTrigger, GogsPushTriggerProps } from '../../../lib/constructs/tekton/gogs-push-trigger';
import { EXTERNAL_REFS_ANNOTATION } from '../../../lib/util/external-refs';
import { only, synthWith } from '../../support/helpers';
import { buildCiWiring } from './ci-chart';
import { validateTektonObject } from './crd-schema';
import { instantiateTemplate, resolveBinding } from '../../../lib/tooling/simulate/trigger-resolution';
import { SecretStore, WebhookRequest, celParams, evaluateCel, runCelInterceptor } from '../../../lib/tooling/simulate/triggers-cel';
import { GOGS_PUSH } from '../../support/fixture-paths';

const pushBody = JSON.parse(GOGS_PUSH.body);
const pushHeaders = GOGS_PUSH.headers;

const TOKEN = 'webhook-token-for-tests';
const SECRETS: SecretStore = { 'gogs-webhook-token': { token: TOKEN } };

function request(overrides: Partial<WebhookRequest> = {}): WebhookRequest {
  return { requestURL: `/?token=${TOKEN}`, headers: pushHeaders, body: pushBody, ...overrides };
}

/** A Gogs `create` event for a tag (what a tag push sends instead of `push`). */
function tagCreateRequest(): WebhookRequest {
  const headers = { ...pushHeaders, 'X-Gogs-Event': 'create', 'X-Github-Event': 'create' };
  const body = { ref: 'v1', ref_type: 'tag', default_branch: 'master', repository: pushBody.repository, sender: pushBody.sender };
  return request({ headers, body });
}

// The token-in-URL fallback: its CEL filter compares the token (the default, signature mode, is tested below).
describe('GogsPushTrigger: CEL filter and overlays against the Gogs fixture', () => {
  const { objects, gogsTrigger } = buildCiWiring('ci', { authentication: 'url-token' });
  const eventListener = only(objects, 'EventListener', 'gogs-push');
  const cel = celParams(eventListener);

  test('the construct exposes the filter and overlays it synthesized', () => {
    expect(cel.filter).toBe(gogsTrigger.filter);
    expect(cel.overlays).toEqual(gogsTrigger.overlays);
  });

  test('a push to a branch with the right token is accepted; overlays give the short SHA and image repository', () => {
    const outcome = runCelInterceptor(cel, request(), SECRETS);
    expect(outcome).toEqual({ accepted: true, extensions: { short_sha: '9b1e7c3', image_repo: 'gitadmin/demo-app' } });
    expect(pushBody.after.startsWith(outcome.extensions.short_sha as string)).toBe(true);
  });

  test('header names are matched case-insensitively, as Go canonicalises them', () => {
    const lower = Object.fromEntries(Object.entries(pushHeaders).map(([k, v]) => [k.toLowerCase(), v as string]));
    expect(runCelInterceptor(cel, request({ headers: lower }), SECRETS).accepted).toBe(true);
  });

  test.each([
    ['a create (tag) event', () => tagCreateRequest()],
    ['a push to a tag ref', () => request({ body: { ...pushBody, ref: 'refs/tags/v1' } })],
    ['a wrong token', () => request({ requestURL: '/?token=guess' })],
    ['a missing token', () => request({ requestURL: '/' })],
    ['another query parameter but no token', () => request({ requestURL: '/?tok=' + TOKEN })],
    ['an empty token', () => request({ requestURL: '/?token=' })],
    ['the token in a header instead of the URL', () => request({ requestURL: '/', headers: { ...pushHeaders, 'X-Token': TOKEN } })],
    ['a push whose after is all zeros', () => request({ body: { ...pushBody, after: '0'.repeat(40) } })],
    [
      'a delete event',
      () => request({ headers: { ...pushHeaders, 'X-Gogs-Event': 'delete' }, body: { ref: 'feature', ref_type: 'branch' } }),
    ],
  ])('%s is rejected', (_what, make) => {
    const outcome = runCelInterceptor(cel, make(), SECRETS);
    expect(outcome.accepted).toBe(false);
  });

  test('the filter returns false (not an error) for a missing token, so nothing is looked up', () => {
    expect(evaluateCel(cel.filter, request({ requestURL: '/' }), {})).toBe(false);
  });

  test('a missing Secret is an evaluation error, which Triggers treats as a rejection', () => {
    const outcome = runCelInterceptor(cel, request(), {});
    expect(outcome.accepted).toBe(false);
    expect(outcome.reason).toMatch(/compareSecret/);
  });

  test('the webhook URL carries the token so that the filter accepts it, even with URL-special characters', () => {
    for (const token of [TOKEN, 'a+b/c=d&e f', 'ünï']) {
      const url = new URL(gogsTrigger.webhookUrlFor(token));
      expect(`${url.protocol}//${url.host}/`).toBe(gogsTrigger.listenerUrl);
      const outcome = runCelInterceptor(cel, request({ requestURL: url.pathname + url.search }), { 'gogs-webhook-token': { token } });
      expect(outcome.accepted).toBe(true);
    }
  });
});

describe('GogsPushTrigger: binding and template produce the PipelineRun', () => {
  const { objects } = buildCiWiring();
  const eventListener = only(objects, 'EventListener', 'gogs-push');
  const trigger = eventListener.spec.triggers[0];
  const binding = only(objects, 'TriggerBinding', trigger.bindings[0].ref);
  const template = only(objects, 'TriggerTemplate', trigger.template.ref);
  const { extensions } = runCelInterceptor(celParams(eventListener), request(), SECRETS);
  const params = resolveBinding(binding, request(), extensions);
  const [pipelineRun, ...more]: any[] = instantiateTemplate(template, params);
  const param = (name: string) => pipelineRun.spec.params.find((p: any) => p.name === name)?.value;

  test('the binding reads clone_url, after and the overlays', () => {
    expect(params).toEqual({
      'git-url': 'http://gogs.ci.svc.cluster.local:3000/gitadmin/demo-app.git',
      'git-revision': pushBody.after,
      'image-repo': 'gitadmin/demo-app',
      'image-tag': '9b1e7c3',
    });
  });

  test('one PipelineRun of build-and-push with a 40-hex revision, the clone URL and an in-cluster image', () => {
    expect(more).toHaveLength(0);
    expect(pipelineRun.kind).toBe('PipelineRun');
    expect(pipelineRun.apiVersion).toBe('tekton.dev/v1');
    expect(pipelineRun.metadata).toEqual({ generateName: 'build-and-push-' });
    expect(pipelineRun.spec.pipelineRef).toEqual({ name: 'build-and-push' });
    expect(param('git-revision')).toMatch(/^[0-9a-f]{40}$/);
    expect(param('git-url')).toBe(pushBody.repository.clone_url);
    expect(param('image')).toBe('registry.ci.svc.cluster.local:5000/gitadmin/demo-app:9b1e7c3');
    expect(param('image')).toMatch(
      /^registry\.ci\.svc\.cluster\.local:5000\/[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*:[\w][\w.-]{0,127}$/,
    );
  });

  test('the run gets a fresh volume, fsGroup 65532 and the runner ServiceAccount', () => {
    expect(pipelineRun.spec.workspaces).toEqual([
      {
        name: 'source',
        volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
      },
    ]);
    expect(pipelineRun.spec.taskRunTemplate).toEqual({
      serviceAccountName: 'build-runner',
      podTemplate: { securityContext: { fsGroup: 65532 } },
    });
    expect(only(objects, 'ServiceAccount', 'build-runner').automountServiceAccountToken).toBe(false);
  });

  test('the PipelineRun passes the PipelineRun CRD schema (v1, strict)', () => {
    expect(validateTektonObject(pipelineRun)).toEqual([]);
  });
});

describe('GogsPushTrigger: options', () => {
  function filterOf(props: Partial<GogsPushTriggerProps>, namespace = 'ci') {
    const chart = new Chart(Testing.app(), 'c', { namespace });
    const trigger = new GogsPushTrigger(chart, 't', { pipeline: new BuildPipeline(chart, 'p'), authentication: 'url-token', ...props });
    return { trigger, cel: celParams(only(Testing.synth(chart) as any, 'EventListener')) };
  }

  test.each([
    [{ branches: ['master'] }, true],
    [{ branches: ['main', 'release'] }, false],
    [{ repositories: ['gitadmin/demo-app'] }, true],
    [{ repositories: ['gitadmin/other'] }, false],
  ])('%j accepts the fixture: %s', (props, accepted) => {
    expect(runCelInterceptor(filterOf(props).cel, request(), SECRETS).accepted).toBe(accepted);
  });

  test('another token Secret is what compareSecret reads, and it is declared as an external ref', () => {
    const { cel } = filterOf({ tokenSecret: { name: 'hook-secret', key: 'value' } });
    expect(runCelInterceptor(cel, request(), SECRETS).accepted).toBe(false);
    expect(runCelInterceptor(cel, request(), { 'hook-secret': { value: TOKEN } }).accepted).toBe(true);
    const objects = synthWith(
      (chart) =>
        new GogsPushTrigger(chart, 't', {
          pipeline: new BuildPipeline(chart, 'p'),
          authentication: 'url-token',
          tokenSecret: { name: 'hook-secret', key: 'value' },
        }),
    );
    expect(only(objects, 'EventListener').metadata).toMatchObject({ annotations: { [EXTERNAL_REFS_ANNOTATION]: 'Secret/hook-secret' } });
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('listener address derives from the chart namespace; registry host too', () => {
    const { trigger } = filterOf({ name: 'hooks' }, 'team-a');
    expect(trigger.listenerHostname).toBe('el-hooks.team-a.svc.cluster.local');
    expect(trigger.listenerUrl).toBe('http://el-hooks.team-a.svc.cluster.local:8080/');
    expect(trigger.registryHost).toBe('registry.team-a.svc.cluster.local:5000');
    const objects = synthWith((chart) => new GogsPushTrigger(chart, 't', { pipeline: new BuildPipeline(chart, 'p') }));
    expect(
      new GogsPushTrigger(new Chart(Testing.app(), 'x'), 't', { pipeline: new BuildPipeline(new Chart(Testing.app(), 'y'), 'p') })
        .listenerHostname,
    ).toBe('el-gogs-push.default.svc.cluster.local');
    expect(only(objects, 'EventListener').metadata.name).toBe('gogs-push');
  });

  test('workspace size, storage class and registry host reach the PipelineRun', () => {
    const objects = synthWith(
      (chart) =>
        new GogsPushTrigger(chart, 't', {
          pipeline: new BuildPipeline(chart, 'p'),
          workspaceSize: '5Gi',
          storageClassName: 'fast',
          registryHost: 'localhost:30500',
        }),
    );
    const run = only(objects, 'TriggerTemplate').spec.resourcetemplates[0];
    expect(run.spec.workspaces[0].volumeClaimTemplate.spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'fast',
      resources: { requests: { storage: '5Gi' } },
    });
    expect(run.spec.params[2].value).toBe('localhost:30500/$(tt.params.image-repo):$(tt.params.image-tag)');
  });

  test('clusterDomain reaches the listener address and the default registry host', () => {
    const { trigger } = filterOf({ clusterDomain: 'k8s.internal' }, 'team-a');
    expect(trigger.listenerHostname).toBe('el-gogs-push.team-a.svc.k8s.internal');
    expect(trigger.listenerUrl).toBe('http://el-gogs-push.team-a.svc.k8s.internal:8080/');
    expect(trigger.listener.hostname).toBe(trigger.listenerHostname);
    expect(trigger.registryHost).toBe('registry.team-a.svc.k8s.internal:5000');
  });

  test('registry: the image is pushed to its address', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'ci' });
    const registry = new ImageRegistry(chart, 'registry', { serviceName: 'images', clusterDomain: 'k8s.internal' });
    const trigger = new GogsPushTrigger(chart, 't', { pipeline: new BuildPipeline(chart, 'p'), registry });
    expect(trigger.registryHost).toBe('images.ci.svc.k8s.internal:5000');
    const run = only(Testing.synth(chart) as any, 'TriggerTemplate').spec.resourcetemplates[0];
    expect(run.spec.params[2].value).toBe('images.ci.svc.k8s.internal:5000/$(tt.params.image-repo):$(tt.params.image-tag)');
  });

  test('repositories: mixed case is fine when the lower-cased name is a valid image repository', () => {
    const { cel } = filterOf({ repositories: ['GitAdmin/Demo-App', 'gitadmin/demo-app'] });
    expect(runCelInterceptor(cel, request(), SECRETS).accepted).toBe(true);
  });

  test.each([
    [
      { repositories: ['a/-x_'] },
      /invalid repositories "a\/-x_"; expected Gogs repository names "owner\/name" whose lower-cased form .* is a registry repository name/,
    ],
    [{ repositories: ['a/x..y'] }, /invalid repositories "a\/x..y"/],
    [{ repositories: ['_a/x'] }, /invalid repositories "_a\/x"/],
    [{ repositories: ['gitadmin/demo-app', 'a/b.'] }, /invalid repositories "a\/b."/],
    [{ clusterDomain: 'Cluster.Local' }, /t: invalid clusterDomain "Cluster.Local"; expected a DNS-1123 subdomain/],
    [{ registry: { address: 'registry:99999' } }, /t: invalid registry.address "registry:99999"; expected a registry host/],
    [{ registry: null }, /t: invalid registry null; expected an object with an address/],
    [
      { registry: { address: 'r:5000' }, registryHost: 'r:5000' },
      /t: invalid registry .*; expected no registry when registryHost is given/,
    ],
    [{ registryHost: 'registry:0' }, /invalid registryHost "registry:0"/],
    [{ name: 'Gogs' }, /invalid name "Gogs"; expected a DNS-1035 label/],
    [{ name: 'a'.repeat(61) }, /at most 60 characters/],
    [{ tokenSecret: { name: 'Bad_Name', key: 'token' } }, /invalid tokenSecret.name "Bad_Name"/],
    [{ tokenSecret: { name: 'ok', key: 'bad key' } }, /invalid tokenSecret.key "bad key"/],
    [{ registryHost: 'http://registry:5000' }, /invalid registryHost "http:\/\/registry:5000"/],
    [{ registryHost: 'registry:99999' }, /invalid registryHost/],
    [{ workspaceSize: '1Gb' }, /invalid workspaceSize "1Gb"/],
    [{ storageClassName: 'Fast!' }, /invalid storageClassName/],
    [{ branches: [] }, /invalid branches \[\]; expected a non-empty list/],
    [{ branches: ['refs/heads/master'] }, /invalid branches "refs\/heads\/master"/],
    [{ repositories: ['demo-app'] }, /invalid repositories "demo-app"; expected Gogs repository names "owner\/name"/],
  ])('rejects %j', (props, message) => {
    const chart = Testing.chart();
    expect(() => new GogsPushTrigger(chart, 't', { pipeline: new BuildPipeline(chart, 'p'), ...(props as any) })).toThrow(message);
  });

  test('a missing pipeline is refused with the construct path', () => {
    expect(() => new (GogsPushTrigger as any)(Testing.chart(), 'hook', {})).toThrow(/hook: missing pipeline; expected a BuildPipeline/);
  });
});

describe('celString', () => {
  test('CEL reads back exactly the string that was quoted (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => evaluateCel(celString(s), request(), {}) === s));
    fc.assert(fc.property(fc.string({ unit: 'binary-ascii' }), (s) => evaluateCel(celString(s), request(), {}) === s));
  });

  test('a quoted value cannot end the literal early', () => {
    expect(celString("x') || true || ('")).toBe("'x\\') || true || (\\''");
    expect(evaluateCel(`'a' in ${celStringList(["x', 'a"])}`, request(), {})).toBe(false);
  });
});
