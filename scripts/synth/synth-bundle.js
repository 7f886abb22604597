// The compiled app `npm run synth` runs: main.ts, the library code it imports
// and the packages they use (cdk8s, cdk8s-plus-28, constructs, yaml), bundled
// into one CommonJS file by esbuild: one file to load instead of a few hundred
// modules to resolve and read. Beside the bundle, a list of every file it was
// built from; the bundle is used only while each of them is unchanged and is
// rebuilt (about a second) otherwise, so a stale bundle never runs.
//
// "Unchanged": the same SHA-256 for the project's own files; the same size and
// modification time for files under node_modules (an install rewrites them; a
// hash of the 6 MB there would cost more than the rest of the check).
'use strict';
const { createHash } = require('node:crypto');
const { existsSync, mkdirSync, readFileSync, statSync } = require('node:fs');
const { dirname, join, resolve, sep } = require('node:path');
const { removeStaleTemporaries, writeFileAtomically } = require('./atomic-write');

const PACKAGE_FILE = `${sep}node_modules${sep}`;
// A bundle built by another esbuild release is rebuilt.
const ESBUILD_VERSION = require('esbuild/package.json').version;

/** What must stay the same for `file` to count as unchanged. */
function stampOf(file) {
  if (file.includes(PACKAGE_FILE)) {
    const { size, mtimeMs } = statSync(file);
    return `${size}:${mtimeMs}`;
  }
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** The inputs list next to `bundle`. */
const inputsFile = (bundle) => `${bundle}.inputs.json`;

/** Whether `bundle` exists and every file it was built from is unchanged. */
function bundleIsFresh(bundle) {
  if (!existsSync(bundle) || !existsSync(inputsFile(bundle))) return false;
  try {
    const { esbuild, inputs } = JSON.parse(readFileSync(inputsFile(bundle), 'utf8'));
    return esbuild === ESBUILD_VERSION && inputs.every(([file, stamp]) => existsSync(file) && stampOf(file) === stamp);
  } catch {
    return false;
  }
}

/**
 * Gives every bundled file that reads `__dirname` its own: the folder it is in,
 * as when it runs unbundled (in a bundle it would be the bundle's folder). Our
 * main.ts finds dist/ by it; cdk8s finds a helper script of its own by it.
 */
const ownDirname = {
  name: 'own-dirname',
  setup(build) {
    build.onLoad({ filter: /\.(ts|js|cjs)$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('__dirname') || /\b(const|let|var)\s+__dirname\b/.test(source)) return undefined;
      // On the first line, so that line numbers in stack traces stay those of the source.
      const contents = `const __dirname = ${JSON.stringify(dirname(args.path))};${source}`;
      return { contents, loader: args.path.endsWith('.ts') ? 'ts' : 'js' };
    });
  },
};

/** Bundles `entry` into `bundle` (unless it is fresh); resolves to whether it built. */
async function ensureBundle(entry, bundle) {
  // Temporary files of runs that died mid-write (a full disk, a kill) go first.
  removeStaleTemporaries(dirname(bundle));
  if (bundleIsFresh(bundle)) return false;
  const esbuild = require('esbuild');
  const cwd = dirname(resolve(entry));
  // esbuild.build, not buildSync: only the asynchronous API takes plugins.
  const result = await esbuild.build({
    entryPoints: [resolve(entry)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    metafile: true,
    write: false,
    outfile: bundle,
    absWorkingDir: cwd,
    logLevel: 'error',
    plugins: [ownDirname],
  });
  const inputs = Object.keys(result.metafile.inputs)
    .map((file) => resolve(cwd, file))
    .sort()
    .map((file) => [file, stampOf(file)]);
  mkdirSync(dirname(bundle), { recursive: true });
  // Written under temporary names and renamed: a synth running at the same time reads one whole bundle or the other.
  const code = result.outputFiles.find((f) => f.path.endsWith('.js'));
  writeFileAtomically(bundle, code.contents);
  writeFileAtomically(inputsFile(bundle), JSON.stringify({ esbuild: ESBUILD_VERSION, inputs }));
  return true;
}

module.exports = { ensureBundle, bundleIsFresh };
