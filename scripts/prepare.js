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
}
