/**
 * Strict JSON-schema validation of Kubernetes objects: built-in kinds against
 * the vendored Kubernetes 1.28 definitions, custom resources against the
 * `openAPIV3Schema` of the vendored CRDs.
 *
 * The kinds the library emits have validators compiled ahead of time by the
 * build (precompiled.ts): a validator of a built package checks them without
 * loading Ajv or the definitions. Every other kind, and every kind when run
 * from the TypeScript sources, is compiled the first time an object of that
 * kind is validated, in one Ajv instance (schema-compiler.ts) created on
 * first need, so `$ref`s into the definitions compile once.
 */
import { performance } from 'node:perf_hooks';
import { join, resolve, sep } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { CRD_BUNDLE, crdFilesDigest, readCrdBundle } from './crd-bundle';
import { CrdVersionSchema, loadCrdSchemas } from './crd-schemas';
import { pointerSegments, fieldPath, PathSegment } from '../foundation/field-path';
import { CRD_DIR, packageRoot } from '../foundation/package-root';
import { DEFAULT_KUBERNETES_VERSION, KubernetesVersion, schemaDirOf } from '../foundation/kubernetes-versions';
import { loadPrecompiled, Precompiled } from './precompiled';
import { crdKind, KindSchema } from './kind-schema';
import type { SchemaCompiler } from './schema-compiler';
import { QUANTITY_SYNTAX } from '../../util/exact-quantity';
import { dropNulls, JsonSchema, QUANTITY_KEYWORD } from '../foundation/strict-schema';
import { isList } from '../foundation/json-value';

export type { KindSchema } from './kind-schema';

/** A schema violation, before it is tied to a file and object. */
export interface SchemaProblem {
  readonly path: string;
  /** The finding code it becomes: `schema-type`, `schema-unknown-field`, ... */
  readonly code: string;
  readonly message: string;
}

export interface SchemaValidatorOptions {
  /**
   * Kubernetes release whose vendored schemas judge built-in kinds.
   * @default '1.28'
   */
  readonly kubernetesVersion?: KubernetesVersion;
  /** Folder with `_definitions.json` and `enums.json`; wins over `kubernetesVersion`. @default `<package root>/schemas/k8s-<kubernetesVersion>` */
  readonly schemaDir?: string;
  /** Folders searched (recursively) for CRD YAML. @default `[<package root>/crds]` */
  readonly crdDirs?: readonly string[];
}

/** Load and compile timings, in milliseconds. */
export interface SchemaTimings {
  /** Reading, parsing and preparing the Kubernetes definitions. */
  loadMs: number;
  /** Reading and preparing the CRDs (done on the first kind that is not built in). */
  crdLoadMs: number;
  /** How many custom kinds (apiVersion + kind) the CRDs define. */
  crdKinds: number;
  /** Compiling validators (summed over the kinds compiled so far). */
  compileMs: number;
  /** How many kinds have a compiled validator. */
  compiledKinds: number;
}

const shared = new Map<string, SchemaValidator>();

/** Validates objects against the Kubernetes and CRD schemas. Get one with {@link SchemaValidator.shared}. */
export class SchemaValidator {
  /** The process-wide validator for these options (created, and its schemas loaded, on first call). */
  public static shared(options: SchemaValidatorOptions = {}): SchemaValidator {
    const schemaDir = resolve(
      options.schemaDir ?? join(packageRoot(), schemaDirOf(options.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION)),
    );
    const crdDirs = (options.crdDirs ?? [join(packageRoot(), CRD_DIR)]).map((dir) => resolve(dir));
    const key = JSON.stringify([schemaDir, crdDirs]);
    let validator = shared.get(key);
    if (!validator) {
      validator = new SchemaValidator(schemaDir, crdDirs);
      shared.set(key, validator);
    }
    return validator;
  }

  /** Time spent loading and compiling schemas so far, and how many kinds were compiled. */
  public readonly timings: SchemaTimings = { loadMs: 0, crdLoadMs: 0, crdKinds: 0, compileMs: 0, compiledKinds: 0 };
  private readonly kinds = new Map<string, KindSchema>();
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly precompiled: Precompiled | undefined;
  /** The package's CRD folder when its precompiled CRD validators match its CRD files. */
  private precompiledCrdDir: string | undefined;
  /** The CRD versions found so far, in folder order (added to the compiler when it is created). */
  private readonly crds: CrdVersionSchema[] = [];
  private crdsLoaded = false;
  private schemaCompiler: SchemaCompiler | undefined;

  private constructor(
    private readonly schemaDir: string,
    private readonly crdDirs: readonly string[],
  ) {
    const started = performance.now();
    this.precompiled = loadPrecompiled(schemaDir);
    const builtin = this.precompiled?.meta.builtinKinds ?? this.compiler().builtinKinds.values();
    for (const kind of builtin) this.kinds.set(`${kind.apiVersion}|${kind.kind}`, kind);
    this.timings.loadMs = performance.now() - started;
  }

  /** The schema entry for an apiVersion and kind, or undefined when there is none. */
  public lookup(apiVersion: string, kind: string): KindSchema | undefined {
    const key = `${apiVersion}|${kind}`;
    if (!this.kinds.has(key)) this.loadCrds();
    return this.kinds.get(key);
  }

  /** The apiVersions that have a schema for this kind (for "did you mean" messages). */
  public versionsOf(kind: string): string[] {
    this.loadCrds();
    return [...this.kinds.values()]
      .filter((k) => k.kind === kind)
      .map((k) => k.apiVersion)
      .sort();
  }

  /** Whether objects of this kind are cluster-scoped; undefined for kinds without a schema. */
  public isClusterScoped(apiVersion: string, kind: string): boolean | undefined {
    return this.lookup(apiVersion, kind)?.clusterScoped;
  }

  /** Every kind this validator knows, as `apiVersion Kind`. */
  public knownKinds(): string[] {
    this.loadCrds();
    return [...this.kinds.values()].map((k) => `${k.apiVersion} ${k.kind}`).sort();
  }

  /**
   * Validates one object. Returns `undefined` when there is no schema for its
   * apiVersion/kind (the caller reports that), else the problems found,
   * sorted by path. `null` values are dropped first.
   */
  public validate(object: Record<string, unknown>): SchemaProblem[] | undefined {
    const entry = this.lookup(String(object.apiVersion), String(object.kind));
    if (!entry) return undefined;
    let validate: ValidateFunction;
    try {
      validate = this.validatorFor(entry);
    } catch (error) {
      // A CRD schema that does not compile (a pattern RE2 refuses): the API server refuses such a CRD.
      if (entry.source !== 'crd') throw error;
      const where = entry.file ? ` (${entry.file})` : '';
      const why = error instanceof Error ? error.message : String(error);
      return [{ path: '', code: 'schema', message: `the CRD of ${entry.apiVersion} ${entry.kind}${where} cannot be used: ${why}` }];
    }
    const data = dropNulls(object);
    if (validate(data)) return [];
    return toProblems(validate.errors ?? [], data);
  }

  /**
   * Finds the CRDs' kinds, the first time a kind is not a built-in one. The
   * package's own CRDs come from the precompiled list or the JSON bundle,
   * other folders' from their YAML. Built-in kinds win; of two CRD files
   * defining a kind, the first (sorted, folders in order) wins.
   */
  private loadCrds(): void {
    if (this.crdsLoaded) return;
    this.crdsLoaded = true;
    const started = performance.now();
    const packaged = resolve(packageRoot(), CRD_DIR);
    for (const dir of this.crdDirs) {
      const meta = this.precompiled?.meta;
      if (dir === packaged && meta && meta.crdSha256 === crdFilesDigest(dir)) {
        // Their schemas are read only if a kind without precompiled code needs the compiler.
        this.precompiledCrdDir = dir;
        for (const kind of meta.crdKinds) this.addKind({ ...kind, file: join(dir, kind.file ?? '') });
        continue;
      }
      const crds =
        dir === packaged ? (readCrdBundle(dir, join(packageRoot(), CRD_BUNDLE)) ?? loadCrdSchemas([dir])) : loadCrdSchemas([dir]);
      for (const crd of crds) {
        this.crds.push(crd);
        this.schemaCompiler?.addCrd(crd);
        this.addKind(crdKind(crd));
      }
    }
    this.timings.crdLoadMs = performance.now() - started;
    this.timings.crdKinds = [...this.kinds.values()].filter((k) => k.source === 'crd').length;
  }

  private addKind(kind: KindSchema): void {
    const key = `${kind.apiVersion}|${kind.kind}`;
    if (!this.kinds.has(key)) this.kinds.set(key, kind);
  }

  /** The Ajv compiler, created (and given the definitions and the CRDs found so far) on first need. */
  private compiler(): SchemaCompiler {
    if (!this.schemaCompiler) {
      // Loaded here, not at the top: a validator that only runs precompiled code never loads Ajv.
      const { SchemaCompiler: Compiler } = require('./schema-compiler') as typeof import('./schema-compiler');
      const compiler = new Compiler(this.schemaDir);
      if (this.precompiledCrdDir) {
        const dir = this.precompiledCrdDir;
        for (const crd of readCrdBundle(dir, join(packageRoot(), CRD_BUNDLE)) ?? loadCrdSchemas([dir])) compiler.addCrd(crd);
      }
      for (const crd of this.crds) compiler.addCrd(crd);
      this.schemaCompiler = compiler;
    }
    return this.schemaCompiler;
  }

  private validatorFor(entry: KindSchema): ValidateFunction {
    let validate = this.compiled.get(entry.ref);
    if (!validate) {
      const started = performance.now();
      validate = this.precompiledValidator(entry) ?? this.compiler().compile(entry.ref);
      this.timings.compileMs += performance.now() - started;
      this.timings.compiledKinds++;
      this.compiled.set(entry.ref, validate);
    }
    return validate;
  }

  /** The build's validator of this kind, when there is one compiled from the schema this validator uses. */
  private precompiledValidator(entry: KindSchema): ValidateFunction | undefined {
    if (!this.precompiled) return undefined;
    if (entry.source === 'crd' && !(this.precompiledCrdDir && entry.file?.startsWith(`${this.precompiledCrdDir}${sep}`))) return undefined;
    return this.precompiled.validators[entry.ref];
  }
}

/** Renders a value for a message. */
function show(value: unknown): string {
  if (value === undefined || (typeof value === 'number' && !Number.isFinite(value))) return String(value);
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The type names a `oneOf`/`anyOf` of plain `{type}` branches accepts, e.g. `["string", "integer"]`. */
function branchTypes(schema: unknown): string[] | undefined {
  if (!isList(schema)) return undefined;
  const types = schema.map((branch) =>
    branch && typeof branch === 'object' && Object.keys(branch).length === 1 ? (branch as JsonSchema).type : undefined,
  );
  return types.every((t) => typeof t === 'string') ? (types as string[]) : undefined;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** Turns Ajv errors into findings: one per problem, with a field path and a finding code. */
function toProblems(errors: readonly ErrorObject[], data: unknown): SchemaProblem[] {
  // Errors inside a failed oneOf/anyOf only explain why each branch failed; keep the combinator's own error.
  const combinators = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  const kept = errors.filter(
    (e) => !combinators.some((c) => c !== e && e.schemaPath.startsWith(`${c.schemaPath}/`) && e.instancePath.startsWith(c.instancePath)),
  );
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const error of kept) {
    const segments: PathSegment[] = pointerSegments(error.instancePath, data);
    let code = 'schema';
    let message = error.message ?? 'is invalid';
    switch (error.keyword) {
      case 'additionalProperties': {
        const field = String(error.params.additionalProperty);
        segments.push(field);
        code = 'schema-unknown-field';
        const known = Object.keys(((error.parentSchema as JsonSchema | undefined)?.properties ?? {}) as object);
        const guess = closest(field, known);
        message = `unknown field "${field}"${guess ? `; did you mean "${guess}"?` : ''}`;
        break;
      }
      case 'required':
        segments.push(String(error.params.missingProperty));
        code = 'schema-required';
        message = `missing required field "${String(error.params.missingProperty)}"`;
        break;
      case 'type':
        code = 'schema-type';
        message = `invalid value ${show(error.data)}; expected ${article(String(error.params.type))}`;
        break;
      case 'enum':
        code = 'schema-enum';
        message = `invalid value ${show(error.data)}; expected one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
        break;
      case QUANTITY_KEYWORD:
        code = 'invalid-quantity';
        message = `invalid quantity ${show(error.data)}: it ${message}; expected ${QUANTITY_SYNTAX}`;
        break;
      case 'format':
        code = 'schema-format';
        message = `invalid value ${show(error.data)}; expected format ${String(error.params.format)}`;
        break;
      case 'oneOf':
      case 'anyOf': {
        const types = branchTypes(error.schema);
        if (types) {
          code = 'schema-type';
          message = `invalid value ${show(error.data)}; expected ${types.map(article).join(' or ')}`;
        } else {
          message = `invalid value ${show(error.data)}; it matches none of the allowed shapes`;
        }
        break;
      }
      default:
        message = `${show(error.data)} ${message}`;
    }
    const path = fieldPath(segments);
    const dedupe = `${path}|${code}|${message}`;
    if (seen.has(dedupe)) continue;
    seen.add(dedupe);
    problems.push({ path, code, message });
  }
  return problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The known name closest to `name` (edit distance at most 2, or a case-only difference). */
function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = candidate.toLowerCase() === name.toLowerCase() ? 0 : editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    // every index below is within 0..b.length, the row's length
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(current + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
