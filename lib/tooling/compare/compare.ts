/**
 * Semantic comparison of two sets of Kubernetes objects, e.g. our synthesized
 * YAML against `kubectl ... --dry-run=client -o yaml` or k8syaml.com output.
 *
 * Objects are matched by apiVersion, kind, namespace and name. Before
 * comparing, each object is normalized: key order does not matter; `null`
 * values, empty maps and empty lists are dropped; so are `status` and every
 * `metadata.creationTimestamp`. Lists with a merge key (containers by name,
 * ports by port and protocol, env by name, volumes by name, volumeMounts by
 * mountPath, ...) are compared by key, not by position. The diff itself is
 * microdiff's. A port without `protocol` is TCP, as the API server defaults it. Image references are compared in their fully written form
 * (`nginx` = `docker.io/library/nginx:latest`; a digest is kept); the report
 * shows each side as written, in full.
 */
import diff, { Difference } from 'microdiff';
import { isBuiltinClusterScoped } from '../foundation/cluster-scoped-kinds';
import { fieldPath } from '../foundation/field-path';
import { dropNulls } from '../foundation/strict-schema';
import { canonicalImageReference } from '../../util/image-reference';
import { KubeObject, parseManifestText, readManifestFile } from '../foundation/manifest';
import { textOf } from '../foundation/json-value';
import { terminalValue } from '../../util/terminal-text';

/** A list turned into a map by its merge key, so the diff matches items by key. */
class KeyedList {
  [key: string]: unknown;
}

type KeyFn = (item: KubeObject) => string | undefined;

const byField =
  (field: string): KeyFn =>
  (item) =>
    item[field] === undefined ? undefined : `${field}=${textOf(item[field])}`;

/** Protocol defaults to TCP wherever Kubernetes keys a port by port and protocol. */
const byPort: KeyFn = (item) => {
  const protocol = item.protocol ?? 'TCP';
  if (item.containerPort !== undefined) return `containerPort=${textOf(item.containerPort)},protocol=${textOf(protocol)}`;
  if (item.port !== undefined) return `port=${textOf(item.port)},protocol=${textOf(protocol)}`;
  return item.name === undefined ? undefined : `name=${textOf(item.name)}`;
};

/**
 * Merge keys by list field name (the `x-kubernetes-patch-merge-key` /
 * `x-kubernetes-list-map-keys` of the Kubernetes API, plus Tekton's
 * name-keyed lists).
 */
export const MERGE_KEYS: Readonly<Record<string, KeyFn>> = {
  containers: byField('name'),
  initContainers: byField('name'),
  ephemeralContainers: byField('name'),
  env: byField('name'),
  volumes: byField('name'),
  imagePullSecrets: byField('name'),
  volumeMounts: byField('mountPath'),
  volumeDevices: byField('devicePath'),
  hostAliases: byField('ip'),
  ports: byPort,
  subjects: (item) =>
    item.name === undefined ? undefined : `kind=${textOf(item.kind)},namespace=${textOf(item.namespace ?? '')},name=${textOf(item.name)}`,
  topologySpreadConstraints: (item) =>
    item.topologyKey === undefined
      ? undefined
      : `topologyKey=${textOf(item.topologyKey)},whenUnsatisfiable=${textOf(item.whenUnsatisfiable)}`,
  // Tekton Pipelines / Triggers
  steps: byField('name'),
  sidecars: byField('name'),
  params: byField('name'),
  workspaces: byField('name'),
  results: byField('name'),
  tasks: byField('name'),
  finally: byField('name'),
};

/** The merge key function of a list field; own entries only, so `__proto__` or `constructor` is no list field. */
function mergeKeyOf(field: string | number | undefined): KeyFn | undefined {
  return typeof field === 'string' && Object.hasOwn(MERGE_KEYS, field) ? MERGE_KEYS[field] : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The normalized form of a value (see the module comment). Returns undefined
 * for values that count as absent. `field` is the key the value sits under.
 */
function normalize(value: unknown, field: string | number | undefined): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    const items = value.map((item) => normalize(item, undefined) ?? {});
    if (items.length === 0) return undefined;
    // Every `ports` list of the API (containers, Services, Endpoints, EndpointSlices, NetworkPolicies) defaults protocol to TCP.
    if (field === 'ports') for (const item of items) if (isPlainObject(item) && item.protocol === undefined) item.protocol = 'TCP';
    const keyFn = mergeKeyOf(field);
    if (keyFn && items.every(isPlainObject)) {
      const keys = items.map((item) => keyFn(item as KubeObject));
      if (keys.every((k) => k !== undefined) && new Set(keys).size === keys.length) {
        const keyed = new KeyedList();
        keys.forEach((key, i) => {
          keyed[key as string] = items[i];
        });
        return keyed;
      }
    }
    return items;
  }
  if (isPlainObject(value)) {
    const out = Object.create(null) as Record<string, unknown>; // a `__proto__` key stays a field

    for (const key of Object.keys(value).sort()) {
      if (field === 'metadata' && key === 'creationTimestamp') continue;
      const child = normalize(value[key], key);
      if (child !== undefined) out[key] = child;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  // Container, init container and Tekton step images: one image, however it is written.
  if (field === 'image' && typeof value === 'string' && value !== '') return canonicalImageReference(value);
  return value;
}

/** An object's normalized form: the module's rules applied, top-level `status` dropped. */
export function normalizeObject(object: KubeObject): Record<string, unknown> {
  const { status: _status, ...rest } = object;
  void _status;
  return (normalize(rest, undefined) as Record<string, unknown> | undefined) ?? {};
}

/** Turns normalized data back into plain JSON (keyed lists become lists again). */
function plain(value: unknown): unknown {
  if (value instanceof KeyedList) return Object.values(value).map(plain);
  if (Array.isArray(value)) return value.map(plain);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** Renders a diff path; keyed-list items show their key: `spec.containers[name=web].image`. */
function renderPath(root: unknown, path: readonly (string | number)[]): string {
  let out = '';
  let node: unknown = root;
  for (const segment of path) {
    if (node instanceof KeyedList) out += `[${String(segment)}]`;
    else out += fieldPath([segment]).replace(/^(?=[A-Za-z_$])/, out ? '.' : '');
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment as string] : undefined;
  }
  return out;
}

export type DifferenceKind = 'changed' | 'only-in-a' | 'only-in-b';

/** One field that differs between the two sides of a compared object. */
export interface FieldDifference {
  /** Field path, kubectl style, with keyed list items as `[key=value]`. */
  readonly path: string;
  /** `changed` (on both sides, other values), `only-in-a` or `only-in-b`. */
  readonly kind: DifferenceKind;
  /** The value in a (absent for `only-in-b`). */
  readonly a?: unknown;
  /** The value in b (absent for `only-in-a`). */
  readonly b?: unknown;
}

export interface ObjectIdentity {
  readonly apiVersion: string;
  readonly kind: string;
  /** `''` when the object has none. */
  readonly namespace: string;
  readonly name: string;
}

export type ObjectStatus = 'equal' | 'different' | 'only-in-a' | 'only-in-b';

/** One object of either side and how it compares with its match on the other side. */
export interface ObjectComparison {
  /** What matches it with the other side: apiVersion, kind, namespace and name. */
  readonly id: ObjectIdentity;
  /** `equal`, `different`, `only-in-a` or `only-in-b`. */
  readonly status: ObjectStatus;
  /** Field differences (for `different`); sorted by path. */
  readonly differences: readonly FieldDifference[];
}

/** Options of {@link compareObjects}, {@link compareYaml} and {@link compareFiles}. */
export interface CompareOptions {
  /**
   * Ignore fields present only in a, only in b, or either (objects missing on one side still count).
   * @default every field difference counts
   */
  readonly ignoreOnlyIn?: 'a' | 'b' | 'both';
  /**
   * Namespace given to namespaced objects that have none, on both sides, e.g.
   * to compare `kubectl run ... -o yaml` (no namespace) with objects in an exercise namespace.
   * @default objects without a namespace match only objects without one
   */
  readonly defaultNamespace?: string;
  /**
   * Compare only the objects both sides have; objects on one side only are
   * left out (e.g. one `kubectl run` Pod against a whole exercise file). At
   * least one object must match for the result to be equal.
   * @default false
   */
  readonly onlyMatched?: boolean;
}

/** Sets `metadata.namespace` on a namespaced object that has none. */
function withNamespace(object: KubeObject, namespace: string | undefined): KubeObject {
  if (
    !namespace ||
    !isPlainObject(object.metadata) ||
    typeof object.metadata.namespace === 'string' ||
    isBuiltinClusterScoped(textOf(object.apiVersion ?? ''), textOf(object.kind ?? ''))
  )
    return object;
  return { ...object, metadata: { ...object.metadata, namespace } };
}

/** What {@link compareObjects}, {@link compareYaml} and {@link compareFiles} return. */
export interface CompareResult {
  /** Every object of either side, matched by identity. */
  readonly objects: readonly ObjectComparison[];
  /** True when every object is on both sides and equal. */
  readonly equal: boolean;
}

function identityOf(object: KubeObject): ObjectIdentity {
  const metadata = isPlainObject(object.metadata) ? object.metadata : {};
  return {
    apiVersion: textOf(object.apiVersion ?? ''),
    kind: textOf(object.kind ?? ''),
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : '',
    name: typeof metadata.name === 'string' ? metadata.name : typeof metadata.generateName === 'string' ? metadata.generateName : '',
  };
}

/** `apps/v1 Deployment ns/name` (no `ns/` when the object has no namespace), control characters escaped ({@link terminalValue}). */
export function describeIdentity(id: ObjectIdentity): string {
  return terminalValue(`${id.apiVersion} ${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`);
}

/**
 * The value at a diff path in the object as written (nulls dropped), so a
 * report shows `emptyDir: {}` and other empties the normalized form leaves out.
 */
function originalAt(original: unknown, normalized: unknown, path: readonly (string | number)[]): unknown {
  let node = original;
  let norm = normalized;
  let field: string | undefined;
  for (const segment of path) {
    if (norm instanceof KeyedList) {
      const keyFn = mergeKeyOf(field);
      node = Array.isArray(node) && keyFn ? node.find((item) => isPlainObject(item) && keyFn(item) === segment) : undefined;
    } else {
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment as string] : undefined;
    }
    norm = norm !== null && typeof norm === 'object' ? (norm as Record<string, unknown>)[segment as string] : undefined;
    if (typeof segment === 'string') field = segment;
  }
  return node === undefined ? plain(norm) : dropNulls(node);
}

function toDifference(d: Difference, sides: { a: KubeObject; b: KubeObject; na: unknown; nb: unknown }): FieldDifference {
  switch (d.type) {
    case 'REMOVE':
      return { path: renderPath(sides.na, d.path), kind: 'only-in-a', a: originalAt(sides.a, sides.na, d.path) };
    case 'CREATE':
      return { path: renderPath(sides.nb, d.path), kind: 'only-in-b', b: originalAt(sides.b, sides.nb, d.path) };
    default:
      return {
        path: renderPath(sides.na, d.path),
        kind: 'changed',
        a: originalAt(sides.a, sides.na, d.path),
        b: originalAt(sides.b, sides.nb, d.path),
      };
  }
}

/** An object that does not match because one side has no namespace: what `defaultNamespace` would fix. */
export interface NamespaceMismatch {
  /** The object as the side without a namespace has it. */
  readonly id: ObjectIdentity;
  /** The side where it has no namespace. */
  readonly without: 'a' | 'b';
  /** The namespace it has on the other side. */
  readonly namespace: string;
}

/**
 * Objects of a and b that are the same apiVersion, kind and name, unmatched only because one side
 * has no namespace and the other has one (`kubectl run -o yaml` against an exercise's file):
 * giving `defaultNamespace` that namespace would match them. Empty when there is none.
 */
export function namespaceMismatches(
  aObjects: readonly KubeObject[],
  bObjects: readonly KubeObject[],
  options: Pick<CompareOptions, 'defaultNamespace'> = {},
): NamespaceMismatch[] {
  const ids = (objects: readonly KubeObject[]) => objects.map((o) => identityOf(withNamespace(o, options.defaultNamespace)));
  const [a, b] = [ids(aObjects), ids(bObjects)];
  const same = (x: ObjectIdentity, y: ObjectIdentity) => x.apiVersion === y.apiVersion && x.kind === y.kind && x.name === y.name;
  const has = (list: readonly ObjectIdentity[], id: ObjectIdentity) => list.some((o) => same(o, id) && o.namespace === id.namespace);
  const out: NamespaceMismatch[] = [];
  for (const [side, own, other] of [
    ['a', a, b],
    ['b', b, a],
  ] as const) {
    for (const id of own) {
      if (id.namespace !== '' || has(other, id)) continue;
      const elsewhere = other.find((o) => same(o, id) && o.namespace !== '' && !has(own, o));
      if (elsewhere) out.push({ id, without: side, namespace: elsewhere.namespace });
    }
  }
  return out;
}

const identityKey = (id: ObjectIdentity) => JSON.stringify([id.apiVersion, id.kind, id.namespace, id.name]);

/**
 * Throws when two objects of one side have one identity: compare matches objects by identity, so
 * with two the answer would depend on their order (the second `kubectl apply` overwrites the
 * first; validate reports it as `duplicate-object`).
 */
function checkUnique(objects: readonly KubeObject[], source: string, defaultNamespace: string | undefined): void {
  const first = new Map<string, number>();
  objects.forEach((object, index) => {
    const id = identityOf(object);
    const earlier = first.get(identityKey(id));
    if (earlier === undefined) {
      first.set(identityKey(id), index);
      return;
    }
    const namespaced = defaultNamespace ? ` (with --namespace ${defaultNamespace} given to objects without one)` : '';
    throw new Error(
      `${source}: objects ${earlier + 1} and ${index + 1} are both ${describeIdentity(id)}${namespaced}; ` +
        'compare matches objects by apiVersion, kind, namespace and name, so each may appear once in a file: remove or rename one',
    );
  });
}

/** Compares two lists of objects; throws an Error when one side has two objects of one identity. */
export function compareObjects(
  aObjects: readonly KubeObject[],
  bObjects: readonly KubeObject[],
  options: CompareOptions = {},
): CompareResult {
  return compareSides(aObjects, bObjects, options, { a: 'a', b: 'b' });
}

/** Like {@link compareObjects}, naming each side (its file) in errors. */
export function compareSides(
  aObjects: readonly KubeObject[],
  bObjects: readonly KubeObject[],
  options: CompareOptions,
  names: { readonly a: string; readonly b: string },
): CompareResult {
  const a = aObjects.map((o) => withNamespace(o, options.defaultNamespace));
  const b = bObjects.map((o) => withNamespace(o, options.defaultNamespace));
  checkUnique(a, names.a, options.defaultNamespace);
  checkUnique(b, names.b, options.defaultNamespace);
  const key = identityKey;
  const right = new Map<string, KubeObject>();
  for (const object of b) right.set(key(identityOf(object)), object);
  const results: ObjectComparison[] = [];
  const matched = new Set<string>();
  for (const left of a) {
    const id = identityOf(left);
    const k = key(id);
    const other = right.get(k);
    if (!other) {
      results.push({ id, status: 'only-in-a', differences: [] });
      continue;
    }
    matched.add(k);
    const na = normalizeObject(left);
    const nb = normalizeObject(other);
    const differences = diff(na, nb)
      .filter(
        (d) =>
          !(
            (d.type === 'REMOVE' && (options.ignoreOnlyIn === 'a' || options.ignoreOnlyIn === 'both')) ||
            (d.type === 'CREATE' && (options.ignoreOnlyIn === 'b' || options.ignoreOnlyIn === 'both'))
          ),
      )
      .map((d) => toDifference(d, { a: left, b: other, na, nb }))
      .sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
    results.push({ id, status: differences.length === 0 ? 'equal' : 'different', differences });
  }
  for (const other of b) {
    const id = identityOf(other);
    if (!matched.has(key(id))) results.push({ id, status: 'only-in-b', differences: [] });
  }
  if (options.onlyMatched) {
    const both = results.filter((r) => r.status === 'equal' || r.status === 'different');
    return { objects: both, equal: both.length > 0 && both.every((r) => r.status === 'equal') };
  }
  return { objects: results, equal: results.every((r) => r.status === 'equal') };
}

/**
 * Parses YAML text (several documents allowed, read as YAML 1.1 like kubectl)
 * into objects, with the validator's reader (`v1 List`s expanded); throws an
 * Error naming the source and the first problem that reader finds (a syntax
 * error, an alias bomb, a document that is not a mapping, too many documents).
 */
export function parseObjects(text: string, source: string): KubeObject[] {
  const { objects, findings } = parseManifestText(text, source);
  const [problem] = findings;
  if (problem) throw new Error(`${source}: ${problem.message}`);
  return objects.map((item) => item.object);
}

/** Reads a YAML file the way the validator does (regular files only, size limit, UTF-8); throws an Error naming the file. */
export function readObjects(path: string): KubeObject[] {
  const read = readManifestFile(path);
  if (read.problem) throw new Error(read.problem.message.startsWith(path) ? read.problem.message : `${path}: ${read.problem.message}`);
  return parseObjects(read.text, path);
}

/** Compares two YAML texts. */
export function compareYaml(a: string, b: string, options: CompareOptions = {}): CompareResult {
  return compareObjects(parseObjects(a, 'a'), parseObjects(b, 'b'), options);
}

/** Compares two YAML files; throws an Error naming the file when one has two objects of one identity. */
export function compareFiles(aPath: string, bPath: string, options: CompareOptions = {}): CompareResult {
  return compareSides(readObjects(aPath), readObjects(bPath), options, { a: aPath, b: bPath });
}

/** A value as JSON, never shortened: the report is the only place a user sees it. */
function showValue(value: unknown): string {
  return JSON.stringify(value);
}

const DIFFERENCE_LABEL: Record<DifferenceKind, string> = { changed: 'changed  ', 'only-in-a': 'only in a', 'only-in-b': 'only in b' };

/** The report as text lines: one per object, its differences indented under it, then a summary. */
export function formatComparison(result: CompareResult): string[] {
  const lines: string[] = [];
  const counts: Record<ObjectStatus, number> = { equal: 0, different: 0, 'only-in-a': 0, 'only-in-b': 0 };
  for (const object of result.objects) {
    counts[object.status]++;
    const id = describeIdentity(object.id);
    switch (object.status) {
      case 'equal':
        lines.push(`= ${id}: equal`);
        break;
      case 'only-in-a':
        lines.push(`< ${id}: only in a`);
        break;
      case 'only-in-b':
        lines.push(`> ${id}: only in b`);
        break;
      default:
        lines.push(`~ ${id}: ${object.differences.length} difference${object.differences.length === 1 ? '' : 's'}`);
        for (const d of object.differences) {
          const value = d.kind === 'changed' ? `${showValue(d.a)} -> ${showValue(d.b)}` : showValue(d.kind === 'only-in-a' ? d.a : d.b);
          lines.push(`    ${DIFFERENCE_LABEL[d.kind]}  ${terminalValue(d.path)}: ${terminalValue(value)}`);
        }
    }
  }
  lines.push(
    `${result.equal ? 'equal' : 'different'}: ${counts.equal} equal, ${counts.different} different, ` +
      `${counts['only-in-a']} only in a, ${counts['only-in-b']} only in b`,
  );
  return lines;
}
