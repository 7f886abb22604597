/**
 * Build step: compiles the validators of the kinds the library emits (the
 * kinds in dist/) ahead of time, as Ajv standalone code, into
 * `generated-validators.js` beside the compiled validator (see precompiled.ts
 * for how it is used, and when it is not). `npm run build` / `prepare` run
 * {@link writeGeneratedValidators} from the compiled build.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import standaloneCode from 'ajv/dist/standalone';
import { crdFilesDigest } from './crd-bundle';
import { loadCrdSchemas } from './crd-schemas';
import { crdKind, KindSchema } from './kind-schema';
import { loadManifests } from '../foundation/manifest';
import { CRD_DIR, K8S_SCHEMA_DIR, packageRoot } from '../foundation/package-root';
import { definitionsDigest, GENERATED_VALIDATORS, PrecompiledMeta } from './precompiled';
import { SchemaCompiler } from './schema-compiler';

export interface PrecompileOptions {
  /** The Kubernetes definitions folder. */
  readonly schemaDir: string;
  /** The package's CRD folder. */
  readonly crdDir: string;
  /** The kinds to compile, as `apiVersion|kind`; kinds without a schema are skipped. */
  readonly kinds: readonly string[];
  /** How the generated code `require`s schema-runtime.ts (relative to where it is written, or absolute). */
  readonly runtime: string;
}

/** The source of the generated module: the validators of `kinds`, by schema reference, and its {@link PrecompiledMeta} as `__meta`. */
export function generatedValidatorsCode(options: PrecompileOptions): string {
  const compiler = new SchemaCompiler(options.schemaDir, options.runtime);
  const crdKinds = new Map<string, KindSchema>();
  for (const crd of loadCrdSchemas([options.crdDir])) {
    compiler.addCrd(crd);
    const key = `${crd.apiVersion}|${crd.kind}`;
    if (!compiler.builtinKinds.has(key) && !crdKinds.has(key))
      crdKinds.set(key, { ...crdKind(crd), file: relative(options.crdDir, crd.file) });
  }
  const refs: Record<string, string> = {};
  for (const key of options.kinds) {
    const entry = compiler.builtinKinds.get(key) ?? crdKinds.get(key);
    if (entry) refs[entry.ref] = entry.ref;
  }
  const meta: PrecompiledMeta = {
    definitionsSha256: definitionsDigest(options.schemaDir),
    crdSha256: crdFilesDigest(options.crdDir),
    builtinKinds: [...compiler.builtinKinds.values()],
    crdKinds: [...crdKinds.values()],
  };
  return `${standaloneCode(compiler.ajv, refs)}\nexports.__meta = ${JSON.stringify(meta)};\n`;
}

/** The `apiVersion|kind` of every object under `dir` (none when it does not exist). */
export function kindsIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return [...new Set(loadManifests([dir]).objects.map((o) => `${String(o.object.apiVersion)}|${String(o.object.kind)}`))].sort();
}

/** Writes the generated module beside this (compiled) file, for the kinds in the package's dist/. */
export function writeGeneratedValidators(): string {
  const root = packageRoot();
  const target = join(__dirname, GENERATED_VALIDATORS);
  writeFileSync(
    target,
    generatedValidatorsCode({
      schemaDir: join(root, K8S_SCHEMA_DIR),
      crdDir: join(root, CRD_DIR),
      kinds: kindsIn(join(root, 'dist')),
      runtime: './schema-runtime',
    }),
  );
  return target;
}
