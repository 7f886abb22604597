/**
 * Starting and stopping the engine processes of the local cluster.
 *
 * Each component runs in its own process group (`detached`), so stopping it also stops
 * anything it forked. Every PID is written to the state file the moment its process
 * starts, so `cluster:down` (or the next `cluster:up`) can stop what an interrupted run
 * left behind. Before a PID is signalled its command line is compared with what we
 * started, so a PID the kernel has since reused for another program is never killed.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';

/** A process this tool started. */
export interface StartedProcess {
  readonly name: string;
  readonly pid: number;
  /**
   * The program the process runs (argv[0]), used to recognise it before signalling it: the
   * executable, or the program a wrapper such as `unshare` execs into.
   */
  readonly executable: string;
  /** How it was started, so that it can be started again (`restartClusterProcess`). */
  readonly launch?: { readonly executable: string; readonly args: readonly string[]; readonly logFile: string };
}

/** Starts `executable` in a new process group with stdout and stderr appended to `logFile`. */
export function startProcess(
  name: string,
  executable: string,
  args: readonly string[],
  logFile: string,
  env: NodeJS.ProcessEnv = process.env,
  runs: string = executable,
): StartedProcess {
  const log = openSync(logFile, 'a');
  try {
    const child = spawn(executable, args, { detached: true, stdio: ['ignore', log, log], env });
    if (child.pid === undefined) throw new Error(`could not start ${name} (${executable})`);
    child.unref();
    return { name, pid: child.pid, executable: runs, launch: { executable, args, logFile } };
  } finally {
    closeSync(log);
  }
}

/** True while the process exists and still runs the executable we started (not a reused PID). */
export function isOurProcessAlive(proc: StartedProcess): boolean {
  // 0, 1 and negative PIDs never name one process of ours (kill(-1) would reach them all).
  if (!Number.isInteger(proc.pid) || proc.pid <= 1 || proc.pid === process.pid) return false;
  const cmdline = `/proc/${proc.pid}/cmdline`;
  if (!existsSync(cmdline)) return false;
  try {
    const argv0 = readFileSync(cmdline, 'utf8').split('\0')[0] ?? '';
    const stat = readFileSync(`/proc/${proc.pid}/stat`, 'utf8');
    // A zombie (state Z) has exited; only its parent can reap it.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return argv0 === proc.executable && state !== 'Z';
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stops a process group: SIGTERM, then SIGKILL after `graceMs`. Resolves once the process
 * is gone. Returns false when the process was not running (already stopped or PID reused).
 */
export async function stopProcess(proc: StartedProcess, graceMs = 10_000): Promise<boolean> {
  if (!isOurProcessAlive(proc)) return false;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-proc.pid, sig);
    } catch {
      try {
        process.kill(proc.pid, sig);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isOurProcessAlive(proc)) return true;
    await sleep(100);
  }
  signal('SIGKILL');
  while (isOurProcessAlive(proc)) await sleep(50);
  return true;
}

/** Polls `check` until it resolves true, failing with `describe()` after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  describe: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describe()}`);
    await sleep(200);
  }
}
