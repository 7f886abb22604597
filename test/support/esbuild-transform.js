// jest's transform for TypeScript: esbuild strips the types (a few ms per file,
// where ts-jest starts the TypeScript compiler in every worker). Nothing is
// type-checked here: `npm test` runs tsc beside jest for that.
'use strict';
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { transformSync, version } = require('esbuild');

// The options of tsconfig.json that change the emitted JavaScript.
// `strict` makes esbuild emit "use strict" as tsc does (a CEL method's `this` string stays a primitive).
const TSCONFIG = { compilerOptions: { target: 'ES2022', useDefineForClassFields: true, esModuleInterop: true, strict: true } };
const THIS_FILE = readFileSync(__filename);

module.exports = {
  process(source, path) {
    const { code } = transformSync(source, {
      loader: 'ts',
      format: 'cjs',
      target: 'node20',
      platform: 'node',
      sourcefile: path,
      sourcemap: 'inline',
      tsconfigRaw: TSCONFIG,
      // tsc turns `import()` into a require() under module: commonjs; jest runs tests without ESM support.
      supported: { 'dynamic-import': false },
    });
    return { code };
  },
  getCacheKey(source, path, { configString }) {
    return createHash('sha256')
      .update(version)
      .update(THIS_FILE)
      .update(configString)
      .update(path)
      .update('\0')
      .update(source)
      .digest('hex');
  },
};
