/**
 * Shared helpers of the real-engine suites. They run only under `npm run test:cluster`, which
 * starts the local control plane and sets KUBECONFIG to it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiClient, ApiObject } from '../../tools/cluster/api-client';
import { CLUSTER_DIR, engineBinary, REPO_DIR } from '../../tools/cluster/paths';
import { TRIGGERS_RELEASE_DIR } from '../../tools/cluster/tekton-engines';
import { parseManifestText } from '../../lib/tooling/foundation/manifest';

export const DIST_DIR = join(REPO_DIR, 'dist');

export function kubeconfig(): string {
  const path = process.env.KUBECONFIG;
  if (!path) throw new Error('KUBECONFIG is not set: run these suites with `npm run test:cluster`');
  return path;
}

let client: ApiClient | undefined;
/** One client per test file (jest isolates modules per file). */
export function api(): ApiClient {
  client ??= ApiClient.fromKubeconfig(kubeconfig());
  return client;
}
afterAll(() => client?.close());

export interface KubectlResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the cluster's kubectl 1.28 (built with it), as a user would type it. */
export function kubectl(args: readonly string[], input?: string): KubectlResult {
  const result = spawnSync(engineBinary('kubectl'), [`--kubeconfig=${kubeconfig()}`, ...args], {
    input,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status ?? 1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** {@link kubectl} without blocking, so that several can run at once. */
export function kubectlAsync(args: readonly string[]): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = spawn(engineBinary('kubectl'), [`--kubeconfig=${kubeconfig()}`, ...args], { timeout: 120_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => resolve({ status: 127, stdout, stderr: stderr + error.message }));
    child.on('close', (code) => resolve({ status: code ?? 1, stdout, stderr }));
  });
}

/** The dist/ files in apply order (the order the docs give: file names sort that way). */
export function distFiles(): string[] {
  return readdirSync(DIST_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(DIST_DIR, f));
}

/** Every object of the given YAML files, as plain JSON. */
export function objectsOf(files: readonly string[]): ApiObject[] {
  return files.flatMap((file) => parseManifestText(readFileSync(file, 'utf8'), file).objects.map((o) => o.object as ApiObject));
}

/** Installs the vendored Tekton CRDs (server-side: they exceed the client-side annotation limit) and waits until they serve. Idempotent. */
export function installTektonCrds(): void {
  const crdDirs = ['tekton-pipeline', 'tekton-triggers'].map((d) => join(REPO_DIR, 'crds', d));
  const files = crdDirs.flatMap((d) =>
    readdirSync(d)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => join(d, f)),
  );
  const applied = kubectl(['apply', '--server-side', ...files.flatMap((f) => ['-f', f])]);
  if (applied.status !== 0 || applied.stderr !== '') throw new Error(`applying the Tekton CRDs failed:\n${applied.stderr}`);
  // kubectl 1.28's `wait` fails at once ("accessor error: <nil>") on a CRD whose status has no
  // conditions yet, instead of waiting: ask again until every CRD has them.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const established = kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
    if (established.status === 0) return;
    if (!established.stderr.includes('accessor error') || Date.now() > deadline)
      throw new Error(`the Tekton CRDs did not become Established:\n${established.stderr}`);
    spawnSync('sleep', ['0.5']);
  }
}

/** Exercise 8 (Gogs + registry + Tekton) as synthesized, and its objects. */
export const CI_FILE = join(DIST_DIR, '08-ci-pipeline.k8s.yaml');
export const CI_OBJECTS = objectsOf([CI_FILE]);

/** `data[key]` of a ConfigMap of exercise 8 (the app.ini, config.yml, the interceptor's program). */
export function ciConfigMapValue(name: string, key: string): string {
  const configMap = CI_OBJECTS.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
  const value = (configMap?.data as Record<string, unknown> | undefined)?.[key];
  if (typeof value !== 'string') throw new Error(`dist/08 has no ConfigMap ${name} with data ${key}`);
  return value;
}

/**
 * Applies, server-side, what exercise 8 needs: the Tekton CRDs, the Triggers release's ClusterRoles
 * (as a real install has them; the listeners of dist/08 bind none of them, they bring their own roles),
 * and dist/08. Idempotent.
 */
export function installCiExercise(): void {
  installTektonCrds();
  for (const file of [join(TRIGGERS_RELEASE_DIR, '200-clusterrole.yaml'), CI_FILE]) {
    const applied = kubectl(['apply', '--server-side', '-f', file]);
    if (applied.status !== 0) throw new Error(`kubectl apply -f ${file} failed:\n${applied.stderr}`);
  }
}

/** Creates a one-key Secret, replacing one of that name; the value goes through a file, never a command line. */
export function replaceSecret(namespace: string, name: string, key: string, value: string): void {
  kubectl(['-n', namespace, 'delete', 'secret', name, '--ignore-not-found']);
  const file = join(CLUSTER_DIR, `secret-${namespace}-${name}`);
  writeFileSync(file, value, { mode: 0o600 });
  const created = kubectl(['-n', namespace, 'create', 'secret', 'generic', name, `--from-file=${key}=${file}`]);
  if (created.status !== 0) throw new Error(`creating Secret ${namespace}/${name} failed:\n${created.stderr}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it returns `{ done: true }`; on timeout fails with the last `state`,
 * so a failure shows what the cluster looked like rather than just "timeout".
 */
export async function eventually<T>(what: string, probe: () => Promise<{ done: boolean; state: T }>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: { done: boolean; state: T } | undefined;
  for (;;) {
    last = await probe();
    if (last.done) return last.state;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last state:\n${JSON.stringify(last.state, null, 2)}`);
    await sleep(500);
  }
}

/** Waits until the quota controller has filled `status.hard`: until then the quota admission plugin refuses pods ("status unknown for quota"). */
export async function quotaSettled(namespace: string, name: string): Promise<void> {
  await eventually(
    `status.hard of quota ${namespace}/${name}`,
    async () => {
      const quota = await api().get<{ status?: { hard?: object } }>('v1', 'ResourceQuota', name, namespace);
      return { done: !!quota?.status?.hard, state: quota?.status };
    },
    30_000,
  );
}
