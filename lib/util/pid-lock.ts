/**
 * A lock file that names the process holding it: one writer at a time for a folder (the synth's
 * swap of dist/, `prepare`'s build/). The file holds the holder's pid and, where /proc exists, the
 * process's start time, so a pid reused after a crash is not taken for the holder. A lock whose
 * holder is gone is taken over; one still held after `waitMs` is an error.
 *
 * Used by lib/exercises/app/atomic-swap.ts (TypeScript) and by scripts/build/build-lock.js
 * (plain node, before build/ exists, through esbuild): keep it free of imports but node's own.
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';

/** Who a lock file names: its pid (first line) and, when recorded, the process's start time (`start=`). */
export interface PidLockHolder {
  readonly pid: number;
  readonly start?: string;
}

export interface PidLockOptions {
  /** How long to wait for a live holder before giving up. */
  readonly waitMs: number;
  /** How long to sleep between two tries. */
  readonly pollMs: number;
  /** The lock file's mode. @default 0o666 (less the umask) */
  readonly mode?: number;
  /**
   * For a lock written without a start time (an older writer), whether the live process's
   * command line is one of a holder's. Without it, a live pid counts as the holder.
   */
  readonly holderCommand?: (argv: readonly string[]) => boolean;
  /** The error to throw when a live holder still has the lock after `waitMs`. */
  readonly timeoutError: (holder: PidLockHolder) => Error;
  /** The error to throw when the lock file cannot be created (other than because it exists). */
  readonly createError?: (error: Error) => Error;
}

/** The holder a lock file names, or undefined when it names none (being written, or unreadable). */
export function readPidLock(file: string): PidLockHolder | undefined {
  try {
    const [first = '', second] = readFileSync(file, 'utf8').split('\n');
    const pid = Number.parseInt(first, 10);
    if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
    const start = second?.startsWith('start=') ? second.slice('start='.length) || undefined : undefined;
    return start === undefined ? { pid } : { pid, start };
  } catch {
    return undefined;
  }
}

/** A process's start time in clock ticks since boot (/proc/<pid>/stat field 22), or undefined without /proc. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces and parentheses: state is field 3.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[22 - 3];
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid exists (EPERM: it does, owned by another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A process's command line (/proc), or undefined without /proc. */
function commandLine(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return undefined;
  }
}

/**
 * Whether the holder is a live process that really holds the lock. A pid is not enough: after a
 * crash it may belong to another process by now, or be our own. So:
 * - our own pid is never a live holder: the lock is taken synchronously, so such a lock was left by
 *   this process or by a dead one whose pid we got (never wait on ourselves);
 * - with /proc, the process must have the start time the lock recorded (a lock without one: its
 *   command line must be a holder's, when `holderCommand` says what that is);
 * - without /proc, a live pid counts.
 */
function holderIsLive(holder: PidLockHolder, options: PidLockOptions): boolean {
  if (holder.pid === process.pid || !processAlive(holder.pid)) return false;
  const start = processStart(holder.pid);
  if (start === undefined) return true; // no /proc: the pid is all there is
  if (holder.start !== undefined) return holder.start === start;
  if (options.holderCommand === undefined) return true;
  const argv = commandLine(holder.pid);
  return argv !== undefined && options.holderCommand(argv);
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return Infinity;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Takes the lock, waiting for a live holder and taking over from one that is gone (see holderIsLive). */
export function acquirePidLock(file: string, options: PidLockOptions): void {
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    try {
      const fd = openSync(file, 'wx', options.mode ?? 0o666);
      try {
        writeSync(fd, `${process.pid}\nstart=${processStart(process.pid) ?? ''}\n`);
      } finally {
        closeSync(fd);
      }
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw options.createError ? options.createError(error as Error) : error;
    }
    const holder = readPidLock(file);
    // A lock without a pid is being written this instant, or was left by a process killed right
    // then: removed once it stays so for 1 s.
    const stale = holder === undefined ? ageMs(file) > 1000 : !holderIsLive(holder, options);
    if (stale) {
      try {
        unlinkSync(file);
      } catch {
        // another waiter removed it first
      }
      continue;
    }
    if (holder !== undefined && Date.now() > deadline) throw options.timeoutError(holder);
    sleep(options.pollMs);
  }
}

/** Removes the lock when this process holds it. */
export function releasePidLock(file: string): void {
  if (readPidLock(file)?.pid !== process.pid) return;
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

/** Runs `work` holding the lock, and releases it afterwards (also when `work` throws). */
export function withPidLock<T>(file: string, options: PidLockOptions, work: () => T): T {
  acquirePidLock(file, options);
  try {
    return work();
  } finally {
    releasePidLock(file);
  }
}
