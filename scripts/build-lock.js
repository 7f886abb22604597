// One `prepare` at a time per checkout. Two builds of one checkout at once (an
// `npm run build` while `npm run test:package` runs `npm pack`, whose `prepare`
// builds too) would otherwise have one empty build/ while the other compiles into
// it. The second waits, then finds the first's stamp fresh and reuses its build.
'use strict';
const { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } = require('node:fs');
const { join } = require('node:path');

const LOCK = 'build.lock';
const WAIT_MS = 10 * 60_000;

function holderPid(lock) {
  try {
    const pid = Number.parseInt(readFileSync(lock, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function ageMs(lock) {
  try {
    return Date.now() - statSync(lock).mtimeMs;
  } catch {
    return Infinity;
  }
}

/** Runs `work` holding `root`/build.lock; a lock whose process is gone is taken over. */
function withBuildLock(root, work) {
  const lock = join(root, LOCK);
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    const pid = holderPid(lock);
    // A lock without a pid is being written this instant, or was left by a process killed right then.
    const stale = pid === undefined ? ageMs(lock) > 1000 : !alive(pid);
    if (stale) {
      try {
        unlinkSync(lock);
      } catch {
        // another waiter removed it first
      }
      continue;
    }
    if (Date.now() > deadline) throw new Error(`prepare: another build (pid ${pid}) has held ${lock} for ${WAIT_MS / 60_000} minutes`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
  try {
    return work();
  } finally {
    unlinkSync(lock);
  }
}

module.exports = { withBuildLock, LOCK };
