/**
 * The validators compiled ahead of time (Ajv standalone code) that the build
 * writes beside this file as `generated-validators.js`
 * (precompile-validators.ts). Run from the TypeScript sources there is no such
 * file and every kind is compiled on first use, as it is for kinds the build
 * did not precompile.
 *
 * The file records digests of the schemas it was compiled from; it is used
 * only while the Kubernetes definitions match (and its CRD validators only
 * while the CRD files match), so edited schemas are never checked with stale code.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import type { KindSchema } from './kind-schema';

/** The generated module's name, beside the compiled validator. */
export const GENERATED_VALIDATORS = 'generated-validators.js';

/** What the generated module records about itself. */
export interface PrecompiledMeta {
  /** {@link definitionsDigest} of the definitions it was compiled from. */
  readonly definitionsSha256: string;
  /** crdFilesDigest of the package's CRD folder it was compiled from. */
  readonly crdSha256: string;
  /** Every built-in kind. */
  readonly builtinKinds: readonly KindSchema[];
  /** Every kind of the package's CRDs, `file` relative to the CRD folder. */
  readonly crdKinds: readonly KindSchema[];
}

export interface Precompiled {
  readonly meta: PrecompiledMeta;
  /** The validators, by schema reference. */
  readonly validators: Readonly<Record<string, ValidateFunction>>;
}

let modulePath: string | undefined;

/** Makes the validators created from now on use the generated module at `path` (tests), or the default one again. */
export function usePrecompiledModule(path: string | undefined): void {
  modulePath = path;
}

/** The SHA-256 of a definitions folder's two files. */
export function definitionsDigest(schemaDir: string): string {
  const hash = createHash('sha256');
  for (const name of ['_definitions.json', 'enums.json'])
    hash
      .update(`${name}\0`)
      .update(readFileSync(join(schemaDir, name)))
      .update('\0');
  return hash.digest('hex');
}

/** The generated validators when they exist and were compiled from the definitions in `schemaDir`. */
export function loadPrecompiled(schemaDir: string): Precompiled | undefined {
  const file = modulePath ?? join(__dirname, GENERATED_VALIDATORS);
  if (!existsSync(file)) return undefined;
  const loaded = require(file) as Record<string, ValidateFunction> & { __meta: PrecompiledMeta };
  if (loaded.__meta?.definitionsSha256 !== definitionsDigest(schemaDir)) return undefined;
  const { __meta: meta, ...validators } = loaded;
  return { meta, validators };
}
