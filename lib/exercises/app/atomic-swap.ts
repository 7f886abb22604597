import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { AtomicSynthOptions } from './atomic-synth';
import { exchangeFolders } from './folder-exchange';
import { acquirePidLock, releasePidLock } from '../../util/pid-lock';

/**
 * The points of a synth at which a process may die. {@link synthesizeWithSwap}
 * reports each one to `onStep` just before it does what the step names.
 */
export const SYNTH_STEPS = [
  'lock', // take `.<out>.staging-lock`
  'recover', // restore or remove what an interrupted run left
  'stage', // create the staging folder
  'synthesize', // the app writes into the staging folder
  'swap', // exchange the staging folder and `outdir` (one rename(2) call each in fallback mode)
  'swap-second-rename', // fallback mode only: the second rename
  'cleanup', // remove the previous tree
  'copy', // copy to `alsoCopyTo`
  'unlock', // release the lock
] as const;

/** One of {@link SYNTH_STEPS}. */
export type SynthStep = (typeof SYNTH_STEPS)[number];

/** How the new tree replaces `outdir`. */
export type SwapMode =
  /** One atomic exchange of the two folders (renameat2 RENAME_EXCHANGE / renamex_np RENAME_SWAP). */
  | 'exchange'
  /** Two renames; `outdir` is absent between them and an interruption there is repaired by the next run. */
  | 'rename-pair';

/** Options of {@link synthesizeWithSwap}: the public ones, and two for tests. */
export interface SwapOptions extends AtomicSynthOptions {
  /**
   * How the new tree replaces `outdir`: `exchange` when the platform offers an
   * atomic folder exchange (Linux, macOS; perl or python3 makes the call: folder-exchange.ts),
   * otherwise `rename-pair`.
   * @default 'auto'
   */
  readonly swap?: SwapMode | 'auto';
  /**
   * Called before each step; used by the tests to kill the process at every
   * step. An error thrown here abandons the synth exactly there, without any
   * cleanup, as a killed process would.
   * @default no hook
   */
  readonly onStep?: (step: SynthStep) => void;
}

/** What {@link synthesizeWithSwap} did. */
export interface AtomicSynthResult {
  /** The file names now in `outdir`, sorted. */
  readonly files: string[];
  /** How the tree was swapped in; `unchanged` when `outdir` already held the same files (left untouched). */
  readonly swap: SwapMode | 'unchanged';
  /** Problems after `outdir` was already replaced (e.g. an old tree that could not be removed). */
  readonly warnings: string[];
}

/**
 * The synth stopped before `outdir` was touched: `outdir` is exactly as it was.
 * Every error {@link synthesizeWithSwap} throws is one of these.
 */
export class SynthAbortedError extends Error {
  constructor(
    message: string,
    readonly outdir: string,
  ) {
    super(message);
    this.name = 'SynthAbortedError';
  }
}

class Abandoned extends Error {}

/**
 * The implementation of `synthesizeAtomically`. Runs `synthesize` into a fresh
 * staging folder beside `outdir` and swaps the result into `outdir` only when it
 * returned without error and wrote at least one file. Guarantees:
 *
 * - Synths of the same folder run one after the other (a lock file).
 * - A failure (the app throws, the lock is held too long) throws a
 *   {@link SynthAbortedError} and leaves `outdir` exactly as it was.
 * - With the `exchange` swap, `outdir` exists at every instant and is wholly
 *   the old or wholly the new tree, whenever the process is killed.
 * - Whatever an interrupted run left (staging folders, a previous tree, a
 *   stale lock, an `outdir` moved aside by a `rename-pair` swap) is restored
 *   or removed by the next run. Only names this function creates are touched:
 *   `.<out>.staging-*` beside `outdir` (the lock is `.<out>.staging-lock`).
 * - `outdir` keeps its permissions (a new one gets the umask's).
 */
export function synthesizeWithSwap(outdir: string, synthesize: (stagingDir: string) => void, options: SwapOptions = {}): AtomicSynthResult {
  const target = resolve(outdir);
  const parent = dirname(target);
  const prefix = `.${basename(target)}.staging-`;
  // The lock shares the staging prefix, so one ignore pattern covers both.
  const lockFile = join(parent, `${prefix}lock`);
  const step = (name: SynthStep) => {
    if (!options.onStep) return;
    try {
      options.onStep(name);
    } catch (error) {
      throw new Abandoned(error instanceof Error ? error.message : String(error));
    }
  };
  const warnings: string[] = [];
  mkdirSync(parent, { recursive: true });

  step('lock');
  acquireLock(lockFile, target);
  let staging: string | undefined;
  let abandoned = false;
  try {
    step('recover');
    warnings.push(...recoverLeftovers(parent, prefix, target));
    refuseNonFolder(target);

    step('stage');
    staging = mkdtempSync(join(parent, prefix));
    chmodSync(staging, folderMode(target));

    step('synthesize');
    try {
      synthesize(staging);
    } catch (error) {
      throw new SynthAbortedError(error instanceof Error ? error.message : String(error), target);
    }
    const files = readdirSync(staging).sort();
    if (files.length === 0) throw new SynthAbortedError(`synthesis wrote no files; ${target} was left as it was`, target);

    // An outdir that already holds exactly this tree is left as it is, inodes and times included (as make would).
    let mode: SwapMode | 'unchanged' = 'unchanged';
    if (!sameFiles(staging, target, files)) {
      step('swap');
      const swapped = swapIn(staging, target, options.swap ?? 'auto', step);
      mode = swapped.mode;
      if (!swapped.previousTree) staging = undefined;
    }

    // From here on outdir holds the new tree: nothing may throw "left unchanged".
    step('cleanup');
    if (staging) {
      try {
        rmSync(staging, { recursive: true, force: true });
        staging = undefined;
      } catch (error) {
        warnings.push(`could not remove the previous tree ${staging} (the next synth retries): ${(error as Error).message}`);
        staging = undefined;
      }
    }
    step('copy');
    if (options.alsoCopyTo) {
      try {
        mkdirSync(options.alsoCopyTo, { recursive: true });
        for (const file of files) copyFileSync(join(target, file), join(options.alsoCopyTo, file));
      } catch (error) {
        warnings.push(`could not copy the result to ${options.alsoCopyTo}: ${(error as Error).message}`);
      }
    }
    step('unlock');
    return { files, swap: mode, warnings };
  } catch (error) {
    if (error instanceof Abandoned) {
      abandoned = true;
      throw error;
    }
    if (staging) {
      try {
        rmSync(staging, { recursive: true, force: true });
      } catch {
        // the next run removes it
      }
    }
    if (error instanceof SynthAbortedError) throw error;
    throw new SynthAbortedError(error instanceof Error ? error.message : String(error), target);
  } finally {
    // An abandoned run keeps its lock, as a killed process would; the next run finds it stale.
    if (!abandoned) releasePidLock(lockFile);
  }
}

/**
 * Throws when `target` exists and is not a real folder. A regular file there would be deleted
 * and replaced by a folder with the file's mode (0644: no one could enter it); a symbolic link
 * would be replaced by a folder while its target kept the stale output. Neither is the synth's to
 * decide: it stops before synthesizing, and both stay as they are.
 */
function refuseNonFolder(target: string): void {
  let stat;
  try {
    stat = lstatSync(target);
  } catch {
    return; // absent: the synth creates it
  }
  if (stat.isDirectory()) return;
  let what: string;
  let fix: string;
  if (stat.isSymbolicLink()) {
    let to = '?';
    try {
      to = readlinkSync(target);
    } catch {
      // unreadable link: named without its target
    }
    what = `a symbolic link (to ${to})`;
    fix =
      'the synth replaces the folder as a whole and would leave the link and its target stale: point the output (cdk8s.yaml) at a real folder, or remove the link';
  } else {
    what = stat.isFile() ? 'a regular file' : 'not a folder (a FIFO, socket or device)';
    fix = 'the synth would delete it to write a folder there: move it away or remove it';
  }
  throw new SynthAbortedError(`${target} is ${what}, not a folder; ${fix}, then synth again (nothing was changed)`, target);
}

/**
 * Puts the tree in `staging` at `target`. Returns how, and whether `staging`
 * now holds the previous tree (to be removed).
 */
function swapIn(
  staging: string,
  target: string,
  wanted: SwapMode | 'auto',
  step: (name: SynthStep) => void,
): { mode: SwapMode; previousTree: boolean } {
  const mode = chooseSwap(wanted, target);
  if (!existsSync(target)) {
    renameSync(staging, target);
    return { mode, previousTree: false };
  }
  if (mode === 'exchange' && trySwapExchange(wanted, staging, target)) return { mode, previousTree: true };
  // outdir -> <staging>.previous, staging -> outdir. Killed in between, the
  // next run finds no outdir and renames <staging>.previous back.
  const previous = `${staging}.previous`;
  try {
    renameSync(target, previous);
  } catch (error) {
    throw new SynthAbortedError(`could not move ${target} aside: ${(error as Error).message}`, target);
  }
  step('swap-second-rename');
  try {
    renameSync(staging, target);
  } catch (error) {
    renameSync(previous, target);
    throw new SynthAbortedError(`could not move the new tree into ${target}: ${(error as Error).message}`, target);
  }
  renameSync(previous, staging);
  return { mode: 'rename-pair', previousTree: true };
}

/**
 * Whether `target` holds exactly the regular files `names` of `staging`, with
 * the same bytes and permissions, and nothing else. A tree with folders is
 * never called the same (cdk8s writes folders only in other output types).
 */
function sameFiles(staging: string, target: string, names: readonly string[]): boolean {
  let present: string[];
  try {
    present = readdirSync(target).sort();
  } catch {
    return false;
  }
  if (present.length !== names.length || present.some((name, i) => name !== names[i])) return false;
  return names.every((name) => {
    const [a, b] = [join(staging, name), join(target, name)];
    const [statA, statB] = [lstatSync(a), lstatSync(b)];
    return (
      statA.isFile() && statB.isFile() && statA.mode === statB.mode && statA.size === statB.size && readFileSync(a).equals(readFileSync(b))
    );
  });
}

/** How long a synth waits for another live synth of the same folder to finish. */
export const SYNTH_LOCK_WAIT_MS = 60_000;

function acquireLock(lockFile: string, target: string): void {
  acquirePidLock(lockFile, {
    waitMs: SYNTH_LOCK_WAIT_MS,
    pollMs: 50,
    mode: 0o644,
    timeoutError: (holder) =>
      new SynthAbortedError(
        `another synth (pid ${holder.pid}) is still writing ${target} after ${SYNTH_LOCK_WAIT_MS / 1000} s; its lock is ${lockFile}`,
        target,
      ),
    createError: (error) => new SynthAbortedError(`could not create the lock ${lockFile}: ${error.message}`, target),
  });
}

/**
 * Restores an `outdir` a rename-pair swap moved aside, then removes every
 * staging folder and previous tree an interrupted run left. Runs under the lock,
 * so no other synth's staging folder can be among them.
 */
function recoverLeftovers(parent: string, prefix: string, target: string): string[] {
  const warnings: string[] = [];
  const leftovers = readdirSync(parent)
    .filter((name) => name.startsWith(prefix) && name !== `${prefix}lock`)
    .sort();
  if (!existsSync(target)) {
    const previous = leftovers.find((name) => name.endsWith('.previous'));
    if (previous) {
      renameSync(join(parent, previous), target);
      warnings.push(`restored ${target} from ${previous}, left by an interrupted synth`);
    }
  }
  for (const name of leftovers) {
    const path = join(parent, name);
    if (!existsSync(path) || !lstatSync(path).isDirectory()) continue;
    try {
      rmSync(path, { recursive: true, force: true });
    } catch (error) {
      warnings.push(`could not remove ${path}, left by an interrupted synth: ${(error as Error).message}`);
    }
  }
  return warnings;
}

function folderMode(target: string): number {
  if (existsSync(target)) return statSync(target).mode & 0o7777;
  return 0o777 & ~process.umask();
}

/** Per parent folder, whether an exchange worked there (unknown until the first one is tried). */
const exchangeSupport = new Map<string, boolean>();

/**
 * `auto` tries the atomic exchange first (no separate probe: a failed
 * renameat2 / renamex_np changes nothing, and each attempt starts a perl or
 * python3), and falls back to the rename pair where it failed before.
 */
function chooseSwap(wanted: SwapMode | 'auto', target: string): SwapMode {
  if (wanted !== 'auto') return wanted;
  return exchangeSupport.get(dirname(target)) === false ? 'rename-pair' : 'exchange';
}

/**
 * Exchanges `staging` and `target`; whether it did. With `auto`, a failure
 * (no renameat2, neither perl nor python3) is remembered and answered by the rename pair;
 * with `exchange` asked for explicitly, it abandons the synth.
 */
function trySwapExchange(wanted: SwapMode | 'auto', staging: string, target: string): boolean {
  const exchanged = exchangeFolders(staging, target);
  if (wanted === 'auto') exchangeSupport.set(dirname(target), exchanged === true);
  if (exchanged === true) return true;
  if (wanted === 'auto') return false;
  throw new SynthAbortedError(`could not exchange ${staging} with ${target}: ${exchanged}`, target);
}
