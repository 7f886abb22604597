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
// The build also holds the WebAssembly validation engine (kube-apiserver 1.28.15's own checks
// for `k8s-practice validate`, tools/engines/validation): when Go is installed, it is built
// (tools/engines/build.sh validation-wasm: incremental, minutes only the first time) and copied
// to build/engines/validation-engine.wasm, which package.json `files` ships. Without Go it is
// left out with a line saying so: that package's validate then says the API-server checks are
// unavailable. `npm pack` and `npm publish` refuse to pack without it (a package that silently
// lacks it would be a lesser package with the same version). K8S_PRACTICE_WASM=0 skips it.
//
// A build/ whose stamp (scripts/build-stamp.js) matches the sources is kept:
// `npm run build` (which always compiles: --force) then `npm pack`, or the
// consumer test's pack, compile once. Two prepares of one checkout run one
// after the other (scripts/build-lock.js), so the second reuses the first's build.
'use strict';
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

const forced = process.env.K8S_PRACTICE_BUILD;
const force = process.argv.includes('--force'); // `npm run build`
const skip = !force && (forced === '0' || (forced !== '1' && process.env.npm_command === 'ci'));
if (!skip) {
  const { sourcesState, buildIsFresh, writeStamp } = require('./build-stamp');
  const { withBuildLock } = require('./build-lock');
  const root = join(__dirname, '..');
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
  withBuildLock(root, () => shipWasmEngine(root));
}

/**
 * Builds the WebAssembly validation engine when Go is installed and copies it into build/engines.
 * Why the raw .wasm (about 100 MB, 17 MB gzipped) and not a compressed file: the npm tarball
 * is gzipped anyway, so the download is the same, and `validate` reads it in tens of
 * milliseconds on every run instead of inflating it first (a quarter of a second and more each
 * run) or keeping an inflated copy in a cache folder of its own.
 */
function shipWasmEngine(root) {
  const { copyFileSync, existsSync, mkdirSync, statSync } = require('node:fs');
  const { spawnSync } = require('node:child_process');
  const packing = ['pack', 'publish'].includes(process.env.npm_command ?? '');
  if (process.env.K8S_PRACTICE_WASM === '0') return;
  const built = join(root, '.engines', 'wasm', 'validation-engine.wasm');
  const shipped = join(root, 'build', 'engines', 'validation-engine.wasm');
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    const why = 'Go is not installed, so the WebAssembly validation engine is not built';
    if (packing && !existsSync(shipped)) throw new Error(`prepare: ${why}; install Go (1.22 or newer) to pack this package`);
    console.error(`prepare: ${why}; \`k8s-practice validate\` will say that the API-server checks are unavailable`);
    return;
  }
  const started = Date.now();
  const build = spawnSync('bash', [join(root, 'tools', 'engines', 'build.sh'), 'validation-wasm'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`prepare: building the WebAssembly validation engine failed:\n${build.stdout}${build.stderr}`);
  const fresh =
    existsSync(shipped) && statSync(shipped).mtimeMs >= statSync(built).mtimeMs && statSync(shipped).size === statSync(built).size;
  if (!fresh) {
    mkdirSync(join(root, 'build', 'engines'), { recursive: true });
    copyFileSync(built, shipped);
  }
  console.error(
    `prepare: WebAssembly validation engine ${fresh ? 'up to date' : 'copied'} in build/engines (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
}
