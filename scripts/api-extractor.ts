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
 * as they are and exits 1 naming each stale one. Either way API Extractor runs
 * in its non-local mode, which writes the fresh reports to build/api-report/;
 * they are kept under a digest of the sources and reused while it holds.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import type * as ApiExtractor from '@microsoft/api-extractor';
import { memoized, ToolInputs, TYPESCRIPT_INPUTS } from './generate/tool-memo';

const ROOT = join(__dirname, '..');
/** Where tsc writes the declarations the configurations read (their mainEntryPointFilePath). */
const DTS = join(ROOT, 'build', 'api-dts');
/** One configuration per entry point, and the report it makes (relative to the root). */
export const ENTRY_POINTS: readonly { readonly config: string; readonly report: string }[] = [
  { config: 'api-extractor.json', report: 'api/k8s-practice-constructs.api.md' },
  { config: 'api-extractor.check.json', report: 'api/k8s-practice-constructs-check.api.md' },
];

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

/** What API Extractor reads: the TypeScript program (through the declarations), its settings and this script. */
const API_EXTRACTOR_INPUTS: ToolInputs = {
  dirs: TYPESCRIPT_INPUTS.dirs,
  files: [...TYPESCRIPT_INPUTS.files, ...ENTRY_POINTS.map((e) => e.config), 'scripts/api-extractor.ts'],
};

/** Runs API Extractor for every entry point, in check mode; copies each fresh report into `dir`. */
function freshReports(dir: string): void {
  // Loaded here, not above: a check whose reports are reused does not need it (a second of loading).
  const { Extractor, ExtractorConfig } = require('@microsoft/api-extractor') as typeof ApiExtractor;
  emitDeclarations();
  for (const { config: file, report } of ENTRY_POINTS) {
    const config = ExtractorConfig.loadFileAndPrepare(join(ROOT, file));
    if (relative(ROOT, config.reportFilePath).split(sep).join('/') !== report) {
      throw new Error(`${file} writes ${config.reportFilePath}, not ${report} as scripts/api-extractor.ts expects`);
    }
    const result = Extractor.invoke(config, { localBuild: false });
    // A report that differs from the committed one is not a failure here; anything else is.
    if (!result.succeeded && !result.apiReportChanged) {
      throw new Error(`API Extractor failed for ${file} (${result.errorCount} errors, see above)`);
    }
    copyFileSync(config.reportTempFilePath, join(dir, basename(report)));
  }
}

/**
 * The reports that differ from API Extractor's for the current sources (written unless `check`).
 * The fresh reports are reused while no input changed (scripts/generate/tool-memo.ts).
 */
export async function runApiExtractor(check: boolean): Promise<string[]> {
  const fresh = await memoized('api-extractor', API_EXTRACTOR_INPUTS, freshReports);
  const changed: string[] = [];
  for (const { report } of ENTRY_POINTS) {
    const committed = join(ROOT, report);
    const text = readFileSync(join(fresh, basename(report)), 'utf8');
    if (existsSync(committed) && readFileSync(committed, 'utf8') === text) continue;
    changed.push(report);
    if (!check) writeFileSync(committed, text);
  }
  return changed;
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  runApiExtractor(check).then(
    (changed) => {
      if (check && changed.length > 0) {
        console.error(`stale (run \`npx tsx scripts/api-extractor.ts\` and review the diff):\n${changed.map((f) => `  ${f}`).join('\n')}`);
        process.exit(1);
      }
      console.log(
        check ? 'the API reports are up to date' : `API reports: ${changed.length > 0 ? `updated ${changed.join(', ')}` : 'unchanged'}`,
      );
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
