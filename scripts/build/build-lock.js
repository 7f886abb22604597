// One `prepare` at a time per checkout. Two builds of one checkout at once (an
// `npm run build` while `npm run test:package` runs `npm pack`, whose `prepare`
// builds too) would otherwise have one empty build/ while the other compiles into
// it. The second waits, then finds the first's stamp fresh and reuses its build.
//
// The lock itself is the synth's: lib/util/pid-lock.ts (pid and start time, a gone holder taken
// over). `prepare` runs before build/ exists, so that file is loaded here from its TypeScript
// source, its types stripped by esbuild (a devDependency, as TypeScript is, which prepare runs).
'use strict';
const { readFileSync } = require('node:fs');
const { Module } = require('node:module');
const { dirname, join } = require('node:path');

const LOCK = 'build.lock';
const WAIT_MS = 10 * 60_000;

/** lib/util/pid-lock.ts as a CommonJS module. */
function loadPidLock() {
  const file = join(__dirname, '..', '..', 'lib', 'util', 'pid-lock.ts');
  const { code } = require('esbuild').transformSync(readFileSync(file, 'utf8'), {
    loader: 'ts',
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcefile: file,
  });
  const loaded = new Module(file, module);
  loaded.filename = file;
  loaded.paths = Module._nodeModulePaths(dirname(file));
  loaded._compile(code, file);
  return loaded.exports;
}

const pidLock = loadPidLock();

/** Whether a command line runs a prepare script: the holder of a lock written without a start time. */
const runsPrepare = (argv) => argv.some((arg) => /(^|[\\/])prepare\.js$/.test(arg));

/** Runs `work` holding `root`/build.lock; a lock whose holder is no live build is taken over (lib/util/pid-lock.ts). */
function withBuildLock(root, work) {
  const lock = join(root, LOCK);
  return pidLock.withPidLock(
    lock,
    {
      waitMs: WAIT_MS,
      pollMs: 100,
      holderCommand: runsPrepare,
      timeoutError: (holder) => new Error(`prepare: another build (pid ${holder.pid}) has held ${lock} for ${WAIT_MS / 60_000} minutes`),
    },
    work,
  );
}

module.exports = { withBuildLock, LOCK, processStart: pidLock.processStart };
