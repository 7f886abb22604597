/**
 * The exported surface of the package, root and `./check`, as the committed
 * API reports (API Extractor, one per entry point:
 * api/k8s-practice-constructs.api.md and api/k8s-practice-constructs-check.api.md)
 * record it. That the reports are current is checked with every generated file
 * (test/docs/generated-files.test.ts: `npm run generate -- --check` runs
 * `scripts/api-extractor.ts --check`). When they change, review the diff:
 * every removed or changed line breaks someone's code.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const ROOT_REPORT = join(ROOT, 'api', 'k8s-practice-constructs.api.md');
const CHECK_REPORT = join(ROOT, 'api', 'k8s-practice-constructs-check.api.md');

/** `export class X`, `export interface X`, `export const X`, ... in an API Extractor report. */
const exported = (kinds: string, name: string): RegExp => new RegExp(`^export (declare )?(${kinds}) ${name}\\b`, 'm');

describe('the public API', () => {
  const root = readFileSync(ROOT_REPORT, 'utf8');
  const checkApi = readFileSync(CHECK_REPORT, 'utf8');

  test('the root exports constructs and props, not internals', () => {
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
      expect(root).toMatch(exported('class|interface|const', name));
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
      expect(root).not.toMatch(exported('class|interface|const|function|type|enum|namespace', internal));
      expect(root).not.toMatch(new RegExp(`^export \\{[^}]*\\b${internal}\\b`, 'm'));
    }
  });

  test('the validator, compare and the graph are in k8s-practice-constructs/check', () => {
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
      expect(checkApi).toMatch(exported('function', name));
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
