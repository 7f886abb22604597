/**
 * The exported surface of the package, root and `./check`, against the
 * committed API report. When this fails, run `npx tsx scripts/api-report.ts`
 * and review the diff of api/k8s-practice-constructs.api.md: every removed or
 * changed line breaks someone's code.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_REPORT, renderApiReport } from '../scripts/api-report';

const ROOT = join(__dirname, '..');

describe('the public API', () => {
  let fresh: string;
  beforeAll(() => {
    fresh = renderApiReport();
  }, 120_000);

  test('equals the committed API report (run `npx tsx scripts/api-report.ts` and review the diff)', () => {
    const written = readFileSync(API_REPORT, 'utf8').split('\n');
    const now = fresh.split('\n');
    const removed = written.filter((line) => !now.includes(line));
    const added = now.filter((line) => !written.includes(line));
    expect({ removed, added }).toEqual({ removed: [], added: [] });
    expect(now).toEqual(written);
  });

  test('the root exports constructs and props, not internals', () => {
    const root = fresh.slice(0, fresh.indexOf('## k8s-practice-constructs/check'));
    for (const name of [
      'RunPod',
      'RunPodProps',
      'ExposedPod',
      'ExposedPodProps',
      'Project',
      'ProjectProps',
      'GogsServer',
      'BuildPipeline',
      'EXERCISES',
    ]) {
      expect(root).toMatch(new RegExp(`^(class|interface|const) ${name}\\b`, 'm'));
    }
    for (const internal of [
      'GOGS_HOME_DIR',
      'REGISTRY_LOG_LEVEL',
      'synthesizeWithSwap',
      'renderIni',
      'SchemaValidator',
      'validateObjects',
      'isDnsLabel',
      'celString',
    ]) {
      expect(root).not.toMatch(new RegExp(`^(class|interface|const|function|type) ${internal}\\b`, 'm'));
    }
  });

  test('the validator, compare and the graph are in k8s-practice-constructs/check', () => {
    const check = fresh.slice(fresh.indexOf('## k8s-practice-constructs/check'));
    for (const name of [
      'validatePaths',
      'validateYaml',
      'validateObjects',
      'compareFiles',
      'compareObjects',
      'buildObjectGraph',
      'toMermaid',
      'formatFinding',
    ]) {
      expect(check).toMatch(new RegExp(`^function ${name}\\b`, 'm'));
    }
  });

  test('the package.json exports map names both entry points', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.exports['.'].default).toBe('./build/lib/index.js');
    expect(pkg.exports['./check']).toEqual({ types: './build/lib/check-api.d.ts', default: './build/lib/check-api.js' });
  });

  // A fresh Node process, so the jest module registry cannot hide what a real import loads.
  const loaded = (entry: string): string[] =>
    JSON.parse(
      execFileSync(
        process.execPath,
        [
          '--import',
          'tsx',
          '-e',
          `
    require(${JSON.stringify(entry)});
    console.log(JSON.stringify(Object.keys(require.cache).map((f) => f.split(require('path').sep).join('/'))));
  `,
        ],
        { cwd: ROOT, encoding: 'utf8' },
      ),
    );

  test('importing the package root does not load ajv or the validator', () => {
    const files = loaded('./lib/index.ts');
    expect(files.some((f) => f.endsWith('/lib/constructs/pod/run-pod.ts'))).toBe(true);
    expect(files.filter((f) => f.includes('/node_modules/ajv/') || f.includes('/lib/tooling/check/'))).toEqual([]);
  }, 60_000);

  test('importing k8s-practice-constructs/check does load the validator (the check above can fail)', () => {
    // Ajv itself is loaded only when a kind without precompiled code is validated (schema-validator.ts).
    const files = loaded('./lib/check-api.ts');
    expect(files.some((f) => f.includes('/lib/tooling/check/'))).toBe(true);
  }, 60_000);
});
