// Whether build/ was compiled from exactly the sources now on disk. `prepare`
// (and so `npm pack`, which the consumer test runs) reuses a build whose stamp
// matches and rebuilds otherwise: a stale build is never packed, and a fresh
// one is not compiled twice.
//
// The stamp is a SHA-256 over what the build reads: the TypeScript files under
// tsconfig.build.json's `include` folders, both tsconfig files, the lockfile
// (the compiler and @types versions), this file, and the schemas and CRDs the
// precompiled validators are compiled from (dist/ only picks which kinds are
// precompiled, never what they check, so it is left out).
'use strict';
const { createHash } = require('node:crypto');
const { existsSync, readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const SOURCE_DIRS = ['lib', 'bin', 'imports'];
const DATA_DIRS = ['schemas', 'crds'];
const FILES = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json', 'scripts/build-stamp.js'];
const STAMP = join('build', '.sources.sha256');

/** Every file under `dir` whose name ends with `suffix`, sorted, as paths relative to `root`. */
function filesUnder(root, dir, suffix) {
  const out = [];
  const walk = (abs) => {
    if (!existsSync(abs)) return;
    for (const entry of readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(abs, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(suffix)) out.push(relative(root, path));
    }
  };
  walk(join(root, dir));
  return out;
}

/** The digest of the build's inputs under `root`. */
function sourcesDigest(root) {
  const hash = createHash('sha256');
  const files = [
    ...SOURCE_DIRS.flatMap((dir) => filesUnder(root, dir, '.ts')),
    ...DATA_DIRS.flatMap((dir) => filesUnder(root, dir, '')),
    ...FILES,
  ];
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(existsSync(join(root, file)) ? readFileSync(join(root, file)) : '(missing)');
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** Whether `root`/build holds a complete build of the current sources. */
function buildIsFresh(root) {
  const stamp = join(root, STAMP);
  return existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === sourcesDigest(root);
}

/** Records that `root`/build was just compiled from `digest` (taken before compiling). */
function writeStamp(root, digest) {
  writeFileSync(join(root, STAMP), `${digest}\n`);
}

module.exports = { sourcesDigest, buildIsFresh, writeStamp, STAMP };
