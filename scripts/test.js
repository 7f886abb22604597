// `npm test`: the type-checks, the linter (`eslint .`) and jest, run at the same
// time instead of one after the other. jest strips types without checking them,
// so the type-checks are what catch type errors: `tsc --noEmit` for the whole
// repository, and the package build (`tsc -p tsconfig.build.json`, through
// scripts/prepare.js) for the shipped code, which is also held to
// noUncheckedIndexedAccess. The linter holds the import boundaries; prettier
// checks the formatting. The command fails when any one fails.
// Arguments go to jest (`npm test -- test/tooling`).
//
// What is not redone when its inputs are unchanged (caches in node_modules/.cache,
// so `npm ci` starts cold):
// - tsc --noEmit is incremental (tsc tracks what each file depends on);
// - the build is reused while its stamp matches the sources (scripts/build-stamp.js),
//   and the consumer test's `npm pack` waits for it and reuses it (scripts/build-lock.js);
// - prettier skips files unchanged since they last passed (its cache keys on content and config).
// eslint is not cached: its type-checked rules read other files, which its cache does not track.
//
// tsc's and eslint's output is held back and printed after jest's, so they do
// not interleave; jest streams as usual.
'use strict';
const { spawn } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const bin = (pkg, file) => join(root, 'node_modules', pkg, 'bin', file);
const CACHE = join(root, 'node_modules', '.cache', 'k8s-practice');

/** Runs node with a script; resolves to its exit code (1 when killed by a signal). */
function run(script, args, { quiet, env = {} }) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: root,
      stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      env: { ...process.env, ...env },
    });
    let output = '';
    if (quiet) {
      child.stdout.on('data', (d) => {
        output += d;
      });
      child.stderr.on('data', (d) => {
        output += d;
      });
    }
    child.on('close', (code) => done({ code: code ?? 1, output }));
  });
}

async function main() {
  const started = Date.now();
  const timed = (promise) => promise.then((r) => ({ ...r, ms: Date.now() - started }));
  const typecheck = timed(
    run(bin('typescript', 'tsc'), ['--noEmit', '--incremental', '--tsBuildInfoFile', join(CACHE, 'tsc-noemit.tsbuildinfo')], {
      quiet: true,
    }),
  );
  // K8S_PRACTICE_BUILD=1: build even though npm_command may be `ci`-like; a fresh build is still reused.
  const typecheckShipped = timed(run(join(root, 'scripts', 'prepare.js'), [], { quiet: true, env: { K8S_PRACTICE_BUILD: '1' } }));
  const linting = timed(run(join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), ['.'], { quiet: true }));
  const formatting = timed(
    run(
      join(root, 'node_modules', 'prettier', 'bin', 'prettier.cjs'),
      ['--check', '.', '--cache', '--cache-location', join(CACHE, 'prettier')],
      {
        quiet: true,
      },
    ),
  );
  const jest = await run(bin('jest', 'jest.js'), process.argv.slice(2), { quiet: false });
  const tsc = await typecheck;
  const tscShipped = await typecheckShipped;
  const lint = await linting;
  const format = await formatting;
  const checks = [
    ['tsc --noEmit', tsc, 'no type errors'],
    ['build (tsc -p tsconfig.build.json)', tscShipped, 'no type errors in the shipped code'],
    ['eslint .', lint, 'no lint errors'],
    ['prettier --check .', format, 'formatted (npm run format)'],
  ];
  for (const [name, result, ok] of checks) {
    if (result.output) process.stdout.write(result.output);
    console.log(`${name}: ${result.code === 0 ? ok : `FAILED (exit ${result.code})`} (${(result.ms / 1000).toFixed(1)} s, alongside jest)`);
  }
  process.exitCode = tsc.code || tscShipped.code || lint.code || format.code || jest.code;
}

main();
