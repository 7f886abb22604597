/**
 * The cluster folder against other local users and other runs:
 * a folder the tool did not make is never emptied, one command at a time holds the folder, the
 * state file is written atomically and read with a clear message, and no PID of it can turn
 * into a signal to every process.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MARKER, isSignallablePid, lockClusterDir, readStateFile, resetClusterDir, writeStateFile } from '../../tools/cluster/cluster-dir';
import { isOurProcessAlive } from '../../tools/cluster/processes';

let root: string;
beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'cluster-dir-'))));
afterEach(() => rmSync(root, { recursive: true, force: true }));

test('a non-empty folder without the marker is refused, and left as it was', () => {
  const dir = join(root, 'checkout');
  mkdirSync(join(dir, '.git'), { recursive: true });
  writeFileSync(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  expect(() => resetClusterDir(dir, false)).toThrow(
    /is not a folder the local cluster made .* refusing to empty it.*K8S_PRACTICE_CLUSTER_DIR/,
  );
  expect(readFileSync(join(dir, '.git', 'HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');
});

test('a new or empty folder gets the marker; a marked one is emptied, its lock kept', () => {
  const dir = join(root, 'cluster');
  resetClusterDir(dir, false);
  expect(existsSync(join(dir, MARKER))).toBe(true);
  writeFileSync(join(dir, 'state.json'), '{}');
  const release = lockClusterDir(dir, 'test');
  resetClusterDir(dir, false);
  expect(readdirSync(dir).sort()).toEqual(['.lock', MARKER].sort());
  release();
  expect(readdirSync(dir)).toEqual([MARKER]);
});

test('a second command is refused and told who holds the lock; a reused PID does not hold it', async () => {
  const dir = join(root, 'cluster');
  mkdirSync(dir);
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('spawn', resolve));
  const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
  const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  writeFileSync(join(dir, '.lock'), JSON.stringify({ pid: child.pid, start, what: 'cluster:up', since: 'then' }));
  try {
    expect(() => lockClusterDir(dir, 'cluster:down')).toThrow(new RegExp(`another cluster:up \\(pid ${child.pid}, since then\\) is using`));
    // The same PID with another start time is a reused PID, not the holder.
    writeFileSync(join(dir, '.lock'), JSON.stringify({ pid: child.pid, start: '1', what: 'cluster:up' }));
    lockClusterDir(dir, 'cluster:down')();
  } finally {
    child.kill('SIGKILL');
  }
});

test('the state file is replaced atomically, and an unreadable one says which file and what to do', () => {
  const path = join(root, 'state.json');
  writeStateFile(path, { processes: [] });
  expect(readStateFile(path)).toEqual({ processes: [] });
  expect(readdirSync(root)).toEqual(['state.json']);
  writeFileSync(path, '{"processes": [');
  expect(() => readStateFile(path)).toThrow(new RegExp(`state file ${path} is unreadable .*rm ${path}`));
});

test('PID 0, 1, negative ones and our own are never treated as a process of the cluster', () => {
  for (const pid of [0, 1, -1, process.pid, 1.5, '12' as unknown as number]) {
    expect(isSignallablePid(pid)).toBe(false);
    expect(isOurProcessAlive({ name: 'x', pid, executable: process.execPath })).toBe(false);
  }
  expect(isSignallablePid(12345)).toBe(true);
});

test('a new folder holding only the lock of the command that will use it is accepted', () => {
  const dir = join(root, 'fresh');
  const release = lockClusterDir(dir, 'cluster:up');
  expect(() => resetClusterDir(dir, false)).not.toThrow();
  expect(existsSync(join(dir, MARKER))).toBe(true);
  release();
});
