/**
 * `npm run cluster:up [-- --node real|kwok]` / `npm run cluster:down` / `npm run cluster:status`:
 * a real Kubernetes 1.28 control plane with kwok's fake nodes on 127.0.0.1 (the default), or
 * with one real node (containerd, kubelet, kube-proxy, kube-router, CoreDNS) in its own network
 * namespace. `tsx tools/cluster/cli.ts mirror-registry` lets that node pull from exercise 8's
 * in-cluster registry.
 */
import { KUBECONFIG, NodeKind, abortStart, readClusterState, startCluster, stopCluster } from './local-cluster';
import { NODE_IP, NODE_NETNS } from './node-network';
import { ensurePrerequisites } from './prerequisites';
import { lockClusterDir } from './cluster-dir';
import { CLUSTER_DIR } from './paths';
import { mirrorExerciseRegistry } from './registry-mirror';

const USAGE = 'usage: cluster up [--node kwok|real] | down | status | mirror-registry';

/** The `--node` value of `up` (`--node real` or `--node=real`); kwok when absent. */
function nodeKind(args: readonly string[]): NodeKind {
  const index = args.findIndex((arg) => arg === '--node' || arg.startsWith('--node='));
  if (index < 0) return 'kwok';
  const value = args[index]!.includes('=') ? args[index]!.slice('--node='.length) : args[index + 1];
  if (value === 'kwok' || value === 'real') return value;
  throw new Error(`--node: ${JSON.stringify(value ?? '')} is not a node kind; use --node kwok (fake nodes, the default) or --node real`);
}
import { isOurProcessAlive } from './processes';

async function main(command: string | undefined, args: readonly string[]): Promise<number> {
  // One cluster command at a time on one cluster folder (status only reads).
  const release = command === 'up' || command === 'down' ? lockClusterDir(CLUSTER_DIR, `cluster:${command}`) : () => undefined;
  process.once('exit', release); // also when a signal handler exits
  try {
    return await run(command, args);
  } finally {
    release();
  }
}

async function run(command: string | undefined, args: readonly string[]): Promise<number> {
  switch (command) {
    case 'up': {
      const began = Date.now();
      const node = nodeKind(args);
      ensurePrerequisites(node);
      // Ctrl-C (or a kill) while it starts: stop what was started, then exit.
      const interrupt = (signal: NodeJS.Signals) => {
        console.error(`cluster: ${signal} during start-up, stopping what was started`);
        abortStart();
        void stopCluster().finally(() => process.exit(130));
      };
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, interrupt);
      const state = await startCluster({ node });
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(signal, interrupt);
      console.log(`cluster: up in ${Date.now() - began} ms at ${state.apiServerUrl}`);
      console.log(`  export KUBECONFIG=${KUBECONFIG}`);
      console.log('  .engines/bin/kubectl get nodes        # kubectl 1.28, built with the cluster');
      if (node === 'real') {
        console.log(`  ip netns exec ${NODE_NETNS} curl http://${NODE_IP}:30080   # a command on the node (NodePort, pod IPs)`);
      }
      console.log('  npm run cluster:down                  # stops every process it started');
      return 0;
    }
    case 'down':
      await stopCluster();
      return 0;
    case 'status': {
      const state = readClusterState();
      if (!state) {
        console.log('cluster: not running (no state file)');
        return 1;
      }
      for (const proc of state.processes)
        console.log(`${proc.name.padEnd(24)} pid ${proc.pid}  ${isOurProcessAlive(proc) ? 'running' : 'NOT running'}`);
      return state.processes.every(isOurProcessAlive) ? 0 : 1;
    }
    case 'mirror-registry': {
      const { host, file, mirror } = mirrorExerciseRegistry();
      console.log(`cluster: the node pulls ${host} from ${mirror} (${file})`);
      return 0;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

main(process.argv[2], process.argv.slice(3)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`cluster: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
