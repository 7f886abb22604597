/**
 * Strict JSON-schema validation of Kubernetes objects: built-in kinds against
 * the vendored Kubernetes 1.28 definitions, custom resources against the
 * `openAPIV3Schema` of the vendored CRDs.
 *
 * Loading is lazy and happens once per process: the definitions are read,
 * made strict and given their enums on first use, and each kind's validator is
 * compiled the first time an object of that kind is validated. All kinds share
 * one Ajv instance, so `$ref`s into the definitions compile once.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { isBuiltinClusterScoped } from './cluster-scoped-kinds';
import { CRD_BUNDLE, readCrdBundle } from './crd-bundle';
import { CrdVersionSchema, loadCrdSchemas } from './crd-schemas';
import { pointerSegments, fieldPath, PathSegment } from './field-path';
import { CRD_DIR, K8S_SCHEMA_DIR, packageRoot } from './package-root';
import { readQuantity, QUANTITY_SYNTAX } from '../util/exact-quantity';
import { dropNulls, JsonSchema, makeStrict, mergeEnums, QUANTITY_KEYWORD } from './strict-schema';

const K8S_SCHEMA_ID = 'https://k8s-practice.dev/schemas/k8s-1.28.json';
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const QUANTITY_DEFINITION = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

/** The Ajv keyword function of {@link QUANTITY_KEYWORD}: the one quantity parser; other types are the type check's business. */
const checkQuantity = Object.assign((_schema: unknown, data: unknown): boolean => {
  if (typeof data !== 'string' && typeof data !== 'number') return true;
  const { problem } = readQuantity(data);
  if (!problem) return true;
  checkQuantity.errors = [{ keyword: QUANTITY_KEYWORD, message: problem, params: {} }];
  return false;
}, { errors: [] as Partial<ErrorObject>[] });

/** Where a kind's schema comes from. */
export interface KindSchema {
  readonly apiVersion: string;
  readonly kind: string;
  readonly source: 'kubernetes' | 'crd';
  /** Whether objects of this kind live outside namespaces. */
  readonly clusterScoped: boolean;
  /** Ajv schema reference. */
  readonly ref: string;
  /** For custom resources: the CRD file. */
  readonly file?: string;
}

/** A schema violation, before it is tied to a file and object. */
export interface SchemaProblem {
  readonly path: string;
  readonly rule: string;
  readonly message: string;
}

export interface SchemaValidatorOptions {
  /** Folder with `_definitions.json` and `enums.json`. @default `<package root>/schemas/k8s-1.28` */
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

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const KNOWN_FORMATS: Record<string, Parameters<Ajv['addFormat']>[1]> = {
  'int32': { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX },
  'int64': { type: 'number', validate: (n: number) => Number.isInteger(n) },
  'double': { type: 'number', validate: () => true },
  'float': { type: 'number', validate: () => true },
  'byte': { type: 'string', validate: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/ },
  'date-time': { type: 'string', validate: /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/ },
};

const shared = new Map<string, SchemaValidator>();

/** Validates objects against the Kubernetes and CRD schemas. Get one with {@link SchemaValidator.shared}. */
export class SchemaValidator {
  /** The process-wide validator for these options (created, and its schemas loaded, on first call). */
  public static shared(options: SchemaValidatorOptions = {}): SchemaValidator {
    const schemaDir = resolve(options.schemaDir ?? join(packageRoot(), K8S_SCHEMA_DIR));
    const crdDirs = (options.crdDirs ?? [join(packageRoot(), CRD_DIR)]).map((dir) => resolve(dir));
    const key = JSON.stringify([schemaDir, crdDirs]);
    let validator = shared.get(key);
    if (!validator) {
      validator = new SchemaValidator(schemaDir, crdDirs);
      shared.set(key, validator);
    }
    return validator;
  }

  public readonly timings: SchemaTimings = { loadMs: 0, crdLoadMs: 0, crdKinds: 0, compileMs: 0, compiledKinds: 0 };
  private readonly ajv: Ajv;
  private readonly kinds = new Map<string, KindSchema>();
  private readonly compiled = new Map<string, ValidateFunction>();
  private crdsLoaded = false;

  private constructor(schemaDir: string, private readonly crdDirs: readonly string[]) {
    const started = performance.now();
    this.ajv = new Ajv({ strict: false, allErrors: true, verbose: true, logger: false });
    for (const [name, format] of Object.entries(KNOWN_FORMATS)) this.ajv.addFormat(name, format);
    this.ajv.addKeyword({ keyword: QUANTITY_KEYWORD, errors: true, validate: checkQuantity });

    const document = JSON.parse(readFileSync(join(schemaDir, '_definitions.json'), 'utf8')) as { definitions: Record<string, JsonSchema> };
    const enums = JSON.parse(readFileSync(join(schemaDir, 'enums.json'), 'utf8')) as Record<string, Record<string, string[]>>;
    for (const definition of Object.values(document.definitions)) makeStrict(definition);
    document.definitions[QUANTITY_DEFINITION][QUANTITY_KEYWORD] = true;
    mergeEnums(document.definitions, enums);
    this.ajv.addSchema({ $id: K8S_SCHEMA_ID, definitions: document.definitions });

    for (const [name, definition] of Object.entries(document.definitions)) {
      const gvks = definition['x-kubernetes-group-version-kind'];
      if (!Array.isArray(gvks) || gvks.length !== 1) continue; // DeleteOptions, WatchEvent: not objects one applies
      const { group, version, kind } = gvks[0] as { group: string; version: string; kind: string };
      const apiVersion = group ? `${group}/${version}` : version;
      this.kinds.set(`${apiVersion}|${kind}`, {
        apiVersion, kind, source: 'kubernetes',
        clusterScoped: isBuiltinClusterScoped(apiVersion, kind),
        ref: `${K8S_SCHEMA_ID}#/definitions/${name}`,
      });
    }

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
    return [...this.kinds.values()].filter((k) => k.kind === kind).map((k) => k.apiVersion).sort();
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
    const validate = this.validatorFor(entry);
    const data = dropNulls(object);
    if (validate(data)) return [];
    return toProblems(validate.errors ?? [], data);
  }

  /** Reads the CRDs and adds their schemas, the first time a kind is not a built-in one. */
  private loadCrds(): void {
    if (this.crdsLoaded) return;
    this.crdsLoaded = true;
    const started = performance.now();
    for (const crd of this.crdDirs.flatMap(readCrdDir)) {
      const key = `${crd.apiVersion}|${crd.kind}`;
      if (this.kinds.has(key)) continue; // built-in kinds win; of two CRD files defining a kind, the first (sorted) wins
      const schema = makeStrict(crd.schema);
      const properties = (schema.properties ??= {}) as Record<string, JsonSchema>;
      properties.apiVersion = { type: 'string', enum: [crd.apiVersion] };
      properties.kind = { type: 'string', enum: [crd.kind] };
      properties.metadata = { $ref: `${K8S_SCHEMA_ID}#/definitions/${OBJECT_META}` };
      if (!('additionalProperties' in schema) && schema['x-kubernetes-preserve-unknown-fields'] !== true) {
        schema.additionalProperties = false;
      }
      const id = `https://k8s-practice.dev/schemas/crd/${crd.apiVersion}/${crd.kind}.json`;
      for (const format of collectFormats(schema)) {
        if (!(format in KNOWN_FORMATS)) this.ajv.addFormat(format, true);
      }
      this.ajv.addSchema({ ...schema, $id: id });
      this.kinds.set(key, {
        apiVersion: crd.apiVersion, kind: crd.kind, source: 'crd',
        clusterScoped: crd.scope === 'Cluster', ref: id, file: crd.file,
      });
    }
    this.timings.crdLoadMs = performance.now() - started;
    this.timings.crdKinds = [...this.kinds.values()].filter((k) => k.source === 'crd').length;
  }

  private validatorFor(entry: KindSchema): ValidateFunction {
    let validate = this.compiled.get(entry.ref);
    if (!validate) {
      const started = performance.now();
      validate = this.ajv.getSchema(entry.ref);
      if (!validate) throw new Error(`schema ${entry.ref} for ${entry.apiVersion} ${entry.kind} did not compile`);
      this.timings.compileMs += performance.now() - started;
      this.timings.compiledKinds++;
      this.compiled.set(entry.ref, validate);
    }
    return validate;
  }
}

/** The CRDs of one folder: the package's own from its JSON bundle when the bundle matches the YAML, else parsed from YAML. */
function readCrdDir(dir: string): CrdVersionSchema[] {
  const packaged = dir === resolve(packageRoot(), CRD_DIR) ? readCrdBundle(dir, join(packageRoot(), CRD_BUNDLE)) : undefined;
  return packaged ?? loadCrdSchemas([dir]);
}

function collectFormats(schema: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) for (const item of schema) collectFormats(item, into);
  else if (schema !== null && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'format' && typeof value === 'string') into.add(value);
      else collectFormats(value, into);
    }
  }
  return into;
}

/** Renders a value for a message. */
function show(value: unknown): string {
  if (value === undefined || (typeof value === 'number' && !Number.isFinite(value))) return String(value);
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The type names a `oneOf`/`anyOf` of plain `{type}` branches accepts, e.g. `["string", "integer"]`. */
function branchTypes(schema: unknown): string[] | undefined {
  if (!Array.isArray(schema)) return undefined;
  const types = schema.map((branch) => (branch && typeof branch === 'object' && Object.keys(branch).length === 1 ? (branch as JsonSchema).type : undefined));
  return types.every((t) => typeof t === 'string') ? (types as string[]) : undefined;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** Turns Ajv errors into findings: one per problem, with a field path and a rule code. */
function toProblems(errors: readonly ErrorObject[], data: unknown): SchemaProblem[] {
  // Errors inside a failed oneOf/anyOf only explain why each branch failed; keep the combinator's own error.
  const combinators = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  const kept = errors.filter((e) => !combinators.some((c) => c !== e
    && e.schemaPath.startsWith(`${c.schemaPath}/`) && e.instancePath.startsWith(c.instancePath)));
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const error of kept) {
    const segments: PathSegment[] = pointerSegments(error.instancePath, data);
    let rule = 'schema';
    let message = error.message ?? 'is invalid';
    switch (error.keyword) {
      case 'additionalProperties': {
        const field = String(error.params.additionalProperty);
        segments.push(field);
        rule = 'schema-unknown-field';
        const known = Object.keys(((error.parentSchema as JsonSchema | undefined)?.properties ?? {}) as object);
        const guess = closest(field, known);
        message = `unknown field "${field}"${guess ? `; did you mean "${guess}"?` : ''}`;
        break;
      }
      case 'required':
        segments.push(String(error.params.missingProperty));
        rule = 'schema-required';
        message = `missing required field "${String(error.params.missingProperty)}"`;
        break;
      case 'type':
        rule = 'schema-type';
        message = `invalid value ${show(error.data)}; expected ${article(String(error.params.type))}`;
        break;
      case 'enum':
        rule = 'schema-enum';
        message = `invalid value ${show(error.data)}; expected one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
        break;
      case QUANTITY_KEYWORD:
        rule = 'invalid-quantity';
        message = `invalid quantity ${show(error.data)}: it ${message}; expected ${QUANTITY_SYNTAX}`;
        break;
      case 'format':
        rule = 'schema-format';
        message = `invalid value ${show(error.data)}; expected format ${String(error.params.format)}`;
        break;
      case 'oneOf':
      case 'anyOf': {
        const types = branchTypes(error.schema);
        if (types) {
          rule = 'schema-type';
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
    const dedupe = `${path}|${rule}|${message}`;
    if (seen.has(dedupe)) continue;
    seen.add(dedupe);
    problems.push({ path, rule, message });
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
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}
