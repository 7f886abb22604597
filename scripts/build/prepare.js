// The `prepare` script: builds build/ (tsc -p tsconfig.build.json). npm runs it
// on `npm pack` / `npm publish`, after `npm install` in this repository, and when
// another project installs this package from git (`npm install git+https://...`,
// `github:owner/repo`): a git dependency has no build/ until this script makes it.
//
// `npm ci` here skips the build (npm sets npm_command=ci): the tests and
// `npm run synth` run the TypeScript sources, so a clean clone's `npm ci` stays
// fast and offline. Skipping is the normal case, not a problem, so it prints
// nothing (a `build/ not built` line among npm's output read like an error).
// npm prepares a git dependency by running `npm install` in its clone
// (npm_command=install), so that path always builds.
// K8S_PRACTICE_BUILD=1 forces the build, K8S_PRACTICE_BUILD=0 skips it.
//
// The build also holds the two WebAssembly engines of `k8s-practice validate`: the validation
// engine (kube-apiserver 1.28.15's own checks, tools/engines/validation) and Tekton's admission
// (Tekton Pipelines v1.15.0 and Triggers v0.37.0, tools/engines/tekton/cmd/tekton-admission).
// When Go is installed, they are built (tools/engines/build.sh validation-wasm tekton-wasm:
// incremental, minutes only the first time) and copied to build/engines/, which package.json
// `files` ships. Without Go they are left out with a line saying so: that package's validate
// then says the API-server and Tekton admission checks are unavailable. `npm pack` and `npm
// publish` refuse to pack without them (a package that silently lacks them would be a lesser
// package with the same version). K8S_PRACTICE_WASM=0 skips them.
//
// A build/ whose stamp (scripts/build/build-stamp.js) matches the sources is kept:
// `npm run build` (which always compiles: --force) then `npm pack`, or the
// consumer test's pack, compile once. Two prepares of one checkout run one
// after the other (scripts/build/build-lock.js), so the second reuses the first's build.
'use strict';
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

/** The WebAssembly engines: build.sh's group and the file it writes to .engines/wasm/. */
const WASM_ENGINES = [
  { group: 'validation-wasm', file: 'validation-engine.wasm', what: 'the API-server checks' },
  { group: 'tekton-wasm', file: 'tekton-admission.wasm', what: 'the Tekton admission checks' },
];

const forced = process.env.K8S_PRACTICE_BUILD;
const force = process.argv.includes('--force'); // `npm run build`
const skip = !force && (forced === '0' || (forced !== '1' && process.env.npm_command === 'ci'));
if (!skip) {
  const { sourcesState, buildIsFresh, writeStamp } = require('./build-stamp');
  const { withBuildLock } = require('./build-lock');
  const root = join(__dirname, '..', '..');
  withBuildLock(root, () => {
    if (!force && buildIsFresh(root)) {
      // stderr: `npm pack --json` passes prepare's stdout through into its JSON.
      console.error('prepare: build/ is up to date with the sources (build/.sources.sha256), not rebuilt');
      return;
    }
    // The digest (and the files' times) are taken before compiling: a source edited during the build leaves a stamp that no longer matches.
    const state = sourcesState(root);
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    require('node:fs').rmSync(join(root, 'build'), { recursive: true, force: true });
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
    // Ajv standalone code for the kinds in dist/, so `k8s-practice validate` does not compile them on every run.
    const generated = require(join(root, 'build', 'lib', 'tooling', 'check', 'precompile-validators.js')).writeGeneratedValidators();
    console.error(`prepare: wrote ${require('node:path').relative(root, generated)}`);
    writeStamp(root, state);
  });
  withBuildLock(root, () => shipWasmEngines(root));
}

/**
 * Builds the WebAssembly engines when Go is installed and copies them into build/engines.
 * Why the raw .wasm files (about 100 and 70 MB, 17 and 13 MB gzipped) and not compressed ones:
 * the npm tarball is gzipped anyway, so the download is the same, and `validate` reads them in
 * tens of milliseconds on every run instead of inflating them first (a quarter of a second and
 * more each run) or keeping inflated copies in a cache folder of its own.
 */
function shipWasmEngines(root) {
  const { copyFileSync, existsSync, mkdirSync, statSync } = require('node:fs');
  const { spawnSync } = require('node:child_process');
  const packing = ['pack', 'publish'].includes(process.env.npm_command ?? '');
  if (process.env.K8S_PRACTICE_WASM === '0') return;
  const shipped = (engine) => join(root, 'build', 'engines', engine.file);
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    const why = 'Go is not installed, so the WebAssembly engines are not built';
    if (packing && !WASM_ENGINES.every((engine) => existsSync(shipped(engine))))
      throw new Error(`prepare: ${why}; install Go (1.22 or newer) to pack this package`);
    console.error(
      `prepare: ${why}; \`k8s-practice validate\` will say that ${WASM_ENGINES.map((e) => e.what).join(' and ')} are unavailable`,
    );
    return;
  }
  const started = Date.now();
  const groups = WASM_ENGINES.map((engine) => engine.group);
  const build = spawnSync('bash', [join(root, 'tools', 'engines', 'build.sh'), ...groups], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`prepare: building the WebAssembly engines failed:\n${build.stdout}${build.stderr}`);
  const copied = [];
  for (const engine of WASM_ENGINES) {
    const built = join(root, '.engines', 'wasm', engine.file);
    const target = shipped(engine);
    const fresh =
      existsSync(target) && statSync(target).mtimeMs >= statSync(built).mtimeMs && statSync(target).size === statSync(built).size;
    if (!fresh) {
      mkdirSync(join(root, 'build', 'engines'), { recursive: true });
      copyFileSync(built, target);
      copied.push(engine.file);
    }
  }
  const state = copied.length > 0 ? `${copied.join(' and ')} copied` : 'up to date';
  console.error(`prepare: WebAssembly engines in build/engines ${state} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
