/** The atomic folder exchange under the synth's swap: each helper really exchanges, or says why not. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exchangeFolders, exchangeHelper } from '../../lib/exercises/app/folder-exchange';

const installed = (command: string) => spawnSync(command, ['--version']).error === undefined;

describe('exchangeFolders', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'exchange-'));
    for (const name of ['a', 'b']) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, `from-${name}`), name);
    }
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('perl on Linux x64 and arm64, python3 elsewhere', () => {
    expect(exchangeHelper('linux', 'x64')).toBe('perl');
    expect(exchangeHelper('linux', 'arm64')).toBe('perl');
    expect(exchangeHelper('linux', 'riscv64')).toBe('python3');
    expect(exchangeHelper('darwin', 'arm64')).toBe('python3');
  });

  const helpers = (['perl', 'python3'] as const).filter((helper) => helper === 'python3' || exchangeHelper() === 'perl');
  test.each(helpers)('%s exchanges the two folders whole', (helper) => {
    if (!installed(helper)) throw new Error(`${helper} is not installed; this machine's synth would fall back to the rename pair`);
    expect(exchangeFolders(join(dir, 'a'), join(dir, 'b'), helper)).toBe(true);
    expect(readdirSync(join(dir, 'a'))).toEqual(['from-b']);
    expect(readdirSync(join(dir, 'b'))).toEqual(['from-a']);
  });

  test.each(helpers)('%s reports the error and changes nothing when a folder is missing', (helper) => {
    expect(exchangeFolders(join(dir, 'a'), join(dir, 'missing'), helper)).toMatch(/No such file or directory/);
    expect(readdirSync(dir).sort()).toEqual(['a', 'b']);
    expect(readdirSync(join(dir, 'a'))).toEqual(['from-a']);
  });
});
