/**
 * Data loss: whatever step a synth is killed at, dist/ is wholly the
 * old or wholly the new tree, and the next run cleans up. Real SIGKILLs at every
 * step (not random ones), then an in-process property test over random trees.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as fc from 'fast-check';
import { synthesizeAtomically } from '../../lib/exercises/app/atomic-synth';
import { SwapMode, SYNTH_STEPS, SynthAbortedError, synthesizeWithSwap } from '../../lib/exercises/app/atomic-swap';
import { exchangeFolders } from '../../lib/exercises/app/folder-exchange';
import { transpiledCopy } from '../support/transpiled-copy';

const ROOT = resolve(__dirname, '..', '..');
// The child as plain JavaScript: ~35 child processes, each without tsx's start-up.
const CHILD = transpiledCopy(join(__dirname, 'fixtures', 'synth-child.ts'));
afterAll(() => rmSync(CHILD.dir, { recursive: true, force: true }));
const OLD = { 'a.k8s.yaml': 'old a\n', 'b.k8s.yaml': 'old b\n' };
const NEW = { 'a.k8s.yaml': 'new a.k8s.yaml\n', 'c.k8s.yaml': 'new c.k8s.yaml\n' };

function tree(dir: string): Record<string, string> | undefined {
  try {
    return Object.fromEntries(
      readdirSync(dir)
        .sort()
        .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
    );
  } catch {
    return undefined;
  }
}

function writeTree(dir: string, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}

const runChild = (dist: string, swap: SwapMode, killAt: string) =>
  spawnSync(process.execPath, [CHILD.file, dist, swap, killAt], {
    cwd: ROOT,
    encoding: 'utf8',
  });

const EXCHANGE_AVAILABLE = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'exchange-probe-'));
  mkdirSync(join(dir, 'a'));
  mkdirSync(join(dir, 'b'));
  try {
    return exchangeFolders(join(dir, 'a'), join(dir, 'b')) === true;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})();

describe('a synth killed (SIGKILL) at every step', () => {
  let root: string;
  let dist: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'synth-kill-'));
    dist = join(root, 'dist');
    writeTree(dist, OLD);
    chmodSync(dist, 0o755);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const modes: SwapMode[] = EXCHANGE_AVAILABLE ? ['exchange', 'rename-pair'] : ['rename-pair'];
  const cases = modes.flatMap((mode) =>
    SYNTH_STEPS.filter((step) => mode === 'rename-pair' || step !== 'swap-second-rename').map((step) => [mode, step] as const),
  );

  test.each(cases)('%s swap, killed at %s: dist/ is wholly old or new, the next run recovers', (mode, step) => {
    const killed = runChild(dist, mode, step);
    expect(killed.signal).toBe('SIGKILL');
    const after = tree(dist);
    if (mode === 'rename-pair' && step === 'swap-second-rename') {
      // The one instant the fallback swap has no dist/ (documented); the old tree waits beside it.
      expect(after).toBeUndefined();
    } else {
      expect([OLD, NEW]).toContainEqual(after);
      // before the swap it is the old tree, from the swap on the new one
      const swapped = SYNTH_STEPS.indexOf(step) > SYNTH_STEPS.indexOf('swap');
      expect(after).toEqual(swapped ? NEW : OLD);
    }
    // The next run (no kill) restores or removes every leftover and the lock.
    const next = runChild(dist, mode, 'none');
    expect(next.stderr).toBe('');
    expect(next.status).toBe(0);
    expect(tree(dist)).toEqual(NEW);
    expect(readdirSync(root)).toEqual(['dist']);
    expect(statSync(dist).mode & 0o777).toBe(0o755);
  });

  test('an interrupted fallback swap is restored to the old tree by the next run, even if that run fails', () => {
    runChild(dist, 'rename-pair', 'swap-second-rename');
    expect(() =>
      synthesizeAtomically(dist, () => {
        throw new Error('app broke');
      }),
    ).toThrow(SynthAbortedError);
    expect(tree(dist)).toEqual(OLD);
    expect(readdirSync(root)).toEqual(['dist']);
  });

  test('two synths at once: both finish, one after the other, and dist/ is one whole tree', async () => {
    const run = () =>
      new Promise<{ code: number | null; out: string }>((done) => {
        const child = spawn(process.execPath, [CHILD.file, dist, 'rename-pair', 'none'], { cwd: ROOT });
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
        });
        child.stderr.on('data', (d) => {
          out += d;
        });
        child.on('close', (code) => done({ code, out }));
      });
    const results = await Promise.all([run(), run()]);
    expect(results).toEqual([
      { code: 0, out: 'done\n' },
      { code: 0, out: 'done\n' },
    ]);
    expect(tree(dist)).toEqual(NEW);
    expect(readdirSync(root)).toEqual(['dist']);
  }, 30_000);
});

describe('dist/ permissions and messages', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'synth-perm-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test("a new dist/ gets the umask's mode, not mkdtemp's 0700; an existing one keeps its mode", () => {
    const dist = join(root, 'dist');
    synthesizeAtomically(dist, (s) => writeFileSync(join(s, 'x.yaml'), 'x'));
    expect(statSync(dist).mode & 0o777).toBe(0o777 & ~process.umask());
    chmodSync(dist, 0o750);
    synthesizeAtomically(dist, (s) => writeFileSync(join(s, 'y.yaml'), 'y'));
    expect(statSync(dist).mode & 0o777).toBe(0o750);
  });

  test('alsoCopyTo adds our files and deletes nothing already there', () => {
    const other = join(root, 'other');
    writeTree(other, { 'keep.txt': 'not ours' });
    synthesizeAtomically(join(root, 'dist'), (s) => writeFileSync(join(s, 'x.yaml'), 'x'), { alsoCopyTo: other });
    expect(tree(other)).toEqual({ 'keep.txt': 'not ours', 'x.yaml': 'x' });
  });

  test('a folder named like ours but not a leftover of ours (a file) is left alone', () => {
    writeFileSync(join(root, '.dist.staging-notes'), 'a file, not a staging folder');
    synthesizeAtomically(join(root, 'dist'), (s) => writeFileSync(join(s, 'x.yaml'), 'x'));
    expect(readFileSync(join(root, '.dist.staging-notes'), 'utf8')).toBe('a file, not a staging folder');
  });
});

describe('property: random trees, a random kill point, either swap mode', () => {
  const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}\.yaml$/);
  const files = fc.dictionary(name, fc.string({ maxLength: 20 }), { minKeys: 1, maxKeys: 4 });
  test('dist/ is always wholly old or new, and one more run leaves only dist/ = the newest tree', () => {
    const modes: SwapMode[] = EXCHANGE_AVAILABLE ? ['exchange', 'rename-pair'] : ['rename-pair'];
    let runs = 0;
    fc.assert(
      fc.property(
        files,
        files,
        fc.constantFrom(...SYNTH_STEPS),
        fc.constantFrom(...modes),
        fc.boolean(),
        (oldTree, newTree, killAt, swap, distExisted) => {
          runs++;
          const root = mkdtempSync(join(tmpdir(), 'synth-prop-'));
          const dist = join(root, 'dist');
          try {
            if (distExisted) writeTree(dist, oldTree);
            const before = distExisted ? oldTree : undefined;
            let abandoned = false;
            try {
              synthesizeWithSwap(dist, (s) => writeTree(s, newTree), {
                swap,
                onStep: (step) => {
                  if (step === killAt) throw new Error('killed');
                },
              });
            } catch {
              abandoned = true;
            }
            const now = tree(dist);
            if (!(swap === 'rename-pair' && killAt === 'swap-second-rename' && distExisted && abandoned)) {
              expect([before, newTree]).toContainEqual(now);
            }
            const result = synthesizeWithSwap(dist, (s) => writeTree(s, newTree), { swap });
            expect(result.files).toEqual(Object.keys(newTree).sort());
            expect(tree(dist)).toEqual(newTree);
            expect(readdirSync(root)).toEqual(['dist']);
          } finally {
            rmSync(root, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 200 },
    );
    expect(runs).toBeGreaterThanOrEqual(200);
  }, 120_000);
});
