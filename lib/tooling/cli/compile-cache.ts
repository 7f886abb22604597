/**
 * V8's compiled code of the modules a CLI run loads, kept for the next run (Node 22 has
 * `module.enableCompileCache()`; the Node 20 the package supports has not). A run of
 * `validate` loads about 130 modules (ours, yaml's, the precompiled validators' 1.6 MB), and
 * compiling each function on its first call is a good part of a run that lasts a few hundred
 * milliseconds.
 *
 * Every CommonJS module compiled after {@link enableCompileCache} goes through `vm.Script` with
 * the cached data of its last compilation. An entry is keyed by the module's file name and the
 * SHA-1 of its source (V8 checks only the source's length), so an edited or reinstalled file
 * never runs stale code. The store is written again only when a module missed it, after the
 * work is done, so that it holds the functions the run called and not only the top levels.
 * The store is one file per Node version in a private folder (see private-cache.ts: cached code
 * is run as it is, so no other user may write there).
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { privateCacheProblem } from '../private-cache';

interface CompilingModule {
  exports: unknown;
  _compile: (this: CompilingModule, content: string, filename: string) => unknown;
}

/** The store: a 4-byte length, a JSON index of `key: [offset, length]`, the cached data. */
function readStore(file: string): Map<string, Buffer> {
  const store = new Map<string, Buffer>();
  try {
    const bytes = readFileSync(file);
    const indexLength = bytes.readUInt32LE(0);
    const index = JSON.parse(bytes.subarray(4, 4 + indexLength).toString()) as Record<string, [number, number]>;
    const data = bytes.subarray(4 + indexLength);
    for (const [key, [offset, length]] of Object.entries(index)) store.set(key, data.subarray(offset, offset + length));
  } catch {
    // none yet, or unreadable: every module is compiled and the store written anew
  }
  return store;
}

function writeStore(file: string, entries: readonly (readonly [string, Buffer])[]): void {
  const index: Record<string, [number, number]> = {};
  let offset = 0;
  for (const [key, data] of entries) {
    index[key] = [offset, data.length];
    offset += data.length;
  }
  const head = Buffer.from(JSON.stringify(index));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(head.length);
  // Renamed into place: a run reading the store at the same time sees the old one or the new one.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, Buffer.concat([length, head, ...entries.map(([, data]) => data)]), { mode: 0o600 });
  renameSync(temporary, file);
}

/**
 * Compiles the CommonJS modules loaded from now on with a code cache in `dir` (nothing, when
 * `dir` is not private to this user); returns the function to call once the work is done.
 */
export function enableCompileCache(dir: string): () => void {
  if (privateCacheProblem(dir) !== undefined) return () => undefined;
  const file = join(dir, `v8-${process.version}-${process.arch}.bin`);
  const stored = readStore(file);
  const used: { key: string; data?: Buffer; script?: Script }[] = [];
  const prototype = Module.prototype as unknown as CompilingModule;
  const compile = prototype._compile;
  prototype._compile = function (this: CompilingModule, content: string, filename: string) {
    // vm.Script cannot run import() without a loader callback: such a module is compiled as usual.
    if (content.includes('import(')) return compile.call(this, content, filename);
    const key = `${filename}\0${createHash('sha1').update(content).digest('base64')}`;
    const cachedData = stored.get(key);
    // A hashbang line becomes a comment: inside the module wrapper it would not be the first line.
    const source = Module.wrap(content.startsWith('#!') ? `//${content}` : content);
    const script = new Script(source, { filename, cachedData });
    used.push(cachedData && !script.cachedDataRejected ? { key, data: cachedData } : { key, script });
    const wrapper = script.runInThisContext() as (...args: unknown[]) => unknown;
    // createRequire resolves from the module's own folder, as the module's own require would.
    return wrapper.call(this.exports, this.exports, createRequire(filename), this, filename, dirname(filename));
  };
  return () => {
    prototype._compile = compile;
    if (used.every((entry) => entry.data)) return;
    try {
      // The entries of other commands' modules are kept; those of another version of a file used now are not.
      const files = new Set(used.map(({ key }) => key.slice(0, key.indexOf('\0'))));
      const kept = [...stored].filter(([key]) => !files.has(key.slice(0, key.indexOf('\0'))));
      writeStore(file, [...kept, ...used.map(({ key, data, script }) => [key, data ?? script!.createCachedData()] as const)]);
    } catch {
      // only a cache: the next run compiles again
    }
  };
}
