/**
 * "Where is this field used in this project?", computed, never written by hand:
 *
 * - **exercises**: every object in the synthesized YAML of the project (the
 *   `dist/` folder of the current directory by default: this repository's
 *   exercises, or a consumer's own charts) of the explained group and kind
 *   that sets the field, with the concrete path and value; the exercise is the
 *   file's number (`05-...k8s.yaml`);
 * - **constructs**: the constructs in the package's construct docs index
 *   (`api/construct-docs.json`, generated from the doc comments with the API
 *   reference, see construct-docs.ts) with a prop of the field's name, or
 *   whose docs name the field in code (`shareProcessNamespace`,
 *   `spec.shareProcessNamespace`, `shareProcessNamespace: true`).
 */
import { existsSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { expandPaths, loadManifests } from '../foundation/manifest';
import { packageRoot } from '../foundation/package-root';
import { JsonSchema } from '../foundation/strict-schema';
import { SchemaDocument, truthy } from './plaintext';
import { ConstructUsage, findConstructUsage, loadConstructDocs } from './construct-docs';
import { field, ownMember, textOf } from '../foundation/json-value';

/** How the schema walk got from one schema to the next. */
export type FieldStep = { readonly property: string } | { readonly items: true } | { readonly values: true };

/** One place an object in the output sets the field. */
export interface ObjectUsage {
  /** The YAML file, relative to the project folder when inside it. */
  readonly file: string;
  /** `05` for `05-shared-process-namespace.k8s.yaml`, or the file's base name. */
  readonly exercise: string;
  readonly object: string;
  /** Concrete path, e.g. `spec.containers[0].ports[0].containerPort`. */
  readonly path: string;
  /** The value, as JSON, shortened. */
  readonly value: string;
}

export interface ProjectUsage {
  readonly objects: readonly ObjectUsage[];
  readonly constructs: readonly ConstructUsage[];
  /** Where the objects were looked for: each file or folder (an absolute path), and whether it exists. */
  readonly searched: ReadonlyArray<{ readonly path: string; readonly exists: boolean }>;
}

/** The steps `kubectl explain` takes through the schema for a field path (undefined when it leads nowhere). */
export function fieldSteps(doc: SchemaDocument, root: JsonSchema, fieldPath: readonly string[]): FieldStep[] | undefined {
  const walk = (schema: unknown, path: readonly string[], history: ReadonlySet<string>): FieldStep[] | undefined => {
    if (path.length === 0) return [];
    const s = (schema ?? {}) as JsonSchema;
    const ref = typeof s.$ref === 'string' ? s.$ref : '';
    if (ref && history.has(ref)) return undefined;
    const next = new Set(history).add(ref);
    const resolved = doc.resolveRef(ref) ?? s;
    const properties = resolved.properties as Record<string, unknown> | undefined;
    const name = path[0]!; // path is not empty here
    if (truthy(properties) && truthy(ownMember(properties, name))) {
      const rest = walk(ownMember(properties, name), path.slice(1), new Set());
      return rest && [{ property: name }, ...rest];
    }
    if (truthy(resolved.items)) {
      const rest = walk(resolved.items, path, next);
      return rest && [{ items: true }, ...rest];
    }
    if (truthy(resolved.additionalProperties)) {
      const rest = walk(resolved.additionalProperties, path, next);
      return rest && [{ values: true }, ...rest];
    }
    for (const branch of Array.isArray(resolved.allOf) ? resolved.allOf : []) {
      const rest = walk(branch, path, next);
      if (rest) return rest;
    }
    return undefined;
  };
  return walk(root, fieldPath, new Set());
}

function formatKey(key: string): string {
  return /^[A-Za-z_][\w-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** Every value an object holds at the end of the steps; arrays met at the end of a step are entered too. */
export function valuesAt(object: unknown, steps: readonly FieldStep[]): Array<{ path: string; value: unknown }> {
  let current: Array<{ path: string; value: unknown }> = [{ path: '', value: object }];
  for (const step of steps) {
    const next: Array<{ path: string; value: unknown }> = [];
    for (const { path, value } of current) {
      if ('property' in step) {
        if (value && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, step.property)) {
          next.push({ path: path + formatKey(step.property), value: (value as Record<string, unknown>)[step.property] });
        }
      } else if ('items' in step) {
        if (Array.isArray(value)) value.forEach((item, i) => next.push({ path: `${path}[${i}]`, value: item }));
      } else if (value && typeof value === 'object' && !Array.isArray(value)) {
        for (const [key, item] of Object.entries(value)) next.push({ path: `${path}[${JSON.stringify(key)}]`, value: item });
      }
    }
    current = next;
  }
  return current
    .filter((entry) => entry.value !== undefined && entry.value !== null)
    .map((entry) => ({ path: entry.path.replace(/^\./, ''), value: entry.value }));
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

export interface UsageQuery {
  readonly group: string;
  readonly kind: string;
  readonly fieldPath: readonly string[];
  readonly steps: readonly FieldStep[];
}

export interface UsageOptions {
  /**
   * The project whose synthesized YAML is searched: this repository, or a cdk8s app that uses the
   * package (whose `node_modules` copy ships no `dist/`). File names are shown relative to it.
   * @default the current working directory
   */
  readonly projectDir?: string;
  /** Files or folders of synthesized YAML. @default `[<projectDir>/dist]` */
  readonly manifests?: readonly string[];
  /** The constructs' docs index. @default `<package root>/api/construct-docs.json` */
  readonly constructDocs?: string;
}

/** A path relative to the project folder when inside it, else as given. */
function shownPath(path: string, projectDir: string): string {
  const absolute = resolve(path);
  return absolute.startsWith(projectDir + sep) ? relative(projectDir, absolute) : path;
}

/** Objects in the synthesized output that set the field (or, for a bare kind, every object of the kind). */
export function findObjectUsage(query: UsageQuery, manifests: readonly string[], projectDir = process.cwd()): ObjectUsage[] {
  const root = resolve(projectDir);
  const { objects } = loadManifests(expandPaths(manifests.filter((path) => existsSync(path))));
  const out: ObjectUsage[] = [];
  for (const { file, object } of objects) {
    const apiVersion = textOf(object.apiVersion ?? '');
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    if (group !== query.group || object.kind !== query.kind) continue;
    const namespace = field(object.metadata, 'namespace');
    const name = namespace
      ? `${textOf(namespace)}/${textOf(field(object.metadata, 'name'))}`
      : textOf(field(object.metadata, 'name') ?? '');
    const shownFile = shownPath(file, root);
    const base = basename(file);
    const exercise = /^(\d+)-/.exec(base)?.[1] ?? base.replace(/\.k8s\.ya?ml$|\.ya?ml$/, '');
    for (const { path, value } of valuesAt(object, query.steps)) {
      out.push({
        file: shownFile,
        exercise,
        object: `${apiVersion} ${object.kind} ${name}`,
        path,
        value: shorten(JSON.stringify(value) ?? '', 60),
      });
    }
  }
  return out;
}

export type { ConstructUsage } from './construct-docs';

/** Where the field is used: objects in the output and constructs in the construct docs index. */
export function projectUsage(query: UsageQuery, options: UsageOptions = {}): ProjectUsage {
  const projectDir = resolve(options.projectDir ?? process.cwd());
  const manifests = options.manifests ?? [join(projectDir, 'dist')];
  const constructDocs = options.constructDocs ?? join(packageRoot(), 'api', 'construct-docs.json');
  const objects = findObjectUsage(query, manifests, projectDir);
  const field = query.fieldPath[query.fieldPath.length - 1];
  const index = field !== undefined ? loadConstructDocs(constructDocs) : undefined;
  const constructs = field !== undefined && index ? findConstructUsage(field, index) : [];
  const searched = manifests.map((path) => ({ path: resolve(path), exists: existsSync(path) }));
  return { objects, constructs, searched };
}

/** `a`, `a and b`, `a, b and c` */
function listPaths(paths: readonly string[]): string {
  return paths.length <= 1 ? (paths[0] ?? '') : `${paths.slice(0, -1).join(', ')} and ${paths[paths.length - 1]!}`;
}

/** The plaintext section printed after kubectl's output. */
export function renderUsage(usage: ProjectUsage, query: UsageQuery, maxPerFile = 5): string {
  const target = query.fieldPath.length > 0 ? query.fieldPath.join('.') : `${query.kind} objects`;
  let out = 'USED IN THIS PROJECT:\n';
  const missing = usage.searched.filter((s) => !s.exists).map((s) => s.path);
  const found = usage.searched.filter((s) => s.exists).map((s) => s.path);
  if (missing.length > 0) {
    out +=
      `    Nothing searched: ${listPaths(missing)} does not exist. Synthesize your cdk8s app (\`cdk8s synth\`)\n` +
      `    and run explain in its folder, or give --project <the app's folder>.\n`;
  }
  if (usage.objects.length === 0) {
    if (found.length > 0) out += `    No synthesized object in ${listPaths(found)} sets ${target}.\n`;
  } else {
    const byFile = new Map<string, ObjectUsage[]>();
    for (const u of usage.objects) byFile.set(u.file, [...(byFile.get(u.file) ?? []), u]);
    for (const [file, uses] of byFile) {
      const exercise = uses[0]!.exercise; // each file has a use
      out += /^\d+$/.test(exercise) ? `    exercise ${exercise} (${file}):\n` : `    ${file}:\n`;
      for (const u of uses.slice(0, maxPerFile)) {
        out += query.fieldPath.length > 0 ? `      ${u.object}: ${u.path} = ${u.value}\n` : `      ${u.object}\n`;
      }
      if (uses.length > maxPerFile) out += `      ... and ${uses.length - maxPerFile} more\n`;
    }
  }
  if (query.fieldPath.length > 0) {
    const field = query.fieldPath[query.fieldPath.length - 1];
    if (usage.constructs.length === 0) {
      out += `    No construct's docs name ${field}.\n`;
    } else {
      out += `    constructs whose docs name ${field}:\n`;
      for (const c of usage.constructs) out += `      ${c.construct} (${c.where}${c.source ? `, ${c.source}` : ''}): ${c.text}\n`;
    }
  }
  return out;
}
