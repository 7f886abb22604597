/**
 * The cluster's folder (`.cluster/`, or `K8S_PRACTICE_CLUSTER_DIR`) as something other local
 * users and other runs cannot turn against us:
 * - it is emptied only when a marker file says this tool made it (pointed at a checkout, the
 *   variable once wiped `.git`);
 * - one `cluster:up` / `cluster:down` / `test:cluster` at a time: a lock file names its holder by
 *   PID and start time, so a reused PID never counts as the holder, and a second run says who
 *   holds it;
 * - `state.json` is replaced atomically, read with a clear message when it is unreadable, and a
 *   PID in it is trusted only when it can name one process (never 0, 1 or this process: a signal
 *   to `-1` would reach every process of the user).
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/** The file that marks a folder as made by this tool. */
export const MARKER = '.k8s-practice-cluster';
const LOCK = '.lock';

/**
 * Creates the folder with its marker, or empties one the tool made; refuses any other non-empty
 * folder. The default `.cluster/` in the checkout is always the tool's (its older runs wrote no
 * marker).
 */
export function resetClusterDir(dir: string, isDefault: boolean): void {
  if (existsSync(dir)) {
    if (!isDefault && !existsSync(join(dir, MARKER))) {
      const entries = readdirSync(dir).filter((entry) => entry !== LOCK);
      if (entries.length > 0) {
        throw new Error(
          `${dir} is not a folder the local cluster made (it has no ${MARKER} file) and is not empty: refusing to empty it. ` +
            'Point K8S_PRACTICE_CLUSTER_DIR at an empty or new folder (it defaults to .cluster/ in the checkout).',
        );
      }
    }
    // Everything but the lock this run holds.
    for (const entry of readdirSync(dir)) if (entry !== LOCK) rmSync(join(dir, entry), { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, MARKER), 'made by tools/cluster (npm run cluster:up); emptied by the next cluster:up\n');
}

/** A process's start time (clock ticks since boot), which a reused PID does not share. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** True for a PID that can name exactly one other process: never 0, 1, negative or our own. */
export function isSignallablePid(pid: unknown): pid is number {
  return typeof pid === 'number' && Number.isInteger(pid) && pid > 1 && pid !== process.pid;
}

/**
 * Takes the folder's lock for this process; throws naming the holder when another live run holds
 * it. A lock whose holder is gone (or whose PID now runs another program) is taken over.
 * Returns the function that releases it.
 */
export function lockClusterDir(dir: string, what: string): () => void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, LOCK);
  const mine = JSON.stringify({ pid: process.pid, start: startTime(process.pid), what, since: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, mine);
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(path, 'utf8') === mine) rmSync(path);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder: { pid?: unknown; start?: string; what?: string; since?: string } = {};
    try {
      holder = JSON.parse(readFileSync(path, 'utf8')) as typeof holder;
    } catch {
      // unreadable: a run killed while writing it; take it over
    }
    if (isSignallablePid(holder.pid) && holder.start !== undefined && startTime(holder.pid) === holder.start) {
      throw new Error(
        `another ${holder.what ?? 'cluster command'} (pid ${holder.pid}, since ${holder.since ?? '?'}) is using ${dir}: ` +
          `wait for it, or stop it; its lock is ${path}`,
      );
    }
    rmSync(path, { force: true });
  }
  throw new Error(`could not take the lock ${path}`);
}

/** Writes `state.json` atomically (a temporary file renamed over it), 0600. */
export function writeStateFile(path: string, state: unknown): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(state, null, 2), { mode: 0o600 });
  renameSync(temporary, path);
}

/** Reads `state.json`; an unreadable one is an error that names the file and the way out. */
export function readStateFile<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (error) {
    throw new Error(
      `the cluster's state file ${path} is unreadable (${(error as Error).message}). ` +
        `Stop what may still run by hand (ps aux | grep ${join(path, '..')}), then remove the file: rm ${path}`,
      { cause: error },
    );
  }
}
