/**
 * schemas/crds.json (the CRD schemas as JSON, lib/tooling/check/crd-bundle.ts) is what
 * the YAML in crds/ gives, and a bundle that does not match the YAML is not used.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CRD_BUNDLE, readCrdBundle, renderCrdBundle } from '../../../lib/tooling/check/crd-bundle';
import { loadCrdSchemas } from '../../../lib/tooling/check/crd-schemas';
import { CRD_DIR } from '../../../lib/tooling/foundation/package-root';

const ROOT = join(__dirname, '..', '..', '..');

test('the committed schemas/crds.json is what crds/ gives (run `npm run generate` after changing crds/)', () => {
  expect(readFileSync(join(ROOT, CRD_BUNDLE), 'utf8')).toBe(renderCrdBundle(join(ROOT, CRD_DIR)));
});

test('the bundle holds the same schemas, files and order as parsing the YAML', () => {
  expect(readCrdBundle(join(ROOT, CRD_DIR), join(ROOT, CRD_BUNDLE))).toEqual(loadCrdSchemas([join(ROOT, CRD_DIR)]));
});

describe('a bundle that does not match the CRD files is not used', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'crd-bundle-'));
    cpSync(join(ROOT, CRD_DIR, 'tekton-triggers'), join(dir, 'crds'), { recursive: true });
    writeFileSync(join(dir, 'crds.json'), renderCrdBundle(join(dir, 'crds')));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a fresh bundle is used', () => {
    expect(readCrdBundle(join(dir, 'crds'), join(dir, 'crds.json'))).toEqual(loadCrdSchemas([join(dir, 'crds')]));
  });

  test.each([
    [
      'a CRD file edited',
      (crds: string) =>
        writeFileSync(join(crds, '300-trigger.yaml'), `${readFileSync(join(crds, '300-trigger.yaml'), 'utf8')}\n# edited\n`),
    ],
    ['a CRD file added', (crds: string) => cpSync(join(crds, '300-trigger.yaml'), join(crds, '301-copy.yaml'))],
    ['a CRD file removed', (crds: string) => rmSync(join(crds, '300-trigger.yaml'))],
  ])('%s', (_name, change) => {
    change(join(dir, 'crds'));
    expect(readCrdBundle(join(dir, 'crds'), join(dir, 'crds.json'))).toBeUndefined();
  });

  test('no bundle file', () => {
    expect(readCrdBundle(join(dir, 'crds'), join(dir, 'missing.json'))).toBeUndefined();
  });
});
