// `npm run validate|compare|graph|explain|simulate [-- args]`: `k8s-practice
// <command>` in this one node process, from the compiled build
// (build/bin/k8s-practice.js, with the validators the build precompiled) while
// build/ is of the sources on disk (scripts/build/build-stamp.js), and from the
// TypeScript sources through tsx otherwise: a stale build never runs. The
// sources are about three times slower (every schema compiled at run time);
// `npm run build` makes the build fresh.
'use strict';
const { join } = require('node:path');
const { buildIsFreshQuick } = require('./build-stamp');

const root = join(__dirname, '..', '..');
const args = process.argv.slice(2);

function cli() {
  if (buildIsFreshQuick(root)) return require(join(root, 'build', 'bin', 'k8s-practice.js'));
  if (process.stderr.isTTY)
    console.error('(build/ is not of the current sources: running them through tsx; `npm run build` makes this faster)');
  require('tsx/cjs/api').register();
  return require(join(root, 'bin', 'k8s-practice.ts'));
}

cli().runAsProcess(args);
