// Files of the synth's own folder (.synth/: the bundle, its inputs list, the V8 code cache) are
// written under a temporary name `<file>.<pid>.tmp` and renamed, so a synth running at the same
// time reads one whole file or the other. A write that fails (a full disk) removes its temporary
// file; temporary files of runs that died are removed by the next run.
'use strict';
const { readdirSync, renameSync, unlinkSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const TEMPORARY = /\.(\d+)\.tmp$/;

/**
 * Whether a process with this pid exists (EPERM: it does, owned by another user). Not a lock, so
 * not lib/util/pid-lock.ts: the synth runs this file on every run, and loading a TypeScript file
 * here would cost it more than the rest of this check.
 */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function removeQuietly(file) {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

/** Writes `data` to `file` through `<file>.<pid>.tmp`; on any failure the temporary file is removed and the error thrown. */
function writeFileAtomically(file, data) {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, file);
  } catch (error) {
    removeQuietly(temporary);
    throw error;
  }
}

/**
 * Removes the `*.<pid>.tmp` files in `dir` whose process is gone (killed mid-write) or is this one
 * (nothing of ours is being written when this runs); another live synth's are left to it.
 * Returns the names removed.
 */
function removeStaleTemporaries(dir) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed = [];
  for (const name of names) {
    const match = TEMPORARY.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid !== process.pid && pid > 0 && alive(pid)) continue;
    removeQuietly(join(dir, name));
    removed.push(name);
  }
  return removed;
}

module.exports = { writeFileAtomically, removeStaleTemporaries };
