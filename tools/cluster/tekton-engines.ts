/**
 * The real Tekton engines around the local cluster: Tekton's admission checks (in process), the
 * Triggers core interceptors and an EventListener sink acting with the listener's own
 * ServiceAccount token. Built by `tools/engines/build.sh tekton`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLUSTER_DIR, REPO_DIR, engineBinary } from './paths';
import { KUBECONFIG, readClusterState, SERVING_CERT, startClusterProcess, writeKubeconfig } from './local-cluster';
import { freePort, httpGet } from './network';
import { StartedProcess, isOurProcessAlive, waitFor } from './processes';

/** Release manifests of Tekton Triggers v0.37.0 the tests need, copied from its module by the build. */
export const TRIGGERS_RELEASE_DIR = join(REPO_DIR, '.engines', 'tekton-release');

/** One Tekton object as the admission check judged it. */
export interface AdmissionResult {
  readonly file: string;
  readonly document: number;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly errors: readonly string[];
}

/**
 * What Tekton's admission webhooks would say about every Tekton object in `files`: strict decode,
 * defaults, validation on create (tools/engines/tekton/cmd/tekton-admission).
 */
export function tektonAdmission(files: readonly string[]): AdmissionResult[] {
  const run = spawnSync(engineBinary('tekton-admission'), files, { encoding: 'utf8' });
  if (run.status !== 0 && run.status !== 1) throw new Error(`tekton-admission failed (exit ${run.status}): ${run.stderr}`);
  return run.stdout.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as AdmissionResult);
}

const kubectl = (args: readonly string[], input?: string) =>
  execFileSync(engineBinary('kubectl'), [`--kubeconfig=${KUBECONFIG}`, ...args], { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });

/**
 * Starts the core interceptors on a loopback port and publishes them as the `cel` (and other
 * core) ClusterInterceptors with their caBundle, as the Triggers release's interceptors do.
 */
export async function startCoreInterceptors(): Promise<{ readonly url: string; readonly process: StartedProcess }> {
  const port = await freePort();
  const caFile = join(CLUSTER_DIR, 'core-interceptors-ca.pem');
  const proc = startClusterProcess('core-interceptors', engineBinary('core-interceptors'), [`--kubeconfig=${KUBECONFIG}`, `--listen=127.0.0.1:${port}`, `--ca-file=${caFile}`]);
  const url = `https://127.0.0.1:${port}`;
  await waitFor('the core interceptors', async () => {
    if (!isOurProcessAlive(proc)) throw new Error('core-interceptors exited');
    return existsSync(caFile) && (await httpGet(`${url}/ready`)).status === 200;
  }, 30_000);
  const caBundle = Buffer.from(readFileSync(caFile)).toString('base64');
  const interceptors = ['cel', 'github', 'gitlab', 'bitbucket', 'slack'].map((name) => ({
    apiVersion: 'triggers.tekton.dev/v1alpha1',
    kind: 'ClusterInterceptor',
    metadata: { name, labels: { 'server/type': 'https' } },
    spec: { clientConfig: { url: `${url}/${name}`, caBundle } },
  }));
  kubectl(['apply', '--server-side', '--force-conflicts', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: interceptors }));
  return { url, process: proc };
}

/**
 * Starts the sink of one EventListener, authenticated as the listener's ServiceAccount with a
 * token from `kubectl create token`: what our RBAC grants that account is all it can do.
 */
export async function startEventListenerSink(namespace: string, name: string, serviceAccount: string, port?: number): Promise<{ readonly url: string; readonly process: StartedProcess }> {
  const state = readClusterState();
  if (!state) throw new Error('no cluster is running');
  const token = kubectl(['-n', namespace, 'create', 'token', serviceAccount, '--duration=1h']).trim();
  const kubeconfig = join(CLUSTER_DIR, `sink-${namespace}-${name}.kubeconfig`);
  writeKubeconfig(kubeconfig, { server: state.apiServerUrl, certificateAuthority: SERVING_CERT, user: serviceAccount, token, namespace });
  port ??= await freePort();
  const proc = startClusterProcess(`el-sink-${name}`, engineBinary('el-sink'), [`--kubeconfig=${kubeconfig}`, `--el-name=${name}`, `--el-namespace=${namespace}`, `--port=${port}`]);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`the sink of EventListener ${namespace}/${name}`, async () => {
    if (!isOurProcessAlive(proc)) throw new Error(`el-sink-${name} exited`);
    return (await httpGet(`${url}/live`)).status === 200;
  }, 90_000);
  return { url, process: proc };
}

/**
 * Runs the Gogs signature interceptor's program (the `server.js` of its ConfigMap in dist/, byte
 * for byte) as a local Node process reading `secret` from a file, as the pod reads its mounted
 * Secret, and points the Interceptor object at it (its Service is not routable without
 * kube-proxy: the one change a local run needs).
 */
export async function startSignatureInterceptor(namespace: string, name: string, program: string, secret: string): Promise<{ readonly url: string; readonly process: StartedProcess }> {
  const programFile = join(CLUSTER_DIR, `${name}-server.js`);
  const secretFile = join(CLUSTER_DIR, `${name}-secret`);
  writeFileSync(programFile, program);
  writeFileSync(secretFile, secret, { mode: 0o600 });
  const port = await freePort();
  const proc = startClusterProcess(name, process.execPath, [programFile], { PORT: String(port), HOST: '127.0.0.1', SECRET_FILE: secretFile });
  const url = `http://127.0.0.1:${port}/`;
  await waitFor(`the ${name} interceptor`, async () => {
    if (!isOurProcessAlive(proc)) throw new Error(`${name} exited`);
    return (await httpGet(`${url}ready`)).status === 200;
  }, 30_000);
  kubectl(['-n', namespace, 'patch', 'interceptors.triggers.tekton.dev', name, '--type=merge', '-p', JSON.stringify({ spec: { clientConfig: { service: null, url } } })]);
  return { url, process: proc };
}
