/**
 * The cases of the differential suite (11-engine-vs-api-server.cluster.test.ts): built-in objects
 * broken one random field at a time, to be judged by the validation engine and by the real API
 * server. The starting sets are every file of dist/ (their built-in objects) and Kubernetes' own
 * examples (test/fixtures/kubernetes-examples). A fixed seed makes the same cases every run, so a
 * disagreement found once can be found again.
 *
 * A mutation picks a kind (each as often), one object of that kind, one node of it (any depth, metadata included) and an
 * operator that fits the node's type: empty it, give it a value of another type, a value out of
 * range, a value with characters names may not hold, another value seen elsewhere in the sets
 * (`ClusterIP` where a restart policy goes), remove a key, add an unknown one, duplicate a list
 * item... Most cases end refused; some stay valid, which tests the other half of the verdict.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_DIR } from '../../tools/cluster/paths';
import { KubeObject } from '../support/helpers';

export interface StartingSet {
  /** `dist/03-expose-nodeport.k8s.yaml`, `examples/controllers--job.yaml` */
  readonly name: string;
  readonly objects: readonly KubeObject[];
}

export interface DifferentialCase {
  readonly id: number;
  readonly set: string;
  /** `Deployment/web spec.template.spec.containers[0].ports: duplicate the first item` */
  readonly title: string;
  readonly objects: KubeObject[];
}

export const EXAMPLES_DIR = join(REPO_DIR, 'test', 'fixtures', 'kubernetes-examples');
const DIST_DIR = join(REPO_DIR, 'dist');

/** Tekton's kinds are judged by Tekton's code, not by the API server's: they stay out. */
const isBuiltIn = (o: KubeObject) => typeof o?.apiVersion === 'string' && !o.apiVersion.includes('tekton.dev');

function readObjects(path: string): KubeObject[] {
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((d) => d.toJS() as KubeObject)
    .filter((o) => o && typeof o === 'object');
}

/** The starting sets: each dist/ file's built-in objects, and each example file. */
export function startingSets(): StartingSet[] {
  const dist = readdirSync(DIST_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ name: `dist/${f}`, objects: readObjects(join(DIST_DIR, f)).filter(isBuiltIn) }));
  const examples = readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ name: `examples/${f}`, objects: readObjects(join(EXAMPLES_DIR, f)) }));
  return [...dist, ...examples];
}

/** mulberry32: a small seeded generator, enough for picking cases. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Step = string | number;

/** Every node below the object's root, except what identifies the object or its namespace. */
function nodePaths(object: KubeObject): Step[][] {
  const paths: Step[][] = [];
  const walk = (value: unknown, path: Step[]) => {
    if (path.length > 0) paths.push(path);
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, [...path, i]));
    else if (value && typeof value === 'object') for (const key of Object.keys(value)) walk((value as KubeObject)[key], [...path, key]);
  };
  walk(object, []);
  // apiVersion and kind pick another type altogether; the namespace is what isolates a case
  // (and a namespace that does not exist is something the engine assumes away, on purpose); a
  // Namespace's name likewise.
  return paths.filter((p) => {
    const text = p.join('.');
    if (text === 'apiVersion' || text === 'kind' || text === 'metadata' || text === 'metadata.namespace') return false;
    if (object.kind === 'Namespace' && text === 'metadata.name') return false;
    return true;
  });
}

const pathText = (path: readonly Step[]) =>
  path.reduce<string>((text, step) => (typeof step === 'number' ? `${text}[${step}]` : text ? `${text}.${step}` : step), '');

function getAt(object: KubeObject, path: readonly Step[]): unknown {
  return path.reduce<any>((value, step) => value?.[step], object);
}

function parentOf(object: KubeObject, path: readonly Step[]): { parent: any; key: Step } {
  return { parent: getAt(object, path.slice(0, -1)), key: path[path.length - 1]! };
}

interface Operator {
  readonly name: string;
  readonly applies: (value: unknown, key: Step) => boolean;
  /** Changes the node in place (through its parent). */
  readonly apply: (parent: any, key: Step, pick: <T>(items: readonly T[]) => T) => void;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number';
const isPlainObject = (v: unknown): v is KubeObject => !!v && typeof v === 'object' && !Array.isArray(v);
const set = (value: unknown) => (parent: any, key: Step) => {
  parent[key] = structuredClone(value);
};

/** Every string value of the starting sets: a swap with one of them makes plausible nonsense. */
let seenStrings: string[] = [];

const OPERATORS: readonly Operator[] = [
  { name: 'remove it', applies: (_v, key) => typeof key === 'string', apply: (parent, key) => delete parent[key] },
  { name: 'set it to ""', applies: isString, apply: set('') },
  { name: 'set it to "Bad Value!"', applies: isString, apply: set('Bad Value!') },
  { name: 'set it to 254 characters', applies: isString, apply: set('x'.repeat(254)) },
  { name: 'set it to "../etc"', applies: isString, apply: set('../etc') },
  { name: 'set it to "-1"', applies: isString, apply: set('-1') },
  { name: 'set it to the number 7', applies: isString, apply: set(7) },
  {
    name: 'swap in another value seen in the sets',
    applies: isString,
    apply: (parent, key, pick) => (parent[key] = pick(seenStrings)),
  },
  { name: 'set it to 0', applies: isNumber, apply: set(0) },
  { name: 'set it to -1', applies: isNumber, apply: set(-1) },
  { name: 'set it to 70000', applies: isNumber, apply: set(70000) },
  { name: 'set it to 2147483648', applies: isNumber, apply: set(2147483648) },
  { name: 'set it to 1.5', applies: isNumber, apply: set(1.5) },
  { name: 'set it to the string "80"', applies: isNumber, apply: set('80') },
  { name: 'flip it', applies: (v) => typeof v === 'boolean', apply: (parent, key) => (parent[key] = !parent[key]) },
  { name: 'set it to the string "yes"', applies: (v) => typeof v === 'boolean', apply: set('yes') },
  { name: 'set it to {}', applies: isPlainObject, apply: set({}) },
  { name: 'set it to []', applies: isPlainObject, apply: set([]) },
  {
    name: 'add an unknown field',
    applies: isPlainObject,
    apply: (parent, key) => (parent[key].unknownField = 'x'),
  },
  {
    name: 'add the key "Bad Key!"',
    applies: isPlainObject,
    apply: (parent, key) => (parent[key]['Bad Key!'] = 'x'),
  },
  {
    name: 'remove one of its keys',
    applies: (v) => isPlainObject(v) && Object.keys(v).length > 0,
    apply: (parent, key, pick) => delete parent[key][pick(Object.keys(parent[key]))],
  },
  { name: 'empty the list', applies: (v) => Array.isArray(v) && v.length > 0, apply: set([]) },
  {
    name: 'duplicate the first item',
    applies: (v) => Array.isArray(v) && v.length > 0,
    apply: (parent, key) => parent[key].push(structuredClone(parent[key][0])),
  },
  { name: 'add an empty item', applies: Array.isArray, apply: (parent, key) => parent[key].push({}) },
  { name: 'set it to a string', applies: Array.isArray, apply: set('x') },
];

/** What would leave an object without a usable name, which kubectl apply refuses before the API server sees it. */
const NAMELESS = new Set(['remove it', 'set it to ""', 'set it to the number 7']);

function collectStrings(sets: readonly StartingSet[]): string[] {
  const strings = new Set<string>();
  const walk = (value: unknown) => {
    if (isString(value) && value.length <= 64) strings.add(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  sets.forEach((s) => s.objects.forEach(walk));
  return [...strings].sort();
}

/** The unchanged sets first (each must be judged alike too), then `count` mutations. */
export function differentialCases(seed: number, count: number): DifferentialCase[] {
  const sets = startingSets();
  seenStrings = collectStrings(sets);
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const cases: DifferentialCase[] = sets.map((s, id) => ({
    id,
    set: s.name,
    title: 'unchanged',
    objects: structuredClone(s.objects) as KubeObject[],
  }));
  // Every kind as often as any other: dist/08 alone holds thirty objects, a Role example one.
  const byKind = new Map<string, { set: StartingSet; index: number }[]>();
  for (const s of sets)
    s.objects.forEach((o, index) => byKind.set(String(o.kind), [...(byKind.get(String(o.kind)) ?? []), { set: s, index }]));
  const kinds = [...byKind.keys()].sort();
  while (cases.length < sets.length + count) {
    const { set: start, index } = pick(byKind.get(pick(kinds))!);
    const objects = structuredClone(start.objects) as KubeObject[];
    const target = objects[index]!;
    const path = pick(nodePaths(target));
    const { parent, key } = parentOf(target, path);
    const value = getAt(target, path);
    // kubectl apply itself refuses an object without a name before sending it.
    const isName = pathText(path) === 'metadata.name';
    const operators = OPERATORS.filter((o) => o.applies(value, key) && !(isName && NAMELESS.has(o.name)));
    if (operators.length === 0) continue;
    const operator = pick(operators);
    operator.apply(parent, key, pick);
    const name = `${target.kind}/${target.metadata?.name ?? target.metadata?.generateName ?? '?'}`;
    cases.push({ id: cases.length, set: start.name, title: `${name} ${pathText(path)}: ${operator.name}`, objects });
  }
  return cases;
}
