/**
 * `validate --with-engines`: a second opinion from Tekton's own admission code. The
 * `tekton-admission` program (tools/engines/tekton, built by `npm run engines:build`) decodes
 * every Tekton object strictly, applies Tekton's defaults and runs its validation, as the
 * Tekton Pipelines v1.15.0 and Triggers v0.37.0 webhooks do; each error becomes a finding.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Finding } from './finding';
import { readGuardedText } from './guarded-read';
import { packageRoot } from './package-root';

/** The rule code of findings from Tekton's admission code. */
export const TEKTON_ADMISSION_RULE = 'tekton-admission';
/** Who judged those findings (`Finding.engine`). */
export const TEKTON_ADMISSION_ENGINE = 'Tekton admission';

/** Where the program is: `$K8S_PRACTICE_TEKTON_ADMISSION`, else the checkout's `.engines/bin`. */
export function tektonAdmissionBinary(): string {
  return process.env.K8S_PRACTICE_TEKTON_ADMISSION ?? join(packageRoot(), '.engines', 'bin', 'tekton-admission');
}

/**
 * Findings for every Tekton object of `files` that Tekton's admission refuses, or why it could not run.
 *
 * The program never opens the paths given: each file is read once more by the one guarded reader
 * (a FIFO, a device or a file over the limit is skipped: the validator has already reported it)
 * and the program reads a copy from a private temporary folder, so it sees exactly the text
 * that was checked, and nothing it could hang on. Its findings name the original files.
 */
export function tektonAdmissionFindings(files: readonly string[]): { findings: Finding[] } | { unavailable: string } {
  const binary = tektonAdmissionBinary();
  if (!existsSync(binary)) {
    return {
      unavailable: `--with-engines needs ${binary}: build it with \`npm run engines:build -- tekton\` (needs Go), or set K8S_PRACTICE_TEKTON_ADMISSION`,
    };
  }
  const copies = mkdtempSync(join(tmpdir(), 'k8s-practice-admission-')); // mode 0700
  try {
    const original = new Map<string, string>();
    files.forEach((file, index) => {
      const read = readGuardedText(file);
      if (read.problem) return; // already a finding of the validator
      const copy = join(copies, `${index}.yaml`);
      writeFileSync(copy, read.text, { mode: 0o600 });
      original.set(copy, file);
    });
    if (original.size === 0) return { findings: [] };
    return runAdmission(binary, original);
  } finally {
    rmSync(copies, { recursive: true, force: true });
  }
}

/** Runs the program on the copies; `original` maps each copy to the file it was read from. */
function runAdmission(binary: string, original: ReadonlyMap<string, string>): { findings: Finding[] } | { unavailable: string } {
  const run = spawnSync(binary, [...original.keys()], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0 && run.status !== 1) {
    let stderr = (run.stderr ?? '').trim();
    for (const [copy, file] of original) stderr = stderr.split(copy).join(file);
    return { unavailable: `${binary} failed (exit ${run.status ?? run.signal}): ${stderr}` };
  }
  const findings: Finding[] = [];
  for (const line of run.stdout.split('\n')) {
    if (line.trim() === '') continue;
    const result = JSON.parse(line) as { file: string; kind: string; name: string; errors: string[] };
    for (const message of result.errors) {
      findings.push({
        file: original.get(result.file) ?? result.file,
        kind: result.kind,
        name: result.name,
        namespace: '',
        path: '',
        rule: TEKTON_ADMISSION_RULE,
        severity: 'error',
        engine: TEKTON_ADMISSION_ENGINE,
        message: `Tekton's admission refuses it: ${message}`,
      });
    }
  }
  return { findings };
}
