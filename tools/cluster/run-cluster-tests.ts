/**
 * `npm run test:cluster`: builds the real engines when missing or stale, starts the local
 * control plane, runs the cluster test suites (jest.cluster.config.js) against it, and stops
 * every process it started — also when a test fails, jest crashes, or the run is interrupted.
 *
 * Extra arguments go to jest (`npm run test:cluster -- -t quota`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KUBECONFIG, clusterLogs, startCluster, stopCluster } from './local-cluster';
import { REPO_DIR } from './paths';

function requireTools(): void {
  const problems: string[] = [];
  if (spawnSync('go', ['version']).status !== 0) {
    problems.push(
      'Go is not installed: the engines are built from their Go modules (Go >= 1.22; tested with 1.26). Install Go, then re-run.',
    );
  }
  if (!existsSync('/usr/bin/etcd')) {
    problems.push(
      'etcd is not installed: apt-get update && apt-get install -y etcd-server (Debian/Ubuntu; etcd 3.4/3.5 works with Kubernetes 1.28).',
    );
  }
  for (const [command, pkg, why] of [
    ['docker-registry', 'docker-registry', 'the real registry'],
    ['skopeo', 'skopeo', 'pushing an image'],
    ['unshare', 'util-linux', "Gogs' own /etc/hosts"],
    ['git', 'git', 'pushing to Gogs'],
    ['openssl', 'openssl', "the README's setup commands"],
    ['curl', 'curl', "the README's setup commands"],
  ]) {
    if (spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0)
      problems.push(`${command} is not installed (${why}): apt-get install -y ${pkg}`);
  }
  if (problems.length > 0) {
    console.error(`test:cluster cannot run:\n  - ${problems.join('\n  - ')}\n(npm test needs neither.)`);
    process.exit(3);
  }
}

async function main(): Promise<number> {
  const began = Date.now();
  requireTools();
  const build = spawnSync('bash', [join(REPO_DIR, 'tools', 'engines', 'build.sh')], { stdio: 'inherit' });
  if (build.status !== 0) return build.status ?? 1;
  const built = Date.now();

  let jest: ReturnType<typeof spawn> | undefined;
  // One stop, shared by the normal path and the signal handlers, awaited by both before exiting.
  let stopped: Promise<void> | undefined;
  const stopOnce = () => (stopped ??= stopCluster());
  let interrupted = false;
  const interrupt = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    console.error(`test:cluster: ${signal}, stopping the cluster`);
    jest?.kill('SIGTERM');
    void stopOnce().finally(() => process.exit(130));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, interrupt);

  let started = false;
  try {
    await startCluster();
    started = true;
    const up = Date.now();
    const jestBin = join(REPO_DIR, 'node_modules', '.bin', 'jest');
    const code = await new Promise<number>((resolve) => {
      jest = spawn(jestBin, ['-c', join(REPO_DIR, 'jest.cluster.config.js'), ...process.argv.slice(2)], {
        stdio: 'inherit',
        env: { ...process.env, KUBECONFIG },
      });
      jest.on('exit', (status, signal) => resolve(status ?? (signal ? 1 : 0)));
    });
    console.log(`test:cluster: engines ${built - began} ms, cluster up ${up - built} ms, tests ${Date.now() - up} ms`);
    if (code !== 0) console.log(`test:cluster: component logs: ${Object.values(clusterLogs()).join(' ')}`);
    return interrupted ? 130 : code;
  } finally {
    // Only the cluster this run started is stopped; a refusal to start leaves the other one alone.
    if (started || interrupted) await stopOnce();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`test:cluster: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
