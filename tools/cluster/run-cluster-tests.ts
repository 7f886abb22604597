/**
 * `npm run test:cluster`: provides what the cluster needs (packages, engines, images: see
 * prerequisites.ts), then runs two phases, each on its own cluster:
 * 1. kwok — the control plane with kwok's fake nodes; the suites of test/cluster/*.cluster.test.ts
 *    (fast, no container runs: the Tekton, Gogs and validator suites);
 * 2. real — the control plane with one real node; the suites of test/cluster/real-node/, where
 *    the exercises' pods really run. Before it starts and after it stops, the host's state is
 *    read (host-state.ts): any difference fails the run.
 * Every process started is stopped — also when a test fails, jest crashes, or the run is
 * interrupted.
 *
 *   npm run test:cluster                      both phases
 *   npm run test:cluster -- --phase real      one phase (kwok or real)
 *   npm run test:cluster -- -t quota          other arguments go to jest
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { HostState, diffHostState, snapshotHostState } from './host-state';
import { KUBECONFIG, NodeKind, abortStart, clusterLogs, startCluster, stopCluster } from './local-cluster';
import { CLUSTER_DIR, REPO_DIR } from './paths';
import { ensurePrerequisites } from './prerequisites';
import { lockClusterDir } from './cluster-dir';
import { NODE_NETNS_PATH } from './node-network';
import { nodeStackRssMiB } from './real-node';

const PHASES: Record<NodeKind, string> = {
  kwok: join(REPO_DIR, 'jest.cluster.config.js'),
  real: join(REPO_DIR, 'jest.real-node.config.js'),
};

/** `--phase kwok|real` (removed from the arguments jest gets). */
function parseArguments(argv: readonly string[]): { phases: NodeKind[]; jestArgs: string[] } {
  const jestArgs = [...argv];
  const index = jestArgs.findIndex((arg) => arg === '--phase' || arg.startsWith('--phase='));
  if (index < 0) return { phases: ['kwok', 'real'], jestArgs };
  const value = jestArgs[index]!.includes('=') ? jestArgs[index]!.slice('--phase='.length) : jestArgs[index + 1];
  jestArgs.splice(index, jestArgs[index]!.includes('=') ? 1 : 2);
  if (value !== 'kwok' && value !== 'real') throw new Error(`--phase: ${JSON.stringify(value ?? '')} is not a phase; use kwok or real`);
  return { phases: [value], jestArgs };
}

/** The host's state before the real node's `cluster:up`, while that phase runs. */
let hostBefore: HostState | undefined;

/** Compares the host with its state before `cluster:up`; prints and counts the differences (0 or 1). */
function reportHostChanges(before: HostState): number {
  const differences = diffHostState(before, snapshotHostState(CLUSTER_DIR));
  if (differences.length > 0) {
    console.error(`test:cluster: the real node left the host changed (${differences.length}):\n  ${differences.join('\n  ')}`);
    return 1;
  }
  console.log(
    'test:cluster: host state after cluster:down = before cluster:up (processes, links, addresses, network namespaces, ' +
      'nft/iptables rules, ipsets, mounts, cgroups, sysctls, runtime folders)',
  );
  return 0;
}

async function main(): Promise<number> {
  const began = Date.now();
  const { phases, jestArgs } = parseArguments(process.argv.slice(2));
  // No cluster:up or cluster:down of another shell may interleave with this run.
  const release = lockClusterDir(CLUSTER_DIR, 'test:cluster');
  process.on('exit', release);
  ensurePrerequisites(phases.includes('real') ? 'real' : 'kwok', { forTests: true });
  const figures: string[] = [`prerequisites ${Date.now() - began} ms`];

  let jest: ReturnType<typeof spawn> | undefined;
  // One stop per cluster, shared by the normal path and the signal handlers.
  let stopped: Promise<void> | undefined;
  const stopOnce = () => (stopped ??= stopCluster());
  let interrupted = false;
  const interrupt = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    console.error(`test:cluster: ${signal}, stopping the cluster`);
    jest?.kill('SIGTERM');
    abortStart();
    void stopOnce()
      .then(() => (hostBefore ? reportHostChanges(hostBefore) : 0))
      .finally(() => process.exit(130));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, interrupt);

  let failed = 0;
  for (const phase of phases) {
    const before = phase === 'real' ? snapshotHostState(CLUSTER_DIR) : undefined;
    hostBefore = before;
    stopped = undefined;
    let started = false;
    const phaseBegan = Date.now();
    try {
      await startCluster({ node: phase });
      started = true;
      const up = Date.now();
      const code = await new Promise<number>((resolve) => {
        jest = spawn(join(REPO_DIR, 'node_modules', '.bin', 'jest'), ['-c', PHASES[phase], ...jestArgs], {
          stdio: 'inherit',
          env: { ...process.env, KUBECONFIG },
        });
        jest.on('exit', (status, signal) => resolve(status ?? (signal ? 1 : 0)));
      });
      figures.push(`${phase}: cluster up ${up - phaseBegan} ms, tests ${Date.now() - up} ms`);
      if (phase === 'real') figures.push(`real: RSS of the node's namespace after the suites ${nodeStackRssMiB(NODE_NETNS_PATH)} MiB`);
      if (code !== 0) {
        console.log(`test:cluster: ${phase} suites failed; component logs: ${Object.values(clusterLogs()).join(' ')}`);
        failed++;
      }
      if (interrupted) return 130;
    } finally {
      // Only the cluster this run started is stopped; a refusal to start leaves the other one alone.
      if (started || interrupted) await stopOnce();
    }
    if (before) failed += reportHostChanges(before);
    hostBefore = undefined;
  }
  console.log(`test:cluster: ${figures.join('; ')}; in all ${Date.now() - began} ms`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`test:cluster: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
