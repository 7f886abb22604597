/**
 * The import boundaries of lib/, checked on every `npm test`. lib/ holds three products:
 * - lib/constructs: the construct library;
 * - lib/exercises: the exercise app, built from the constructs;
 * - lib/tooling: validate/compare/graph/explain/simulate, which judge YAML from anywhere and so
 *   never reach into the constructs or the exercises;
 * and lib/util, leaf helpers all three share. Inside the tooling, rule files are reached only
 * through the rule registry (lib/tooling/check/rule-registry.ts), not even by other rule files:
 * what other code needs from a rule belongs in a module of its own (as selector matching and the
 * Pod Security controls do). lib/tooling/foundation is the tools' shared kernel (JSON access,
 * manifest reading, field paths, findings, Kubernetes versions, ...): it imports no tool. And no
 * file of lib/ reaches itself through its imports (type-only imports count: a cycle of types is
 * still a knot a reader has to untie).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { LibraryConstruct } from '../../lib/constructs/library-construct';

const LIB = resolve(__dirname, '..', '..', 'lib');
const RULE_LIST = 'tooling/check/rule-registry.ts';
const RULES_FOLDER = 'tooling/check/rules/';
const FOUNDATION = 'tooling/foundation/';

/** Top-level folders of lib/ each product may import from (besides itself). */
const ALLOWED: Record<string, readonly string[]> = {
  constructs: ['constructs', 'util'],
  exercises: ['exercises', 'constructs', 'util'],
  tooling: ['tooling', 'util'],
  util: ['util'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** `from` → each relative import, as a path under lib/ (e.g. `tooling/check/rules/service-rules`). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^;]*?from\s+'(\.[^']+)'/gm)].map((m) => relative(LIB, resolve(dirname(file), m[1]!)));
}

const FILES = sourceFiles(LIB).map((file) => ({ file: relative(LIB, file), imports: importsOf(file) }));

test('the boundary check sees the imports (it is not vacuous)', () => {
  expect(FILES.length).toBeGreaterThan(80);
  expect(FILES.find((f) => f.file === RULE_LIST)!.imports).toContain(`${RULES_FOLDER}service-rules`);
  expect(FILES.find((f) => f.file === 'exercises/pod-exercise.ts')!.imports.some((i) => i.startsWith('constructs/'))).toBe(true);
});

test('lib/ has the three products and the shared helpers at the top, nothing else', () => {
  const folders = readdirSync(LIB).filter((name) => statSync(join(LIB, name)).isDirectory());
  expect(folders.sort()).toEqual(Object.keys(ALLOWED).sort());
});

test('each product imports only what it may (the tooling never reaches into the constructs)', () => {
  const crossing = FILES.filter((f) => f.file.includes('/')).flatMap((f) => {
    const allowed = ALLOWED[f.file.split('/')[0]!]!;
    // `../../imports` (the generated Tekton classes) sits outside lib/ and is for constructs only
    return f.imports
      .filter((i) => {
        const top = i.split('/')[0]!;
        if (top === '..') return !(f.file.startsWith('constructs/') && i.startsWith('../imports/'));
        return !allowed.includes(top);
      })
      .map((i) => `${f.file} -> ${i}`);
  });
  expect(crossing).toEqual([]);
});

test('rule files are imported only by the rule list (not by each other)', () => {
  const crossing = FILES.filter((f) => f.file !== RULE_LIST).flatMap((f) =>
    f.imports.filter((i) => i.startsWith(RULES_FOLDER)).map((i) => `${f.file} -> ${i}`),
  );
  expect(crossing).toEqual([]);
});

test('the foundation of the tools imports no tool (only itself and lib/util)', () => {
  const foundation = FILES.filter((f) => f.file.startsWith(FOUNDATION));
  expect(foundation.map((f) => f.file)).toContain(`${FOUNDATION}manifest.ts`); // not vacuous
  const crossing = foundation.flatMap((f) =>
    f.imports.filter((i) => !i.startsWith(FOUNDATION) && !i.startsWith('util/')).map((i) => `${f.file} -> ${i}`),
  );
  expect(crossing).toEqual([]);
  // and the tools do use it
  expect(FILES.filter((f) => !f.file.startsWith(FOUNDATION) && f.imports.some((i) => i.startsWith(FOUNDATION))).length).toBeGreaterThan(20);
});

/** The cycles of a graph given as module -> the modules it imports (Tarjan's strongly connected components). */
function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

test('no import cycle in lib/ (type-only imports included)', () => {
  const moduleOf = (file: string) => file.replace(/\.ts$/, '').replace(/\/index$/, '');
  const graph = new Map(FILES.map((f) => [moduleOf(f.file), f.imports.map((i) => i.replace(/\/index$/, ''))]));
  expect(
    cyclesOf(
      new Map([
        ['a', ['b']],
        ['b', ['c']],
        ['c', ['a']],
        ['d', ['a']],
      ]),
    ),
  ).toEqual([['a', 'b', 'c']]); // the check finds one
  expect(cyclesOf(graph)).toEqual([]);
});

/** Whether `cls` has `base` among its ancestors (by the class chain: cdk8s's Chart answers `instanceof` by its own test). */
function extendsClass(cls: unknown, base: unknown): boolean {
  for (let c = Object.getPrototypeOf(cls); c; c = Object.getPrototypeOf(c)) if (c === base) return true;
  return false;
}

test('every construct class of lib/ extends LibraryConstruct, so none can forget the emitted-text guard', () => {
  // A class that extends `Construct` (from 'constructs') itself skips the guard; a Chart (Project) calls it itself.
  const bypassing = FILES.filter((f) => f.file !== 'constructs/library-construct.ts').flatMap((f) =>
    [...readFileSync(join(LIB, f.file), 'utf8').matchAll(/\bclass (\w+)(?:<[^>]*>)? extends Construct\b/g)].map(
      (m) => `${f.file}: ${m[1]!}`,
    ),
  );
  expect(bypassing).toEqual([]);
  const exported = Object.entries(require(join(LIB, 'index')) as Record<string, unknown>).filter(
    (entry): entry is [string, new (...args: never[]) => unknown] => typeof entry[1] === 'function' && extendsClass(entry[1], Construct),
  );
  expect(exported.map(([name]) => name)).toEqual(expect.arrayContaining(['RunPod', 'ExposedPod', 'GogsServer', 'ListenerNetworkPolicy'])); // not vacuous
  const unguarded = exported
    .filter(([, cls]) => ![LibraryConstruct, Chart, ApiObject].some((base) => extendsClass(cls, base)))
    .map(([name]) => name);
  expect(unguarded).toEqual([]);
});

/** The modules `file` loads when it is loaded: its imports but not `import type` / `export type` (erased by the compiler). */
function valueImportsOf(file: string): { relative: string[]; packages: string[] } {
  const text = readFileSync(join(LIB, file), 'utf8');
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'/gm)].map(
    (m) => (m[1] ?? m[2])!,
  );
  return {
    relative: specifiers.filter((s) => s.startsWith('.')).map((s) => relative(LIB, resolve(dirname(join(LIB, file)), s))),
    packages: specifiers.filter((s) => !s.startsWith('.')),
  };
}

test('the package root loads neither the generated Tekton classes nor a YAML library (they load on first use)', () => {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (module: string) => {
    if (seen.has(module)) return;
    seen.add(module);
    if (module.startsWith('../')) return;
    const file = statSync(join(LIB, `${module}.ts`), { throwIfNoEntry: false }) ? `${module}.ts` : `${module}/index.ts`;
    const { relative: modules, packages: names } = valueImportsOf(file);
    for (const name of names) packages.add(name);
    modules.forEach(visit);
  };
  visit('index');
  expect(seen.has('constructs/tekton/kaniko-task')).toBe(true); // not vacuous
  expect([...seen].filter((m) => m.startsWith('../imports/'))).toEqual([]);
  expect([...packages].filter((p) => p === 'yaml' || p.startsWith('ajv'))).toEqual([]);
});
