/**
 * The API reference and the constructs' docs index, both from one TypeDoc run
 * (configuration: typedoc.json; Markdown through typedoc-plugin-markdown):
 *
 * - `docs/api/` (entry page `docs/api/README.md`): the reference of the
 *   package root and of `k8s-practice-constructs/check`, one page per export,
 *   with the doc comments' text, `@default` and `@example`;
 * - `api/construct-docs.json`: what `k8s-practice explain` needs to say which
 *   constructs name a field (lib/tooling/explain/construct-docs.ts), derived
 *   from TypeDoc's JSON model of the package root. The package ships it.
 *
 * `npx tsx scripts/typedoc.ts` writes both; `--check` writes nothing and exits
 * 1 naming every stale, missing or extra file.
 *
 * The pages leave out TypeDoc's "Defined in: file:line": the package ships no
 * sources to link to, and a line number would make the reference stale on any
 * edit above a declaration. The index keeps each construct's file.
 */
import { cpSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { ConstructDoc, ConstructDocsIndex, ConstructProp } from '../lib/tooling/explain/construct-docs';
import { CONSTRUCT_DOCS_FORMAT } from '../lib/tooling/explain/construct-docs';
import { memoized, ToolInputs, TYPESCRIPT_INPUTS } from './generate/tool-memo';

const ROOT = join(__dirname, '..');
export const API_DOCS_DIR = join(ROOT, 'docs', 'api');
export const CONSTRUCT_DOCS = join(ROOT, 'api', 'construct-docs.json');
/** The module name of the package root (its `@module` tag in lib/index.ts). */
export const ROOT_MODULE = 'k8s-practice-constructs';

// ---------------------------------------------------------------------------
// The parts of TypeDoc's JSON model (JSONOutput) this file reads.

export interface TdCommentPart {
  readonly kind: 'text' | 'code' | 'inline-tag' | 'relative-link';
  readonly text: string;
  readonly tag?: string;
  readonly tsLinkText?: string;
}
export interface TdComment {
  readonly summary: readonly TdCommentPart[];
  readonly blockTags?: readonly { readonly tag: string; readonly content: readonly TdCommentPart[] }[];
  readonly modifierTags?: readonly string[];
}
export interface TdType {
  readonly type: string;
  readonly name?: string;
  readonly target?: number | { readonly qualifiedName: string };
  readonly package?: string;
}
export interface TdReflection {
  readonly id: number;
  readonly name: string;
  readonly kind: number;
  readonly flags: {
    readonly isOptional?: boolean;
    readonly isStatic?: boolean;
    readonly isExternal?: boolean;
    readonly isInherited?: boolean;
  };
  readonly comment?: TdComment;
  readonly children?: readonly TdReflection[];
  readonly signatures?: readonly TdReflection[];
  readonly getSignature?: TdReflection;
  readonly parameters?: readonly TdReflection[];
  readonly sources?: readonly { readonly fileName: string }[];
  readonly type?: TdType;
  readonly extendedTypes?: readonly TdType[];
  readonly inheritedFrom?: TdType;
}
export interface TdProject extends TdReflection {
  readonly children: readonly TdReflection[];
}

/** ReflectionKind values (typedoc's enum) used here. */
export const KIND = {
  module: 2,
  enum: 8,
  variable: 32,
  function: 64,
  class: 128,
  interface: 256,
  constructor: 512,
  property: 1024,
  method: 2048,
  accessor: 262144,
  typeAlias: 2097152,
} as const;

/**
 * Base classes outside the package's exports that make a class a construct, each with the name a
 * reader of the docs knows it by: cdk8s's Chart and ApiObject are Constructs, and LibraryConstruct
 * (lib/constructs/library-construct.ts, not exported), the base of every construct of the library,
 * is shown as the Construct it extends.
 */
const EXTERNAL_CONSTRUCT_BASES: ReadonlyMap<string, string> = new Map([
  ['Construct', 'Construct'],
  ['Chart', 'Chart'],
  ['ApiObject', 'ApiObject'],
  ['LibraryConstruct', 'Construct'],
]);

/**
 * The order of the index: the folders of lib/ as the README's Layout presents them (any other
 * folder after them, by name), then the constructs of a folder by name. Explain lists the
 * constructs that name a field in this order.
 */
const FOLDER_ORDER = [
  'lib/constructs/project',
  'lib/constructs/pod',
  'lib/constructs/service',
  'lib/constructs/network',
  'lib/constructs/gogs',
  'lib/constructs/registry',
  'lib/constructs/tekton',
  'lib/constructs',
  'lib/exercises',
];

/** `lib/constructs/pod/run-pod.ts` -> `lib/constructs/pod`; `lib/exercises/atomic-synth/x.ts` -> `lib/exercises`. */
function folderOf(source: string | undefined): string {
  const parts = (source ?? '').split('/').slice(0, -1);
  return parts.slice(0, parts[1] === 'constructs' ? 3 : 2).join('/');
}

function compareConstructs(a: ConstructDoc, b: ConstructDoc): number {
  const rank = (folder: string): number => (FOLDER_ORDER.includes(folder) ? FOLDER_ORDER.indexOf(folder) : FOLDER_ORDER.length);
  const [fa, fb] = [folderOf(a.source), folderOf(b.source)];
  return rank(fa) - rank(fb) || fa.localeCompare(fb, 'en') || a.construct.localeCompare(b.construct, 'en');
}

/** A comment's parts as the source wrote them: code keeps its backticks, a link shows its label or `name`. */
export function commentText(parts: readonly TdCommentPart[] | undefined): string {
  return (parts ?? [])
    .map((part) => (part.kind === 'inline-tag' ? (part.tsLinkText ? part.tsLinkText : `\`${part.text}\``) : part.text))
    .join('')
    .trim();
}

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** The module reflection for a name; the project itself when TypeDoc made a single module. */
export function moduleOf(project: TdProject, name: string): TdReflection {
  const module = project.children.find((c) => c.kind === KIND.module && c.name === name);
  if (!module) throw new Error(`TypeDoc's model has no module ${name} (is the @module tag in place?)`);
  return module;
}

/** Whether a class of the module extends a construct (directly, or through another class of the module). */
export function isConstruct(cls: TdReflection, byId: ReadonlyMap<number, TdReflection>, seen = new Set<number>()): boolean {
  if (seen.has(cls.id)) return false;
  seen.add(cls.id);
  return (cls.extendedTypes ?? []).some((base) => {
    if (typeof base.target === 'number') {
      const local = byId.get(base.target);
      return !!local && isConstruct(local, byId, seen);
    }
    return EXTERNAL_CONSTRUCT_BASES.has(base.name ?? '');
  });
}

/** Every reflection of a subtree, by id. */
export function reflectionsById(root: TdReflection): Map<number, TdReflection> {
  const byId = new Map<number, TdReflection>();
  const visit = (r: TdReflection): void => {
    byId.set(r.id, r);
    for (const child of [...(r.children ?? []), ...(r.signatures ?? [])]) visit(child);
  };
  visit(root);
  return byId;
}

/** The interface typing a class's constructor parameter `props`, if it is one of the module's. */
export function propsInterfaceOf(cls: TdReflection, byId: ReadonlyMap<number, TdReflection>): TdReflection | undefined {
  const ctor = cls.children?.find((c) => c.kind === KIND.constructor);
  const props = ctor?.signatures?.[0]?.parameters?.find((p) => p.name === 'props');
  const target = props?.type?.type === 'reference' ? props.type.target : undefined;
  const found = typeof target === 'number' ? byId.get(target) : undefined;
  return found?.kind === KIND.interface ? found : undefined;
}

const typeName = (t: TdType): string => t.name ?? '?';

/** The index `explain` reads: every construct of the package root, its docs lines and its props. */
export function constructDocsIndex(project: TdProject): ConstructDocsIndex {
  const module = moduleOf(project, ROOT_MODULE);
  const byId = reflectionsById(module);
  const constructs: ConstructDoc[] = [];
  for (const cls of module.children ?? []) {
    if (cls.kind !== KIND.class || !isConstruct(cls, byId)) continue;
    const intro = commentText(cls.comment?.summary).split('\n');
    if (intro.length === 1 && intro[0] === '') intro.length = 0;
    const base = cls.extendedTypes?.[0];
    if (base) intro.push(`Extends \`${EXTERNAL_CONSTRUCT_BASES.get(typeName(base)) ?? typeName(base)}\`.`);
    const propsInterface = propsInterfaceOf(cls, byId);
    const props: ConstructProp[] = [];
    if (propsInterface) {
      const summary = oneLine(commentText(propsInterface.comment?.summary));
      intro.push(`**${propsInterface.name}**${summary ? `: ${summary}` : ''}`);
      const bases = propsInterface.extendedTypes ?? [];
      if (bases.length > 0) intro.push(`Extends ${bases.map((b) => `\`${typeName(b)}\``).join(', ')}.`);
      for (const field of propsInterface.children ?? []) {
        if (field.kind !== KIND.property) continue;
        props.push({ name: field.name, description: oneLine(commentText(field.comment?.summary)) });
      }
    }
    const members: string[] = [];
    for (const member of cls.children ?? []) {
      if (member.kind !== KIND.method || member.flags.isExternal || member.flags.isInherited) continue;
      for (const signature of member.signatures ?? []) {
        const summary = oneLine(commentText(signature.comment?.summary));
        members.push(`- ${member.flags.isStatic ? 'static ' : ''}${member.name}()${summary ? `: ${summary}` : ''}`);
      }
    }
    constructs.push({ construct: cls.name, source: cls.sources?.[0]?.fileName, intro, props, members });
  }
  constructs.sort(compareConstructs);
  return { format: CONSTRUCT_DOCS_FORMAT, constructs };
}

export function renderConstructDocs(index: ConstructDocsIndex): string {
  return `${JSON.stringify(index, null, 2)}\n`;
}

// ---------------------------------------------------------------------------
// Completeness of the doc comments (read from the same model)

/** What the completeness tests report: one list of offenders per rule. */
export interface DocGaps {
  /** Exported classes without a doc comment. */
  readonly undocumentedClasses: string[];
  /** `Interface.field` entries with no description (props interfaces and the interfaces they use). */
  readonly undocumentedFields: string[];
  /** `Interface.field` entries of `*Props`/`*Options` interfaces that are optional but have no `@default` tag. */
  readonly optionalWithoutDefault: string[];
}

/** `*Props` and `*Options` interfaces: every optional field states its default. */
const isPropsOrOptions = (name: string): boolean => /(Props|Options)$/.test(name);

/** Whether a reflection (or its first signature) has a doc comment with text. */
export function hasDoc(r: TdReflection): boolean {
  return commentText((r.comment ?? r.signatures?.[0]?.comment ?? r.getSignature?.comment)?.summary) !== '';
}

/** The interfaces of the module a type names, anywhere inside it (arrays, unions, object literals...). */
function interfacesIn(value: unknown, byId: ReadonlyMap<number, TdReflection>, out: Set<number>): void {
  if (Array.isArray(value)) {
    for (const item of value) interfacesIn(item, byId, out);
  } else if (value && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    if (node.type === 'reference' && typeof node.target === 'number' && byId.get(node.target)?.kind === KIND.interface)
      out.add(node.target);
    // A reference's `target` is an id or a symbol; a type operator's (`readonly T[]`) is a type.
    for (const [key, child] of Object.entries(node)) if (key !== 'target' || node.type !== 'reference') interfacesIn(child, byId, out);
  }
}

/**
 * The interfaces whose fields must all be documented: every exported `*Props` and `*Options`
 * interface, and every interface of the module they use (through field types or `extends`), transitively.
 */
export function documentedInterfaces(module: TdReflection): string[] {
  const byId = reflectionsById(module);
  const seen = new Set<number>();
  const queue = (module.children ?? []).filter((r) => r.kind === KIND.interface && isPropsOrOptions(r.name)).map((r) => r.id);
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const used = new Set<number>();
    const declaration = byId.get(id)!;
    interfacesIn(declaration.extendedTypes, byId, used);
    for (const field of declaration.children ?? []) interfacesIn(field.type, byId, used);
    queue.push(...used);
  }
  return [...seen].map((id) => byId.get(id)!.name).sort((a, b) => a.localeCompare(b, 'en'));
}

/** The interface that declares a field: its own, or the one `inheritedFrom` names (`RunContainerProps.image`). */
const declaringInterface = (owner: TdReflection, field: TdReflection): string => field.inheritedFrom?.name?.split('.')[0] ?? owner.name;

/** Finds the missing doc comments and `@default` tags. Inherited fields are reported once, on the interface that declares them. */
export function findDocGaps(module: TdReflection): DocGaps {
  const undocumentedClasses = (module.children ?? [])
    .filter((r) => r.kind === KIND.class && !hasDoc(r))
    .map((r) => r.name)
    .sort();
  const undocumentedFields = new Set<string>();
  const optionalWithoutDefault = new Set<string>();
  for (const name of documentedInterfaces(module)) {
    const declaration = module.children?.find((r) => r.kind === KIND.interface && r.name === name);
    for (const field of declaration?.children ?? []) {
      const owner = declaringInterface(declaration!, field);
      const key = `${owner}.${field.name}`;
      if (!hasDoc(field)) undocumentedFields.add(key);
      const hasDefault = (field.comment?.blockTags ?? []).some((t) => t.tag === '@default');
      if (field.flags.isOptional && isPropsOrOptions(owner) && !hasDefault) optionalWithoutDefault.add(key);
    }
  }
  return {
    undocumentedClasses,
    undocumentedFields: [...undocumentedFields].sort(),
    optionalWithoutDefault: [...optionalWithoutDefault].sort(),
  };
}

/**
 * Every export of a module (the `./check` entry point) without a doc comment: classes and their
 * own public properties, interfaces and all their fields, types, functions and constants.
 */
export function undocumentedExports(module: TdReflection): string[] {
  const out: string[] = [];
  for (const r of module.children ?? []) {
    if (!hasDoc(r)) out.push(r.name);
    if (r.kind === KIND.class) {
      for (const member of r.children ?? []) {
        if ((member.kind === KIND.property || member.kind === KIND.accessor) && !member.flags.isInherited && !hasDoc(member)) {
          out.push(`${r.name}.${member.name}`);
        }
      }
    } else if (r.kind === KIND.interface) {
      for (const field of r.children ?? []) if (!hasDoc(field)) out.push(`${declaringInterface(r, field)}.${field.name}`);
    }
  }
  return [...new Set(out)];
}

// ---------------------------------------------------------------------------
// Running TypeDoc

export interface TypedocRun {
  /** TypeDoc's JSON model (sources included). */
  readonly project: TdProject;
  /** The folder the Markdown pages were written to. */
  readonly outDir: string;
}

/**
 * The part of TypeDoc's API used here. typedoc is an ES module whose types TypeScript's
 * `moduleResolution: node` (tsconfig.json) cannot resolve, so it is loaded with import() and typed here.
 */
interface TypedocApi {
  readonly Application: {
    bootstrapWithPlugins(options: Record<string, unknown>, readers: readonly unknown[]): Promise<TypedocApplication>;
  };
  readonly TypeDocReader: new () => unknown;
  readonly TSConfigReader: new () => unknown;
}
interface TypedocProjectReflection {
  readonly reflections: Record<number, { sources?: unknown }>;
}
interface TypedocApplication {
  convert(): Promise<TypedocProjectReflection | undefined>;
  generateOutputs(project: TypedocProjectReflection): Promise<void>;
  readonly serializer: { projectToObject(project: TypedocProjectReflection, projectRoot: string): unknown };
  readonly logger: { hasErrors(): boolean };
}

/** Converts the entry points of typedoc.json once; writes the Markdown pages (without sources) into outDir. */
export async function runTypedoc(outDir: string): Promise<TypedocRun> {
  const typedoc = (await import('typedoc' as string)) as TypedocApi;
  const app = await typedoc.Application.bootstrapWithPlugins({ options: join(ROOT, 'typedoc.json'), out: outDir }, [
    new typedoc.TypeDocReader(),
    new typedoc.TSConfigReader(),
  ]);
  const converted = await app.convert();
  if (!converted) throw new Error('TypeDoc could not convert the entry points (see its messages above)');
  if (app.logger.hasErrors()) throw new Error('TypeDoc reported errors');
  const project = app.serializer.projectToObject(converted, ROOT) as unknown as TdProject;
  for (const reflection of Object.values(converted.reflections)) {
    if ('sources' in reflection) reflection.sources = undefined;
  }
  await app.generateOutputs(converted);
  return { project, outDir };
}

/** Every file under a folder, relative to it, with forward slashes, sorted. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path).split(sep).join('/'));
    }
  };
  try {
    walk(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return out.sort();
}

/** The files that differ between the committed outputs and a fresh run, relative to the repository root. */
export function staleFiles(fresh: TypedocRun): string[] {
  const stale: string[] = [];
  const committed = new Set(filesUnder(API_DOCS_DIR));
  const generated = filesUnder(fresh.outDir);
  for (const file of new Set([...committed, ...generated])) {
    const mine = join(API_DOCS_DIR, file);
    const theirs = join(fresh.outDir, file);
    if (!committed.has(file) || !generated.includes(file) || readFileSync(mine, 'utf8') !== readFileSync(theirs, 'utf8')) {
      stale.push(relative(ROOT, mine).split(sep).join('/'));
    }
  }
  let index = '';
  try {
    index = readFileSync(CONSTRUCT_DOCS, 'utf8');
  } catch {
    // missing: stale
  }
  if (index !== renderConstructDocs(constructDocsIndex(fresh.project))) stale.push(relative(ROOT, CONSTRUCT_DOCS).split(sep).join('/'));
  return stale.sort();
}

/** What TypeDoc reads: the TypeScript program, its own settings and this script, which runs it. */
export const TYPEDOC_INPUTS: ToolInputs = {
  dirs: TYPESCRIPT_INPUTS.dirs,
  files: [...TYPESCRIPT_INPUTS.files, 'typedoc.json', 'scripts/typedoc.ts'],
};

/** A TypeDoc run for the current sources: the pages and the model of the last run while no input changed (scripts/generate/tool-memo.ts). */
async function currentRun(): Promise<TypedocRun> {
  const dir = await memoized('typedoc', TYPEDOC_INPUTS, async (fresh) => {
    const run = await runTypedoc(join(fresh, 'pages'));
    writeFileSync(join(fresh, 'model.json'), JSON.stringify(run.project));
  });
  return { outDir: join(dir, 'pages'), project: JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as TdProject };
}

/**
 * `--check [--keep DIR]`: writes nothing and names every stale file; with `--keep`, copies the
 * fresh pages to DIR/pages and TypeDoc's model to DIR/model.json, for the tests (typedoc is an
 * ES module that jest cannot load in-process).
 */
async function main(argv: readonly string[]): Promise<number> {
  const run = await currentRun();
  if (argv.includes('--check')) {
    const keepAt = argv.indexOf('--keep');
    const keep = keepAt >= 0 ? argv[keepAt + 1] : undefined;
    if (keepAt >= 0 && !keep) throw new Error('--keep needs a folder');
    if (keep) {
      cpSync(run.outDir, join(keep, 'pages'), { recursive: true });
      writeFileSync(join(keep, 'model.json'), JSON.stringify(run.project));
    }
    const stale = staleFiles(run);
    if (stale.length > 0) {
      console.error(`stale (run \`npx tsx scripts/typedoc.ts\`):\n${stale.map((f) => `  ${f}`).join('\n')}`);
      return 1;
    }
    console.log('docs/api/ and api/construct-docs.json are up to date');
    return 0;
  }
  rmSync(API_DOCS_DIR, { recursive: true, force: true });
  cpSync(run.outDir, API_DOCS_DIR, { recursive: true });
  writeFileSync(CONSTRUCT_DOCS, renderConstructDocs(constructDocsIndex(run.project)));
  console.log('wrote docs/api/ and api/construct-docs.json');
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
