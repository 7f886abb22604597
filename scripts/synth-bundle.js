// The compiled app `npm run synth` runs: main.ts and the library code it
// imports, bundled into one CommonJS file by esbuild (packages stay in
// node_modules). Beside the bundle, a list of every file it was built from
// with its SHA-256; the bundle is used only while each of them is unchanged
// and is rebuilt (a fraction of a second) otherwise, so a stale bundle never runs.
'use strict';
const { createHash } = require('node:crypto');
const { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { dirname, join, resolve } = require('node:path');

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** The inputs list next to `bundle`. */
const inputsFile = (bundle) => `${bundle}.inputs.json`;

/** Whether `bundle` exists and every file it was built from is unchanged. */
function bundleIsFresh(bundle) {
  if (!existsSync(bundle) || !existsSync(inputsFile(bundle))) return false;
  try {
    const { esbuild, inputs } = JSON.parse(readFileSync(inputsFile(bundle), 'utf8'));
    return (
      esbuild === require('esbuild/package.json').version && inputs.every(([file, digest]) => existsSync(file) && sha256(file) === digest)
    );
  } catch {
    return false;
  }
}

/**
 * Bundles `entry` into `bundle` (unless it is fresh); returns whether it built.
 * `__dirname` in the bundle is the entry's folder, as when the entry runs from source.
 */
function ensureBundle(entry, bundle) {
  if (bundleIsFresh(bundle)) return false;
  const esbuild = require('esbuild');
  const cwd = dirname(resolve(entry));
  const result = esbuild.buildSync({
    entryPoints: [resolve(entry)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    metafile: true,
    write: false,
    outfile: bundle,
    absWorkingDir: cwd,
    logLevel: 'error',
    define: { __dirname: JSON.stringify(cwd) },
  });
  const inputs = Object.keys(result.metafile.inputs)
    .map((file) => resolve(cwd, file))
    .sort()
    .map((file) => [file, sha256(file)]);
  mkdirSync(dirname(bundle), { recursive: true });
  // Written under temporary names and renamed: a synth running at the same time reads one whole bundle or the other.
  const code = result.outputFiles.find((f) => f.path.endsWith('.js'));
  writeFileSync(`${bundle}.${process.pid}.tmp`, code.contents);
  renameSync(`${bundle}.${process.pid}.tmp`, bundle);
  writeFileSync(`${inputsFile(bundle)}.${process.pid}.tmp`, JSON.stringify({ esbuild: require('esbuild/package.json').version, inputs }));
  renameSync(`${inputsFile(bundle)}.${process.pid}.tmp`, inputsFile(bundle));
  return true;
}

module.exports = { ensureBundle, bundleIsFresh };
