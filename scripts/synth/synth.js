// `npm run synth [-- args]` and `cdk8s synth` (cdk8s.yaml's `app`): runs the
// current folder's main.ts compiled (scripts/synth/synth-bundle.js: bundled by
// esbuild, with the packages it uses, into .synth/ beside it and rebuilt
// whenever a file it was built from changed), in this one node process: no tsx
// loader and no TypeScript on the way, and with V8's compiled code of the
// previous run (scripts/synth/code-cache.js). Both commands run in the project folder; a test runs a stand-in
// main.ts of another folder the same way.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { requireWithCodeCache } = require('./code-cache');
const { ensureBundle } = require('./synth-bundle');

const dir = process.cwd();
const entry = join(dir, 'main.ts');
if (!existsSync(entry)) {
  console.error(`synth: no main.ts in ${dir} (run it from the project folder)`);
  process.exit(2);
}
const bundle = join(dir, '.synth', 'main.js');
ensureBundle(entry, bundle).then(
  () => {
    // The project's main.ts exports synthMain (and runs it only as the main module); a stand-in may just run on load.
    const { exports: app, saveCache } = requireWithCodeCache(bundle);
    if (typeof app.synthMain === 'function') app.synthMain(process.argv.slice(2));
    saveCache();
  },
  (error) => {
    console.error(`synth: could not bundle ${entry}: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
