// `npm test`: the type-checks, the linter and jest, run at the same time
// instead of one after the other. jest strips types without checking them, so
// the type-checks are what catch type errors: the whole repository
// (tsconfig.json) and the shipped code alone (tsconfig.build.json, which also
// holds it to noUncheckedIndexedAccess). ESLint holds the import boundaries;
// Prettier checks the formatting. The command fails when any one fails.
// Arguments go to jest (`npm test -- test/tooling`).
//
// The package-install suites (test/consumer: `npm install` from a tarball and
// from git, which builds) are `npm run test:package`, not part of this command.
//
// The type-checks use TypeScript 7's native compiler (`tsgo`, from
// @typescript/native-preview), ten times faster than `tsc` 5.9 here. TypeScript 7
// has no `moduleResolution: node` (node10), which tsconfig.json keeps for
// TypeScript 5.9 (the build, ts-node, `npx tsc --noEmit`): it runs with
// `bundler` resolution minus package.json `exports`/`imports`, which resolves
// every import of this repository to the same file as node10 does (compare
// `tsc --listFilesOnly` with `tsgo --listFilesOnly` and these flags) and gives
// the same diagnostics (file, line, column and code) on seeded errors.
//
// What is not redone when its inputs are unchanged (caches in node_modules/.cache,
// so `npm ci` starts cold):
// - the type-checks are incremental (the compiler tracks what each file depends on);
// - ESLint's type-checked rules (lib/, bin/) read other files through the type
//   checker, which ESLint's cache does not track: that part is skipped as a whole
//   while a digest of every file its program and config read is the one of its
//   last clean run (scripts/build/input-digest.js), and runs in full otherwise;
// - ESLint's syntax-only rules (everything else) judge one file at a time, so its
//   per-file cache (keyed on content and config) is correct there;
// - Prettier skips files unchanged since they last passed (its cache keys on content and config).
//
// The checks' output is held back and printed after jest's, so they do not
// interleave; jest streams as usual.
//
// Before jest, when Go is installed, the engines of `validate` are built, native
// and WebAssembly: the validation engine and Tekton's admission (`tools/engines/build.sh
// validation validation-wasm tekton-admission tekton-wasm`), so that their suites
// run; build.sh rebuilds only what changed (its stamps), and the line it prints
// says what it cost. Without Go those suites are skipped and say so; a failed
// build fails the command.
'use strict';
const { spawn } = require('node:child_process');
const { existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { digestOf } = require('../build/input-digest');

const root = join(__dirname, '..', '..');
const bin = (pkg, file) => join(root, 'node_modules', pkg, 'bin', file);
const CACHE = join(root, 'node_modules', '.cache', 'k8s-practice');

/** tsgo's stand-in for tsconfig.json's `moduleResolution: node` (see above). */
const NODE10_RESOLUTION = ['--moduleResolution', 'bundler', '--resolvePackageJsonExports', 'false', '--resolvePackageJsonImports', 'false'];

/** What ESLint's type-checked part reads: its files, the tsconfig of its program, its config and the installed packages. */
const TYPED_LINT_INPUTS = {
  dirs: ['lib', 'bin', 'imports'],
  files: ['tsconfig.json', 'tsconfig.lint.json', 'eslint.config.mjs', 'package-lock.json', 'scripts/build/input-digest.js'],
};
const TYPED_LINT_STAMP = join(CACHE, 'eslint-typed.sha256');

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

const tsgo = (project, buildInfo) =>
  run(
    bin('@typescript/native-preview', 'tsgo'),
    ['-p', project, '--noEmit', ...NODE10_RESOLUTION, '--incremental', '--tsBuildInfoFile', join(CACHE, buildInfo)],
    { quiet: true },
  );

/** ESLint's type-checked part (lib/, bin/), skipped while its inputs are those of its last clean run. */
async function lintTyped() {
  const digest = digestOf(root, TYPED_LINT_INPUTS);
  if (existsSync(TYPED_LINT_STAMP) && readFileSync(TYPED_LINT_STAMP, 'utf8').trim() === digest)
    return { code: 0, output: '', note: 'unchanged since its last clean run' };
  const result = await run(bin('eslint', 'eslint.js'), ['lib', 'bin'], { quiet: true });
  if (result.code === 0) {
    mkdirSync(CACHE, { recursive: true });
    writeFileSync(TYPED_LINT_STAMP, `${digest}\n`);
  }
  return result;
}

/** The engines' build.sh groups. */
const ENGINE_GROUPS = ['validation', 'validation-wasm', 'tekton-admission', 'tekton-wasm'];

/** Builds the engines' native and WebAssembly builds when Go is installed; resolves to a status line and an exit code. */
function buildEngines() {
  return new Promise((done) => {
    const go = require('node:child_process').spawnSync('go', ['version'], { encoding: 'utf8' });
    if (go.error || go.status !== 0) {
      done({ code: 0, line: 'engines: Go is not installed, so they are not built and their tests are skipped' });
      return;
    }
    const started = Date.now();
    const child = spawn('bash', [join(root, 'tools', 'engines', 'build.sh'), ...ENGINE_GROUPS], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const steps = output
        .split('\n')
        .filter((l) => /^engines: (built|.* is up to date)/.test(l))
        .map((l) => l.replace(/^engines: /, ''));
      done(
        code === 0
          ? { code: 0, line: `engines (validation, Tekton admission; native and WebAssembly), ${seconds} s: ${steps.join('; ')}` }
          : { code: code ?? 1, line: `engines: build FAILED (exit ${code}) after ${seconds} s:\n${output}` },
      );
    });
  });
}

async function main() {
  const started = Date.now();
  const timed = (promise) => promise.then((r) => ({ ...r, ms: Date.now() - started }));
  const typecheck = timed(tsgo('tsconfig.json', 'tsgo-noemit.tsbuildinfo'));
  const typecheckShipped = timed(tsgo('tsconfig.build.json', 'tsgo-build-noemit.tsbuildinfo'));
  const lintingTyped = timed(lintTyped());
  const lintingRest = timed(
    run(
      bin('eslint', 'eslint.js'),
      ['.', '--ignore-pattern', 'lib/**', '--ignore-pattern', 'bin/**', '--cache', '--cache-location', join(CACHE, 'eslint-syntax')],
      { quiet: true },
    ),
  );
  const formatting = timed(
    run(bin('prettier', 'prettier.cjs'), ['--check', '.', '--cache', '--cache-location', join(CACHE, 'prettier')], { quiet: true }),
  );
  const engines = await buildEngines();
  console.log(engines.line);
  const jest = await run(bin('jest', 'jest.js'), process.argv.slice(2), { quiet: false });
  const checks = [
    ['type-check (tsgo -p tsconfig.json)', await typecheck, 'no type errors'],
    ['type-check of the shipped code (tsgo -p tsconfig.build.json)', await typecheckShipped, 'no type errors'],
    ['eslint lib bin (type-checked rules)', await lintingTyped, 'no lint errors'],
    ['eslint, everything else', await lintingRest, 'no lint errors'],
    ['prettier --check .', await formatting, 'formatted (npm run format)'],
  ];
  for (const [name, result, ok] of checks) {
    if (result.output) process.stdout.write(result.output);
    const status = result.code === 0 ? (result.note ? `${ok}, ${result.note}` : ok) : `FAILED (exit ${result.code})`;
    console.log(`${name}: ${status} (${(result.ms / 1000).toFixed(1)} s, alongside jest)`);
  }
  if (engines.code !== 0) console.log(engines.line);
  process.exitCode = checks.find(([, result]) => result.code !== 0)?.[1].code ?? (engines.code || jest.code);
}

main();
