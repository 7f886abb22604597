/**
 * A tool generator's fresh outputs (TypeDoc's pages and model, API Extractor's reports), kept
 * under a digest of every file the tool reads. The tools take 5-10 s of CPU each and `npm test`
 * asks for their outputs twice (the freshness check and the doc-comment checks), so while the
 * digest is unchanged their last outputs are reused instead of running them again.
 *
 * Correct when the inputs name everything the tool reads: the repository's files are listed (and
 * test/build/tool-memo.test.ts holds the list to what the TypeScript program reads); the packages
 * count through package-lock.json. The cache is in node_modules/.cache, so `npm ci` starts cold.
 * A lock makes two processes that miss at once (two jest workers) run the tool once.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquirePidLock, releasePidLock } from '../../lib/util/pid-lock';
import { ROOT } from './generator';

// CommonJS, shared with scripts/test/test.js.
const { digestOf } = require('../build/input-digest') as {
  digestOf(root: string, inputs: { dirs?: readonly string[]; files?: readonly string[] }): string;
};

/** What a tool reads, relative to the repository root. */
export interface ToolInputs {
  readonly dirs: readonly string[];
  readonly files: readonly string[];
}

/** The TypeScript sources and settings both tools read (tsconfig.build.json's program), and the installed packages. */
export const TYPESCRIPT_INPUTS: ToolInputs = {
  dirs: ['lib', 'bin', 'imports'],
  files: ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json', 'scripts/build/input-digest.js'],
};

export const MEMO_DIR = join(ROOT, 'node_modules', '.cache', 'k8s-practice', 'generate');

/** How long a second process waits for the first to finish the tool. */
const LOCK_WAIT_MS = 10 * 60_000;

/**
 * The folder holding the tool's outputs for the current inputs: reused when its digest matches,
 * otherwise made afresh by `produce` (into an empty folder), which must throw when the tool fails.
 */
export async function memoized(
  name: string,
  inputs: ToolInputs,
  produce: (dir: string) => Promise<void> | void,
  options: { root?: string; cacheDir?: string } = {},
): Promise<string> {
  const root = options.root ?? ROOT;
  const cacheDir = options.cacheDir ?? MEMO_DIR;
  mkdirSync(cacheDir, { recursive: true });
  const outputs = join(cacheDir, name);
  const stamp = join(cacheDir, `${name}.sha256`);
  const lock = join(cacheDir, `${name}.lock`);
  acquirePidLock(lock, {
    waitMs: LOCK_WAIT_MS,
    pollMs: 200,
    timeoutError: (holder) => new Error(`${name}: process ${holder.pid} has held ${lock} for over ${LOCK_WAIT_MS / 60_000} minutes`),
  });
  try {
    // Taken under the lock: a holder that just finished has written the outputs of these inputs.
    const digest = digestOf(root, inputs);
    if (existsSync(outputs) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === digest) return outputs;
    // The stamp goes first and comes back last, so a run killed midway leaves no stamp to trust.
    rmSync(stamp, { force: true });
    const fresh = `${outputs}.new`;
    rmSync(fresh, { recursive: true, force: true });
    mkdirSync(fresh);
    await produce(fresh);
    rmSync(outputs, { recursive: true, force: true });
    renameSync(fresh, outputs);
    writeFileSync(stamp, `${digest}\n`);
    return outputs;
  } finally {
    releasePidLock(lock);
  }
}
