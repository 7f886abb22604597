/**
 * The real Tekton engines around the local cluster: Tekton's admission checks (in process), the
 * Triggers core interceptors and an EventListener sink acting with the listener's own
 * ServiceAccount token, and the Pipelines controller. Built by `tools/engines/build.sh tekton`.
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
  return run.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as AdmissionResult);
}

const kubectl = (args: readonly string[], input?: string) =>
  execFileSync(engineBinary('kubectl'), [`--kubeconfig=${KUBECONFIG}`, ...args], {
    encoding: 'utf8',
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
  });

/**
 * Starts the core interceptors on a loopback port and publishes them as the `cel` (and other
 * core) ClusterInterceptors with their caBundle, as the Triggers release's interceptors do.
 */
export async function startCoreInterceptors(): Promise<{ readonly url: string; readonly process: StartedProcess }> {
  const port = await freePort();
  const caFile = join(CLUSTER_DIR, 'core-interceptors-ca.pem');
  const proc = startClusterProcess('core-interceptors', engineBinary('core-interceptors'), [
    `--kubeconfig=${KUBECONFIG}`,
    `--listen=127.0.0.1:${port}`,
    `--ca-file=${caFile}`,
  ]);
  const url = `https://127.0.0.1:${port}`;
  await waitFor(
    'the core interceptors',
    async () => {
      if (!isOurProcessAlive(proc)) throw new Error('core-interceptors exited');
      return existsSync(caFile) && (await httpGet(`${url}/ready`)).status === 200;
    },
    30_000,
  );
  const caBundle = Buffer.from(readFileSync(caFile)).toString('base64');
  const interceptors = ['cel', 'github', 'gitlab', 'bitbucket', 'slack'].map((name) => ({
    apiVersion: 'triggers.tekton.dev/v1alpha1',
    kind: 'ClusterInterceptor',
    metadata: { name, labels: { 'server/type': 'https' } },
    spec: { clientConfig: { url: `${url}/${name}`, caBundle } },
  }));
  kubectl(
    ['apply', '--server-side', '--force-conflicts', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items: interceptors }),
  );
  return { url, process: proc };
}

/**
 * Starts the sink of one EventListener, authenticated as the listener's ServiceAccount with a
 * token from `kubectl create token`: what our RBAC grants that account is all it can do.
 */
export async function startEventListenerSink(
  namespace: string,
  name: string,
  serviceAccount: string,
  port?: number,
): Promise<{ readonly url: string; readonly process: StartedProcess }> {
  const state = readClusterState();
  if (!state) throw new Error('no cluster is running');
  const token = kubectl(['-n', namespace, 'create', 'token', serviceAccount, '--duration=1h']).trim();
  const kubeconfig = join(CLUSTER_DIR, `sink-${namespace}-${name}.kubeconfig`);
  writeKubeconfig(kubeconfig, { server: state.apiServerUrl, certificateAuthority: SERVING_CERT, user: serviceAccount, token, namespace });
  port ??= await freePort();
  const proc = startClusterProcess(`el-sink-${name}`, engineBinary('el-sink'), [
    `--kubeconfig=${kubeconfig}`,
    `--el-name=${name}`,
    `--el-namespace=${namespace}`,
    `--port=${port}`,
  ]);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    `the sink of EventListener ${namespace}/${name}`,
    async () => {
      if (!isOurProcessAlive(proc)) throw new Error(`el-sink-${name} exited`);
      return (await httpGet(`${url}/live`)).status === 200;
    },
    90_000,
  );
  return { url, process: proc };
}

/**
 * Runs the Gogs signature interceptor's program (the `server.js` of its ConfigMap in dist/, byte
 * for byte) as a local Node process reading `secret` from a file, as the pod reads its mounted
 * Secret, and points the Interceptor object at it (its Service is not routable without
 * kube-proxy: the one change a local run needs).
 */
export async function startSignatureInterceptor(
  namespace: string,
  name: string,
  program: string,
  secret: string,
): Promise<{ readonly url: string; readonly process: StartedProcess }> {
  const programFile = join(CLUSTER_DIR, `${name}-server.js`);
  const secretFile = join(CLUSTER_DIR, `${name}-secret`);
  writeFileSync(programFile, program);
  writeFileSync(secretFile, secret, { mode: 0o600 });
  const port = await freePort();
  const proc = startClusterProcess(name, process.execPath, [programFile], {
    PORT: String(port),
    HOST: '127.0.0.1',
    SECRET_FILE: secretFile,
  });
  const url = `http://127.0.0.1:${port}/`;
  await waitFor(
    `the ${name} interceptor`,
    async () => {
      if (!isOurProcessAlive(proc)) throw new Error(`${name} exited`);
      return (await httpGet(`${url}ready`)).status === 200;
    },
    30_000,
  );
  kubectl([
    '-n',
    namespace,
    'patch',
    'interceptors.triggers.tekton.dev',
    name,
    '--type=merge',
    '-p',
    JSON.stringify({ spec: { clientConfig: { service: null, url } } }),
  ]);
  return { url, process: proc };
}

/** The Pipelines release's namespace and config-* ConfigMaps, copied from its module by the build. */
export const PIPELINES_CONFIG_DIR = join(TRIGGERS_RELEASE_DIR, 'pipeline-config');

/**
 * The images the controller puts into the pods it makes (its six required flags). Nothing pulls
 * them here; the names follow the release's (the shell image is the one its Deployment pins).
 */
export const PIPELINES_IMAGES = {
  entrypoint: 'ghcr.io/tektoncd/pipeline/entrypoint:v1.15.0',
  nop: 'ghcr.io/tektoncd/pipeline/nop:v1.15.0',
  sidecarlogresults: 'ghcr.io/tektoncd/pipeline/sidecarlogresults:v1.15.0',
  workingdirinit: 'ghcr.io/tektoncd/pipeline/workingdirinit:v1.15.0',
  shell: 'cgr.dev/chainguard/busybox@sha256:19f02276bf8dbdd62f069b922f10c65262cc34b710eea26ff928129a736be791',
  shellWin: 'mcr.microsoft.com/powershell:nanoserver@sha256:b6d5ff841b78bdf2dfed7550000fd4f3437385b8fa686ec0f010be24777654d6',
} as const;

/**
 * Starts Tekton Pipelines' controller (tools/engines/tekton/cmd/pipelines-controller: Tekton's
 * reconcilers, only a loopback probe server) as the cluster admin, after applying the release's
 * `tekton-pipelines` namespace and config-* ConfigMaps with `featureFlags` set in its
 * feature-flags ConfigMap. Resolves once its informers have synced.
 */
export async function startPipelinesController(
  featureFlags: Record<string, string> = {},
): Promise<{ readonly process: StartedProcess; readonly logFile: string }> {
  kubectl(['apply', '--server-side', '--force-conflicts', '-f', PIPELINES_CONFIG_DIR]);
  if (Object.keys(featureFlags).length > 0) {
    kubectl([
      '-n',
      'tekton-pipelines',
      'patch',
      'configmap',
      'feature-flags',
      '--type=merge',
      '-p',
      JSON.stringify({ data: featureFlags }),
    ]);
  }
  const port = await freePort();
  // What the release's Deployment sets (config/controller.yaml), the namespace as the pod's.
  const env = {
    SYSTEM_NAMESPACE: 'tekton-pipelines',
    KUBERNETES_MIN_VERSION: 'v1.28.0',
    CONFIG_DEFAULTS_NAME: 'config-defaults',
    CONFIG_LOGGING_NAME: 'config-logging',
    CONFIG_OBSERVABILITY_NAME: 'config-observability',
    CONFIG_FEATURE_FLAGS_NAME: 'feature-flags',
    CONFIG_LEADERELECTION_NAME: 'config-leader-election-controller',
    CONFIG_SPIRE: 'config-spire',
    METRICS_DOMAIN: 'tekton.dev/pipeline',
  };
  const proc = startClusterProcess(
    'pipelines-controller',
    engineBinary('pipelines-controller'),
    [
      `--kubeconfig=${KUBECONFIG}`,
      `--probes-address=127.0.0.1:${port}`,
      `-entrypoint-image=${PIPELINES_IMAGES.entrypoint}`,
      `-nop-image=${PIPELINES_IMAGES.nop}`,
      `-sidecarlogresults-image=${PIPELINES_IMAGES.sidecarlogresults}`,
      `-workingdirinit-image=${PIPELINES_IMAGES.workingdirinit}`,
      `-shell-image=${PIPELINES_IMAGES.shell}`,
      `-shell-image-win=${PIPELINES_IMAGES.shellWin}`,
    ],
    env,
  );
  await waitFor(
    'the Tekton Pipelines controller',
    async () => {
      if (!isOurProcessAlive(proc)) throw new Error('pipelines-controller exited');
      return (await httpGet(`http://127.0.0.1:${port}/readiness`)).status === 200;
    },
    60_000,
  );
  return { process: proc, logFile: join(CLUSTER_DIR, 'logs', 'pipelines-controller.log') };
}
