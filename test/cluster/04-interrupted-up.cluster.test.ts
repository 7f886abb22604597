/**
 * Ctrl-C during `cluster:up` stops what it had started: a second cluster, in
 * a folder of its own (K8S_PRACTICE_CLUSTER_DIR, kwok nodes: free ports, no clash with the
 * running one), is interrupted once its API server process exists.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_DIR } from '../../tools/cluster/paths';

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

test('SIGINT during cluster:up stops every process it started, and it exits 130', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'interrupted-up-'));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_DIR, 'tools', 'cluster', 'cli.ts'), 'up'], {
      cwd: REPO_DIR,
      env: { ...process.env, K8S_PRACTICE_CLUSTER_DIR: dir },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const stateFile = join(dir, 'state.json');
    const started = (): { name: string; pid: number }[] => {
      try {
        return (JSON.parse(readFileSync(stateFile, 'utf8')) as { processes: { name: string; pid: number }[] }).processes;
      } catch {
        return [];
      }
    };
    const deadline = Date.now() + 90_000;
    while (!started().some((p) => p.name === 'kube-apiserver')) {
      if (Date.now() > deadline) throw new Error('cluster:up never started kube-apiserver');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const pids = started().map((p) => p.pid);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(pids.filter(alive)).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);
