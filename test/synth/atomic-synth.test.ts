/** The atomic synth: a failing app leaves dist/ as it was, a successful one replaces it whole. */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Chart } from 'cdk8s';
import { RunPod } from '../../lib';
import { synthesizeAtomically } from '../../lib/exercises/app/atomic-synth';
import { synthesizeWithSwap } from '../../lib/exercises/app/atomic-swap';
import { exchangeHelper } from '../../lib/exercises/app/folder-exchange';

// the module object itself (an `import * as` namespace cannot be spied on)
const childProcess = require('node:child_process') as typeof import('node:child_process');

describe('synthesizeAtomically', () => {
  let root: string;
  let dist: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'atomic-synth-'));
    dist = join(root, 'dist');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const synthCharts =
    (...ids: string[]) =>
    (staging: string) => {
      const app = new App({ outdir: staging });
      for (const id of ids) new RunPod(new Chart(app, id), 'pod', { name: id });
      app.synth();
    };

  test('a failing app leaves the previous dist byte-identical and no staging folder behind', () => {
    synthesizeAtomically(dist, synthCharts('a', 'b'));
    const before = Object.fromEntries(readdirSync(dist).map((f) => [f, readFileSync(join(dist, f), 'utf8')]));
    expect(() =>
      synthesizeAtomically(dist, (staging) => {
        const app = new App({ outdir: staging });
        new RunPod(new Chart(app, 'a'), 'pod', { name: 'a' });
        new RunPod(new Chart(app, 'c'), 'pod', { name: 'Not Valid' });
        app.synth();
      }),
    ).toThrow(/invalid name "Not Valid"/);
    const after = Object.fromEntries(readdirSync(dist).map((f) => [f, readFileSync(join(dist, f), 'utf8')]));
    expect(after).toEqual(before);
    expect(readdirSync(root)).toEqual(['dist']);
  });

  test('a successful synth replaces dist whole: files of removed charts disappear', () => {
    synthesizeAtomically(dist, synthCharts('a', 'b'));
    writeFileSync(join(dist, 'stale.k8s.yaml'), 'kind: Stale\n');
    expect(synthesizeAtomically(dist, synthCharts('a'))).toEqual(['a.k8s.yaml']);
    expect(readdirSync(dist)).toEqual(['a.k8s.yaml']);
  });

  test('an app that writes nothing fails and keeps dist', () => {
    synthesizeAtomically(dist, synthCharts('a'));
    expect(() => synthesizeAtomically(dist, () => undefined)).toThrow(/wrote no files/);
    expect(readdirSync(dist)).toEqual(['a.k8s.yaml']);
  });

  test('copies the result to the folder cdk8s synth lists, deleting nothing there (issue 14)', () => {
    const cliOut = join(root, 'cli-out');
    mkdirSync(cliOut);
    writeFileSync(join(cliOut, 'old.yaml'), 'x');
    synthesizeAtomically(dist, synthCharts('a'), { alsoCopyTo: cliOut });
    expect(readdirSync(cliOut).sort()).toEqual(['a.k8s.yaml', 'old.yaml']);
    expect(readFileSync(join(cliOut, 'old.yaml'), 'utf8')).toBe('x');
    expect(existsSync(join(dist, 'a.k8s.yaml'))).toBe(true);
  });

  test('auto tries the exchange directly and, where it cannot run (no perl, no python3), swaps with the rename pair', () => {
    synthesizeAtomically(dist, synthCharts('a', 'b'));
    // as where neither helper is installed: the exchange cannot run
    const spawn = jest.spyOn(childProcess, 'spawnSync').mockImplementation(((command: string) => ({
      error: new Error(`spawnSync ${command} ENOENT`),
    })) as never);
    try {
      const first = synthesizeWithSwap(dist, synthCharts('a'));
      expect(first.swap).toBe('rename-pair');
      expect(first.files).toEqual(['a.k8s.yaml']);
      // remembered for this folder: the next synth goes straight to the rename pair
      expect(synthesizeWithSwap(dist, synthCharts('c')).swap).toBe('rename-pair');
      // tried once for this folder: perl where it applies, then python3
      expect(spawn.mock.calls.map(([command]) => command)).toEqual(exchangeHelper() === 'perl' ? ['perl', 'python3'] : ['python3']);
    } finally {
      spawn.mockRestore();
    }
    expect(readdirSync(dist)).toEqual(['c.k8s.yaml']);
    expect(readdirSync(root)).toEqual(['dist']);
  });
  test('the same output again leaves dist untouched (same inodes, no swap); any difference is swapped in', () => {
    synthesizeAtomically(dist, synthCharts('a', 'b'));
    const inode = (path: string) => statSync(path).ino;
    const before = { folder: inode(dist), a: inode(join(dist, 'a.k8s.yaml')) };
    const spawn = jest.spyOn(childProcess, 'spawnSync');
    try {
      const again = synthesizeWithSwap(dist, synthCharts('a', 'b'));
      expect(again.swap).toBe('unchanged');
      expect(again.files).toEqual(['a.k8s.yaml', 'b.k8s.yaml']);
      expect(spawn).not.toHaveBeenCalled();
    } finally {
      spawn.mockRestore();
    }
    expect({ folder: inode(dist), a: inode(join(dist, 'a.k8s.yaml')) }).toEqual(before);
    expect(readdirSync(root)).toEqual(['dist']);
    // one byte, one extra file, or one file's permissions differ: the new tree replaces dist
    const changes: Array<[string, () => void]> = [
      [
        'a changed byte',
        () => writeFileSync(join(dist, 'a.k8s.yaml'), readFileSync(join(dist, 'a.k8s.yaml'), 'utf8').replace('name: a', 'name: x')),
      ],
      ['an extra file', () => writeFileSync(join(dist, 'extra.yaml'), 'x')],
      ['other permissions', () => chmodSync(join(dist, 'b.k8s.yaml'), 0o600)],
    ];
    for (const [what, change] of changes) {
      change();
      const result = synthesizeWithSwap(dist, synthCharts('a', 'b'));
      expect({ what, swapped: result.swap !== 'unchanged' }).toEqual({ what, swapped: true });
      expect(readdirSync(dist)).toEqual(['a.k8s.yaml', 'b.k8s.yaml']);
      expect(readFileSync(join(dist, 'a.k8s.yaml'), 'utf8')).toContain('name: a');
    }
    expect(readdirSync(root)).toEqual(['dist']);
  });
});
