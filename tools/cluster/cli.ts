/**
 * `npm run cluster:up` / `npm run cluster:down` / `npm run cluster:status`: a real Kubernetes
 * 1.28 API server, controller-manager, scheduler and kwok fake nodes on 127.0.0.1.
 */
import { KUBECONFIG, readClusterState, startCluster, stopCluster } from './local-cluster';
import { isOurProcessAlive } from './processes';

async function main(command: string | undefined): Promise<number> {
  switch (command) {
    case 'up': {
      const began = Date.now();
      const state = await startCluster();
      console.log(`cluster: up in ${Date.now() - began} ms at ${state.apiServerUrl}`);
      console.log(`  export KUBECONFIG=${KUBECONFIG}`);
      console.log('  .engines/bin/kubectl get nodes        # kubectl 1.28, built with the cluster');
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
    default:
      console.error('usage: cluster up | down | status');
      return 2;
  }
}

main(process.argv[2]).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`cluster: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
