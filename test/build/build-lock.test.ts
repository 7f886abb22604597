/**
 * A build.lock naming a live pid that is not a build: `npm run build`, `npm pack` and
 * `npm test` waited up to 10 minutes on a build.lock whose pid was alive but was no build (the
 * pid reused after a crash, or the waiting process's own pid). The holder is now recognised by
 * more than its pid: its start time (recorded in the lock) or, for a lock without one, a command
 * line that runs prepare.js; and a process never waits on its own pid.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Plain JavaScript, run by npm scripts: loaded as it is.
const { withBuildLock, LOCK, processStart } = require('../../scripts/build/build-lock.js') as {
  withBuildLock<T>(root: string, work: () => T): T;
  LOCK: string;
  processStart(pid: number): string | undefined;
};
const SCRIPTS = join(__dirname, '..', '..', 'scripts', 'build');

let root: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'hostile-build-lock-'));
});
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

/** A live process that is no build. */
function bystander(): number {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  children.push(child);
  return child.pid!;
}

/** Runs withBuildLock and says how long it waited before `work` ran. */
function timedLock(): number {
  const started = Date.now();
  let ranAfter = -1;
  withBuildLock(root, () => {
    ranAfter = Date.now() - started;
    expect(readFileSync(join(root, LOCK), 'utf8')).toBe(`${process.pid}\nstart=${processStart(process.pid)}\n`);
  });
  expect(existsSync(join(root, LOCK))).toBe(false);
  return ranAfter;
}

test('a lock naming our own pid is taken over at once (never wait on ourselves)', () => {
  writeFileSync(join(root, LOCK), `${process.pid}\n`);
  expect(timedLock()).toBeLessThan(2000);
});

test('a lock naming a live process that is no build (an old lock: pid only) is taken over at once', () => {
  writeFileSync(join(root, LOCK), `${bystander()}\n`);
  expect(timedLock()).toBeLessThan(2000);
});

test('a lock whose pid now belongs to a process started at another time is taken over at once', () => {
  writeFileSync(join(root, LOCK), `${bystander()}\nstart=1\n`);
  expect(timedLock()).toBeLessThan(2000);
});

test('a build that holds the lock is still waited for', async () => {
  const holder = spawn(
    process.execPath,
    [
      '-e',
      `require(${JSON.stringify(join(SCRIPTS, 'build-lock.js'))}).withBuildLock(${JSON.stringify(root)}, () => { console.log('held'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500); });`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(holder);
  await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
  expect(timedLock()).toBeGreaterThan(800);
});
