/**
 * scripts/build/build-stamp.js: when build/ counts as compiled from the sources on disk. `npm run
 * validate` and the other CLI scripts (scripts/build/cli.js) run build/ only then, through the quick
 * check, which reads no source while every input has the size and time recorded with the stamp.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const stamp = require('../../scripts/build/build-stamp') as {
  sourcesState(root: string): { digest: string; stats: unknown };
  buildIsFresh(root: string): boolean;
  buildIsFreshQuick(root: string): boolean;
  writeStamp(root: string, state: { digest: string; stats: unknown }): void;
};

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'build-stamp-'));
  for (const dir of ['lib', 'bin', 'build', 'schemas']) mkdirSync(join(root, dir));
  writeFileSync(join(root, 'lib', 'a.ts'), 'export const a = 1;\n');
  writeFileSync(join(root, 'schemas', 'defs.json'), '{}\n');
  writeFileSync(join(root, 'tsconfig.json'), '{}\n');
  stamp.writeStamp(root, stamp.sourcesState(root));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const both = () => [stamp.buildIsFreshQuick(root), stamp.buildIsFresh(root)];

test('a build stamped from the sources on disk is fresh', () => {
  expect(both()).toEqual([true, true]);
});

test('an edit of the same size is seen (its time changed)', () => {
  writeFileSync(join(root, 'lib', 'a.ts'), 'export const a = 2;\n');
  expect(both()).toEqual([false, false]);
});

test('a new time with the same content is still fresh (the full digest decides)', () => {
  const later = new Date(Date.now() + 60_000);
  utimesSync(join(root, 'lib', 'a.ts'), later, later);
  expect(both()).toEqual([true, true]);
});

test('an added or a removed input file makes it stale', () => {
  writeFileSync(join(root, 'bin', 'b.ts'), 'export {};\n');
  expect(both()).toEqual([false, false]);
  rmSync(join(root, 'bin', 'b.ts'));
  expect(both()).toEqual([true, true]);
  rmSync(join(root, 'schemas', 'defs.json'));
  expect(both()).toEqual([false, false]);
});

test('no stamp, or a stamp of other sources, is not fresh', () => {
  writeFileSync(join(root, 'build', '.sources.sha256'), 'beef\n');
  expect(both()).toEqual([false, false]);
  rmSync(join(root, 'build', '.sources.sha256'));
  expect(both()).toEqual([false, false]);
});

test('files older than the record are vouched for by their times; files written just before it are hashed', () => {
  const old = new Date(Date.now() - 3_600_000);
  for (const file of [join('lib', 'a.ts'), join('schemas', 'defs.json'), 'tsconfig.json']) utimesSync(join(root, file), old, old);
  stamp.writeStamp(root, stamp.sourcesState(root));
  expect(both()).toEqual([true, true]);
  // The same size and time as recorded, other content: the quick check trusts the time (build/ counts
  // as fresh), the full digest does not. A rewrite keeps its time only when set back on purpose.
  writeFileSync(join(root, 'lib', 'a.ts'), 'export const a = 3;\n');
  utimesSync(join(root, 'lib', 'a.ts'), old, old);
  expect(both()).toEqual([true, false]);
});
