// `npm run bench -- engine`: the WebAssembly validation engine alone, run as `k8s-practice
// validate` runs it (lib/tooling/check/api-server-engine.ts: Liftoff only, lazy validation, no
// fast API calls), on the files and folders given: node scripts/bench-wasm-engine.js WASM PATH...
// (the answer is dropped; BENCH_ENGINE_OUT=FILE keeps it)
'use strict';
const v8 = require('node:v8');
v8.setFlagsFromString('--liftoff-only');
v8.setFlagsFromString('--wasm-lazy-validation');
v8.setFlagsFromString('--no-turbo-fast-api-calls');
const { WASI } = require('node:wasi');
const { openSync, readFileSync } = require('node:fs');
const { resolve } = require('node:path');
const [wasm, ...paths] = process.argv.slice(2);
const preopens = Object.fromEntries(paths.map((p) => [resolve(p), resolve(p)]));
const wasi = new WASI({
  version: 'preview1',
  args: ['validation-engine', ...paths.map((p) => resolve(p))],
  env: {},
  preopens,
  stdout: openSync(process.env.BENCH_ENGINE_OUT ?? '/dev/null', 'w'),
});
WebAssembly.compile(readFileSync(wasm))
  .then((module) => WebAssembly.instantiate(module, wasi.getImportObject()))
  .then((instance) => wasi.start(instance));
