/**
 * The API reports, one per entry point of package.json `exports`, made by API
 * Extractor (its `.api.md` format): api/k8s-practice-constructs.api.md (the
 * package root, api-extractor.json) and api/k8s-practice-constructs-check.api.md
 * (`k8s-practice-constructs/check`, api-extractor.check.json). Every change to
 * them is a change for the users of the package: review it.
 *
 * API Extractor reads declarations, not sources: tsc first emits the shipped
 * code's declarations (tsconfig.build.json) into build/api-dts/, incrementally.
 *
 * `npx tsx scripts/api-extractor.ts` rewrites the reports; `--check` leaves them
 * as they are and exits 1 naming each stale one (API Extractor's own
 * non-local mode; the fresh report is then in build/api-report/).
 */
import { execFileSync } from 'node:child_process';
import { join, relative, sep } from 'node:path';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const ROOT = join(__dirname, '..');
/** Where tsc writes the declarations the configurations read (their mainEntryPointFilePath). */
const DTS = join(ROOT, 'build', 'api-dts');
/** One configuration per entry point. */
export const CONFIGS = ['api-extractor.json', 'api-extractor.check.json'].map((file) => join(ROOT, file));

/** Emits the declarations of lib/, bin/ and imports/ as the build would (tsc 5.9, tsconfig.build.json). */
export function emitDeclarations(): void {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(
    process.execPath,
    [
      tsc,
      '-p',
      'tsconfig.build.json',
      '--emitDeclarationOnly',
      '--outDir',
      DTS,
      '--incremental',
      '--tsBuildInfoFile',
      join(DTS, '.tsbuildinfo'),
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
}

/** Runs API Extractor for every entry point; returns the reports that changed (written unless `check`). */
export function runApiExtractor(check: boolean): string[] {
  emitDeclarations();
  const changed: string[] = [];
  for (const file of CONFIGS) {
    const config = ExtractorConfig.loadFileAndPrepare(file);
    const result = Extractor.invoke(config, { localBuild: !check });
    const report = relative(ROOT, config.reportFilePath).split(sep).join('/');
    if (result.apiReportChanged) changed.push(report);
    // In check mode a changed report is the one expected failure; anything else is an error.
    if (!result.succeeded && !(check && result.apiReportChanged)) {
      throw new Error(`API Extractor failed for ${relative(ROOT, file)} (${result.errorCount} errors, see above)`);
    }
  }
  return changed;
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  const changed = runApiExtractor(check);
  if (check && changed.length > 0) {
    console.error(`stale (run \`npx tsx scripts/api-extractor.ts\` and review the diff):\n${changed.map((f) => `  ${f}`).join('\n')}`);
    process.exit(1);
  }
  console.log(
    check ? 'the API reports are up to date' : `API reports: ${changed.length > 0 ? `updated ${changed.join(', ')}` : 'unchanged'}`,
  );
}
