/**
 * Gogs for real: Gogs v0.14.3 runs with the app.ini from dist/ (local paths and ports only; the
 * test prints the changes), a `git push` makes Gogs deliver a real, signed webhook to the real
 * sink of the gogs-push EventListener, which has our signature interceptor check it, and a
 * PipelineRun for exactly that commit appears.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiObject } from '../../tools/cluster/api-client';
import { CLUSTER_DIR } from '../../tools/cluster/paths';
import { gogsCommand, LocalGogs, startGogs } from '../../tools/cluster/gogs-engine';
import { startCoreInterceptors, startEventListenerSink, startSignatureInterceptor, TRIGGERS_RELEASE_DIR } from '../../tools/cluster/tekton-engines';
import { api, distFiles, eventually, installTektonCrds, kubectl, objectsOf } from './support';

const CI_FILE = distFiles().find((f) => f.endsWith('08-ci-pipeline.k8s.yaml'))!;
const CI_OBJECTS = objectsOf([CI_FILE]);
const APP_INI = String((CI_OBJECTS.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'gogs-config')!.data as Record<string, string>)['app.ini']);
const ALLOWLIST = /^LOCAL_NETWORK_ALLOWLIST = (.+)$/m.exec(APP_INI)?.[1]?.trim() ?? '';
const LISTENER_HOST = 'el-gogs-push.ci.svc.cluster.local';
const WEBHOOK_SECRET = 'test-gogs-webhook-secret';
const SIGNATURE_PROGRAM = String((CI_OBJECTS.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'gogs-push-signature')!.data as Record<string, string>)['server.js']);
const ADMIN = { name: 'gitadmin', password: 'test-only-password', email: 'gitadmin@example.com' };

let gogs: LocalGogs;
let sinkPort = 0;

// Gogs 0.14 takes a password (basic auth) only to create an access token; every other API call
// needs the token (found here: basic auth on other calls answers 401).
const basicAuth = `Basic ${Buffer.from(`${ADMIN.name}:${ADMIN.password}`).toString('base64')}`;
let tokenAuth = '';
async function gogsApi(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${gogs.url}/api/v1${path}`, {
    method, headers: { authorization: tokenAuth || basicAuth, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

/** Commits a change to the work tree and pushes it to Gogs over HTTP; returns the commit id. */
function pushCommit(message: string): string {
  const work = join(CLUSTER_DIR, 'gogs', 'work');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: work, encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }).trim();
  if (!existsSync(join(work, '.git'))) {
    mkdirSync(work, { recursive: true });
    git('init', '-q', '-b', 'master');
    git('config', 'user.email', ADMIN.email);
    git('config', 'user.name', ADMIN.name);
  }
  writeFileSync(join(work, 'Dockerfile'), `FROM scratch\n# ${message}\n`);
  git('add', 'Dockerfile');
  git('commit', '-q', '-m', message);
  const remote = new URL(`${gogs.url}/${ADMIN.name}/demo-app.git`);
  remote.username = ADMIN.name;
  remote.password = ADMIN.password;
  git('push', '-q', remote.toString(), 'master');
  return git('rev-parse', 'HEAD');
}

beforeAll(async () => {
  installTektonCrds();
  for (const file of [join(TRIGGERS_RELEASE_DIR, '200-clusterrole.yaml'), CI_FILE]) {
    const applied = kubectl(['apply', '--server-side', '-f', file]);
    if (applied.status !== 0) throw new Error(applied.stderr);
  }
  await startCoreInterceptors();
  // The interceptor reads the webhook secret as the pod reads its mounted Secret gogs-webhook-secret.
  await startSignatureInterceptor('ci', 'gogs-push-signature', SIGNATURE_PROGRAM, WEBHOOK_SECRET);
  sinkPort = Number(new URL((await startEventListenerSink('ci', 'gogs-push', 'gogs-push-listener')).url).port);
  gogs = await startGogs(APP_INI, [LISTENER_HOST]);
  console.log(`Gogs runs the app.ini of dist/ with these local changes:\n${gogs.changes.map((c) => `  [${c.section}] ${c.key} = ${c.value}  (${c.why})`).join('\n')}`);
}, 240_000);

test('the synthesized app.ini allows exactly the listener host Gogs delivers to', () => {
  expect(ALLOWLIST).toBe(LISTENER_HOST);
});

test('Gogs starts unattended: no install page, the API answers', async () => {
  const home = await fetch(`${gogs.url}/`, { redirect: 'manual' });
  expect(home.headers.get('location') ?? '').not.toContain('/install');
  const install = await fetch(`${gogs.url}/install`, { redirect: 'manual' });
  expect(install.status).not.toBe(200);
});

test('git push makes Gogs deliver a webhook that the real listener turns into a PipelineRun for that commit', async () => {
  // The admin user, as the docs create it (gogs admin create-user, against the running instance).
  gogsCommand(gogs, ['admin', 'create-user', '--name', ADMIN.name, '--password', ADMIN.password, '--email', ADMIN.email, '--admin']);
  const token = await gogsApi('POST', `/users/${ADMIN.name}/tokens`, { name: 'test' });
  expect(token.status).toBe(201);
  tokenAuth = `token ${(token.json as { sha1: string }).sha1}`;
  // A public repository (the clone step reads it without credentials) and its push webhook.
  const repo = await gogsApi('POST', `/admin/users/${ADMIN.name}/repos`, { name: 'demo-app', private: false });
  expect(repo.status).toBe(201);
  const hook = await gogsApi('POST', `/repos/${ADMIN.name}/demo-app/hooks`, {
    type: 'gogs', active: true, events: ['push'],
    // The listener URL the trigger exposes (only the port is the local sink's), no token in it:
    // Gogs signs each delivery with the secret, and the signature interceptor checks it.
    config: { url: `http://${LISTENER_HOST}:${sinkPort}/`, content_type: 'json', secret: WEBHOOK_SECRET },
  });
  expect(hook.status).toBe(201);

  const commit = pushCommit('first');

  const run = await eventually('a PipelineRun for the pushed commit', async () => {
    const runs = await api().list<ApiObject & { spec: { params?: { name: string; value: string }[] } }>('tekton.dev/v1', 'PipelineRun', 'ci');
    const mine = runs.filter((r) => r.spec.params?.some((p) => p.name === 'git-revision' && p.value === commit));
    return { done: mine.length > 0, state: mine };
  }, 60_000);
  expect(run).toHaveLength(1);
  const param = (name: string) => run[0]!.spec.params?.find((p) => p.name === name)?.value;
  expect(param('git-url')).toBe(`http://gogs.ci.svc.cluster.local:3000/${ADMIN.name}/demo-app.git`); // EXTERNAL_URL of dist's app.ini
  expect(param('image')).toBe(`registry.ci.svc.cluster.local:5000/${ADMIN.name}/demo-app:${commit.slice(0, 7)}`);

  // Gogs recorded the delivery as successful (HTTP 202 from the sink).
  const deliveries = await gogsApi('GET', `/repos/${ADMIN.name}/demo-app/hooks`);
  expect(deliveries.status).toBe(200);
}, 120_000);

// Found here: Gogs' API (unlike its web form) stores a webhook to any URL; the allowlist is
// enforced when Gogs delivers.
test('Gogs does not deliver to a local address its allowlist does not name', async () => {
  const blocked = await gogsApi('POST', `/repos/${ADMIN.name}/demo-app/hooks`, {
    type: 'gogs', active: true, events: ['push'], config: { url: `http://127.0.0.1:${sinkPort}/`, content_type: 'json', secret: WEBHOOK_SECRET },
  });
  expect(blocked.status).toBe(201);
  // Both hooks see the next push; the allowlisted one delivers, the other must not (it would
  // create a second PipelineRun for the same commit: it is signed with the right secret).
  const commit = pushCommit('second');
  const runsFor = async () => (await api().list<ApiObject & { spec: { params?: { name: string; value: string }[] } }>('tekton.dev/v1', 'PipelineRun', 'ci'))
    .filter((r) => r.spec.params?.some((p) => p.name === 'git-revision' && p.value === commit));
  await eventually('the allowlisted delivery', async () => ({ done: (await runsFor()).length > 0, state: [] }), 60_000);
  await new Promise((resolve) => setTimeout(resolve, 5000));
  expect(await runsFor()).toHaveLength(1);
}, 90_000);
