// A SHA-256 over a set of files: every file under some folders (sorted, by
// path relative to the root) and some single files, each with its path. A
// cache keyed on it is correct when the set names everything the cached work read.
'use strict';
const { createHash } = require('node:crypto');
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join, relative } = require('node:path');

/** Every file under `dir` (relative to `root`), sorted, as paths relative to `root`. */
function filesUnder(root, dir) {
  const out = [];
  const walk = (abs) => {
    if (!existsSync(abs)) return;
    for (const entry of readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(abs, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(relative(root, path));
    }
  };
  walk(join(root, dir));
  return out;
}

/** The digest of `files` and every file under `dirs`, all relative to `root`; a missing file counts as such. */
function digestOf(root, { dirs = [], files = [] }) {
  const hash = createHash('sha256');
  for (const file of [...dirs.flatMap((dir) => filesUnder(root, dir)), ...files]) {
    hash.update(`${file}\0`);
    hash.update(existsSync(join(root, file)) ? readFileSync(join(root, file)) : '(missing)');
    hash.update('\0');
  }
  return hash.digest('hex');
}

module.exports = { digestOf, filesUnder };
