/**
 * scripts/generate/tool-memo.ts: TypeDoc's and API Extractor's outputs are reused only while every
 * file they read is unchanged, and a failed or interrupted run leaves nothing to reuse.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { memoized, ToolInputs, TYPESCRIPT_INPUTS } from '../../scripts/generate/tool-memo';

const REPO = join(__dirname, '..', '..');
const INPUTS: ToolInputs = { dirs: ['src'], files: ['settings.json'] };

let root: string;
let cacheDir: string;
let runs: number;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tool-memo-'));
  cacheDir = join(root, 'cache');
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
  writeFileSync(join(root, 'settings.json'), '{}\n');
  runs = 0;
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A tool that writes the source it read, counting its runs. */
const tool = async (): Promise<string> =>
  memoized(
    'tool',
    INPUTS,
    (dir) => {
      runs += 1;
      writeFileSync(join(dir, 'out.txt'), readFileSync(join(root, 'src', 'a.ts'), 'utf8'));
    },
    { root, cacheDir },
  );

test('the second call with the same inputs reuses the outputs', async () => {
  const first = await tool();
  const second = await tool();
  expect(runs).toBe(1);
  expect(second).toBe(first);
  expect(readFileSync(join(second, 'out.txt'), 'utf8')).toBe('export const a = 1;\n');
});

test.each([
  ['a source file changes', () => writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 2;\n')],
  ['a source file is added', () => writeFileSync(join(root, 'src', 'b.ts'), '\n')],
  ['a settings file changes', () => writeFileSync(join(root, 'settings.json'), '{"x":1}\n')],
  ['a settings file is removed', () => rmSync(join(root, 'settings.json'))],
])('the tool runs again when %s', async (_what, change) => {
  await tool();
  change();
  const dir = await tool();
  expect(runs).toBe(2);
  expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe(readFileSync(join(root, 'src', 'a.ts'), 'utf8'));
});

test('a failing tool leaves nothing to reuse, and the error reaches the caller', async () => {
  await tool();
  writeFileSync(join(root, 'src', 'a.ts'), 'broken\n');
  const failing = memoized(
    'tool',
    INPUTS,
    () => {
      throw new Error('the tool failed');
    },
    { root, cacheDir },
  );
  await expect(failing).rejects.toThrow('the tool failed');
  expect(existsSync(join(cacheDir, 'tool.sha256'))).toBe(false);
  expect(existsSync(join(cacheDir, 'tool.lock'))).toBe(false);
  await tool();
  expect(runs).toBe(2);
});

test("the TypeScript inputs name every repository file of the shipped code's program (what both tools read)", () => {
  // tsgo with the flags scripts/test/test.js gives it: the same files as tsc 5.9 reads.
  const listed = spawnSync(
    process.execPath,
    [
      join(REPO, 'node_modules', '@typescript', 'native-preview', 'bin', 'tsgo'),
      '-p',
      'tsconfig.build.json',
      '--listFilesOnly',
      '--moduleResolution',
      'bundler',
      '--resolvePackageJsonExports',
      'false',
      '--resolvePackageJsonImports',
      'false',
    ],
    { cwd: REPO, encoding: 'utf8' },
  );
  expect(listed.status).toBe(0);
  const repositoryFiles = listed.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((file) => relative(REPO, file).split(sep).join('/'))
    .filter((file) => !file.startsWith('node_modules/'));
  expect(repositoryFiles.length).toBeGreaterThan(100);
  const covered = (file: string): boolean =>
    TYPESCRIPT_INPUTS.files.includes(file) || TYPESCRIPT_INPUTS.dirs.some((dir) => file.startsWith(`${dir}/`));
  expect(repositoryFiles.filter((file) => !covered(file))).toEqual([]);
  expect(TYPESCRIPT_INPUTS.files).toEqual(expect.arrayContaining(['tsconfig.json', 'tsconfig.build.json', 'package-lock.json']));
});
