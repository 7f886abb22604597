/**
 * `npm run synth` runs a bundle of main.ts (scripts/synth-bundle.js): it is
 * rebuilt whenever a file it was built from changes, so a stale one never runs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { ensureBundle, bundleIsFresh } = require('../../scripts/synth-bundle') as {
  ensureBundle(entry: string, bundle: string): boolean;
  bundleIsFresh(bundle: string): boolean;
};

describe('the synth bundle', () => {
  let dir: string;
  let bundle: string;
  const run = () =>
    execFileSync(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(bundle)}).synthMain())`], { encoding: 'utf8' });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'synth-bundle-'));
    bundle = join(dir, 'out', 'main.js');
    writeFileSync(join(dir, 'dep.ts'), "export const word: string = 'first';\n");
    writeFileSync(
      join(dir, 'main.ts'),
      "import { join } from 'node:path';\nimport { word } from './dep';\nexport function synthMain(): string { return `${word} ${join(__dirname, 'x')}`; }\n",
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('is built once, then reused while its files are unchanged; __dirname is the entry folder', () => {
    expect(bundleIsFresh(bundle)).toBe(false);
    expect(ensureBundle(join(dir, 'main.ts'), bundle)).toBe(true);
    expect(ensureBundle(join(dir, 'main.ts'), bundle)).toBe(false);
    expect(run()).toBe(`first ${join(dir, 'x')}`);
  });

  test('is rebuilt when an imported file changes, and then runs the new code', () => {
    ensureBundle(join(dir, 'main.ts'), bundle);
    writeFileSync(join(dir, 'dep.ts'), "export const word: string = 'second';\n");
    expect(bundleIsFresh(bundle)).toBe(false);
    expect(ensureBundle(join(dir, 'main.ts'), bundle)).toBe(true);
    expect(run()).toBe(`second ${join(dir, 'x')}`);
  });

  test('is rebuilt when its inputs list is missing or broken', () => {
    ensureBundle(join(dir, 'main.ts'), bundle);
    writeFileSync(`${bundle}.inputs.json`, '{');
    expect(bundleIsFresh(bundle)).toBe(false);
    expect(ensureBundle(join(dir, 'main.ts'), bundle)).toBe(true);
  });
});
