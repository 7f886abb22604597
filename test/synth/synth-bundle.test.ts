/**
 * `npm run synth` runs a bundle of main.ts (scripts/synth/synth-bundle.js): it is
 * rebuilt whenever a file it was built from changes, so a stale one never runs.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { ensureBundle, bundleIsFresh } = require('../../scripts/synth/synth-bundle') as {
  ensureBundle(entry: string, bundle: string): Promise<boolean>;
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
    // a package, bundled too, that reads its own __dirname (as cdk8s does)
    mkdirSync(join(dir, 'node_modules', 'where'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'where', 'index.js'), 'exports.folder = __dirname;\n');
    writeFileSync(
      join(dir, 'main.ts'),
      "import { join } from 'node:path';\nimport { folder } from 'where';\nimport { word } from './dep';\nexport function synthMain(): string { return `${word} ${join(__dirname, 'x')} ${folder}`; }\n",
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const packageFolder = () => join(dir, 'node_modules', 'where');

  test('is built once, then reused while its files are unchanged; each file keeps its own __dirname', async () => {
    expect(bundleIsFresh(bundle)).toBe(false);
    expect(await ensureBundle(join(dir, 'main.ts'), bundle)).toBe(true);
    expect(await ensureBundle(join(dir, 'main.ts'), bundle)).toBe(false);
    expect(run()).toBe(`first ${join(dir, 'x')} ${packageFolder()}`);
  });

  test('is rebuilt when an imported file changes, and then runs the new code', async () => {
    await ensureBundle(join(dir, 'main.ts'), bundle);
    writeFileSync(join(dir, 'dep.ts'), "export const word: string = 'second';\n");
    expect(bundleIsFresh(bundle)).toBe(false);
    expect(await ensureBundle(join(dir, 'main.ts'), bundle)).toBe(true);
    expect(run()).toBe(`second ${join(dir, 'x')} ${packageFolder()}`);
  });

  test('is rebuilt when a bundled package file is rewritten (size or modification time)', async () => {
    await ensureBundle(join(dir, 'main.ts'), bundle);
    const file = join(packageFolder(), 'index.js');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(bundleIsFresh(bundle)).toBe(false);
    expect(await ensureBundle(join(dir, 'main.ts'), bundle)).toBe(true);
    writeFileSync(file, "exports.folder = 'replaced';\n");
    expect(bundleIsFresh(bundle)).toBe(false);
    expect(await ensureBundle(join(dir, 'main.ts'), bundle)).toBe(true);
    expect(run()).toBe(`first ${join(dir, 'x')} replaced`);
  });

  test('is rebuilt when its inputs list is missing or broken', async () => {
    await ensureBundle(join(dir, 'main.ts'), bundle);
    writeFileSync(`${bundle}.inputs.json`, '{');
    expect(bundleIsFresh(bundle)).toBe(false);
    expect(await ensureBundle(join(dir, 'main.ts'), bundle)).toBe(true);
  });
});
