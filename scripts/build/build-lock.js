// One `prepare` at a time per checkout. Two builds of one checkout at once (an
// `npm run build` while `npm run test:package` runs `npm pack`, whose `prepare`
// builds too) would otherwise have one empty build/ while the other compiles into
// it. The second waits, then finds the first's stamp fresh and reuses its build.
'use strict';
const { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } = require('node:fs');
const { join } = require('node:path');

const LOCK = 'build.lock';
const WAIT_MS = 10 * 60_000;

/**
 * The holder a lock names: `pid` (first line) and, when it was written by this version, the
 * process's start time (`start=`, from /proc), so a reused pid is not taken for the holder.
 */
function lockHolder(lock) {
  try {
    const [first, second] = readFileSync(lock, 'utf8').split('\n');
    const pid = Number.parseInt(first, 10);
    if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
    const start = second && second.startsWith('start=') ? second.slice('start='.length) || undefined : undefined;
    return { pid, start };
  } catch {
    return undefined;
  }
}

/** A process's start time in clock ticks since boot (/proc/<pid>/stat field 22), or undefined without /proc. */
function processStart(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces and parentheses: state is field 3.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[22 - 3];
  } catch {
    return undefined;
  }
}

/** Whether the process's command line runs a prepare script (/proc), or undefined without /proc. */
function runsPrepare(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .some((arg) => /(^|[\\/])prepare\.js$/.test(arg));
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid exists (EPERM: it does, owned by another user). */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/**
 * Whether the lock's holder is a build still running. A pid is not enough: after a crash the pid
 * may belong to another process by now, or be our own. So:
 * - our own pid is never a live holder: withBuildLock is synchronous, so such a lock was left by
 *   this process or by a dead one whose pid we got (never wait on ourselves);
 * - with /proc, the process must have the start time the lock recorded (older locks, without one:
 *   its command line must run prepare.js);
 * - without /proc, a live pid counts, as before.
 */
function holderIsLiveBuild(holder) {
  if (holder.pid === process.pid || !alive(holder.pid)) return false;
  const start = processStart(holder.pid);
  if (start === undefined) return true; // no /proc: the pid is all there is
  return holder.start !== undefined ? holder.start === start : runsPrepare(holder.pid) === true;
}

function ageMs(lock) {
  try {
    return Date.now() - statSync(lock).mtimeMs;
  } catch {
    return Infinity;
  }
}

/** Runs `work` holding `root`/build.lock; a lock whose holder is no live build (see holderIsLiveBuild) is taken over. */
function withBuildLock(root, work) {
  const lock = join(root, LOCK);
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, `${process.pid}\nstart=${processStart(process.pid) ?? ''}\n`);
      closeSync(fd);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    const holder = lockHolder(lock);
    // A lock without a pid is being written this instant, or was left by a process killed right then.
    const stale = holder === undefined ? ageMs(lock) > 1000 : !holderIsLiveBuild(holder);
    if (stale) {
      try {
        unlinkSync(lock);
      } catch {
        // another waiter removed it first
      }
      continue;
    }
    if (Date.now() > deadline)
      throw new Error(`prepare: another build (pid ${holder.pid}) has held ${lock} for ${WAIT_MS / 60_000} minutes`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
  try {
    return work();
  } finally {
    unlinkSync(lock);
  }
}

module.exports = { withBuildLock, LOCK, processStart, alive };
