/**
 * The vendored CRDs' schemas as one JSON file (`schemas/crds.json`), so the
 * validator does not parse 1.5 MB of CRD YAML on every run. `npm run
 * crd-bundle` writes it from `crds/`; test/check/crd-bundle.test.ts fails when
 * the committed file differs from what the YAML gives.
 *
 * The file records a SHA-256 of the YAML it came from. A bundle whose digest
 * does not match the YAML on disk (a CRD edited, added or removed) is never
 * used: the caller parses the YAML instead.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { listManifestFiles } from '../foundation/manifest';
import { CrdVersionSchema, crdSchemasFromYaml } from './crd-schemas';

/** The bundle file, relative to the package root. */
export const CRD_BUNDLE = join('schemas', 'crds.json');

interface BundleFile {
  /** SHA-256 over the CRD files' relative paths and contents, in listing order. */
  readonly sha256: string;
  /** The schemas, with `file` relative to the CRD folder. */
  readonly crds: CrdVersionSchema[];
}

/** The digest of the CRD files under `dir` (the files the bundle is made from). */
export function crdFilesDigest(dir: string, files = listManifestFiles(dir)): string {
  const hash = createHash('sha256');
  for (const file of files)
    hash
      .update(`${relative(dir, file)}\0`)
      .update(readFileSync(file))
      .update('\0');
  return hash.digest('hex');
}

/** The bundle's text for the CRDs under `dir`. */
export function renderCrdBundle(dir: string): string {
  const files = listManifestFiles(dir);
  const crds = files
    .flatMap((file) => crdSchemasFromYaml(file, readFileSync(file, 'utf8')))
    .map((crd) => ({ ...crd, file: relative(dir, crd.file) }));
  const bundle: BundleFile = { sha256: crdFilesDigest(dir, files), crds };
  return `${JSON.stringify(bundle)}\n`;
}

/**
 * The schemas of the CRDs under `dir` from the bundle at `bundlePath`, or
 * undefined when there is no bundle or it is not of exactly these files.
 */
export function readCrdBundle(dir: string, bundlePath: string): CrdVersionSchema[] | undefined {
  if (!existsSync(bundlePath)) return undefined;
  const bundle = JSON.parse(readFileSync(bundlePath, 'utf8')) as BundleFile;
  if (bundle.sha256 !== crdFilesDigest(dir)) return undefined;
  return bundle.crds.map((crd) => ({ ...crd, file: join(dir, crd.file) }));
}
