/**
 * `validate --with-engines`: a second opinion from Tekton's own admission code. The
 * `tekton-admission` program (tools/engines/tekton, built by `npm run engines:build`) decodes
 * every Tekton object strictly, applies Tekton's defaults and runs its validation, as the
 * Tekton Pipelines v1.15.0 and Triggers v0.37.0 webhooks do; each error becomes a finding.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Finding } from './finding';
import { packageRoot } from './package-root';

/** The rule code of findings from Tekton's admission code. */
export const TEKTON_ADMISSION_RULE = 'tekton-admission';

/** Where the program is: `$K8S_PRACTICE_TEKTON_ADMISSION`, else the checkout's `.engines/bin`. */
export function tektonAdmissionBinary(): string {
  return process.env.K8S_PRACTICE_TEKTON_ADMISSION ?? join(packageRoot(), '.engines', 'bin', 'tekton-admission');
}

/** Findings for every Tekton object of `files` that Tekton's admission refuses, or why it could not run. */
export function tektonAdmissionFindings(files: readonly string[]): { findings: Finding[] } | { unavailable: string } {
  const binary = tektonAdmissionBinary();
  if (!existsSync(binary)) {
    return {
      unavailable: `--with-engines needs ${binary}: build it with \`npm run engines:build -- tekton\` (needs Go), or set K8S_PRACTICE_TEKTON_ADMISSION`,
    };
  }
  const run = spawnSync(binary, files, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0 && run.status !== 1)
    return { unavailable: `${binary} failed (exit ${run.status ?? run.signal}): ${(run.stderr ?? '').trim()}` };
  const findings: Finding[] = [];
  for (const line of run.stdout.split('\n')) {
    if (line.trim() === '') continue;
    const result = JSON.parse(line) as { file: string; kind: string; name: string; errors: string[] };
    for (const message of result.errors) {
      findings.push({
        file: result.file,
        kind: result.kind,
        name: result.name,
        namespace: '',
        path: '',
        rule: TEKTON_ADMISSION_RULE,
        severity: 'error',
        message: `Tekton's admission refuses it: ${message}`,
      });
    }
  }
  return { findings };
}
