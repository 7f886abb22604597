/**
 * Synth and build state: what sits where the synth writes. A regular file or a
 * symbolic link named `dist` is refused with a message (before: the file was deleted and the new
 * dist/ got mode 0644; the link was replaced while its target kept stale output). The temporary
 * files of `.synth/` writes that failed (a full disk) or whose run died are removed. `validate
 * dist/` while a synth swaps a new tree in reads one tree, and says it read it again.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fs from 'node:fs';
import { SynthAbortedError, synthesizeWithSwap } from '../../lib/exercises/app/atomic-swap';
import type { LoadedManifests } from '../../lib/tooling/check/manifest';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'hostile-synth-state-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const writeOne = (staging: string) => writeFileSync(join(staging, 'a.k8s.yaml'), 'new\n');

describe('what sits in the place of dist/', () => {
  test.each(['exchange', 'rename-pair'] as const)('a regular file named dist is refused and kept (%s)', (swap) => {
    const dist = join(root, 'dist');
    writeFileSync(dist, 'my notes\n', { mode: 0o644 });
    let synthesized = false;
    expect(() =>
      synthesizeWithSwap(
        dist,
        (staging) => {
          synthesized = true;
          writeOne(staging);
        },
        { swap },
      ),
    ).toThrow(
      new SynthAbortedError(
        `${dist} is a regular file, not a folder; the synth would delete it to write a folder there: move it away or remove it, then synth again (nothing was changed)`,
        dist,
      ),
    );
    expect(synthesized).toBe(false);
    expect(readFileSync(dist, 'utf8')).toBe('my notes\n');
    expect(lstatSync(dist).isFile()).toBe(true);
  });

  test('a symbolic link named dist is refused; the link and its target stay as they were', () => {
    const real = join(root, 'real-dist');
    mkdirSync(real);
    writeFileSync(join(real, 'a.k8s.yaml'), 'old\n');
    const dist = join(root, 'dist');
    symlinkSync(real, dist);
    expect(() => synthesizeWithSwap(dist, writeOne)).toThrow(
      /dist is a symbolic link \(to .*real-dist\), not a folder; the synth replaces the folder as a whole and would leave the link and its target stale: point the output \(cdk8s\.yaml\) at a real folder, or remove the link/,
    );
    expect(readlinkSync(dist)).toBe(real);
    expect(readFileSync(join(real, 'a.k8s.yaml'), 'utf8')).toBe('old\n');
  });

  test('a real folder is still replaced', () => {
    const dist = join(root, 'dist');
    mkdirSync(dist);
    writeFileSync(join(dist, 'a.k8s.yaml'), 'old\n');
    expect(synthesizeWithSwap(dist, writeOne).files).toEqual(['a.k8s.yaml']);
    expect(readFileSync(join(dist, 'a.k8s.yaml'), 'utf8')).toBe('new\n');
  });
});

describe('temporary files in .synth/', () => {
  const SCRIPTS = join(__dirname, '..', '..', 'scripts', 'synth');
  // Plain JavaScript, run by npm scripts: loaded as it is.
  const { ensureBundle } = require(join(SCRIPTS, 'synth-bundle.js')) as { ensureBundle(entry: string, bundle: string): Promise<boolean> };

  /** A stand-in app folder whose bundle is over 20 KB. */
  function standInApp(): string {
    const app = join(root, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'main.ts'), `const big = ${JSON.stringify('x'.repeat(20_000))};\nconsole.log(big.length);\n`);
    return app;
  }

  test('a bundle write that fails (the disk is full) leaves no temporary file', () => {
    const app = standInApp();
    // A file size limit of 1 KiB, its signal ignored: writes past it fail with EFBIG, as on a full disk.
    const run = spawnSync('sh', ['-c', `trap '' XFSZ; ulimit -f 2; exec "${process.execPath}" "${join(SCRIPTS, 'synth.js')}"`], {
      cwd: app,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/synth: could not bundle .*main\.ts: EFBIG/);
    expect(readdirSync(join(app, '.synth')).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  test('the next run removes temporary files of runs that died, and leaves those of a live synth', async () => {
    const app = standInApp();
    const synthDir = join(app, '.synth');
    mkdirSync(synthDir);
    const live = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const dead = spawnSync('true').pid!; // exited: its pid is no one's
      writeFileSync(join(synthDir, `main.js.${dead}.tmp`), 'partial');
      writeFileSync(join(synthDir, `main.js.abc.v8-cache.${process.pid}.tmp`), 'partial');
      writeFileSync(join(synthDir, `main.js.${live.pid}.tmp`), 'being written');
      expect(await ensureBundle(join(app, 'main.ts'), join(synthDir, 'main.js'))).toBe(true);
      expect(readdirSync(synthDir).filter((name) => name.endsWith('.tmp'))).toEqual([`main.js.${live.pid}.tmp`]);
      expect(existsSync(join(synthDir, 'main.js'))).toBe(true);
    } finally {
      live.kill('SIGKILL');
    }
  });
});

describe('validate dist/ while a synth swaps a new tree in', () => {
  const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\ndata: {a: b}\n`;

  /**
   * loadManifests over `dist`, with a synth's swap (two renames, as the fallback does; the
   * exchange is the same for a reader) made just before the reader opens a file for the n-th
   * time (1-based), for each n of `swaps`, which gives the tree swapped in.
   */
  function loadDuringSwaps(dist: string, swaps: Map<number, string>): LoadedManifests {
    const realFs = jest.requireActual<typeof fs>('node:fs');
    let opened = 0;
    const openSync = (path: fs.PathLike, ...rest: unknown[]): number => {
      const next = String(path).startsWith(`${dist}/`) ? swaps.get(++opened) : undefined;
      if (next) {
        // The synth: dist -> aside, the next tree -> dist.
        realFs.renameSync(dist, `${dist}.previous-${opened}`);
        realFs.renameSync(next, dist);
      }
      return (realFs.openSync as (...args: unknown[]) => number)(path, ...rest);
    };
    let load: (paths: readonly string[]) => LoadedManifests = () => {
      throw new Error('not loaded');
    };
    jest.isolateModules(() => {
      jest.doMock('node:fs', () => ({ ...realFs, openSync }));
      load = (require('../../lib/tooling/check/manifest') as typeof import('../../lib/tooling/check/manifest')).loadManifests;
    });
    try {
      return load([dist]);
    } finally {
      jest.dontMock('node:fs');
    }
  }

  function tree(name: string, files: Record<string, string>): string {
    const dir = join(root, name);
    mkdirSync(dir);
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    return dir;
  }

  test('a swap during the read: read again, one tree only, and a tree-changed warning says so', () => {
    const dist = tree('dist', { 'a.yaml': cm('a-old'), 'b.yaml': cm('b-old') });
    const fresh = tree('new', { 'a.yaml': cm('a-new'), 'c.yaml': cm('c-new') });
    const loaded = loadDuringSwaps(dist, new Map([[1, fresh]])); // before a.yaml is opened
    expect(loaded.objects.map((o) => `${o.file.slice(dist.length + 1)} ${String((o.object.metadata as { name: string }).name)}`)).toEqual([
      'a.yaml a-new',
      'c.yaml c-new',
    ]);
    expect(loaded.findings).toEqual([
      expect.objectContaining({
        file: dist,
        rule: 'tree-changed',
        severity: 'warning',
        message: expect.stringMatching(/was replaced while it was read .*it was read again, and the findings are of the tree it holds now/),
      }),
    ]);
  });

  test('swapped again during the second read: a tree-changed error (the findings may mix two trees)', () => {
    const dist = tree('dist', { 'a.yaml': cm('a-1') });
    const second = tree('second', { 'a.yaml': cm('a-2') });
    const third = tree('third', { 'a.yaml': cm('a-3') });
    const loaded = loadDuringSwaps(
      dist,
      new Map([
        [1, second],
        [2, third],
      ]),
    ); // before each read opens a.yaml
    expect(loaded.findings.map((f) => `${f.rule} ${f.severity}`)).toEqual(['tree-changed error']);
    expect(loaded.findings[0]!.message).toMatch(/and again while it was read a second time; the findings may mix two trees/);
  });
});
