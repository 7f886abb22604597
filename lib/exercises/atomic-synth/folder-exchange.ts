/**
 * One atomic exchange of two folders: renameat2(2) with RENAME_EXCHANGE on
 * Linux, renamex_np(2) with RENAME_SWAP on macOS. Node has no binding for
 * either, so a short-lived helper process makes the call:
 *
 * - perl's `syscall` on Linux x64 and arm64, where renameat2's number is
 *   known (Linux never renumbers a system call); perl starts in a few
 *   milliseconds and is part of every Debian system (perl-base);
 * - python3's ctypes otherwise (macOS, other architectures, no perl), which
 *   finds either function by name but takes ~50 ms to start.
 */
import { spawnSync } from 'node:child_process';

/** renameat2's number in Linux's system call table, per Node architecture (x86_64: 316; arm64 uses the generic table: 276). */
const RENAMEAT2: Partial<Record<string, number>> = { x64: 316, arm64: 276 };

// AT_FDCWD = -100, RENAME_EXCHANGE = 2; `$!` is strerror(errno).
const perlProgram = (syscall: number) => `syscall(${syscall}, -100, $ARGV[0], -100, $ARGV[1], 2) == 0 or die "$!\\n"`;

const PYTHON_PROGRAM = [
  'import ctypes, os, sys',
  'libc = ctypes.CDLL(None, use_errno=True)',
  'a, b = (os.fsencode(p) for p in sys.argv[1:3])',
  'if hasattr(libc, "renameat2"): r = libc.renameat2(-100, a, -100, b, 2)', // AT_FDCWD, RENAME_EXCHANGE
  'elif hasattr(libc, "renamex_np"): r = libc.renamex_np(a, b, 2)', // RENAME_SWAP
  'else: sys.exit("no renameat2 or renamex_np in libc")',
  'if r != 0: sys.exit(os.strerror(ctypes.get_errno()))',
].join('\n');

/** Which helper {@link exchangeFolders} tries first on this machine. */
export function exchangeHelper(platform: string = process.platform, arch: string = process.arch): 'perl' | 'python3' {
  return platform === 'linux' && RENAMEAT2[arch] !== undefined ? 'perl' : 'python3';
}

/** Runs one helper; `true`, or why the exchange did not happen (the folders are then unchanged). */
function runHelper(helper: 'perl' | 'python3', a: string, b: string): true | string {
  const args =
    helper === 'perl'
      ? ['-e', perlProgram(RENAMEAT2[process.arch]!), a, b]
      : // -I: no PYTHONPATH or user site-packages can replace ctypes; -S: no site import (a third of the start-up).
        ['-I', '-S', '-c', PYTHON_PROGRAM, a, b];
  const result = spawnSync(helper, args, { encoding: 'utf8' });
  if (result.error) return result.error.message;
  if (result.status !== 0) return result.stderr.trim() || `${helper} exited with ${result.status}`;
  return true;
}

/**
 * Atomically exchanges two folders; `true`, or why it could not. `helper`
 * forces one helper (tests); by default perl where it applies, and python3
 * when perl is missing or does not apply.
 */
export function exchangeFolders(a: string, b: string, helper?: 'perl' | 'python3'): true | string {
  const first = helper ?? exchangeHelper();
  const outcome = runHelper(first, a, b);
  // Only a missing perl is retried with python3: any other failure (EINVAL, ENOSYS) would be python3's too.
  if (outcome !== true && helper === undefined && first === 'perl' && /ENOENT/.test(outcome)) return runHelper('python3', a, b);
  return outcome;
}
