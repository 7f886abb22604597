// `node -r ./test/support/register-ts.js`: lets a plain node process require the
// repository's TypeScript files, types stripped by esbuild as jest's transform
// does (esbuild-transform.js). For jest's global setup, which runs outside jest's
// module system.
'use strict';
const { readFileSync } = require('node:fs');
const { transformSync } = require('esbuild');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    loader: 'ts',
    format: 'cjs',
    target: 'node20',
    platform: 'node',
    sourcefile: filename,
    tsconfigRaw: { compilerOptions: { target: 'ES2022', useDefineForClassFields: true, esModuleInterop: true, strict: true } },
  });
  module._compile(code, filename);
};
