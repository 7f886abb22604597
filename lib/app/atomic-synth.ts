import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Options of {@link synthesizeAtomically}. */
export interface AtomicSynthOptions {
  /**
   * Another folder that should receive a copy of the result, e.g. the
   * `CDK8S_OUTDIR` that `cdk8s synth` hands the app and then lists.
   * @default no copy
   */
  readonly alsoCopyTo?: string;
}

/**
 * Runs `synthesize` into a fresh staging folder beside `outdir` and swaps the
 * result into `outdir` only when it returned without error and wrote at
 * least one file. A failure leaves `outdir` exactly as it was; a success
 * replaces it whole, so files of removed charts disappear.
 *
 * @returns the file names now in `outdir`, sorted
 */
export function synthesizeAtomically(outdir: string, synthesize: (stagingDir: string) => void, options: AtomicSynthOptions = {}): string[] {
  const parent = dirname(outdir);
  mkdirSync(parent, { recursive: true });
  // Same parent folder, so the final renames stay on one filesystem.
  const staging = mkdtempSync(join(parent, `.${basename(outdir)}.staging-`));
  try {
    synthesize(staging);
    const files = readdirSync(staging).sort();
    if (files.length === 0) throw new Error(`synthesis wrote no files; ${outdir} was left as it was`);
    if (options.alsoCopyTo) {
      rmSync(options.alsoCopyTo, { recursive: true, force: true });
      cpSync(staging, options.alsoCopyTo, { recursive: true });
    }
    swapInto(staging, outdir);
    return files;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Replaces `target` with `source` by two renames; the old folder is removed last. */
function swapInto(source: string, target: string): void {
  if (!existsSync(target)) {
    renameSync(source, target);
    return;
  }
  const retired = `${source}.previous`;
  renameSync(target, retired);
  try {
    renameSync(source, target);
  } catch (error) {
    renameSync(retired, target);
    throw error;
  }
  rmSync(retired, { recursive: true, force: true });
}
