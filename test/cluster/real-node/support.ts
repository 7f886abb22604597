/**
 * Helpers of the real-node suites: the docs' commands run as written (with `kubectl` on the
 * PATH meaning the cluster's kubectl and kubeconfig), commands run on the node (inside its
 * network namespace), and waits.
 */
import { App } from 'cdk8s';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceEndpointsExercise } from '../../../lib/exercises/service-endpoints-exercise';
import { NODE_IP, inNode } from '../../../tools/cluster/node-network';
import { CLUSTER_DIR, REPO_DIR, engineBinary } from '../../../tools/cluster/paths';
import { DIST_DIR, kubeconfig } from '../support';

export { kubectl, DIST_DIR, objectsOf } from '../support';

/** The exercises that run on a node of their own (8 needs Tekton: another suite). */
export const EXERCISE_FILES = readdirSync(DIST_DIR)
  .filter((f) => /^0[1-7]-.*\.k8s\.yaml$/.test(f))
  .sort();
export const EXERCISE_NAMESPACES = [
  'pod-basics',
  'expose-clusterip',
  'expose-nodeport',
  'service-endpoints',
  'shared-pid',
  'env-config',
  'network-policy',
];
/** The value the tests put in exercise 6's Secret. */
export const DB_PASSWORD = 'not-a-real-password-42';

/** A folder with a `kubectl` that is the cluster's kubectl 1.28 with the cluster's kubeconfig. */
let shimDir: string | undefined;
function kubectlShimDir(): string {
  if (shimDir) return shimDir;
  shimDir = mkdtempSync(join(tmpdir(), 'kubectl-shim-'));
  const shim = join(shimDir, 'kubectl');
  writeFileSync(shim, `#!/bin/sh\nexec '${engineBinary('kubectl')}' --kubeconfig='${kubeconfig()}' "$@"\n`);
  chmodSync(shim, 0o755);
  return shimDir;
}
afterAll(() => {
  if (shimDir) rmSync(shimDir, { recursive: true, force: true });
});

export interface ShellResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Prints what a test changed in a README command before running it (the issue asks for it). */
export function substitution(what: string): void {
  console.log(`substituted: ${what}`);
}

/** Runs a shell command line as a user would type it (in bash when `bash` is set); `kubectl` is the cluster's. */
export function sh(
  command: string,
  options: { input?: string; env?: Record<string, string>; timeoutMs?: number; bash?: boolean } = {},
): ShellResult {
  const result = spawnSync(options.bash ? '/bin/bash' : '/bin/sh', ['-c', command], {
    input: options.input,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    env: { ...process.env, ...options.env, PATH: `${kubectlShimDir()}:${process.env.PATH ?? ''}` },
  });
  return { status: result.status ?? 1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** Like {@link sh}, without waiting: resolves with the exit status (output discarded). */
export function shAsync(command: string, timeoutMs = 60_000): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], {
      stdio: 'ignore',
      timeout: timeoutMs,
      env: { ...process.env, PATH: `${kubectlShimDir()}:${process.env.PATH ?? ''}` },
    });
    child.on('error', () => resolve(127));
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

/** Runs a command on the node (inside its network namespace), where pod and node IPs are reachable. */
export function onNode(executable: string, args: readonly string[], timeoutMs = 30_000): ShellResult {
  const [exe, argv] = inNode(executable, args);
  const result = spawnSync(exe, argv, { encoding: 'utf8', timeout: timeoutMs });
  return { status: result.status ?? 1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** A long-running command line (port-forward), stopped by the returned function. */
export function shInBackground(command: string): { output: () => string; stop: () => Promise<void> } {
  let output = '';
  const child = spawn('/bin/sh', ['-c', `exec ${command}`], {
    env: { ...process.env, PATH: `${kubectlShimDir()}:${process.env.PATH ?? ''}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The exercise's page: docs/exercises/0N-<id>.md. */
export function exercisePage(exercise: number): string {
  const dir = join(REPO_DIR, 'docs', 'exercises');
  const file = readdirSync(dir).find((f) => f.startsWith(`${String(exercise).padStart(2, '0')}-`) && f.endsWith('.md'));
  if (!file) throw new Error(`docs/exercises has no page for exercise ${exercise}`);
  return join(dir, file);
}

/**
 * The commands in backticks of the "What to try" bullet of an exercise's page (`- **3 ...**:`),
 * so that a test runs what the docs say, and fails when they stop saying it.
 */
export function whatToTry(exercise: number): string[] {
  const page = exercisePage(exercise);
  const bullet = readFileSync(page, 'utf8')
    .split('\n')
    .find((line) => line.startsWith(`- **${exercise} `));
  if (!bullet) throw new Error(`${page} has no "What to try" bullet for exercise ${exercise}`);
  return [...bullet.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

/** The docs' command starting with `prefix`, as written there. */
export function readmeCommand(exercise: number, prefix: string): string {
  const command = whatToTry(exercise).find((c) => c.startsWith(prefix));
  if (!command) throw new Error(`The "What to try" of exercise ${exercise} has no command starting with ${JSON.stringify(prefix)}`);
  return command;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value, failing with the last attempt's description. */
export async function until<T>(what: string, check: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

/**
 * `kubectl apply -f` of exercises 1-7 as the docs say, exercise 6's Secret with the docs'
 * command, then a wait for every pod to be Ready; prints the time apply -> Ready. Idempotent,
 * so each suite can call it (a second call finds everything in place).
 */
export async function applyExercises(): Promise<number> {
  const began = Date.now();
  // Exercise 4's documentation addresses (192.0.2.0/24) are this machine's own subnet: never
  // send traffic there. The exercise is synthesized pointing at a backend on the node instead.
  const app = new App({ outdir: join(CLUSTER_DIR, 'exercise-04') });
  new ServiceEndpointsExercise(app, '04-service-endpoints', { addresses: [NODE_IP] });
  const exercise4 = join(CLUSTER_DIR, '04-service-endpoints.node-backend.k8s.yaml');
  writeFileSync(exercise4, app.synthYaml());
  substitution(`dist/04-service-endpoints.k8s.yaml -> the same exercise with addresses [${NODE_IP}] (a backend on the node)`);
  for (const file of EXERCISE_FILES) {
    const path = file.startsWith('04-') ? exercise4 : join(DIST_DIR, file);
    const applied = sh(`kubectl apply -f ${path}`);
    if (applied.status !== 0 || applied.stderr !== '') throw new Error(`kubectl apply -f ${path} failed:\n${applied.stderr}`);
  }
  const firstTime = sh('kubectl get secret env-demo-secret -n env-config').status !== 0;
  if (firstTime) {
    // The README's command, with the value on stdin as it has it after `read -rs`.
    substitution("read -rs -p 'DB_PASSWORD: ' DB_PASSWORD -> DB_PASSWORD set by the test");
    const created = sh(
      `printf '%s' "$DB_PASSWORD" | kubectl create secret generic env-demo-secret -n env-config --from-file=DB_PASSWORD=/dev/stdin`,
      { env: { DB_PASSWORD } },
    );
    if (created.status !== 0) throw new Error(`creating exercise 6's Secret failed:\n${created.stderr}`);
  }
  for (const namespace of EXERCISE_NAMESPACES.filter((ns) => ns !== 'service-endpoints')) {
    const waited = sh(`kubectl wait --for=condition=Ready pod --all -n ${namespace} --timeout=120s`, { timeoutMs: 130_000 });
    if (waited.status !== 0) {
      const pods = sh(`kubectl get pods -n ${namespace} -o wide; kubectl describe pods -n ${namespace} | tail -40`);
      throw new Error(`pods of ${namespace} did not become Ready:\n${waited.stderr}\n${pods.stdout}`);
    }
  }
  const elapsed = Date.now() - began;
  if (firstTime) console.log(`figure: kubectl apply of exercises 1-7 -> every pod Ready in ${elapsed} ms`);
  return elapsed;
}
