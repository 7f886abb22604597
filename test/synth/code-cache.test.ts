/**
 * `npm run synth` runs its bundle with a V8 code cache (scripts/synth/code-cache.js).
 * V8 checks a cache against the source's length only, so a cache must never be
 * read for another bundle of the same length.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CODE_CACHE = join(__dirname, '..', '..', 'scripts', 'synth', 'code-cache.js');

describe('the code cache of the synth bundle', () => {
  let dir: string;
  let bundle: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'code-cache-'));
    bundle = join(dir, 'main.js');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the bundle through the cache in a fresh process: what it exports, and whether V8 took a cache. */
  const run = () =>
    JSON.parse(
      execFileSync(
        process.execPath,
        [
          '-e',
          `const { requireWithCodeCache } = require(${JSON.stringify(CODE_CACHE)});
           const loaded = requireWithCodeCache(${JSON.stringify(bundle)});
           loaded.saveCache();
           console.log(JSON.stringify({ value: loaded.exports.value(), dirname: loaded.exports.dir }));`,
        ],
        { encoding: 'utf8' },
      ),
    );
  const caches = () => readdirSync(dir).filter((f) => f.endsWith('.v8-cache'));

  test('the first run writes a cache, the next runs read it and give the same result', () => {
    writeFileSync(bundle, 'exports.value = () => [1, 2, 3].map((n) => n * 2).join(","); exports.dir = __dirname;\n');
    expect(run()).toEqual({ value: '2,4,6', dirname: dir });
    expect(caches()).toHaveLength(1);
    expect(run()).toEqual({ value: '2,4,6', dirname: dir });
    expect(caches()).toHaveLength(1);
  });

  test('a rebuilt bundle of the same length runs its own code, and replaces the old cache', () => {
    writeFileSync(bundle, 'exports.value = () => "first";\n');
    expect(run().value).toBe('first');
    const [first] = caches();
    writeFileSync(bundle, 'exports.value = () => "other";\n'); // same length, other bytes
    expect(run().value).toBe('other');
    expect(caches()).toHaveLength(1);
    expect(caches()).not.toContain(first);
    expect(run().value).toBe('other');
  });

  test('a broken cache file is not trusted: the bundle still runs', () => {
    writeFileSync(bundle, 'exports.value = () => "ok";\n');
    run();
    writeFileSync(join(dir, caches()[0]!), 'not a V8 cache');
    expect(run().value).toBe('ok');
  });
  test('a bundle with a dynamic import() runs through require(), without a cache, and its import works', () => {
    writeFileSync(bundle, 'exports.platform = import("node:os").then((os) => os.platform());\n');
    const output = execFileSync(
      process.execPath,
      [
        '-e',
        `const { requireWithCodeCache } = require(${JSON.stringify(CODE_CACHE)});
         const loaded = requireWithCodeCache(${JSON.stringify(bundle)});
         loaded.saveCache();
         loaded.exports.platform.then((p) => console.log(p));`,
      ],
      { encoding: 'utf8' },
    );
    expect(output.trim()).toBe(process.platform);
    expect(caches()).toEqual([]);
  });
});
