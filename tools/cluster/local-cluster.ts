/**
 * A real Kubernetes 1.28 control plane on 127.0.0.1, without Docker or a kubelet.
 *
 * The components start in the order a cluster's control plane comes up: etcd (the store),
 * kube-apiserver (the only client of etcd), kube-controller-manager and kube-scheduler (clients
 * of the API server), and kwok, which plays the kubelet of a few fake nodes: it marks them
 * Ready, gives each scheduled pod an IP and reports its containers running, and completes
 * Tekton's TaskRun pods with their step results (tools/cluster/kwok-stages/). No container runs.
 *
 * State lives in CLUSTER_DIR: `kubeconfig`, `state.json` (PIDs and ports), `logs/`.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts, httpGet } from './network';
import { CLUSTER_DIR, KWOK_STAGES_DIR, OWN_KWOK_STAGES_DIR, engineBinary } from './paths';
import { StartedProcess, isOurProcessAlive, startProcess, stopProcess, waitFor } from './processes';

/** What a running cluster recorded about itself. */
export interface ClusterState {
  readonly apiServerUrl: string;
  readonly kubeconfig: string;
  /** In start order; stopped in reverse. */
  readonly processes: StartedProcess[];
  readonly ports: Record<string, number>;
}

/** Options of {@link startCluster}. */
export interface ClusterOptions {
  /** Fake nodes to create. @default 3 */
  readonly nodes?: number;
  /** Called with a line per event (component started, ...). @default console.log */
  readonly log?: (line: string) => void;
}

/** The Service ClusterIP range. Pods get IPs from kwok's range, kept apart from it. */
export const SERVICE_CIDR = '10.96.0.0/16';
export const POD_CIDR = '10.244.0.0/16';
/** The stock kwok stages this cluster loads (node lifecycle, pod lifecycle). */
export const KWOK_STAGES = [
  'node-initialize.yaml',
  'node-heartbeat-with-lease.yaml',
  'pod-ready.yaml',
  'pod-complete.yaml',
  'pod-delete.yaml',
];

const STATE_FILE = join(CLUSTER_DIR, 'state.json');
const LOG_DIR = join(CLUSTER_DIR, 'logs');
export const KUBECONFIG = join(CLUSTER_DIR, 'kubeconfig');

/** The API server's serving certificate (with its CA), written by the API server on start. */
export const SERVING_CERT = join(CLUSTER_DIR, 'pki', 'apiserver.crt');

/** Writes a kubeconfig (mode 0600) for one token-authenticated user of the local cluster. */
export function writeKubeconfig(
  path: string,
  options: { server: string; certificateAuthority: string; user: string; token: string; namespace?: string },
): void {
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: local',
      '  cluster:',
      `    server: ${options.server}`,
      `    certificate-authority: ${options.certificateAuthority}`,
      'users:',
      `- name: ${options.user}`,
      '  user:',
      `    token: ${options.token}`,
      'contexts:',
      '- name: local',
      `  context: {cluster: local, user: ${options.user}${options.namespace ? `, namespace: ${options.namespace}` : ''}}`,
      'current-context: local',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
}

/** Reads the state of the cluster started last, if its state file exists. */
export function readClusterState(): ClusterState | undefined {
  if (!existsSync(STATE_FILE)) return undefined;
  return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as ClusterState;
}

/** The engine binaries the cluster needs, with the command that provides each missing one. */
export function missingEngines(): string[] {
  const missing: string[] = [];
  for (const name of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl', 'kwok']) {
    if (!existsSync(engineBinary(name))) missing.push(`${engineBinary(name)} (build it: tools/engines/build.sh; needs Go)`);
  }
  if (!existsSync('/usr/bin/etcd')) missing.push('/usr/bin/etcd (install it: apt-get install etcd-server)');
  for (const stage of KWOK_STAGES) {
    if (!existsSync(join(KWOK_STAGES_DIR, stage))) missing.push(`${join(KWOK_STAGES_DIR, stage)} (copied by tools/engines/build.sh kwok)`);
  }
  return missing;
}

function tail(file: string, lines = 15): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Starts the cluster and resolves once every component is healthy and the nodes are Ready.
 * Stops whatever a previous run left behind first. On failure, everything started so far is
 * stopped before the error propagates.
 */
export async function startCluster(options: ClusterOptions = {}): Promise<ClusterState> {
  const log = options.log ?? ((line: string) => console.log(line));
  const missing = missingEngines();
  if (missing.length > 0) throw new Error(`the local cluster needs:\n  ${missing.join('\n  ')}`);

  // Never take over a cluster another run (or a cluster:up) still has running: stopping it
  // would break that run. Leftovers of a run that was killed are stopped by cluster:down.
  const previous = readClusterState();
  const running = previous?.processes.filter(isOurProcessAlive) ?? [];
  if (running.length > 0) {
    throw new Error(
      `a local cluster is already running (${running.map((p) => `${p.name} pid ${p.pid}`).join(', ')}): ` +
        'use it (KUBECONFIG=.cluster/kubeconfig), or stop it first with `npm run cluster:down`',
    );
  }
  await stopCluster({ log: () => undefined });
  rmSync(CLUSTER_DIR, { recursive: true, force: true });
  mkdirSync(LOG_DIR, { recursive: true });

  const [etcdClient, etcdPeer, apiServer, controllerManager, scheduler] = await freePorts(5);
  const ports = { etcdClient, etcdPeer, apiServer, controllerManager, scheduler } as Record<string, number>;
  const apiServerUrl = `https://127.0.0.1:${apiServer}`;
  const token = randomBytes(24).toString('hex');
  const processes: StartedProcess[] = [];
  const state: ClusterState = { apiServerUrl, kubeconfig: KUBECONFIG, processes, ports };
  const save = () => writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));

  const pki = join(CLUSTER_DIR, 'pki');
  mkdirSync(pki, { recursive: true });
  // Service account tokens are signed with this key (`kubectl create token` needs it).
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(pki, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  // One static admin identity in system:masters: enough for the tests and the learner.
  writeFileSync(join(pki, 'tokens.csv'), `${token},admin,admin,"system:masters"\n`, { mode: 0o600 });
  // The API server writes its self-signed serving certificate (and CA) here on start.
  const servingCert = SERVING_CERT;

  writeKubeconfig(KUBECONFIG, { server: apiServerUrl, certificateAuthority: servingCert, user: 'admin', token });

  const start = async (name: string, executable: string, args: string[], healthy: () => Promise<boolean>, timeoutMs = 60_000) => {
    const began = Date.now();
    const logFile = join(LOG_DIR, `${name}.log`);
    const proc = startProcess(name, executable, args, logFile);
    processes.push(proc);
    save();
    await waitFor(
      `${name} to become healthy`,
      async () => {
        if (!isOurProcessAlive(proc)) throw new Error(`${name} exited`);
        return healthy();
      },
      timeoutMs,
      () => `\n--- last lines of ${logFile} ---\n${tail(logFile)}`,
    ).catch(async (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(message.includes('exited') ? `${name} exited during start-up\n--- ${logFile} ---\n${tail(logFile)}` : message);
    });
    log(`cluster: ${name.padEnd(24)} healthy after ${String(Date.now() - began).padStart(5)} ms  (pid ${proc.pid})`);
  };
  const ok =
    (url: string, headers: Record<string, string> = {}) =>
    async () =>
      (await httpGet(url, headers)).status === 200;

  try {
    await start(
      'etcd',
      '/usr/bin/etcd',
      [
        '--name=local',
        `--data-dir=${join(CLUSTER_DIR, 'etcd')}`,
        `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
        `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-cluster=local=http://127.0.0.1:${etcdPeer}`,
        '--unsafe-no-fsync', // a throw-away test store: durability is not needed, speed is
      ],
      ok(`http://127.0.0.1:${etcdClient}/health`),
    );

    await start(
      'kube-apiserver',
      engineBinary('kube-apiserver'),
      [
        `--etcd-servers=http://127.0.0.1:${etcdClient}`,
        `--cert-dir=${pki}`,
        `--secure-port=${apiServer}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        '--allow-privileged=true',
        '--authorization-mode=RBAC',
        `--token-auth-file=${join(pki, 'tokens.csv')}`,
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${join(pki, 'sa.key')}`,
        `--service-account-signing-key-file=${join(pki, 'sa.key')}`,
        // The API server would publish 127.0.0.1 as the `kubernetes` Service's endpoint, which
        // Endpoints validation refuses (loopback); nothing here needs that Service.
        '--endpoint-reconciler-type=none',
      ],
      ok(`${apiServerUrl}/readyz`, { authorization: `Bearer ${token}` }),
      120_000,
    );

    const clientFlags = [
      `--kubeconfig=${KUBECONFIG}`,
      `--authentication-kubeconfig=${KUBECONFIG}`,
      `--authorization-kubeconfig=${KUBECONFIG}`,
      '--bind-address=127.0.0.1',
      '--leader-elect=false',
    ];
    await start(
      'kube-controller-manager',
      engineBinary('kube-controller-manager'),
      [
        ...clientFlags,
        `--secure-port=${controllerManager}`,
        `--service-account-private-key-file=${join(pki, 'sa.key')}`,
        `--root-ca-file=${servingCert}`,
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        // Quota usage is recomputed on this period; the default 5 min is too slow for tests.
        '--resource-quota-sync-period=10s',
        // The default client rate (20 requests/s) lets a burst of namespace deletions (the
        // validator suite makes hundreds) delay the endpoint controllers by minutes.
        '--kube-api-qps=200',
        '--kube-api-burst=400',
      ],
      ok(`https://127.0.0.1:${controllerManager}/healthz`),
    );

    await start(
      'kube-scheduler',
      engineBinary('kube-scheduler'),
      [...clientFlags, `--secure-port=${scheduler}`],
      ok(`https://127.0.0.1:${scheduler}/healthz`),
    );

    createNodes(options.nodes ?? 3);
    await start(
      'kwok',
      engineBinary('kwok'),
      [
        `--kubeconfig=${KUBECONFIG}`,
        '--manage-all-nodes=true',
        `--cidr=${POD_CIDR}`,
        ...KWOK_STAGES.flatMap((stage) => ['--config', join(KWOK_STAGES_DIR, stage)]),
        ...readdirSync(OWN_KWOK_STAGES_DIR)
          .filter((f) => f.endsWith('.yaml'))
          .sort()
          .flatMap((stage) => ['--config', join(OWN_KWOK_STAGES_DIR, stage)]),
      ],
      nodesReady,
      60_000,
    );
    save();
    return state;
  } catch (error) {
    await stopCluster({ log });
    throw error;
  }
}

/**
 * Starts a process that belongs to the running cluster (a test's EventListener sink, say) and
 * records it in the state file, so `stopCluster` stops it even when the test that started it
 * was killed before its own clean-up ran.
 */
export function startClusterProcess(
  name: string,
  executable: string,
  args: readonly string[],
  env?: NodeJS.ProcessEnv,
  runs?: string,
): StartedProcess {
  const state = readClusterState();
  if (!state) throw new Error('no cluster is running (npm run cluster:up)');
  const proc = startProcess(name, executable, args, join(LOG_DIR, `${name}.log`), env, runs);
  state.processes.push(proc);
  writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
  return proc;
}

/** Runs the cluster's own kubectl (1.28) against it. Throws with stderr when it fails. */
export function kubectlJson<T = unknown>(args: readonly string[]): T {
  const out = execFileSync(engineBinary('kubectl'), [`--kubeconfig=${KUBECONFIG}`, ...args, '-o', 'json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out) as T;
}

function createNodes(count: number): void {
  const nodes = Array.from({ length: count }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: `kwok-node-${i}`,
      labels: { 'kubernetes.io/hostname': `kwok-node-${i}`, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', type: 'kwok' },
      annotations: { 'kwok.x-k8s.io/node': 'fake' },
    },
    // The size of a small real node, so that scheduling and quota figures stay realistic.
    status: { allocatable: { cpu: '4', memory: '16Gi', pods: '110' }, capacity: { cpu: '4', memory: '16Gi', pods: '110' } },
  }));
  execFileSync(engineBinary('kubectl'), [`--kubeconfig=${KUBECONFIG}`, 'create', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: nodes }),
    stdio: ['pipe', 'ignore', 'pipe'],
  });
}

async function nodesReady(): Promise<boolean> {
  const list = kubectlJson<{ items: { status?: { conditions?: { type: string; status: string }[] } }[] }>(['get', 'nodes']);
  return (
    list.items.length > 0 && list.items.every((node) => node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
  );
}

/**
 * Stops every process the last `startCluster` recorded, in reverse start order, and waits for
 * each to exit. Safe to call when nothing runs. Keeps the logs; removes etcd's data.
 */
export async function stopCluster(options: { log?: (line: string) => void } = {}): Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  const state = readClusterState();
  if (!state) return;
  for (const proc of [...state.processes].reverse()) {
    const began = Date.now();
    if (await stopProcess(proc)) log(`cluster: stopped ${proc.name} (pid ${proc.pid}) in ${Date.now() - began} ms`);
  }
  rmSync(STATE_FILE, { force: true });
  rmSync(join(CLUSTER_DIR, 'etcd'), { recursive: true, force: true });
}

/** The component logs of the last run (name -> path), for failure reports. */
export function clusterLogs(): Record<string, string> {
  if (!existsSync(LOG_DIR)) return {};
  return Object.fromEntries(readdirSync(LOG_DIR).map((file) => [file.replace(/\.log$/, ''), join(LOG_DIR, file)]));
}
