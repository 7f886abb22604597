// `npm test`: the type-checks, the linter (`eslint .`) and jest, run at the same
// time instead of one after the other. jest strips types without checking them,
// so the type-checks are what catch type errors: `tsc --noEmit` for the whole
// repository, and `tsc -p tsconfig.build.json --noEmit` for the shipped code,
// which is also held to noUncheckedIndexedAccess. The linter holds the import
// boundaries; prettier checks the formatting. The command fails when any one fails.
// Arguments go to jest (`npm test -- test/tooling`).
//
// tsc's and eslint's output is held back and printed after jest's, so they do
// not interleave; jest streams as usual.
'use strict';
const { spawn } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const bin = (pkg, file) => join(root, 'node_modules', pkg, 'bin', file);

/** Runs node with a script; resolves to its exit code (1 when killed by a signal). */
function run(script, args, { quiet }) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: root, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
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
  const typecheck = timed(run(bin('typescript', 'tsc'), ['--noEmit'], { quiet: true }));
  const typecheckShipped = timed(run(bin('typescript', 'tsc'), ['-p', 'tsconfig.build.json', '--noEmit'], { quiet: true }));
  const linting = timed(run(join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), ['.'], { quiet: true }));
  const formatting = timed(run(join(root, 'node_modules', 'prettier', 'bin', 'prettier.cjs'), ['--check', '.'], { quiet: true }));
  const jest = await run(bin('jest', 'jest.js'), process.argv.slice(2), { quiet: false });
  const tsc = await typecheck;
  const tscShipped = await typecheckShipped;
  const lint = await linting;
  const format = await formatting;
  const checks = [
    ['tsc --noEmit', tsc, 'no type errors'],
    ['tsc -p tsconfig.build.json --noEmit', tscShipped, 'no type errors in the shipped code'],
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
