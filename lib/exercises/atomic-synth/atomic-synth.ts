import { synthesizeWithSwap } from './atomic-swap';

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
  // The guarantees and the recovery of interrupted runs: see atomic-swap.ts.
  return synthesizeWithSwap(outdir, synthesize, options).files;
}
