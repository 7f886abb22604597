/**
 * The CLI's V8 code cache (lib/tooling/cli/compile-cache.ts): a module edited since the cache was
 * written runs as edited (V8 itself checks only the source's length), the store is private, and a
 * folder others may write to is not used. Run in a child Node: jest's own module system does not
 * compile through Node's Module.prototype._compile.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'compile-cache-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Requires `module` with the cache in `cache` enabled, in a child Node; returns what it exports. */
function load(cache: string, module: string): string {
  const script = `
    const { enableCompileCache } = require(${JSON.stringify(join(ROOT, 'lib', 'tooling', 'cli', 'compile-cache.ts'))});
    const save = enableCompileCache(${JSON.stringify(cache)});
    const value = require(${JSON.stringify(module)}).value();
    save();
    console.log(value);`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(child.stderr);
  return child.stdout.trim();
}

test('an edited module runs as edited, also when its length is unchanged; the store is private', () => {
  const cache = join(dir, 'cache');
  const module = join(dir, 'answer.js');
  writeFileSync(module, 'exports.value = () => "one";\n');
  expect(load(cache, module)).toBe('one');
  expect(statSync(cache).mode & 0o777).toBe(0o700);
  const [store] = readdirSync(cache);
  expect(statSync(join(cache, store!)).mode & 0o777).toBe(0o600);
  expect(load(cache, module)).toBe('one'); // from the cache
  writeFileSync(module, 'exports.value = () => "two";\n');
  expect(load(cache, module)).toBe('two');
});

test('a cache folder others may write to is not used', () => {
  const cache = join(dir, 'shared');
  mkdirSync(cache);
  chmodSync(cache, 0o777);
  const module = join(dir, 'answer.js');
  writeFileSync(module, 'exports.value = () => "one";\n');
  expect(load(cache, module)).toBe('one');
  expect(readdirSync(cache)).toEqual([]);
});
