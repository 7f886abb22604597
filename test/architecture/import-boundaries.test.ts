/**
 * The import boundaries of lib/, checked on every `npm test` (the project has no linter yet):
 * - the validator (lib/check) never reaches into the constructs: it judges YAML from anywhere;
 * - rule files are reached only through the rule list (lib/check/validate.ts): what other code
 *   needs from a rule belongs in a module of its own (as selector matching does).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const LIB = resolve(__dirname, '..', '..', 'lib');
/** The construct library's folders. */
const CONSTRUCT_FOLDERS = ['app', 'ci', 'exercises', 'gogs', 'network', 'pod', 'project', 'registry', 'service', 'tekton'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** `from` → each relative import, as a path under lib/ (e.g. `check/rules/service-rules`). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^;]*?from\s+'(\.[^']+)'/gm)].map((m) => relative(LIB, resolve(dirname(file), m[1]!)));
}

const FILES = sourceFiles(LIB).map((file) => ({ file: relative(LIB, file), imports: importsOf(file) }));

test('the boundary check sees the imports (it is not vacuous)', () => {
  expect(FILES.length).toBeGreaterThan(80);
  expect(FILES.find((f) => f.file === 'check/validate.ts')!.imports).toContain('check/rules/service-rules');
});

test('lib/check imports nothing from the constructs', () => {
  const crossing = FILES.filter((f) => f.file.startsWith('check/'))
    .flatMap((f) => f.imports.filter((i) => CONSTRUCT_FOLDERS.includes(i.split('/')[0]!)).map((i) => `${f.file} -> ${i}`));
  expect(crossing).toEqual([]);
});

test('rule files are imported only by the rule list', () => {
  const crossing = FILES.filter((f) => f.file !== 'check/validate.ts' && !f.file.startsWith('check/rules/'))
    .flatMap((f) => f.imports.filter((i) => i.startsWith('check/rules/')).map((i) => `${f.file} -> ${i}`));
  expect(crossing).toEqual([]);
});
