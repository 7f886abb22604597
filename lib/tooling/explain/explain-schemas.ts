/**
 * The schemas `explain` reads, shaped like the OpenAPI v3 documents a
 * Kubernetes 1.28 API server publishes (what `kubectl explain` renders):
 *
 * - built-in kinds come from the vendored definitions (`schemas/k8s-1.28/`,
 *   the same files the validator reads, found the same way). A `$ref` that
 *   has sibling keys (a field's description next to the type it refers to)
 *   is wrapped in `allOf: [{$ref}]`, as the API server's v3 builder does, so
 *   a field's description and its type's description are both kept;
 * - enum values (`enums.json`) are set as `enum` and listed at the end of the
 *   field's description under "Possible enum values:", where the API server
 *   (OpenAPIEnums, on by default in 1.28) puts them. The vendored data has
 *   the values but not the per-value explanations the server adds;
 * - custom kinds come from the vendored CRDs: each served version's
 *   `openAPIV3Schema`, given the `apiVersion`, `kind` and `metadata` fields the
 *   API server adds when it publishes a CRD. CRD files are indexed by name
 *   cheaply and parsed only when one of their kinds is explained.
 *
 * Nothing is made strict here: `explain` shows the schema as published.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseAllDocuments } from 'yaml';
import { CRD_DIR, K8S_SCHEMA_DIR, packageRoot } from '../foundation/package-root';
import { JsonSchema } from '../foundation/strict-schema';
import { readTextOrThrow } from '../foundation/guarded-read';
import { BUILTIN_RESOURCES } from './builtin-resources';
import { CrdNames, indexCrds } from './crd-index';
import { field, objectField, ownMember, textOf } from '../foundation/json-value';
import { defaultCacheFolder, privateCacheProblem } from '../private-cache';

export { privateCacheProblem };

/** A REST resource `explain` can resolve, in discovery order. */
export interface ApiResource {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly source: 'kubernetes' | 'crd';
  /** For custom resources: the CRD file. */
  readonly file?: string;
}

export interface ExplainSchemasOptions {
  /** Folder with `_definitions.json` and `enums.json`. @default `<package root>/schemas/k8s-1.28` */
  readonly schemaDir?: string;
  /** Folders searched (recursively) for CRD YAML. @default `[<package root>/crds]` */
  readonly crdDirs?: readonly string[];
  /**
   * Where parsed CRD files are cached (as JSON, named by the hash of the file's content); `false` for no cache.
   * The folder is used only when it is private to this user ({@link privateCacheProblem}); otherwise nothing is cached.
   * @default `<package root>/node_modules/.cache/k8s-practice-explain`, or, when there is no node_modules
   * (installed as a dependency), `k8s-practice-explain-cache-<uid>` in the system temp folder
   */
  readonly cacheDir?: string | false;
}

/** The default cache folder for parsed CRD files (one per user in the shared temp folder). */
export function defaultCacheDir(root = packageRoot()): string {
  return defaultCacheFolder(root, 'k8s-practice-explain');
}

/** Bump when the cached shape changes. */
const CACHE_FORMAT = 'crd-v1';

/** Load times in milliseconds. */
export interface ExplainSchemaTimings {
  /** Reading and reshaping the Kubernetes definitions. */
  k8sMs: number;
  /** Indexing the CRD files by name. */
  crdIndexMs: number;
  /** Parsing the CRD files needed so far (summed). */
  crdParseMs: number;
  /** How many CRD files were read (parsed or taken from the cache). */
  crdFilesParsed: number;
  /** How many of them came from the cache. */
  crdCacheHits: number;
}

export const SCHEMA_REF_PREFIX = '#/components/schemas/';
const V2_REF_PREFIX = '#/definitions/';
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
/** What the API server says of `metadata` in a published CRD (PartialObjectMetadata's doc). */
const CRD_METADATA_DESCRIPTION =
  "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const EMBEDDED_API_VERSION_DESCRIPTION =
  'apiVersion defines the versioned schema of this representation of an object. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const EMBEDDED_KIND_DESCRIPTION =
  'kind is a string value representing the type of this object. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'] as const;

/** The parts of a CRD explain reads, as cached per file. */
interface CachedCrd {
  readonly kind: 'CustomResourceDefinition';
  readonly spec: { readonly group: unknown; readonly names: unknown; readonly versions?: unknown };
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Rewrites a schema the way the API server's v3 builder publishes it:
 * `#/definitions/X` refs become `#/components/schemas/X`, and a `$ref` with
 * sibling keys is moved into `allOf: [{$ref}]`. Walks schema positions only
 * (never property names). Changes `schema` in place and returns it.
 */
export function toV3Shape(schema: JsonSchema): JsonSchema {
  const properties = schema.properties;
  if (isSchema(properties)) for (const child of Object.values(properties)) if (isSchema(child)) toV3Shape(child);
  if (isSchema(schema.items)) toV3Shape(schema.items);
  if (isSchema(schema.additionalProperties)) toV3Shape(schema.additionalProperties);
  if (isSchema(schema.patternProperties))
    for (const child of Object.values(schema.patternProperties)) if (isSchema(child)) toV3Shape(child);
  for (const key of SCHEMA_LISTS) {
    const list = schema[key];
    if (Array.isArray(list)) for (const child of list) if (isSchema(child)) toV3Shape(child);
  }
  if (isSchema(schema.not)) toV3Shape(schema.not);
  if (typeof schema.$ref === 'string') {
    const ref = schema.$ref.startsWith(V2_REF_PREFIX) ? SCHEMA_REF_PREFIX + schema.$ref.slice(V2_REF_PREFIX.length) : schema.$ref;
    if (Object.keys(schema).length > 1) {
      delete schema.$ref;
      schema.allOf = [{ $ref: ref }];
    } else {
      schema.$ref = ref;
    }
  }
  return schema;
}

/** The text the API server appends to an enum field's description (values only: the vendored data has no per-value docs). */
export function enumDescription(values: readonly string[]): string {
  return `Possible enum values:\n${values.map((v) => ` - \`${JSON.stringify(v)}\``).join('\n')}`;
}

/** Kubernetes version order, highest first: GA before beta before alpha, larger numbers first, then other strings. */
export function compareKubeVersions(a: string, b: string): number {
  const parse = (v: string): [number, number, number] | undefined => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return undefined;
    return [m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1, Number(m[1]), m[3] === undefined ? 0 : Number(m[3])];
  };
  const pa = parse(a);
  const pb = parse(b);
  if (pa && pb) {
    if (pa[0] !== pb[0]) return pb[0] - pa[0];
    if (pa[1] !== pb[1]) return pb[1] - pa[1];
    return pb[2] - pa[2];
  }
  if (pa) return -1;
  if (pb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

const shared = new Map<string, ExplainSchemas>();

/** The schemas and resource names `explain` works from. Get one with {@link ExplainSchemas.shared}. */
export class ExplainSchemas {
  /** The process-wide instance for these options (created, and the built-in schemas loaded, on first call). */
  public static shared(options: ExplainSchemasOptions = {}): ExplainSchemas {
    const schemaDir = resolve(options.schemaDir ?? join(packageRoot(), K8S_SCHEMA_DIR));
    const crdDirs = (options.crdDirs ?? [join(packageRoot(), CRD_DIR)]).map((dir) => resolve(dir));
    const cacheDir = options.cacheDir === false ? false : resolve(options.cacheDir ?? defaultCacheDir());
    const key = JSON.stringify([schemaDir, crdDirs, cacheDir]);
    let schemas = shared.get(key);
    if (!schemas) {
      schemas = new ExplainSchemas(schemaDir, crdDirs, cacheDir);
      shared.set(key, schemas);
    }
    return schemas;
  }

  public readonly timings: ExplainSchemaTimings = { k8sMs: 0, crdIndexMs: 0, crdParseMs: 0, crdFilesParsed: 0, crdCacheHits: 0 };
  /** `components.schemas`: definitions by name. */
  public readonly components: Record<string, JsonSchema>;
  /** Every resource, in discovery order (kubectl's priority order). */
  public readonly resources: readonly ApiResource[];
  /** Root schema names by `group/version/kind`. */
  private readonly byGvk = new Map<string, string>();
  private readonly groupVersions = new Set<string>();
  private readonly parsedFiles = new Set<string>();
  /** Why the cache folder is not used (checked on first need), or undefined while it may be. */
  public cacheProblem: string | undefined;
  private cacheChecked = false;

  public constructor(
    schemaDir: string,
    crdDirs: readonly string[],
    private readonly cacheDir: string | false = false,
  ) {
    let started = performance.now();
    const document = JSON.parse(readFileSync(join(schemaDir, '_definitions.json'), 'utf8')) as { definitions: Record<string, JsonSchema> };
    const enums = JSON.parse(readFileSync(join(schemaDir, 'enums.json'), 'utf8')) as Record<string, Record<string, string[]>>;
    this.components = document.definitions;
    for (const [name, definition] of Object.entries(this.components)) {
      const properties = definition.properties;
      // The generator that made the vendored file pins `kind` with an enum; the API server does not.
      if (isSchema(properties) && isSchema(properties.kind)) delete properties.kind.enum;
      for (const [property, values] of Object.entries(enums[name] ?? {})) {
        const target = isSchema(properties) ? properties[property] : undefined;
        if (!isSchema(target)) continue;
        target.enum = [...values];
        target.description =
          typeof target.description === 'string' && target.description !== ''
            ? `${target.description}\n\n${enumDescription(values)}`
            : enumDescription(values);
      }
      toV3Shape(definition);
      const gvks = definition['x-kubernetes-group-version-kind'];
      if (Array.isArray(gvks) && gvks.length === 1) {
        const { group, version, kind } = gvks[0] as { group: string; version: string; kind: string };
        this.byGvk.set(`${group}/${version}/${kind}`, name);
      }
    }
    const builtins: ApiResource[] = BUILTIN_RESOURCES.map((r) => ({
      ...r,
      singular: r.kind.toLowerCase(),
      source: 'kubernetes' as const,
    }));
    this.timings.k8sMs = performance.now() - started;

    started = performance.now();
    const crds = indexCrds(crdDirs);
    this.timings.crdIndexMs = performance.now() - started;

    const custom = this.customResources(crds, builtins);
    this.resources = [...builtins, ...custom];
    for (const r of this.resources) this.groupVersions.add(`${r.group}/${r.version}`);
  }

  /** CRD resources in discovery order: by group name, each group's versions highest first; built-in kinds win. */
  private customResources(crds: readonly CrdNames[], builtins: readonly ApiResource[]): ApiResource[] {
    const taken = new Set(builtins.map((r) => `${r.group}/${r.plural}`));
    const seen = new Set<string>();
    const out: ApiResource[] = [];
    for (const crd of crds) {
      const key = `${crd.group}/${crd.plural}`;
      if (taken.has(key) || seen.has(key)) continue; // of two files defining a resource, the first (sorted) wins
      seen.add(key);
      for (const version of crd.versions) {
        out.push({
          group: crd.group,
          version,
          kind: crd.kind,
          plural: crd.plural,
          singular: crd.singular,
          shortNames: crd.shortNames,
          source: 'crd',
          file: crd.file,
        });
      }
    }
    return out.sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : compareKubeVersions(a.version, b.version)));
  }

  /** Whether the API server would publish a document for this group/version. */
  public hasGroupVersion(group: string, version: string): boolean {
    return this.groupVersions.has(`${group}/${version}`);
  }

  /** The root schema of a kind, or undefined. Parses the CRD file that defines it on first use. */
  public rootSchema(group: string, version: string, kind: string): JsonSchema | undefined {
    const key = `${group}/${version}/${kind}`;
    if (!this.byGvk.has(key)) {
      const resource = this.resources.find((r) => r.source === 'crd' && r.group === group && r.version === version && r.kind === kind);
      if (resource?.file) this.loadCrdFile(resource.file);
    }
    const name = this.byGvk.get(key);
    return name === undefined ? undefined : this.components[name];
  }

  /** Resolves a local `#/components/schemas/NAME` reference (undefined for anything else). */
  public resolveRef(ref: unknown): JsonSchema | undefined {
    if (typeof ref !== 'string' || !ref.startsWith(SCHEMA_REF_PREFIX)) return undefined;
    return ownMember(this.components, ref.slice(SCHEMA_REF_PREFIX.length)) as JsonSchema | undefined;
  }

  /** The `apiVersion` field as the API server's TypeMeta defines it (taken from a built-in kind). */
  private typeMetaProperty(name: 'apiVersion' | 'kind'): JsonSchema {
    const pod = this.components['io.k8s.api.core.v1.Pod']?.properties as Record<string, JsonSchema> | undefined;
    const property = pod?.[name];
    return property ? { description: property.description, type: property.type } : { type: 'string' };
  }

  private loadCrdFile(file: string): void {
    if (this.parsedFiles.has(file)) return;
    this.parsedFiles.add(file);
    const started = performance.now();
    for (const crd of this.readCrdFile(file)) {
      const { group } = crd.spec;
      const kind = field(crd.spec.names, 'kind');
      // Iterated as written: a `versions` that is not a list fails here as it always has.
      for (const version of (crd.spec.versions ?? []) as Iterable<unknown>) {
        const schema = field(version, 'schema', 'openAPIV3Schema');
        if (field(version, 'served') === false || !isSchema(schema)) continue;
        const versionName = field(version, 'name');
        const key = `${textOf(group)}/${textOf(versionName)}/${textOf(kind)}`;
        if (this.byGvk.has(key)) continue;
        const name = `${textOf(group).split('.').reverse().join('.')}.${textOf(versionName)}.${textOf(kind)}`;
        this.components[name] = this.publishCrdSchema(schema, group, versionName, kind);
        this.byGvk.set(key, name);
      }
    }
    this.timings.crdParseMs += performance.now() - started;
    this.timings.crdFilesParsed++;
  }

  /** The cache folder when it is private to this user (checked once), else undefined: nothing is cached. */
  private privateCacheDir(): string | undefined {
    if (!this.cacheDir) return undefined;
    if (!this.cacheChecked) {
      this.cacheChecked = true;
      this.cacheProblem = privateCacheProblem(this.cacheDir);
    }
    return this.cacheProblem === undefined ? this.cacheDir : undefined;
  }

  /** The CRDs of one file (only the parts explain reads), from the cache when the file's content is known. */
  private readCrdFile(file: string): CachedCrd[] {
    const text = readTextOrThrow(file, 'CRD file');
    const cacheDir = this.privateCacheDir();
    const cacheFile = cacheDir ? join(cacheDir, `${CACHE_FORMAT}-${createHash('sha256').update(text).digest('hex')}.json`) : undefined;
    if (cacheFile && existsSync(cacheFile)) {
      try {
        const cached = JSON.parse(readTextOrThrow(cacheFile, 'explain cache entry')) as CachedCrd[]; // written below
        this.timings.crdCacheHits++;
        return cached;
      } catch {
        // unreadable cache entry: parse the file again
      }
    }
    const crds: CachedCrd[] = [];
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) throw new Error(`${file}: cannot parse CRD YAML: ${doc.errors[0]!.message}`);
      const crd: unknown = doc.toJS();
      const spec = objectField(crd, 'spec');
      if (field(crd, 'kind') !== 'CustomResourceDefinition' || !spec?.group || !field(spec.names, 'kind')) continue;
      // Mapped as written: a `versions` that is not a list fails here as it always has.
      const versions = (spec.versions ?? []) as { map(to: (v: unknown) => unknown): unknown[] };
      crds.push({
        kind: 'CustomResourceDefinition',
        spec: {
          group: spec.group,
          names: spec.names,
          versions: versions.map((v) => ({ name: field(v, 'name'), served: field(v, 'served'), schema: field(v, 'schema') })),
        },
      });
    }
    if (cacheFile) {
      const temporary = `${cacheFile}.${process.pid}.tmp`;
      try {
        writeFileSync(temporary, JSON.stringify(crds), { mode: 0o600 });
        renameSync(temporary, cacheFile);
      } catch {
        // a read-only or full cache folder only costs time; a partly written entry is removed
        try {
          rmSync(temporary, { force: true });
        } catch {
          // cannot be removed either: it is never read (not a cache entry's name)
        }
      }
    }
    return crds;
  }

  /** What the API server publishes for a CRD version: its schema plus apiVersion, kind, metadata and the GVK. */
  private publishCrdSchema(schema: JsonSchema, group: unknown, version: unknown, kind: unknown): JsonSchema {
    const root: JsonSchema = { ...schema };
    const properties = { ...(isSchema(root.properties) ? root.properties : {}) } as Record<string, JsonSchema>;
    properties.metadata = { description: CRD_METADATA_DESCRIPTION, $ref: SCHEMA_REF_PREFIX + OBJECT_META };
    properties.apiVersion = this.typeMetaProperty('apiVersion');
    properties.kind = this.typeMetaProperty('kind');
    root.properties = properties;
    this.addEmbeddedResourceFields(root, true);
    root['x-kubernetes-group-version-kind'] = [{ group, kind, version }];
    return toV3Shape(root);
  }

  /** `x-kubernetes-embedded-resource` objects get apiVersion, kind and metadata, like the API server adds them. */
  private addEmbeddedResourceFields(schema: JsonSchema, isRoot = false): void {
    if (isSchema(schema.properties))
      for (const child of Object.values(schema.properties)) if (isSchema(child)) this.addEmbeddedResourceFields(child);
    if (isSchema(schema.items)) this.addEmbeddedResourceFields(schema.items);
    if (isSchema(schema.additionalProperties)) this.addEmbeddedResourceFields(schema.additionalProperties);
    if (isRoot || schema['x-kubernetes-embedded-resource'] !== true) return;
    const properties = { ...(isSchema(schema.properties) ? schema.properties : {}) } as Record<string, JsonSchema>;
    properties.apiVersion = { ...this.typeMetaProperty('apiVersion'), description: EMBEDDED_API_VERSION_DESCRIPTION };
    properties.kind = { ...this.typeMetaProperty('kind'), description: EMBEDDED_KIND_DESCRIPTION };
    properties.metadata = { description: CRD_METADATA_DESCRIPTION, $ref: SCHEMA_REF_PREFIX + OBJECT_META };
    schema.properties = properties;
    const required = Array.isArray(schema.required) ? [...(schema.required as string[])] : [];
    if (!required.includes('kind')) required.push('kind');
    if (!required.includes('apiVersion')) required.push('apiVersion');
    schema.required = required;
  }
}
