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
//
// Beside the stamp, the size and modification time (ns) of each of those files
// when the digest was taken: `npm run validate` and the other CLI scripts
// (scripts/build/cli.js) ask buildIsFreshQuick(), which trusts the stamp without
// reading the files while the same files have the same sizes and times (as make
// and tsc's watch mode do), and hashes them all otherwise. `prepare` (and so
// `npm pack`) always compares the full digest.
'use strict';
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { filesUnder } = require('./input-digest');

const SOURCE_DIRS = ['lib', 'bin', 'imports'];
const DATA_DIRS = ['schemas', 'crds'];
const FILES = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json', 'scripts/build/build-stamp.js', 'scripts/build/input-digest.js'];
const STAMP = join('build', '.sources.sha256');
const STAT_RECORD = join('build', '.sources.stat.json');

/** The build's input files under `root`, relative to it. */
function inputFiles(root) {
  return [
    ...SOURCE_DIRS.flatMap((dir) => filesUnder(root, dir).filter((path) => path.endsWith('.ts'))),
    ...DATA_DIRS.flatMap((dir) => filesUnder(root, dir)),
    ...FILES,
  ];
}

/** `[file, size, mtimeNs]` of each file ('-' for a missing one). */
function statsOf(root, files) {
  return files.map((file) => {
    const stat = statSync(join(root, file), { bigint: true, throwIfNoEntry: false });
    return stat ? [file, String(stat.size), String(stat.mtimeNs)] : [file, '-', '-'];
  });
}

/** The digest of the build's inputs under `root`. */
function sourcesDigest(root) {
  const hash = createHash('sha256');
  for (const file of inputFiles(root)) {
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

/** A file written this close before its stats were taken may be written again with the same time (coarse clocks): 2 s, in ns. */
const RACY_NS = 2_000_000_000n;

/** The inputs' digest and their sizes and times, the times taken first (see sourcesState's use in prepare.js). */
function sourcesState(root) {
  const takenNs = String(BigInt(Date.now()) * 1_000_000n);
  const stats = statsOf(root, inputFiles(root));
  return { digest: sourcesDigest(root), stats, takenNs };
}

/** Whether the record can vouch for the files: none was modified within RACY_NS of the moment its stats were taken (as git does with its index). */
const trustworthy = ({ stats, takenNs }) =>
  typeof takenNs === 'string' && stats.every(([, , time]) => time === '-' || BigInt(time) < BigInt(takenNs) - RACY_NS);

/**
 * Whether `root`/build is fresh, without reading the sources while each input file has the size and
 * time recorded with the stamp: a file written since has another time. Files written within 2 s
 * before the record was taken are not vouched for (a coarse clock could give a rewrite the same
 * time). Any difference, or no record: the full digest decides.
 */
function buildIsFreshQuick(root) {
  const stamp = join(root, STAMP);
  const record = join(root, STAT_RECORD);
  if (!existsSync(stamp)) return false;
  if (existsSync(record)) {
    try {
      const recorded = JSON.parse(readFileSync(record, 'utf8'));
      if (
        recorded.digest === readFileSync(stamp, 'utf8').trim() &&
        trustworthy(recorded) &&
        JSON.stringify(recorded.stats) === JSON.stringify(statsOf(root, inputFiles(root)))
      )
        return true;
    } catch {
      // an unreadable record: hash
    }
  }
  return buildIsFresh(root);
}

/** Records that `root`/build was just compiled from the inputs in `state` (sourcesState(), taken before compiling). */
function writeStamp(root, state) {
  writeFileSync(join(root, STAT_RECORD), `${JSON.stringify({ digest: state.digest, takenNs: state.takenNs, stats: state.stats })}\n`);
  writeFileSync(join(root, STAMP), `${state.digest}\n`);
}

module.exports = { sourcesDigest, sourcesState, buildIsFresh, buildIsFreshQuick, writeStamp, STAMP };
