/**
 * Gogs for real: Gogs v0.14.3 runs with the app.ini from dist/ (local paths and ports only; the
 * test prints the changes), a `git push` makes Gogs deliver a real, signed webhook to the real
 * sink of the gogs-push EventListener, which has our signature interceptor check it, and a
 * PipelineRun for exactly that commit appears.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiObject } from '../../tools/cluster/api-client';
import { CLUSTER_DIR, ENGINE_BIN_DIR, engineBinary } from '../../tools/cluster/paths';
import { LocalGogs, startGogs } from '../../tools/cluster/gogs-engine';
import { App } from 'cdk8s';
import { CiPipelineExercise } from '../../lib/exercises/ci-pipeline-exercise';
import { ciSetup, renderCiSetup } from '../../lib/exercises/ci-setup';
import { startCoreInterceptors, startEventListenerSink, startSignatureInterceptor } from '../../tools/cluster/tekton-engines';
import { api, ciConfigMapValue, eventually, installCiExercise, kubectl } from './support';

const APP_INI = ciConfigMapValue('gogs-config', 'app.ini');
const ALLOWLIST = /^LOCAL_NETWORK_ALLOWLIST = (.+)$/m.exec(APP_INI)?.[1]?.trim() ?? '';
const LISTENER_HOST = 'el-gogs-push.ci.svc.cluster.local';
const SETUP = ciSetup(new CiPipelineExercise(new App(), 'ci'));
const SIGNATURE_PROGRAM = ciConfigMapValue('gogs-push-signature', 'server.js');
const ADMIN = { ...SETUP.admin, password: 'test-only-password' };
/** The listener's port in the URL the documented webhook command gives Gogs. */
const LISTENER_PORT = Number(new URL(SETUP.webhook.url).port);

let gogs: LocalGogs;
let sinkPort = 0;
let webhookSecret = '';

// Gogs 0.14 takes a password (basic auth) only to create an access token; every other API call
// needs the token (found here: basic auth on other calls answers 401).
const basicAuth = `Basic ${Buffer.from(`${ADMIN.name}:${ADMIN.password}`).toString('base64')}`;
let tokenAuth = '';
async function gogsApi(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${gogs.url}/api/v1${path}`, {
    method,
    headers: { authorization: tokenAuth || basicAuth, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

/** Commits a change to the work tree and pushes it to Gogs over HTTP; returns the commit id. */
function pushCommit(message: string): string {
  const work = join(CLUSTER_DIR, 'gogs', 'work');
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: work, encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }).trim();
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
  installCiExercise();
  // The README's commands create these Secrets: start from a namespace without them, as a learner does.
  for (const { secret } of SETUP.secrets) kubectl(['-n', 'ci', 'delete', 'secret', secret.name, '--ignore-not-found']);
  await startCoreInterceptors();
  // The sink listens on the port of the listener URL, so the documented webhook URL works unchanged.
  sinkPort = Number(new URL((await startEventListenerSink('ci', 'gogs-push', 'gogs-push-listener', LISTENER_PORT)).url).port);
  gogs = await startGogs(APP_INI, [LISTENER_HOST]);
  console.log(
    `Gogs runs the app.ini of dist/ with these local changes:\n${gogs.changes.map((c) => `  [${c.section}] ${c.key} = ${c.value}  (${c.why})`).join('\n')}`,
  );
}, 240_000);

test('the synthesized app.ini allows exactly the listener host Gogs delivers to', () => {
  expect(ALLOWLIST).toBe(LISTENER_HOST);
  expect(SETUP.webhook.url).toBe(`http://${LISTENER_HOST}:${LISTENER_PORT}/`);
});

test('Gogs starts unattended: no install page, the API answers', async () => {
  const home = await fetch(`${gogs.url}/`, { redirect: 'manual' });
  expect(home.headers.get('location') ?? '').not.toContain('/install');
  const install = await fetch(`${gogs.url}/install`, { redirect: 'manual' });
  expect(install.status).not.toBe(200);
});

/**
 * The README's exercise 8 commands, made runnable here: every substitution is a `kubectl`
 * step this cluster cannot do (no pod to exec into, no port-forward) or an interactive prompt,
 * and each must match exactly once, so a change to the commands is noticed.
 */
function localSetupScript(): string {
  const body = renderCiSetup(SETUP).split('\n').slice(1, -1).join('\n');
  const substitutions: ReadonlyArray<[string | RegExp, string, string]> = [
    [/^kubectl -n ci wait .*$/m, ': Gogs already runs', 'no pod to wait for'],
    [/^read -rs -p .*$/m, `GOGS_PASSWORD=${ADMIN.password}`, 'no terminal to type at'],
    ['kubectl -n ci exec -i gogs-0 -- sh -c', 'sh -c', 'Gogs runs as a local process, not in a pod'],
    ['exec /app/gogs/gogs ', `exec ${engineBinary('gogs')} `, 'the local Gogs binary'],
    ['--config /etc/gogs/app.ini', `--config ${gogs.config}`, 'the local copy of the app.ini'],
    [/^kubectl -n ci port-forward svc\/gogs 3000 & GOGS=.*$/m, `GOGS=${gogs.url}/api/v1`, 'Gogs listens on 127.0.0.1 already'],
    [/^until curl -fs -o \/dev\/null http:\/\/localhost:3000\/healthcheck; .*$/m, ': Gogs answers already', 'no port-forward to wait for'],
  ];
  let script = body;
  for (const [from, to, why] of substitutions) {
    const count = typeof from === 'string' ? script.split(from).length - 1 : (script.match(new RegExp(from.source, 'gm')) ?? []).length;
    expect({ from: String(from), why, count }).toEqual({ from: String(from), why, count: 1 });
    script = script.replace(from, to);
  }
  return script;
}

test("exercise 8's documented commands, run against real Gogs: a git push then makes Gogs deliver a signed webhook that the real listener turns into a PipelineRun for that commit", async () => {
  // Secrets (kubectl against the cluster), admin (gogs admin create-user), token, repository and
  // signed webhook (Gogs' API), exactly as the docs give them.
  const setup = spawnSync('bash', ['-euo', 'pipefail', '-c', localSetupScript()], {
    encoding: 'utf8',
    env: { ...gogs.env, PATH: `${ENGINE_BIN_DIR}:${process.env.PATH}`, KUBECONFIG: process.env.KUBECONFIG },
  });
  expect({ status: setup.status, stderr: setup.stderr }).toEqual({ status: 0, stderr: '' });
  // The interceptor reads the webhook secret the commands created, as the pod mounts it.
  const secret = Buffer.from(
    JSON.parse(kubectl(['-n', 'ci', 'get', 'secret', SETUP.webhook.secret.name, '-o', 'json']).stdout).data[SETUP.webhook.secret.key],
    'base64',
  ).toString('utf8');
  expect(secret).toMatch(/^[0-9a-f]{64}$/);
  await startSignatureInterceptor('ci', 'gogs-push-signature', SIGNATURE_PROGRAM, secret);
  webhookSecret = secret;

  const commit = pushCommit('first');

  const run = await eventually(
    'a PipelineRun for the pushed commit',
    async () => {
      const runs = await api().list<ApiObject & { spec: { params?: { name: string; value: string }[] } }>(
        'tekton.dev/v1',
        'PipelineRun',
        'ci',
      );
      const mine = runs.filter((r) => r.spec.params?.some((p) => p.name === 'git-revision' && p.value === commit));
      return { done: mine.length > 0, state: mine };
    },
    60_000,
  );
  expect(run).toHaveLength(1);
  const param = (name: string) => run[0]!.spec.params?.find((p) => p.name === name)?.value;
  expect(param('git-url')).toBe(`http://gogs.ci.svc.cluster.local:3000/${ADMIN.name}/demo-app.git`); // EXTERNAL_URL of dist's app.ini
  expect(param('image')).toBe(`registry.ci.svc.cluster.local:5000/${ADMIN.name}/demo-app:${commit.slice(0, 7)}`);
}, 120_000);

// Found here: Gogs' API (unlike its web form) stores a webhook to any URL; the allowlist is
// enforced when Gogs delivers.
test('Gogs does not deliver to a local address its allowlist does not name', async () => {
  const token = await gogsApi('POST', `/users/${ADMIN.name}/tokens`, { name: 'blocked-hook-test' });
  expect(token.status).toBe(201);
  tokenAuth = `token ${(token.json as { sha1: string }).sha1}`;
  const blocked = await gogsApi('POST', `/repos/${ADMIN.name}/demo-app/hooks`, {
    type: 'gogs',
    active: true,
    events: ['push'],
    config: { url: `http://127.0.0.1:${sinkPort}/`, content_type: 'json', secret: webhookSecret },
  });
  expect(blocked.status).toBe(201);
  // Both hooks see the next push; the allowlisted one delivers, the other must not (it would
  // create a second PipelineRun for the same commit: it is signed with the right secret).
  const commit = pushCommit('second');
  const runsFor = async () =>
    (await api().list<ApiObject & { spec: { params?: { name: string; value: string }[] } }>('tekton.dev/v1', 'PipelineRun', 'ci')).filter(
      (r) => r.spec.params?.some((p) => p.name === 'git-revision' && p.value === commit),
    );
  await eventually('the allowlisted delivery', async () => ({ done: (await runsFor()).length > 0, state: [] }), 60_000);
  await new Promise((resolve) => setTimeout(resolve, 5000));
  expect(await runsFor()).toHaveLength(1);
}, 90_000);
