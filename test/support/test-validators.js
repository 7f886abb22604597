// The schema validators of one test run, compiled once instead of in every test
// file. Each test file has a module registry of its own, so each one that
// validates used to compile the Kubernetes and CRD schemas of the kinds it met
// with Ajv again: about a second a file, a third of the suite's time. The global
// setup writes the Ajv standalone code of the kinds in dist/ and in the
// validator's fixtures (what the build precompiles for the package, and more),
// and every test file's validators use it (use-test-validators.js, a jest setup
// file) the way the built package uses its own precompiled code: only while the
// definitions and CRD files match the digests it records; kinds it lacks are
// compiled at run time as before. test/tooling/check/precompiled-validators.test.ts
// checks that this code finds exactly what run-time compiled validators find,
// and runs the run-time ones itself.
//
// The module is kept in node_modules/.cache under a digest of everything that
// goes into it (the validator's sources, the schemas, the CRDs, the objects
// whose kinds it holds, the lockfile's Ajv), so a run whose inputs are unchanged
// reuses it and any change writes a new one.
'use strict';
const { execFileSync } = require('node:child_process');
const { existsSync, mkdirSync, readdirSync, renameSync, rmSync } = require('node:fs');
const { join } = require('node:path');
const { digestOf } = require('../../scripts/build/input-digest');

const ROOT = join(__dirname, '..', '..');
const DIR = join(ROOT, 'node_modules', '.cache', 'k8s-practice', 'test-validators');
/** The folders whose objects' kinds are compiled (as precompiled-validators.test.ts does). */
const KIND_DIRS = ['dist', join('test', 'tooling', 'check', 'fixtures')];
const INPUTS = {
  dirs: [join('lib', 'tooling', 'check'), join('lib', 'util'), join('schemas', 'k8s-1.28'), 'crds', ...KIND_DIRS],
  files: ['package-lock.json', join('test', 'support', 'test-validators.js'), join('test', 'support', 'register-ts.js')],
};

/** Writes the module (in a child process: the global setup runs outside jest's transform) unless it exists; returns its path. */
function ensureTestValidators() {
  const file = join(DIR, `${digestOf(ROOT, INPUTS)}.js`);
  if (existsSync(file)) return file;
  mkdirSync(DIR, { recursive: true });
  // Older modules are of other inputs: one is kept at a time.
  for (const old of readdirSync(DIR)) rmSync(join(DIR, old), { force: true });
  const partial = `${file}.${process.pid}.partial`;
  execFileSync(process.execPath, ['-r', join(__dirname, 'register-ts.js'), __filename, partial], { cwd: ROOT, stdio: 'inherit' });
  renameSync(partial, file);
  return file;
}

/** In the child: writes the generated module to `target`. */
function write(target) {
  const { generatedValidatorsCode, kindsIn } = require('../../lib/tooling/check/precompile-validators.ts');
  const kinds = [...new Set(KIND_DIRS.flatMap((dir) => kindsIn(join(ROOT, dir))))];
  const code = generatedValidatorsCode({
    schemaDir: join(ROOT, 'schemas', 'k8s-1.28'),
    crdDir: join(ROOT, 'crds'),
    kinds,
    runtime: join(ROOT, 'lib', 'tooling', 'check', 'schema-runtime'),
  });
  require('node:fs').writeFileSync(target, code);
}

if (require.main === module) write(process.argv[2]);

module.exports = { ensureTestValidators };
