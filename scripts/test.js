// `npm test`: the type-check (`tsc --noEmit`) and jest, run at the same time
// instead of one after the other. jest strips types without checking them, so
// the type-check is what catches type errors: the command fails when either
// one fails. Arguments go to jest (`npm test -- test/check`).
//
// tsc's output is held back and printed after jest's, so the two do not
// interleave; jest streams as usual.
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
      child.stdout.on('data', (d) => { output += d; });
      child.stderr.on('data', (d) => { output += d; });
    }
    child.on('close', (code) => done({ code: code ?? 1, output }));
  });
}

async function main() {
  const started = Date.now();
  const typecheck = run(bin('typescript', 'tsc'), ['--noEmit'], { quiet: true }).then((r) => ({ ...r, ms: Date.now() - started }));
  const jest = await run(bin('jest', 'jest.js'), process.argv.slice(2), { quiet: false });
  const tsc = await typecheck;
  if (tsc.output) process.stdout.write(tsc.output);
  console.log(`tsc --noEmit: ${tsc.code === 0 ? 'no type errors' : `FAILED (exit ${tsc.code})`} (${(tsc.ms / 1000).toFixed(1)} s, alongside jest)`);
  process.exitCode = tsc.code !== 0 ? tsc.code : jest.code;
}

main();
