/**
 * Tekton for real: Tekton's own admission checks over dist/, and webhooks posted to the real
 * EventListener sink (Triggers v0.37.0), which calls our Gogs signature interceptor (the program
 * from dist/) and the real `cel` interceptor, and creates runs with the listener's own
 * ServiceAccount token — so the RBAC in dist/ is what is tested.
 */
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiObject } from '../../tools/cluster/api-client';
import { CLUSTER_DIR, REPO_DIR } from '../../tools/cluster/paths';
import {
  startCoreInterceptors,
  startEventListenerSink,
  startSignatureInterceptor,
  tektonAdmission,
} from '../../tools/cluster/tekton-engines';
import { api, CI_OBJECTS, ciConfigMapValue, distFiles, eventually, installCiExercise, kubectl, replaceSecret } from './support';
import { GOGS_PUSH, REGISTRY_PUSH } from '../support/fixture-paths';

const GOGS_BODY = Buffer.from(GOGS_PUSH.body, 'utf8');
const GOGS_HEADERS = GOGS_PUSH.headers;
const REGISTRY_BODY = Buffer.from(REGISTRY_PUSH.body, 'utf8');
const REGISTRY_HEADERS = REGISTRY_PUSH.headers;
const REGISTRY_TOKEN = REGISTRY_HEADERS['X-Registry-Token']!; // the fixture carries its token
const GOGS_WEBHOOK_SECRET = 'gogs-webhook-secret'; // the fixture's X-Gogs-Signature is valid for it
const SIGNATURE_PROGRAM = ciConfigMapValue('gogs-push-signature', 'server.js');
/** The in-cluster registry's own address (the registry Service of dist/08): every rollout pulls from it. */
const REGISTRY_ADDRESS = 'registry.ci.svc.cluster.local:5000';

describe("Tekton's admission checks (strict decode, defaults, validation), run in process", () => {
  test('accept every Tekton object of dist/', () => {
    const results = tektonAdmission(distFiles());
    expect(results.length).toBeGreaterThanOrEqual(10);
    expect(results.filter((r) => r.errors.length > 0).map((r) => `${r.kind}/${r.name}: ${r.errors.join('; ')}`)).toEqual([]);
  });

  const refused = (yaml: string) => {
    const file = join(CLUSTER_DIR, 'admission-case.yaml');
    writeFileSync(file, yaml);
    return tektonAdmission([file])
      .flatMap((r) => r.errors)
      .join('\n');
  };

  test('refuse a Pipeline that uses a param it does not declare', () => {
    expect(
      refused(`apiVersion: tekton.dev/v1
kind: Pipeline
metadata: {name: p}
spec:
  tasks:
    - name: t
      taskRef: {name: hello}
      params: [{name: x, value: $(params.missing)}]
`),
    ).toMatch(/non-existent variable .*params\.missing/);
  });

  test('refuse a Pipeline task that binds a workspace the Pipeline does not declare', () => {
    expect(
      refused(`apiVersion: tekton.dev/v1
kind: Pipeline
metadata: {name: p}
spec:
  tasks:
    - name: t
      taskRef: {name: hello}
      workspaces: [{name: source, workspace: nowhere}]
`),
    ).toMatch(/pipeline task "t" expects workspace with name "nowhere" but none exists in pipeline spec/);
  });

  // Found here: admission does not look into an embedded task's results; a result that is
  // never declared or written fails only when the PipelineRun runs.
  test('accept a Pipeline result that reads a result no task declares (a run-time failure only)', () => {
    expect(
      refused(`apiVersion: tekton.dev/v1
kind: Pipeline
metadata: {name: p}
spec:
  tasks:
    - name: t
      taskSpec:
        steps: [{name: s, image: busybox, script: "true"}]
  results:
    - name: digest
      value: $(tasks.t.results.digest)
`),
    ).toBe('');
  });

  test('refuse a Task step that uses a param the Task does not declare', () => {
    expect(
      refused(`apiVersion: tekton.dev/v1
kind: Task
metadata: {name: t}
spec:
  steps: [{name: s, image: busybox, script: "echo $(params.nope)"}]
`),
    ).toMatch(/non-existent variable .*params\.nope/);
  });

  test('refuse a v1beta1-only field in a v1 Task (strict decode)', () => {
    expect(
      refused(`apiVersion: tekton.dev/v1
kind: Task
metadata: {name: t}
spec:
  resources: {inputs: []}
  steps: [{name: s, image: busybox, script: "true"}]
`),
    ).toMatch(/unknown field "spec.resources"|unknown field "resources"/);
  });
});

interface Run extends ApiObject {
  spec: { params?: { name: string; value: string }[] };
}

const SINK_LOGS = {
  'gogs-push': join(CLUSTER_DIR, 'logs', 'el-sink-gogs-push.log'),
  'registry-push': join(CLUSTER_DIR, 'logs', 'el-sink-registry-push.log'),
};
/** The log text written since `offset` (the log files are appended to by every sink of that name). */
const logSince = (file: string, offset: number) => (existsSync(file) ? readFileSync(file, 'utf8').slice(offset) : '');
const logLength = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').length : 0);

describe('the real EventListener sinks of dist/ (gogs-push, registry-push)', () => {
  let gogsSink = '';
  let registrySink = '';
  /** Where each sink's own log starts in its file. */
  const logStart = { 'gogs-push': 0, 'registry-push': 0 };

  beforeAll(async () => {
    installCiExercise();
    replaceSecret('ci', 'registry-webhook-token', 'token', REGISTRY_TOKEN);
    await startCoreInterceptors();
    await startSignatureInterceptor('ci', 'gogs-push-signature', SIGNATURE_PROGRAM, GOGS_WEBHOOK_SECRET);
    logStart['gogs-push'] = logLength(SINK_LOGS['gogs-push']);
    logStart['registry-push'] = logLength(SINK_LOGS['registry-push']);
    gogsSink = (await startEventListenerSink('ci', 'gogs-push', 'gogs-push-listener')).url;
    registrySink = (await startEventListenerSink('ci', 'registry-push', 'registry-push-listener')).url;
  }, 240_000);

  /** POSTs a delivery; returns the HTTP status and the runs of `kind` it created (waiting for them). */
  async function deliver(url: string, body: Buffer, headers: Record<string, string>, kind: 'PipelineRun' | 'TaskRun', expected: number) {
    const before = new Set((await api().list<Run>('tekton.dev/v1', kind, 'ci')).map((r) => r.metadata.name));
    const response = await fetch(url, { method: 'POST', body, headers });
    const answer = await response.text();
    const created = async () => (await api().list<Run>('tekton.dev/v1', kind, 'ci')).filter((r) => !before.has(r.metadata.name));
    if (expected > 0)
      await eventually(`${expected} new ${kind}`, async () => ({ done: (await created()).length >= expected, state: answer }), 30_000);
    else await new Promise((resolve) => setTimeout(resolve, 3000)); // give a wrongly accepted event time to show
    return { status: response.status, answer, runs: await created() };
  }

  const param = (run: Run, name: string) => run.spec.params?.find((p) => p.name === name)?.value;
  const push = JSON.parse(GOGS_BODY.toString('utf8')) as { after: string; repository: { clone_url: string } };

  test('a Gogs push signed with the webhook secret creates exactly one PipelineRun for that commit', async () => {
    const { status, runs } = await deliver(`${gogsSink}/`, GOGS_BODY, GOGS_HEADERS, 'PipelineRun', 1);
    expect(status).toBe(202);
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(param(run, 'git-revision')).toBe(push.after);
    expect(param(run, 'git-url')).toBe(push.repository.clone_url);
    expect(param(run, 'image')).toBe(`registry.ci.svc.cluster.local:5000/gitadmin/demo-app:${push.after.slice(0, 7)}`);
  });

  const { ['X-Gogs-Signature']: _signature, ...UNSIGNED } = GOGS_HEADERS;
  test.each([
    ['no signature', GOGS_BODY, UNSIGNED],
    ['a wrong signature', GOGS_BODY, { ...GOGS_HEADERS, 'X-Gogs-Signature': '0'.repeat(64) }],
    ['a changed body (replay)', Buffer.from(GOGS_BODY.toString('utf8').replace('"Dockerfile"', '"Dockerfile2"')), GOGS_HEADERS],
    ['a create event', GOGS_BODY, { ...GOGS_HEADERS, 'X-Gogs-Event': 'create', 'X-Github-Event': 'create' }],
  ])('a Gogs delivery with %s creates nothing', async (_what, body, headers) => {
    const { status, runs } = await deliver(`${gogsSink}/`, body, headers, 'PipelineRun', 0);
    expect(status).toBe(202); // the sink answers before its triggers decide
    expect(runs).toEqual([]);
  });

  test('a correctly signed Gogs push of a tag creates nothing (the filter)', async () => {
    const tag = Buffer.from(GOGS_BODY.toString('utf8').replace('"ref": "refs/heads/master"', '"ref": "refs/tags/v1"'));
    expect(tag.toString('utf8')).toContain('refs/tags/v1');
    const signature = createHmac('sha256', GOGS_WEBHOOK_SECRET).update(tag).digest('hex');
    const { runs } = await deliver(`${gogsSink}/`, tag, { ...GOGS_HEADERS, 'X-Gogs-Signature': signature }, 'PipelineRun', 0);
    expect(runs).toEqual([]);
  });

  interface Notification {
    events: { request: { host: string }; target: { repository: string; digest: string } }[];
  }

  test('a registry push notification with the right token creates exactly one TaskRun for that digest', async () => {
    const { status, runs } = await deliver(registrySink, REGISTRY_BODY, REGISTRY_HEADERS, 'TaskRun', 1);
    expect(status).toBe(202);
    expect(runs).toHaveLength(1);
    const event = (JSON.parse(REGISTRY_BODY.toString('utf8')) as Notification).events[0]!;
    expect(param(runs[0]!, 'image')).toBe(`${REGISTRY_ADDRESS}/${event.target.repository}@${event.target.digest}`);
    expect(param(runs[0]!, 'deployment')).toBe('demo-app');
  });

  test("a notification whose request.host (the pusher's Host header) is attacker.example still deploys from the registry's own address", async () => {
    const notification = JSON.parse(REGISTRY_BODY.toString('utf8')) as Notification;
    for (const e of notification.events) e.request.host = 'attacker.example';
    const body = Buffer.from(JSON.stringify(notification, null, 3));
    const { status, runs } = await deliver(registrySink, body, REGISTRY_HEADERS, 'TaskRun', 1);
    expect(status).toBe(202);
    expect(runs.map((r) => param(r, 'image'))).toEqual([
      `${REGISTRY_ADDRESS}/${notification.events[0]!.target.repository}@${notification.events[0]!.target.digest}`,
    ]);
  });

  test.each([
    ['a wrong token', (b: string) => b, { ...REGISTRY_HEADERS, 'X-Registry-Token': 'wrong' }],
    ['a pull', (b: string) => b.replace(/"action": "push"/g, '"action": "pull"'), REGISTRY_HEADERS],
    ['a blob push (no tag)', (b: string) => b.replace(/,\s*"tag": "[^"]*"/g, ''), REGISTRY_HEADERS],
  ])('a registry notification with %s creates nothing', async (_what, edit, headers) => {
    const body = Buffer.from(edit(REGISTRY_BODY.toString('utf8')));
    expect(body.equals(REGISTRY_BODY) && headers === REGISTRY_HEADERS).toBe(false);
    expect(() => JSON.parse(body.toString('utf8'))).not.toThrow();
    const { runs } = await deliver(registrySink, body, headers, 'TaskRun', 0);
    expect(runs).toEqual([]);
  });

  test("the listeners' own roles are all the sink uses: it started (its informers synced) and created the runs above, and the API server refused it nothing", () => {
    // After the deliveries of both sinks above, before the RoleBinding is taken away below.
    for (const [name, file] of Object.entries(SINK_LOGS)) {
      const log = logSince(file, logStart[name as keyof typeof logStart]);
      expect(log).toContain(`serving EventListener ci/${name}`);
      expect({ name, refused: log.split('\n').filter((line) => /forbidden|cannot (get|list|watch|create)/i.test(line)) }).toEqual({
        name,
        refused: [],
      });
    }
  });

  test.each([
    // [ServiceAccount, kubectl auth can-i arguments, allowed]
    ['gogs-push-listener', ['create', 'pipelineruns.tekton.dev', '-n', 'ci'], true],
    ['gogs-push-listener', ['create', 'taskruns.tekton.dev', '-n', 'ci'], false],
    ['registry-push-listener', ['create', 'taskruns.tekton.dev', '-n', 'ci'], true],
    ['registry-push-listener', ['create', 'pipelineruns.tekton.dev', '-n', 'ci'], false],
    ['gogs-push-listener', ['list', 'clustertriggerbindings.triggers.tekton.dev'], true],
    ['gogs-push-listener', ['watch', 'triggertemplates.triggers.tekton.dev', '-n', 'ci'], true],
    ['gogs-push-listener', ['list', 'eventlisteners.triggers.tekton.dev', '-n', 'default'], false],
    ['gogs-push-listener', ['get', 'secrets', '-n', 'ci'], false],
    ['gogs-push-listener', ['list', 'secrets', '--all-namespaces'], false],
    ['registry-push-listener', ['get', 'secrets/registry-webhook-token', '-n', 'ci'], false],
    ['registry-push-listener', ['list', 'secrets', '-n', 'tekton-pipelines'], false],
    ['gogs-push-listener', ['get', 'configmaps', '-n', 'ci'], false],
    ['gogs-push-listener', ['impersonate', 'serviceaccounts', '-n', 'ci'], false],
  ])('the API server decides for %s: can-i %j is %s', (sa, args, allowed) => {
    const run = kubectl(['auth', 'can-i', ...args, `--as=system:serviceaccount:ci:${sa}`]);
    // (kubectl warns on stderr when the kubeconfig's namespace meets a cluster-scoped resource)
    expect({ answer: run.stdout.trim(), status: run.status }).toEqual({ answer: allowed ? 'yes' : 'no', status: allowed ? 0 : 1 });
  });

  test("the sink acts with the listener's own RBAC: without its RoleBinding the same push creates nothing", async () => {
    const binding = (await api().get('rbac.authorization.k8s.io/v1', 'RoleBinding', 'gogs-push-listener', 'ci'))!;
    expect(binding).toBeDefined();
    await api().delete('rbac.authorization.k8s.io/v1', 'RoleBinding', 'gogs-push-listener', 'ci');
    const log = join(CLUSTER_DIR, 'logs', 'el-sink-gogs-push.log');
    const logBefore = readFileSync(log, 'utf8').length;
    try {
      const { runs } = await deliver(`${gogsSink}/`, GOGS_BODY, GOGS_HEADERS, 'PipelineRun', 0);
      expect(runs).toEqual([]);
      // Refused for the reason under test, not another one.
      expect(readFileSync(log, 'utf8').slice(logBefore)).toContain(
        '"system:serviceaccount:ci:gogs-push-listener" cannot create resource "pipelineruns"',
      );
    } finally {
      const restored = await api().create(CI_OBJECTS.find((o) => o.kind === 'RoleBinding' && o.metadata.name === 'gogs-push-listener')!);
      expect(restored.status).toBe(201);
    }
    // And with it back, the push works again (the informers still hold the listener's objects).
    const { runs } = await deliver(`${gogsSink}/`, GOGS_BODY, GOGS_HEADERS, 'PipelineRun', 1);
    expect(runs).toHaveLength(1);
  });
});

describe('k8s-practice validate --with-engines (the real tekton-admission program, required)', () => {
  const cli = (...args: string[]) =>
    spawnSync('npx', ['tsx', 'bin/k8s-practice.ts', 'validate', '--with-engines', ...args], { cwd: REPO_DIR, encoding: 'utf8' });

  test('dist/ passes', () => {
    const run = cli('dist');
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  });

  test("a Task that uses an undeclared param fails with Tekton's own message", () => {
    const file = join(CLUSTER_DIR, 'with-engines-case.yaml');
    writeFileSync(
      file,
      'apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: t, namespace: ci}\nspec:\n  steps: [{name: s, image: docker.io/library/busybox:1.36, script: "echo $(params.nope)"}]\n',
    );
    const run = cli(file);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(
      /Task\/t spec\.steps\[0\]\.script \[tekton-admission\] error \(Tekton admission\): Tekton's admission refuses it: non-existent variable .*params\.nope/,
    );
  });
});
