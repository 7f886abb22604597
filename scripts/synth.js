// `npm run synth [-- args]`: runs main.ts compiled (scripts/synth-bundle.js:
// bundled by esbuild and rebuilt whenever a file it was built from changed),
// in this one node process: no tsx loader and no TypeScript on the way.
'use strict';
const { join } = require('node:path');
const { ensureBundle } = require('./synth-bundle');

const root = join(__dirname, '..');
const bundle = join(root, '.synth', 'main.js');
ensureBundle(join(root, 'main.ts'), bundle);
require(bundle).synthMain(process.argv.slice(2));
