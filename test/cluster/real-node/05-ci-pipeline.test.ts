/**
 * Exercise 8 for real, in pods on the real node. Tekton Pipelines and Triggers are installed from
 * their release manifests (pinned in tools/cluster/tekton-release, images built here), dist/08 is
 * applied and the documented setup commands run as written (only the release URLs are replaced by
 * the pinned files; each substitution is printed). Then a `git push` of a small app: Gogs
 * delivers a signed webhook, the signature interceptor pod checks it, the gogs-push listener
 * creates one PipelineRun, git-clone checks out the commit, kaniko builds it on a base image kept
 * in the in-cluster registry and pushes it, the registry notifies the registry-push listener,
 * whose TaskRun sets demo-app's image by digest, and the new pod serves the pushed page. Every
 * hop is checked with its own evidence; the negatives (unsigned, wrongly signed, tag push,
 * another repository) must create nothing.
 */
import { App } from 'cdk8s';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CiPipelineExercise } from '../../../lib/exercises/ci-pipeline-exercise';
import { ciSetup, renderCiSetup } from '../../../lib/exercises/ci-setup';
import { readImageIndex } from '../../../tools/cluster/containerd';
import { mirrorExerciseRegistry } from '../../../tools/cluster/registry-mirror';
import { CLUSTER_DIR, IMAGES_DIR, REPO_DIR } from '../../../tools/cluster/paths';
import { TEKTON_RELEASE_URLS } from '../../../tools/cluster/tekton-release';
import {
  GogsDelivery,
  PortForward,
  PushTimeline,
  TektonRun,
  gogsDeliveries,
  paramOf,
  portForward,
  registryDigest,
  resultOf,
  succeeded,
} from './ci-support';
import { eventually, kubectlAsync } from '../support';
import { onNode, sh, substitution, until } from './support';

const NS = 'ci';
const SETUP = ciSetup(new CiPipelineExercise(new App(), 'ci'));
const ADMIN = { name: SETUP.admin.name, email: SETUP.admin.email, password: 'test-only-password-8' };
const REPO = `${SETUP.repository.owner}/${SETUP.repository.name}`;
/** The name pods use for the registry, as the pipeline pushes to it. */
const REGISTRY_HOST = 'registry.ci.svc.cluster.local:5000';
/** Where the demo app's base image is kept, in the in-cluster registry. */
const BASE_REPOSITORY = 'base/nginx-unprivileged';
const BASE_TAG = '1.27-alpine';
const BASE_SOURCE = 'docker.io/nginxinc/nginx-unprivileged:1.27-alpine';

const jsonOf = <T>(command: string): T => {
  const result = sh(command);
  if (result.status !== 0) throw new Error(`${command} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as T;
};
const runsOf = (kind: 'pipelineruns' | 'taskruns') => jsonOf<{ items: TektonRun[] }>(`kubectl -n ${NS} get ${kind} -o json`).items;

/** The code block of exercise 8's page that follows `marker`, as lines. */
function readmeBlock(marker: string): string[] {
  const readme = readFileSync(join(REPO_DIR, 'docs', 'exercises', '08-ci-pipeline.md'), 'utf8');
  const start = readme.indexOf(marker);
  if (start < 0) throw new Error(`docs/exercises/08-ci-pipeline.md no longer says ${JSON.stringify(marker)}`);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(start));
  if (!block) throw new Error(`docs/exercises/08-ci-pipeline.md has no sh block after ${JSON.stringify(marker)}`);
  return block[1]!.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

let gogs: PortForward;
let registry: PortForward;
let hookId = 0;
const work = join(CLUSTER_DIR, 'exercise-08-app');

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: work, encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }).trim();
}
function remote(repo: string): string {
  const url = new URL(`${gogs.url}/${repo}.git`);
  url.username = ADMIN.name;
  url.password = ADMIN.password;
  return url.toString();
}
/** Commits the app with `marker` in its page and pushes it to `repo`'s master; returns the commit id. */
function pushApp(marker: string, repo = REPO): string {
  writeFileSync(
    join(work, 'Dockerfile'),
    `FROM ${REGISTRY_HOST}/${BASE_REPOSITORY}:${BASE_TAG}\nCOPY index.html /usr/share/nginx/html/index.html\n`,
  );
  writeFileSync(join(work, 'index.html'), `<h1>demo-app</h1>\n<p>${marker}</p>\n`);
  git('add', 'Dockerfile', 'index.html');
  git('commit', '-q', '-m', marker);
  git('push', '-q', remote(repo), 'HEAD:master');
  return git('rev-parse', 'HEAD');
}

/** Gogs' record of its delivery of `commit` to hook `id` of `repo`, once the receiver answered. */
async function deliveryFor(commit: string, repo = REPO, id = hookId): Promise<GogsDelivery> {
  const found = await eventually(
    `Gogs' answered delivery of ${commit} to hook ${id} of ${repo}`,
    async () => {
      const delivery = (await gogsDeliveries(gogs.url, ADMIN, repo, id)).find((d) => d.payload.includes(`"after": "${commit}"`));
      return { done: delivery?.status !== undefined, state: delivery };
    },
    30_000,
  );
  return found!;
}

/**
 * Gogs' API as the admin. Gogs 0.14 takes the password only to make a token (other calls with
 * basic auth answer 401), so the first call makes one, as the documented commands do.
 */
let gogsToken = '';
async function gogsApi(method: string, path: string, body?: unknown): Promise<unknown> {
  if (!gogsToken) {
    const made = await fetch(`${gogs.url}/api/v1/users/${ADMIN.name}/tokens`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${ADMIN.name}:${ADMIN.password}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: 'end-to-end-test' }),
    });
    gogsToken = ((await made.json()) as { sha1: string }).sha1;
  }
  const response = await fetch(`${gogs.url}/api/v1${path}`, {
    method,
    headers: { authorization: `token ${gogsToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`Gogs API ${method} ${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** The signature interceptor's verdict line for one delivery (it logs one JSON line each). */
async function verdictFor(delivery: string): Promise<{ verdict: string; reason: string; event: string }> {
  return until(
    `the signature interceptor's verdict on delivery ${delivery}`,
    () => {
      const logs = sh(`kubectl -n ${NS} logs deploy/gogs-push-signature`).stdout;
      const line = logs
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { delivery: string; verdict: string; reason: string; event: string })
        .find((l) => l.delivery === delivery);
      return line;
    },
    30_000,
  );
}

beforeAll(async () => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  git('init', '-q', '-b', 'master');
  git('config', 'user.email', ADMIN.email);
  git('config', 'user.name', ADMIN.name);
});

afterAll(async () => {
  await gogs?.stop();
  await registry?.stop();
});

test("Tekton installs from its release manifests: controllers, webhooks and interceptors run as pods, admitted by PodSecurity's restricted level", () => {
  const began = Date.now();
  const install = readmeBlock('Install order');
  for (const line of install) {
    let command = line.replace(/\s+#.*$/, '');
    for (const [url, file] of Object.entries(TEKTON_RELEASE_URLS)) {
      if (command.includes(url)) {
        substitution(`${url} -> ${file} (the same release, pinned in the repository; images built here)`);
        command = command.replace(url, file);
      }
    }
    let ran = sh(command, { timeoutMs: 320_000 });
    // A webhook whose pod just became Ready may not be reachable through its Service for a
    // moment (endpoints, then kube-proxy's rules): a user sees the error and runs the line again.
    for (let retry = 1; retry <= 5 && ran.status !== 0 && /failed calling webhook/.test(ran.stderr); retry++) {
      substitution(`run again (${retry}), a webhook did not answer yet: ${command}`);
      execFileSync('sleep', ['2']);
      ran = sh(command, { timeoutMs: 320_000 });
    }
    if (ran.status !== 0) throw new Error(`${command} failed:\n${ran.stderr}\n${sh('kubectl get pods -A -o wide').stdout}`);
  }
  console.log(`figure: Tekton releases applied -> every tekton-pipelines Deployment Available in ${Date.now() - began} ms`);
  const deployments = jsonOf<{
    items: { metadata: { name: string }; spec: { template: { spec: { containers: { image: string }[] } } } }[];
  }>('kubectl -n tekton-pipelines get deployments -o json').items;
  expect(deployments.map((d) => d.metadata.name).sort()).toEqual(
    expect.arrayContaining([
      'tekton-pipelines-controller',
      'tekton-pipelines-webhook',
      'tekton-triggers-controller',
      'tekton-triggers-webhook',
      'tekton-triggers-core-interceptors',
    ]),
  );
  // The namespace enforces restricted, and the real PodSecurity admission let these pods in.
  const labels = jsonOf<{ metadata: { labels: Record<string, string> } }>('kubectl get namespace tekton-pipelines -o json').metadata.labels;
  expect(labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  const refused = sh(
    `kubectl -n tekton-pipelines run root-probe --image=docker.io/library/busybox:1.36 --restart=Never --overrides='{"spec":{"securityContext":{"runAsUser":0}}}' -- true`,
  );
  expect(refused.status).not.toBe(0);
  expect(refused.stderr).toContain('violates PodSecurity "restricted:latest"');
}, 360_000);

test('kubectl apply -f dist/08 and the documented setup commands bring Gogs, the registry, the interceptor and both listeners to Ready', () => {
  // The README's setup block, run as one script: `kubectl` is the cluster's, the password comes
  // on stdin (the prompt reads it), and the port-forward it starts is stopped when it ends.
  const script = renderCiSetup(SETUP).split('\n').slice(1, -1).join('\n');
  substitution("read -rs -p 'Gogs admin password: ' -> the password on the script's standard input");
  substitution('the background kubectl port-forward is stopped when the block ends (trap on EXIT)');
  const ran = sh(`trap 'kill $(jobs -p) 2>/dev/null' EXIT\nset -eu\n${script}`, {
    input: `${ADMIN.password}\n`,
    timeoutMs: 240_000,
    bash: true, // the docs' commands are bash (read -s -p)
  });
  expect({ status: ran.status, stderr: ran.stderr.replace(/^Forwarding from .*\n|^Handling connection for .*\n/gm, '') }).toEqual({
    status: 0,
    stderr: '',
  });
  const waited = sh(`kubectl -n ${NS} wait --for=condition=Ready pod --all --timeout=180s`, { timeoutMs: 190_000 });
  if (waited.status !== 0) throw new Error(`${waited.stderr}\n${sh(`kubectl -n ${NS} get pods -o wide`).stdout}`);
  const pods = jsonOf<{ items: { metadata: { name: string; labels?: Record<string, string> } }[] }>(
    `kubectl -n ${NS} get pods -o json`,
  ).items;
  const names = pods.map((p) => p.metadata.name);
  expect(names).toContain('gogs-0');
  for (const prefix of ['registry-', 'gogs-push-signature-', 'el-gogs-push-', 'el-registry-push-', 'demo-app-']) {
    expect(names.some((n) => n.startsWith(prefix))).toBe(true);
  }
  const claims = jsonOf<{ items: { metadata: { name: string }; status: { phase: string } }[] }>(`kubectl -n ${NS} get pvc -o json`).items;
  expect(claims.map((c) => [c.metadata.name, c.status.phase]).sort()).toEqual([
    ['data-gogs-0', 'Bound'],
    ['registry-data', 'Bound'],
  ]);
}, 420_000);

test('the node pulls from the in-cluster registry, and the base image is kept there', async () => {
  // What kind's local-registry recipe does: containerd on the node reaches the registry's name
  // at its ClusterIP over plain HTTP (the node cannot resolve cluster names).
  const { host, file, mirror } = mirrorExerciseRegistry();
  expect(host).toBe(REGISTRY_HOST);
  expect(mirror).toMatch(/^http:\/\/10\.96\.\d+\.\d+:5000$/);
  substitution(`node set-up (tsx tools/cluster/cli.ts mirror-registry): ${file} sends ${host} to ${mirror}`);

  registry = await portForward(NS, 'svc/registry', 5000);
  gogs = await portForward(NS, 'svc/gogs', 3000);
  const archive = readImageIndex(IMAGES_DIR).find((image) => image.reference === BASE_SOURCE)?.archive;
  if (!archive) throw new Error(`${BASE_SOURCE} is not built (npm run images:build)`);
  const destination = `docker://${new URL(registry.url).host}/${BASE_REPOSITORY}:${BASE_TAG}`;
  const copied = sh(`skopeo copy --quiet --dest-tls-verify=false docker-archive:${archive} ${destination}`, { timeoutMs: 120_000 });
  expect(copied.stderr).toBe('');
  expect(await registryDigest(registry.url, BASE_REPOSITORY, BASE_TAG)).toMatch(/^sha256:[0-9a-f]{64}$/);
}, 180_000);

test('a git push builds the commit with kaniko, pushes it to the registry, and the registry notification rolls demo-app out by digest', async () => {
  const hooks = (await gogsApi('GET', `/repos/${REPO}/hooks`)) as { id: number; config: { url: string } }[];
  if (!Array.isArray(hooks) || hooks.length !== 1) throw new Error(`expected the one webhook of the docs, got ${JSON.stringify(hooks)}`);
  hookId = hooks[0]!.id;
  expect(hooks[0]!.config.url).toBe(SETUP.webhook.url);

  const marker = `built-from-push-${Date.now()}`;
  const commit = pushApp(marker);
  const pushedAt = Date.now();
  const timeline = new PushTimeline(NS, commit, pushedAt);

  // Gogs delivered the push, signed, and the listener answered.
  const delivery = await deliveryFor(commit);
  expect(delivery.succeeded).toBe(true);
  expect(delivery.status).toBe(202);
  expect(delivery.headers['X-Gogs-Event']).toBe('push');
  expect(delivery.headers['X-Gogs-Signature']).toMatch(/^[0-9a-f]{64}$/);
  // The interceptor pod checked the signature of exactly that delivery.
  expect(await verdictFor(delivery.uuid)).toMatchObject({ verdict: 'accepted', event: 'push' });

  // Exactly one PipelineRun, for that commit, made by the gogs-push listener; it succeeds.
  const pipelineRun = await until(
    'the PipelineRun to finish',
    () => {
      const mine = runsOf('pipelineruns').filter((r) => paramOf(r, 'git-revision') === commit);
      if (mine.length !== 1) return undefined;
      return succeeded(mine[0]!)?.status === 'Unknown' || !succeeded(mine[0]!) ? undefined : mine[0]!;
    },
    300_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${sh(`kubectl -n ${NS} get pipelineruns,taskruns,pods -o wide`).stdout}`);
  });
  expect(runsOf('pipelineruns').filter((r) => paramOf(r, 'git-revision') === commit)).toHaveLength(1);
  expect(pipelineRun.metadata.labels?.['triggers.tekton.dev/eventlistener']).toBe('gogs-push');
  const condition = succeeded(pipelineRun)!;
  if (condition.status !== 'True') {
    throw new Error(
      `PipelineRun ${pipelineRun.metadata.name}: ${condition.reason}: ${condition.message}\n${sh(`kubectl -n ${NS} get taskruns,pods -o wide`).stdout}`,
    );
  }

  // git-clone checked out the pushed commit; kaniko built and pushed a digest.
  const taskRuns = runsOf('taskruns');
  const child = (task: string) => {
    const name = pipelineRun.status?.childReferences?.find((c) => c.pipelineTaskName === task)?.name;
    const run = taskRuns.find((t) => t.metadata.name === name);
    if (!run) throw new Error(`no TaskRun for ${task} of ${pipelineRun.metadata.name}`);
    return run;
  };
  const clone = child('fetch-source');
  expect(resultOf(clone, 'commit')).toBe(commit);
  expect(sh(`kubectl -n ${NS} logs ${clone.status!.podName} -c step-clone`).stdout).toContain(`git-clone: checked out ${commit}`);
  const build = child('build-and-push');
  const digest = String(resultOf(build, 'IMAGE_DIGEST'));
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(resultOf(build, 'IMAGE_URL')).toBe(`${REGISTRY_HOST}/${REPO}:${commit.slice(0, 7)}`);

  // The registry holds that digest under the commit's tag.
  expect(await registryDigest(registry.url, REPO, commit.slice(0, 7))).toBe(digest);

  // The registry's notification reached the registry-push listener: its TaskRun deploys that digest.
  const image = `${REGISTRY_HOST}/${REPO}@${digest}`;
  const deploy = await until(
    'the deploy TaskRun to finish',
    () => {
      const mine = runsOf('taskruns').filter((t) => paramOf(t, 'image') === image);
      return mine.length === 1 && succeeded(mine[0]!) && succeeded(mine[0]!)!.status !== 'Unknown' ? mine[0]! : undefined;
    },
    180_000,
  );
  expect(deploy.metadata.labels?.['triggers.tekton.dev/eventlistener']).toBe('registry-push');
  expect(succeeded(deploy)).toMatchObject({ status: 'True' });
  expect(sh(`kubectl -n ${NS} get deployment demo-app -o jsonpath={.spec.template.spec.containers[0].image}`).stdout).toBe(image);

  // The new pod (pulled by the node from the in-cluster registry) serves the pushed page.
  // (without blocking: the timeline's poll runs meanwhile)
  const rolled = await kubectlAsync(['-n', NS, 'rollout', 'status', 'deployment/demo-app', '--timeout=120s']);
  expect(rolled.status).toBe(0);
  const serviceIp = sh(`kubectl -n ${NS} get service demo-app -o jsonpath={.spec.clusterIP}`).stdout;
  const page = await until('the new page', () => {
    const got = onNode('/usr/bin/curl', ['-fsS', '--max-time', '3', `http://${serviceIp}/`]).stdout;
    return got.includes(marker) ? got : undefined;
  });
  expect(page).toContain(marker);
  const servingAt = Date.now();

  // Figures: push -> serving, and each hop's share (first seen by polling the API every 250 ms).
  const hops = await timeline.finish(servingAt);
  const total = (servingAt - pushedAt) / 1000;
  console.log(
    `figure: git push -> new demo-app pod serving in ${total.toFixed(1)} s\n` +
      hops.map(({ hop, seconds }) => `  ${hop}: +${seconds.toFixed(1)} s (${((seconds / total) * 100).toFixed(0)} %)`).join('\n'),
  );
}, 600_000);

test("PodSecurity decides for real: ci enforces baseline, so kaniko's root step ran and a privileged pod is refused", () => {
  const labels = jsonOf<{ metadata: { labels: Record<string, string> } }>(`kubectl get namespace ${NS} -o json`).metadata.labels;
  expect(labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
  // Every pod of the pipeline was admitted by the API server's PodSecurity: kaniko's ran as root.
  const pods = jsonOf<{
    items: { metadata: { name: string }; spec: { containers: { name: string; securityContext?: { runAsUser?: number } }[] } }[];
  }>(`kubectl -n ${NS} get pods -o json`).items;
  const kaniko = pods.flatMap((p) => p.spec.containers).find((c) => c.name === 'step-build-and-push');
  expect(kaniko?.securityContext?.runAsUser).toBe(0);
  const refused = sh(`kubectl -n ${NS} run privileged-probe --image=docker.io/library/busybox:1.36 --restart=Never --privileged -- true`);
  expect(refused.status).not.toBe(0);
  expect(refused.stderr).toContain('violates PodSecurity "baseline:v1.28": privileged');
});

describe('what must create nothing', () => {
  const pipelineRunsFor = (commit: string) => runsOf('pipelineruns').filter((r) => paramOf(r, 'git-revision') === commit);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 3000));
  const webhookSecret = () =>
    Buffer.from(
      sh(`kubectl -n ${NS} get secret ${SETUP.webhook.secret.name} -o jsonpath={.data.${SETUP.webhook.secret.key}}`).stdout,
      'base64',
    ).toString();
  // Gogs 0.14's API cannot change a hook's secret (EditHook reads only url and content_type from
  // config): a hook with another secret replaces the documented one, and the documented one comes back.
  async function replaceHook(secret: string): Promise<void> {
    const hooks = (await gogsApi('GET', `/repos/${REPO}/hooks`)) as { id: number }[];
    for (const hook of hooks) await gogsApi('DELETE', `/repos/${REPO}/hooks/${hook.id}`);
    const made = (await gogsApi('POST', `/repos/${REPO}/hooks`, {
      type: 'gogs',
      active: true,
      events: ['push'],
      config: { url: SETUP.webhook.url, content_type: 'json', secret },
    })) as { id: number };
    hookId = made.id;
  }
  afterAll(async () => {
    if (hookId) await replaceHook(webhookSecret());
  });

  test.each([
    ['an unsigned delivery (the hook has no secret)', ''],
    ['a delivery signed with another secret', 'not-the-webhook-secret'],
  ])(
    '%s is refused by the interceptor pod',
    async (_what, secret) => {
      await replaceHook(secret);
      const commit = pushApp(`refused-${Date.now()}`);
      const delivery = await deliveryFor(commit);
      expect(delivery.status).toBe(202); // the listener answers before any interceptor runs
      const verdict = await verdictFor(delivery.uuid);
      expect(verdict.verdict).toBe('refused');
      expect(verdict.reason).toMatch(secret === '' ? /no valid X-Gogs-Signature/ : /does not match the body/);
      await settle();
      expect(pipelineRunsFor(commit)).toEqual([]);
    },
    120_000,
  );

  test('a tag push is not delivered as a push and starts nothing', async () => {
    await replaceHook(webhookSecret());
    const before = runsOf('pipelineruns').length;
    const deliveriesBefore = (await gogsDeliveries(gogs.url, ADMIN, REPO, hookId)).length;
    git('tag', `v${Date.now()}`);
    git('push', '-q', remote(REPO), '--tags');
    await settle();
    expect((await gogsDeliveries(gogs.url, ADMIN, REPO, hookId)).length).toBe(deliveriesBefore);
    expect(runsOf('pipelineruns')).toHaveLength(before);
  }, 120_000);

  test('a correctly signed push of another repository passes the interceptor and is dropped by the filter', async () => {
    const other = `${ADMIN.name}/other-app`;
    await gogsApi('POST', `/admin/users/${ADMIN.name}/repos`, { name: 'other-app', private: false });
    const hook = (await gogsApi('POST', `/repos/${other}/hooks`, {
      type: 'gogs',
      active: true,
      events: ['push'],
      config: { url: SETUP.webhook.url, content_type: 'json', secret: webhookSecret() },
    })) as { id: number };
    const commit = pushApp(`other-repository-${Date.now()}`, other);
    const delivery = await deliveryFor(commit, other, hook.id);
    expect(await verdictFor(delivery.uuid)).toMatchObject({ verdict: 'accepted' });
    await settle();
    expect(pipelineRunsFor(commit)).toEqual([]);
  }, 120_000);

  test('the registry made exactly one deploy run: the base image pushed to another repository made none', () => {
    const deploys = runsOf('taskruns').filter((t) => t.metadata.labels?.['triggers.tekton.dev/eventlistener'] === 'registry-push');
    expect(deploys).toHaveLength(1);
    expect(String(paramOf(deploys[0]!, 'image'))).toContain(`${REGISTRY_HOST}/${REPO}@sha256:`);
  });
});
