/**
 * A real Kubernetes 1.28 cluster on this machine, without Docker, with one of two kinds of node.
 *
 * The components start in the order a cluster comes up: etcd (the store), kube-apiserver (the
 * only client of etcd), kube-controller-manager and kube-scheduler (clients of the API server),
 * then the node:
 * - `kwok` (the fast path): the control plane on 127.0.0.1, and kwok playing the kubelet of a
 *   few fake nodes: it marks them Ready, gives each scheduled pod an IP, reports its containers
 *   running, and completes Tekton's TaskRun pods with their step results
 *   (tools/cluster/kwok-stages/). No container runs.
 * - `real`: everything inside the node's own network namespace (`node-network.ts`), then
 *   containerd, the kubelet, kube-proxy, the NetworkPolicy enforcer and CoreDNS
 *   (`real-node.ts`): pods really run. The host reaches the API server through a loopback
 *   forwarder (`api-forwarder.ts`).
 *
 * State lives in CLUSTER_DIR: `kubeconfig`, `state.json` (PIDs and ports), `logs/`.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts, httpGet } from './network';
import { CLUSTER_DIR, DEFAULT_CLUSTER_DIR, KWOK_STAGES_DIR, OWN_KWOK_STAGES_DIR, engineBinary } from './paths';
import { isSignallablePid, readStateFile, resetClusterDir, writeStateFile } from './cluster-dir';
import { StartedProcess, isOurProcessAlive, startProcess, stopProcess, waitFor } from './processes';
import { NODE_IP, NODE_NAME, createNodeNetwork, deleteNodeNetwork, healthyInNode, inNode, nodeNetworkExists } from './node-network';
import { NodeApiServerPki, makeApiServerPki, makeEtcdPki } from './node-pki';
import { RealNodeState, cleanUpNodeHost, missingForRealNode, recordHostBefore, removeNodeContainers, startRealNode } from './real-node';
import { RUNTIME_PATHS } from './host-state';
import { apiForwarders } from './api-forwarder';
import { KUBE_ROUTER_USER } from './node-addons';

/** The kind of node the cluster runs: kwok's fake nodes, or one real node. */
export type NodeKind = 'kwok' | 'real';

/** What a running cluster recorded about itself. */
export interface ClusterState {
  readonly apiServerUrl: string;
  readonly kubeconfig: string;
  /** In start order; stopped in reverse. */
  readonly processes: StartedProcess[];
  readonly ports: Record<string, number>;
  /** Absent in state files of the kwok-only tool. @default 'kwok' */
  readonly node?: NodeKind;
  /** What the real node changes on the host, as it was before (real nodes only). */
  readonly realNode?: RealNodeState;
}

/** Options of {@link startCluster}. */
export interface ClusterOptions {
  /** Which node: kwok's fake ones (fast, no container runs) or a real one. @default 'kwok' */
  readonly node?: NodeKind;
  /** Fake nodes to create (kwok only). @default 3 */
  readonly nodes?: number;
  /** Called with a line per event (component started, ...). @default console.log */
  readonly log?: (line: string) => void;
}

/** The Service ClusterIP range. Pods get IPs from the pod range, kept apart from it. */
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

/**
 * The API server's self-signed serving certificate on a kwok cluster (its own CA), which the
 * kubeconfig trusts. A real-node cluster's kubeconfig trusts `pki/ca.crt` instead.
 */
export const SERVING_CERT = join(CLUSTER_DIR, 'pki', 'apiserver.crt');

/** Ports inside the real node's network namespace (nothing else listens there). */
const IN_NODE_PORTS = { etcdClient: 2379, etcdPeer: 2380, apiServer: 6443, controllerManager: 10257, scheduler: 10259 };

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
  const state = readStateFile<ClusterState>(STATE_FILE);
  if (!state) return undefined;
  // A PID that cannot name one process of ours (0, 1, negative, this process) is never signalled.
  const usable = (state.processes ?? []).filter((proc) => isSignallablePid(proc.pid));
  if (usable.length !== (state.processes ?? []).length) {
    console.error(`cluster: ${STATE_FILE} names PIDs that cannot be ours; they are ignored`);
  }
  return { ...state, processes: usable };
}

/** The engine binaries the cluster needs, with the command that provides each missing one. */
export function missingEngines(node: NodeKind = 'kwok'): string[] {
  const missing: string[] = [];
  const binaries = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl', ...(node === 'kwok' ? ['kwok'] : [])];
  for (const name of binaries) {
    if (!existsSync(engineBinary(name))) missing.push(`${engineBinary(name)} (build it: tools/engines/build.sh; needs Go)`);
  }
  if (!existsSync('/usr/bin/etcd')) missing.push('/usr/bin/etcd (install it: apt-get install etcd-server)');
  if (node === 'kwok') {
    for (const stage of KWOK_STAGES) {
      if (!existsSync(join(KWOK_STAGES_DIR, stage)))
        missing.push(`${join(KWOK_STAGES_DIR, stage)} (copied by tools/engines/build.sh kwok)`);
    }
  } else {
    missing.push(...missingForRealNode());
  }
  return missing;
}

function tail(file: string, lines = 15): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** Set by {@link abortStart}: a start in progress starts nothing more. */
let startAborted = false;

/**
 * Makes a `startCluster` in progress start no further process (for a signal handler that is
 * about to stop the cluster: without it, a component started after the stop read the state
 * file would be left running).
 */
export function abortStart(): void {
  startAborted = true;
}

/**
 * Starts the cluster and resolves once every component is healthy and the nodes are Ready.
 * Stops whatever a previous run left behind first. On failure, everything started so far is
 * stopped before the error propagates.
 */
export async function startCluster(options: ClusterOptions = {}): Promise<ClusterState> {
  const log = options.log ?? ((line: string) => console.log(line));
  const node = options.node ?? 'kwok';
  const missing = missingEngines(node);
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
  resetClusterDir(CLUSTER_DIR, CLUSTER_DIR === DEFAULT_CLUSTER_DIR);
  mkdirSync(LOG_DIR, { recursive: true });

  const real = node === 'real';
  const [etcdClient, etcdPeer, apiServer, controllerManager, scheduler] = real
    ? [IN_NODE_PORTS.etcdClient, IN_NODE_PORTS.etcdPeer, IN_NODE_PORTS.apiServer, IN_NODE_PORTS.controllerManager, IN_NODE_PORTS.scheduler]
    : await freePorts(5);
  // A real node's control plane listens inside the node's namespace; the host's end of the
  // forwarder is the only port on the host's loopback.
  const hostApiPort = real ? (await freePorts(1))[0]! : apiServer!;
  const ports = { etcdClient, etcdPeer, apiServer, controllerManager, scheduler, hostApiServer: hostApiPort } as Record<string, number>;
  const apiServerUrl = `https://127.0.0.1:${hostApiPort}`;
  const innerApiServerUrl = `https://127.0.0.1:${apiServer}`;
  const token = randomBytes(24).toString('hex');
  const processes: StartedProcess[] = [];
  const realNode = real ? recordHostBefore(CLUSTER_DIR, RUNTIME_PATHS) : undefined;
  const state: ClusterState = { apiServerUrl, kubeconfig: KUBECONFIG, processes, ports, node, realNode };
  const save = () => writeStateFile(STATE_FILE, state);
  save();

  const pki = join(CLUSTER_DIR, 'pki');
  mkdirSync(pki, { recursive: true, mode: 0o700 });
  // Service account tokens are signed with this key (`kubectl create token` needs it).
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(pki, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  // Static token identities: the admin (system:masters) for the tests and the learner, and on a
  // real node the node's components, each with only its own role.
  const nodeTokens = {
    node: randomBytes(24).toString('hex'),
    'kube-proxy': randomBytes(24).toString('hex'),
    'kube-router': randomBytes(24).toString('hex'),
  };
  const tokenLines = [`${token},admin,admin,"system:masters"`];
  if (real) {
    tokenLines.push(`${nodeTokens.node},system:node:${NODE_NAME},node,"system:nodes"`);
    tokenLines.push(`${nodeTokens['kube-proxy']},system:kube-proxy,kube-proxy`);
    tokenLines.push(`${nodeTokens['kube-router']},${KUBE_ROUTER_USER},kube-router`);
  }
  writeFileSync(join(pki, 'tokens.csv'), `${tokenLines.join('\n')}\n`, { mode: 0o600 });
  // kwok: the API server writes its self-signed serving certificate (its own CA) on start. Real
  // node: a CA of ours signs it for every name pods and the host use (apiserver.crt is that CA).
  const apiPki: NodeApiServerPki | undefined = real
    ? makeApiServerPki(pki, { nodeIp: NODE_IP, serviceIp: '10.96.0.1', nodeName: NODE_NAME })
    : undefined;
  const servingCert = apiPki ? apiPki.caCert : SERVING_CERT;
  const etcdPki = makeEtcdPki(pki);

  writeKubeconfig(KUBECONFIG, { server: apiServerUrl, certificateAuthority: servingCert, user: 'admin', token });
  // What the components inside the node's namespace use (the host's forwarder is not there).
  const innerKubeconfig = join(CLUSTER_DIR, 'kubeconfig.in-node');
  writeKubeconfig(innerKubeconfig, { server: innerApiServerUrl, certificateAuthority: servingCert, user: 'admin', token });

  const start = async (name: string, executable: string, args: string[], healthy: () => Promise<boolean>, timeoutMs = 60_000) => {
    const began = Date.now();
    const logFile = join(LOG_DIR, `${name}.log`);
    if (startAborted) throw new Error(`start-up interrupted before ${name}`);
    const [exe, argv] = real ? inNode(executable, args) : [executable, args];
    const proc = startProcess(name, exe, argv, logFile, process.env, executable);
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
  // Health endpoints of components inside the node's namespace are probed from there.
  const okInside = (url: string) => (real ? healthyInNode(url) : ok(url));

  try {
    if (real) {
      createNodeNetwork(SERVICE_CIDR);
      log(`cluster: ${'node network namespace'.padEnd(24)} created: ${NODE_IP} (ip netns exec k8s-practice-node ...)`);
    }
    await start(
      'etcd',
      '/usr/bin/etcd',
      [
        '--name=local',
        `--data-dir=${join(CLUSTER_DIR, 'etcd')}`,
        `--listen-client-urls=https://127.0.0.1:${etcdClient}`,
        `--advertise-client-urls=https://127.0.0.1:${etcdClient}`,
        `--listen-peer-urls=https://127.0.0.1:${etcdPeer}`,
        `--initial-advertise-peer-urls=https://127.0.0.1:${etcdPeer}`,
        `--initial-cluster=local=https://127.0.0.1:${etcdPeer}`,
        // TLS with client certificates, as kubeadm sets it up: only the API server's gets in.
        `--cert-file=${etcdPki.serverCert}`,
        `--key-file=${etcdPki.serverKey}`,
        `--trusted-ca-file=${etcdPki.caCert}`,
        '--client-cert-auth=true',
        `--peer-cert-file=${etcdPki.serverCert}`,
        `--peer-key-file=${etcdPki.serverKey}`,
        `--peer-trusted-ca-file=${etcdPki.caCert}`,
        '--peer-client-cert-auth=true',
        '--unsafe-no-fsync', // a throw-away test store: durability is not needed, speed is
      ],
      real
        ? healthyInNode(`https://127.0.0.1:${etcdClient}/health`, { cert: etcdPki.apiServerClientCert, key: etcdPki.apiServerClientKey })
        : async () =>
            (
              await httpGet(`https://127.0.0.1:${etcdClient}/health`, {}, 2000, {
                cert: etcdPki.apiServerClientCert,
                key: etcdPki.apiServerClientKey,
              })
            ).status === 200,
    );

    const apiServerFlags = real
      ? [
          // Inside the node's namespace: its addresses are lo, the node's and the pods' gateway.
          '--bind-address=0.0.0.0',
          `--advertise-address=${NODE_IP}`,
          `--tls-cert-file=${apiPki!.servingCert}`,
          `--tls-private-key-file=${apiPki!.servingKey}`,
          '--authorization-mode=Node,RBAC',
          '--enable-admission-plugins=NodeRestriction',
          `--kubelet-client-certificate=${apiPki!.kubeletClientCert}`,
          `--kubelet-client-key=${apiPki!.kubeletClientKey}`,
          `--kubelet-certificate-authority=${apiPki!.caCert}`,
          '--kubelet-preferred-address-types=InternalIP',
        ]
      : [
          `--cert-dir=${pki}`,
          '--bind-address=127.0.0.1',
          '--advertise-address=127.0.0.1',
          '--authorization-mode=RBAC',
          // The API server would publish 127.0.0.1 as the `kubernetes` Service's endpoint, which
          // Endpoints validation refuses (loopback); nothing on kwok nodes needs that Service.
          '--endpoint-reconciler-type=none',
        ];
    await start(
      'kube-apiserver',
      engineBinary('kube-apiserver'),
      [
        `--etcd-servers=https://127.0.0.1:${etcdClient}`,
        `--etcd-cafile=${etcdPki.caCert}`,
        `--etcd-certfile=${etcdPki.apiServerClientCert}`,
        `--etcd-keyfile=${etcdPki.apiServerClientKey}`,
        `--secure-port=${apiServer}`,
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        '--allow-privileged=true',
        `--token-auth-file=${join(pki, 'tokens.csv')}`,
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${join(pki, 'sa.key')}`,
        `--service-account-signing-key-file=${join(pki, 'sa.key')}`,
        ...apiServerFlags,
      ],
      real ? healthyInNode(`${innerApiServerUrl}/livez`) : ok(`${apiServerUrl}/readyz`, { authorization: `Bearer ${token}` }),
      120_000,
    );
    if (real) {
      if (startAborted) throw new Error('start-up interrupted before the API server forwarder');
      for (const forwarder of apiForwarders(join(CLUSTER_DIR, 'apiserver.sock'), hostApiPort, apiServer!)) {
        const logFile = join(LOG_DIR, `${forwarder.name}.log`);
        const proc = startProcess(forwarder.name, forwarder.executable, forwarder.args, logFile, process.env, '/usr/bin/socat');
        processes.push(proc);
        save();
      }
      await waitFor(
        'the API server through the host forwarder',
        ok(`${apiServerUrl}/readyz`, { authorization: `Bearer ${token}` }),
        30_000,
      );
      log(`cluster: ${'api forwarder'.padEnd(24)} ${apiServerUrl} -> ${NODE_IP}:${apiServer} (node namespace)`);
    }

    const clientFlags = (kubeconfig: string) => [
      `--kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      '--bind-address=127.0.0.1',
      '--leader-elect=false',
    ];
    const componentKubeconfig = real ? innerKubeconfig : KUBECONFIG;
    await start(
      'kube-controller-manager',
      engineBinary('kube-controller-manager'),
      [
        ...clientFlags(componentKubeconfig),
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
        // A real node gets its pod range (spec.podCIDR) from here, as on kubeadm clusters.
        ...(real ? ['--allocate-node-cidrs=true', `--cluster-cidr=${POD_CIDR}`, '--node-cidr-mask-size=24'] : []),
      ],
      okInside(`https://127.0.0.1:${controllerManager}/healthz`),
    );

    await start(
      'kube-scheduler',
      engineBinary('kube-scheduler'),
      [...clientFlags(componentKubeconfig), `--secure-port=${scheduler}`],
      okInside(`https://127.0.0.1:${scheduler}/healthz`),
    );

    if (real) {
      await startRealNode(
        {
          clusterDir: CLUSTER_DIR,
          start,
          kubeconfigFor: (user) => {
            const path = join(CLUSTER_DIR, `kubeconfig.${user}`);
            const name = { node: `system:node:${NODE_NAME}`, 'kube-proxy': 'system:kube-proxy', 'kube-router': KUBE_ROUTER_USER }[user];
            writeKubeconfig(path, { server: innerApiServerUrl, certificateAuthority: servingCert, user: name, token: nodeTokens[user] });
            return path;
          },
          apply: (objects) => kubectlApply(objects),
          waitFor: (what, check, timeoutMs) => waitFor(what, check, timeoutMs),
          nodeReady: nodesReady,
          coreDnsReady,
          log,
        },
        realNode!,
      );
    } else {
      createNodes(options.nodes ?? 3);
      await start(
        'kwok',
        engineBinary('kwok'),
        [
          `--kubeconfig=${KUBECONFIG}`,
          '--manage-all-nodes=true',
          `--cidr=${POD_CIDR}`,
          // Leases are the nodes' heartbeat the node lifecycle controller reads (its grace period
          // is 40 s): without them it marks every node's pods NotReady about 45 s after start.
          '--node-lease-duration-seconds=40',
          ...KWOK_STAGES.flatMap((stage) => ['--config', join(KWOK_STAGES_DIR, stage)]),
          ...readdirSync(OWN_KWOK_STAGES_DIR)
            .filter((f) => f.endsWith('.yaml'))
            .sort()
            .flatMap((stage) => ['--config', join(OWN_KWOK_STAGES_DIR, stage)]),
        ],
        nodesReady,
        60_000,
      );
    }
    save();
    return state;
  } catch (error) {
    await stopCluster({ log });
    throw error;
  }
}

/** Applies objects with the cluster's kubectl, as the admin. */
export function kubectlApply(objects: readonly unknown[]): void {
  execFileSync(engineBinary('kubectl'), [`--kubeconfig=${KUBECONFIG}`, 'apply', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
    stdio: ['pipe', 'ignore', 'pipe'],
  });
}

async function coreDnsReady(): Promise<boolean> {
  const list = kubectlJson<{ items: { status?: { conditions?: { type: string; status: string }[] } }[] }>([
    'get',
    'pods',
    '-n',
    'kube-system',
    '-l',
    'k8s-app=kube-dns',
  ]);
  return list.items.some((pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
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
  writeStateFile(STATE_FILE, state);
  return proc;
}

/**
 * Stops one component of the running cluster (SIGTERM, as a service manager would) and leaves
 * it stopped until {@link startClusterProcessAgain}: for the experiments of what the others do
 * while it is away. Resolves once it has exited.
 */
export async function stopClusterProcess(name: string): Promise<void> {
  const state = readClusterState();
  const proc = state?.processes.find((p) => p.name === name);
  if (!proc) throw new Error(`the running cluster has no process named ${name}`);
  await stopProcess(proc);
}

/** Starts a component stopped by {@link stopClusterProcess} again, with the same command line. */
export function startClusterProcessAgain(name: string): StartedProcess {
  const state = readClusterState();
  const index = state?.processes.findIndex((p) => p.name === name) ?? -1;
  const old = state?.processes[index];
  if (!state || !old?.launch) throw new Error(`the running cluster has no restartable process named ${name}`);
  if (isOurProcessAlive(old)) throw new Error(`${name} (pid ${old.pid}) is still running`);
  const proc = startProcess(name, old.launch.executable, old.launch.args, old.launch.logFile, process.env, old.executable);
  state.processes[index] = proc;
  writeStateFile(STATE_FILE, state);
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
 * each to exit. Safe to call when nothing runs. Keeps the logs; removes etcd's data. A real node
 * is taken apart on the way: once the kubelet is gone its containers are removed (containerd
 * still running), and at the end its network namespace and what it left on the host.
 */
export async function stopCluster(options: { log?: (line: string) => void } = {}): Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  const state = readClusterState();
  if (!state) {
    // A real node's namespace without a state file: a start that died before writing one.
    if (nodeNetworkExists() && deleteNodeNetwork()) log('cluster: deleted the node network namespace');
    return;
  }
  for (const proc of [...state.processes].reverse()) {
    if (proc.name === 'containerd' && state.realNode) {
      const removed = removeNodeContainers(state.realNode);
      if (removed > 0) log(`cluster: removed ${removed} containers of the node`);
    }
    const began = Date.now();
    if (await stopProcess(proc)) log(`cluster: stopped ${proc.name} (pid ${proc.pid}) in ${Date.now() - began} ms`);
  }
  if (state.realNode) {
    if (deleteNodeNetwork()) log('cluster: deleted the node network namespace');
    // One line per kind of thing undone (a run leaves hundreds of log files and mounts).
    const done = cleanUpNodeHost(state.realNode);
    const byKind = new Map<string, string[]>();
    for (const line of done) {
      const kind = line.replace(/ \/.*$/, '').replace(/ \d+$/, '');
      byKind.set(kind, [...(byKind.get(kind) ?? []), line]);
    }
    for (const [kind, lines] of byKind) {
      log(
        `cluster: ${kind} ${lines.length === 1 ? lines[0]!.slice(kind.length + 1) : `${lines.length} (${lines[0]!.slice(kind.length + 1)}, ...)`}`,
      );
    }
  }
  rmSync(STATE_FILE, { force: true });
  rmSync(join(CLUSTER_DIR, 'etcd'), { recursive: true, force: true });
  if (state.realNode) rmSync(state.realNode.dir, { recursive: true, force: true });
}

/** The component logs of the last run (name -> path), for failure reports. */
export function clusterLogs(): Record<string, string> {
  if (!existsSync(LOG_DIR)) return {};
  return Object.fromEntries(readdirSync(LOG_DIR).map((file) => [file.replace(/\.log$/, ''), join(LOG_DIR, file)]));
}
