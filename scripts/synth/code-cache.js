// Runs a CommonJS bundle with a V8 code cache beside it: the functions V8
// compiled during the last run are read back instead of compiled again (about
// a sixth of a synth). The cache is written after the bundle has run, so it
// holds the functions the run used, not only the top level.
//
// V8 checks a cache against the source's length, not its bytes, so the cache
// file is named after the bundle's SHA-256: a rebuilt bundle never reads the
// cache of another one. A cache V8 rejects (another node version) is replaced.
'use strict';
const { createHash } = require('node:crypto');
const { readdirSync, readFileSync, unlinkSync } = require('node:fs');
const { writeFileAtomically } = require('./atomic-write');
const { basename, dirname, join } = require('node:path');
const { createRequire, Module } = require('node:module');
const vm = require('node:vm');

function readIfPresent(file) {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Loads `bundle` like require() does and returns its exports, and a function
 * to call once the work is done, which writes the cache when there was none.
 */
function requireWithCodeCache(bundle) {
  const source = readFileSync(bundle, 'utf8');
  // vm.Script on Node 20 cannot run `import()`; such a bundle is loaded the usual way, without a cache.
  if (source.includes('import(')) return { exports: require(bundle), saveCache: () => undefined };
  const digest = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const cacheFile = `${bundle}.${digest}.v8-cache`;
  const cachedData = readIfPresent(cacheFile);
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  const saveCache = () => {
    if (cachedData && !script.cachedDataRejected) return;
    try {
      // Caches of earlier bundles are removed; written under a temporary name and renamed, for synths running at once.
      const prefix = `${basename(bundle)}.`;
      for (const old of readdirSync(dirname(bundle))) {
        if (old.startsWith(prefix) && old.endsWith('.v8-cache')) unlinkSync(join(dirname(bundle), old));
      }
      writeFileAtomically(cacheFile, script.createCachedData());
    } catch {
      // only a cache: the next run compiles again
    }
  };
  return { exports: module.exports, saveCache };
}

module.exports = { requireWithCodeCache };
