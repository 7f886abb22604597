/**
 * Writes `docs/API.md`, the API reference of everything the package exports:
 * `lib/index.ts` (the package root) and `lib/check-api.ts` (the
 * `k8s-practice-constructs/check` entry point), from the declarations and
 * their doc comments (read with the TypeScript compiler API). Run `npm run
 * docs`; a test fails when the file is stale, and another when a construct or
 * a props field lacks its doc comment.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import * as ts from 'typescript';

const ROOT = join(__dirname, '..');
const LIB = join(ROOT, 'lib');
const INDEX = join(LIB, 'index.ts');
/** The `k8s-practice-constructs/check` entry point (package.json `exports`). */
export const CHECK_INDEX = join(LIB, 'check-api.ts');
export const API_MD = join(ROOT, 'docs', 'API.md');

/** Folders of `lib/` in the order the reference presents them; any other folder follows, sorted. */
const FOLDER_ORDER = [
  'constructs/project',
  'constructs/pod',
  'constructs/service',
  'constructs/network',
  'constructs/gogs',
  'constructs/registry',
  'constructs/tekton',
  'constructs',
  'exercises',
  'util',
];
/** Name of the pseudo-folder for files directly in `lib/`. */
const ROOT_FOLDER = '.';

/** A doc comment: the text before the tags, and the tags by name (first occurrence). */
export interface Doc {
  readonly text: string;
  readonly tags: ReadonlyMap<string, string>;
}

/** One field of an interface, or one property of a class. */
export interface FieldModel {
  readonly name: string;
  readonly type: string;
  readonly optional: boolean;
  readonly readonly: boolean;
  readonly isStatic: boolean;
  readonly doc: Doc;
  /** The interface that declares the field, when it is inherited. */
  readonly inheritedFrom?: string;
}

/** One exported interface with all its fields, inherited ones included. */
export interface InterfaceModel {
  readonly name: string;
  readonly file: string;
  readonly doc: Doc;
  readonly extends: string[];
  readonly fields: FieldModel[];
  /** Exported or local interfaces of `lib/` named in the field types or the `extends` clause. */
  readonly uses: string[];
}

/** One exported class. */
export interface ClassModel {
  readonly name: string;
  readonly file: string;
  readonly folder: string;
  readonly doc: Doc;
  readonly isConstruct: boolean;
  readonly extends?: string;
  readonly constructorSignature?: string;
  /** Name of the interface typing the constructor's `props` parameter, if any. */
  readonly propsInterface?: string;
  readonly properties: FieldModel[];
  readonly methods: { readonly signature: string; readonly doc: Doc }[];
}

/** An exported type alias, function, constant or enum. */
export interface OtherModel {
  readonly kind: 'type' | 'function' | 'constant' | 'enum';
  readonly name: string;
  readonly file: string;
  readonly doc: Doc;
  /** One line per signature, or the declared type. */
  readonly signatures: string[];
}

/** What an entry point (`lib/index.ts`) exports, plus every interface of `lib/` the exported ones use. */
export interface ApiModel {
  readonly classes: ClassModel[];
  /** Keyed by name; includes non-exported interfaces reached from exported ones. */
  readonly interfaces: ReadonlyMap<string, InterfaceModel>;
  /** Names of the exported interfaces. */
  readonly exportedInterfaces: string[];
  readonly others: OtherModel[];
  /** The entry point's own doc comment (the comment that opens the file), if any. */
  readonly moduleDoc?: string;
}

/** Reads an entry point (by default `lib/index.ts`) and everything it exports. */
export function loadApi(entry: string = INDEX): ApiModel {
  const program = ts.createProgram([entry], compilerOptions());
  const checker = program.getTypeChecker();
  const index = program.getSourceFile(entry);
  const moduleSymbol = index && checker.getSymbolAtLocation(index);
  if (!moduleSymbol) throw new Error(`cannot read ${relative(ROOT, entry)}`);

  const classes: ClassModel[] = [];
  const interfaces = new Map<string, InterfaceModel>();
  const exportedInterfaces: string[] = [];
  const others: OtherModel[] = [];
  const pending: ts.InterfaceDeclaration[] = [];

  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    for (const decl of symbol.declarations ?? []) {
      if (ts.isClassDeclaration(decl)) {
        classes.push(readClass(checker, decl, exported.name));
      } else if (ts.isInterfaceDeclaration(decl)) {
        if (!exportedInterfaces.includes(exported.name)) exportedInterfaces.push(exported.name);
        pending.push(decl);
      } else if (ts.isTypeAliasDeclaration(decl)) {
        others.push({
          kind: 'type',
          name: exported.name,
          file: fileOf(decl),
          doc: docOf(decl),
          signatures: [`type ${exported.name} = ${textOf(decl.type)}`],
        });
      } else if (ts.isFunctionDeclaration(decl)) {
        const existing = others.find((o) => o.kind === 'function' && o.name === exported.name);
        const signature = functionSignature(checker, exported.name, decl);
        if (existing) existing.signatures.push(signature);
        else others.push({ kind: 'function', name: exported.name, file: fileOf(decl), doc: docOf(decl), signatures: [signature] });
      } else if (ts.isVariableDeclaration(decl)) {
        const type = decl.type
          ? textOf(decl.type)
          : checker.typeToString(checker.getTypeAtLocation(decl), undefined, ts.TypeFormatFlags.NoTruncation);
        others.push({
          kind: 'constant',
          name: exported.name,
          file: fileOf(decl),
          doc: docOf(decl),
          signatures: [`const ${exported.name}: ${type}`],
        });
      } else if (ts.isEnumDeclaration(decl)) {
        others.push({
          kind: 'enum',
          name: exported.name,
          file: fileOf(decl),
          doc: docOf(decl),
          signatures: [`enum ${exported.name} { ${decl.members.map((m) => m.name.getText()).join(', ')} }`],
        });
      }
    }
  }

  // Interfaces, followed transitively through field types and `extends` clauses (within lib/ only).
  while (pending.length > 0) {
    const decl = pending.shift()!;
    const name = decl.name.text;
    if (interfaces.has(name)) continue;
    const model = readInterface(checker, decl, pending);
    interfaces.set(name, model);
  }

  classes.sort(
    (a, b) => compareFolders(a.folder, b.folder) || Number(b.isConstruct) - Number(a.isConstruct) || a.name.localeCompare(b.name, 'en'),
  );
  exportedInterfaces.sort((a, b) => a.localeCompare(b, 'en'));
  others.sort((a, b) => a.kind.localeCompare(b.kind, 'en') || a.name.localeCompare(b.name, 'en'));
  return { classes, interfaces, exportedInterfaces, others, moduleDoc: fileDocComment(index) };
}

/** The text of the `/** ... *\/` comment that opens a file, without its `*` margins. */
function fileDocComment(file: ts.SourceFile): string | undefined {
  const range = ts.getLeadingCommentRanges(file.text, 0)?.[0];
  const comment = range && file.text.slice(range.pos, range.end);
  if (!comment?.startsWith('/**')) return undefined;
  return comment
    .slice(3, -2)
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, ''))
    .join('\n')
    .trim();
}

function compilerOptions(): ts.CompilerOptions {
  const configFile = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, ROOT);
  return { ...parsed.options, noEmit: true, types: ['node'] };
}

function readClass(checker: ts.TypeChecker, decl: ts.ClassDeclaration, name: string): ClassModel {
  const file = fileOf(decl);
  const heritage = decl.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
  const ctor = decl.members.find(ts.isConstructorDeclaration);
  const propsParam = ctor?.parameters.find((p) => p.name.getText() === 'props');
  const propsType = propsParam?.type && ts.isTypeReferenceNode(propsParam.type) ? propsParam.type.typeName.getText() : undefined;

  const properties: FieldModel[] = [];
  const methods: { signature: string; doc: Doc }[] = [];
  for (const member of decl.members) {
    if (!isPublic(member)) continue;
    const isStatic = hasModifier(member, ts.SyntaxKind.StaticKeyword);
    const prefix = isStatic ? 'static ' : '';
    if (ts.isPropertyDeclaration(member)) {
      properties.push({
        name: member.name.getText(),
        type: member.type ? textOf(member.type) : checker.typeToString(checker.getTypeAtLocation(member)),
        optional: !!member.questionToken,
        readonly: hasModifier(member, ts.SyntaxKind.ReadonlyKeyword),
        isStatic,
        doc: docOf(member),
      });
    } else if (ts.isGetAccessorDeclaration(member)) {
      const setter = decl.members.some((m) => ts.isSetAccessorDeclaration(m) && m.name.getText() === member.name.getText());
      const signature = checker.getSignatureFromDeclaration(member);
      properties.push({
        name: member.name.getText(),
        type: member.type ? textOf(member.type) : signature ? checker.typeToString(checker.getReturnTypeOfSignature(signature)) : 'unknown',
        optional: false,
        readonly: !setter,
        isStatic,
        doc: docOf(member),
      });
    } else if (ts.isMethodDeclaration(member)) {
      if (member.body !== undefined && hasOverloads(decl, member)) continue; // the overload signatures are listed instead
      methods.push({ signature: prefix + functionSignature(checker, member.name.getText(), member), doc: docOf(member) });
    }
  }

  return {
    name,
    file,
    folder: folderOf(file),
    doc: docOf(decl),
    isConstruct: extendsConstruct(checker, decl),
    extends: heritage ? textOf(heritage) : undefined,
    constructorSignature: ctor && isPublic(ctor) ? `new ${name}(${ctor.parameters.map(textOf).join(', ')})` : undefined,
    propsInterface: propsType,
    properties,
    methods,
  };
}

/** True when the method has overload signatures (declarations without a body). */
function hasOverloads(decl: ts.ClassDeclaration, member: ts.MethodDeclaration): boolean {
  return decl.members.some(
    (m) => m !== member && ts.isMethodDeclaration(m) && m.name.getText() === member.name.getText() && m.body === undefined,
  );
}

function readInterface(checker: ts.TypeChecker, decl: ts.InterfaceDeclaration, pending: ts.InterfaceDeclaration[]): InterfaceModel {
  const name = decl.name.text;
  const uses = new Set<string>();
  const follow = (node: ts.Node): void => {
    if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node)) {
      const at = ts.isTypeReferenceNode(node) ? node.typeName : node.expression;
      let symbol = checker.getSymbolAtLocation(at);
      if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
      for (const target of symbol?.declarations ?? []) {
        if (ts.isInterfaceDeclaration(target) && isInLib(target)) {
          uses.add(target.name.text);
          pending.push(target);
        }
      }
    }
    ts.forEachChild(node, follow);
  };
  decl.heritageClauses?.forEach(follow);

  const fields: FieldModel[] = [];
  const type = checker.getDeclaredTypeOfSymbol(checker.getSymbolAtLocation(decl.name)!);
  for (const property of checker.getPropertiesOfType(type)) {
    const member = property.declarations?.find((d) => ts.isPropertySignature(d) || ts.isMethodSignature(d)) as
      ts.PropertySignature | ts.MethodSignature | undefined;
    if (!member) continue;
    const owner = member.parent;
    if (member.type) follow(member.type);
    fields.push({
      name: property.name,
      type: ts.isMethodSignature(member)
        ? `(${member.parameters.map(textOf).join(', ')}) => ${member.type ? textOf(member.type) : 'void'}`
        : member.type
          ? textOf(member.type)
          : 'unknown',
      optional: !!member.questionToken,
      readonly: hasModifier(member, ts.SyntaxKind.ReadonlyKeyword),
      isStatic: false,
      doc: docOf(member),
      inheritedFrom: owner !== decl && ts.isInterfaceDeclaration(owner) ? owner.name.text : undefined,
    });
  }
  return {
    name,
    file: fileOf(decl),
    doc: docOf(decl),
    extends: decl.heritageClauses?.flatMap((h) => h.types.map(textOf)) ?? [],
    fields,
    uses: [...uses].sort((a, b) => a.localeCompare(b, 'en')),
  };
}

function functionSignature(checker: ts.TypeChecker, name: string, decl: ts.SignatureDeclaration): string {
  const typeParams = decl.typeParameters ? `<${decl.typeParameters.map(textOf).join(', ')}>` : '';
  const params = decl.parameters.map(textOf).join(', ');
  let returns = decl.type ? textOf(decl.type) : undefined;
  if (!returns) {
    const signature = checker.getSignatureFromDeclaration(decl);
    returns = signature ? checker.typeToString(checker.getReturnTypeOfSignature(signature)) : 'void';
  }
  return `${name}${typeParams}(${params}): ${returns}`;
}

function extendsConstruct(checker: ts.TypeChecker, decl: ts.ClassDeclaration): boolean {
  const seen = new Set<ts.Type>();
  const visit = (type: ts.Type): boolean => {
    if (seen.has(type)) return false;
    seen.add(type);
    if (type.getSymbol()?.getName() === 'Construct') return true;
    return (checker.getBaseTypes(type as ts.InterfaceType) ?? []).some(visit);
  };
  const symbol = decl.name && checker.getSymbolAtLocation(decl.name);
  return !!symbol && (checker.getBaseTypes(checker.getDeclaredTypeOfSymbol(symbol) as ts.InterfaceType) ?? []).some(visit);
}

function isPublic(member: ts.ClassElement): boolean {
  if (member.name && ts.isPrivateIdentifier(member.name)) return false;
  return !hasModifier(member, ts.SyntaxKind.PrivateKeyword) && !hasModifier(member, ts.SyntaxKind.ProtectedKeyword);
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
}

function isInLib(node: ts.Node): boolean {
  const path = relative(LIB, node.getSourceFile().fileName);
  return !path.startsWith('..') && !path.split(/[\\/]/).includes('node_modules');
}

/** Path relative to the repository root, with forward slashes. */
function fileOf(node: ts.Node): string {
  return relative(ROOT, node.getSourceFile().fileName).split(sep).join('/');
}

/** `lib/constructs/pod/run-pod.ts` -> `constructs/pod`; `lib/exercises/atomic-synth/x.ts` -> `exercises`; `lib/index.ts` -> `.` */
function folderOf(file: string): string {
  const dir = dirname(relative('lib', file)).split(sep).join('/');
  if (dir === '.') return ROOT_FOLDER;
  const [top, sub] = dir.split('/');
  return top === 'constructs' && sub ? `${top}/${sub}` : top!;
}

function compareFolders(a: string, b: string): number {
  const rank = (f: string): number => (FOLDER_ORDER.includes(f) ? FOLDER_ORDER.indexOf(f) : FOLDER_ORDER.length);
  return rank(a) - rank(b) || a.localeCompare(b, 'en');
}

/** Source text of a node, whitespace collapsed to single spaces. */
function textOf(node: ts.Node): string {
  return node.getText().replace(/\s+/g, ' ').trim();
}

/** The last doc comment attached to a declaration. */
export function docOf(node: ts.Node): Doc {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const doc = docs[docs.length - 1];
  const tags = new Map<string, string>();
  for (const tag of doc?.tags ?? []) {
    if (!tags.has(tag.tagName.text)) tags.set(tag.tagName.text, commentText(tag.comment));
  }
  return { text: commentText(doc?.comment), tags };
}

function commentText(comment: string | ts.NodeArray<ts.JSDocComment> | undefined): string {
  if (comment === undefined) return '';
  if (typeof comment === 'string') return comment.trim();
  return comment
    .map((part) => {
      if (ts.isJSDocLink(part) || ts.isJSDocLinkCode(part) || ts.isJSDocLinkPlain(part)) {
        const target = part.name ? part.name.getText() : '';
        const label = part.text.trim();
        return label ? label : `\`${target}\``;
      }
      return part.text;
    })
    .join('')
    .trim();
}

// ---------------------------------------------------------------------------
// Markdown

/** The whole of `docs/API.md`: the package root's API, then the `./check` entry point's. */
export function renderApiReference(api: ApiModel = loadApi(), check: ApiModel = loadApi(CHECK_INDEX)): string {
  const out: string[] = [];
  const constructs = api.classes.filter((c) => c.isConstruct);
  const otherClasses = api.classes.filter((c) => !c.isConstruct);
  const shownWithClass = new Set(api.classes.map((c) => c.propsInterface).filter((p): p is string => !!p && api.interfaces.has(p)));

  out.push('# API reference');
  out.push('');
  out.push(
    '<!-- generated by `npm run docs` (scripts/api-reference.ts) from lib/index.ts, lib/check-api.ts and their doc comments; do not edit by hand -->',
  );
  out.push('');
  out.push('Everything `k8s-practice-constructs` exports. Constructs come first, by folder of `lib/`;');
  out.push('each lists its props (with the default that applies when a field is left out), its public properties and methods.');
  out.push(`The validator, \`compare\` and the object graph are a separate entry point, [${CHECK_TITLE}](#${CHECK_ANCHOR}), at the end.`);
  out.push('');
  out.push('## Contents');
  out.push('');
  for (const [folder, list] of byFolder(constructs)) {
    out.push(`- ${folderTitle(folder)}: ${list.map((c) => link(c.name)).join(', ')}`);
  }
  out.push(`- Other classes: ${otherClasses.map((c) => link(c.name)).join(', ')}`);
  out.push('- [Interfaces](#interfaces), [Types](#types), [Functions](#functions), [Constants](#constants)');
  out.push(
    `- [${CHECK_TITLE}](#${CHECK_ANCHOR}): ${[...check.classes.map((c) => c.name), ...check.others.filter((o) => o.kind === 'function').map((o) => o.name)].map(link).join(', ')}`,
  );

  out.push('');
  out.push('## Constructs');
  for (const [folder, list] of byFolder(constructs)) {
    out.push('');
    out.push(`### ${folderTitle(folder)}`);
    for (const c of list) out.push('', ...renderClass(c, api));
  }

  out.push('');
  out.push('## Other classes');
  for (const c of otherClasses) out.push('', ...renderClass(c, api).map((line) => line.replace(/^#### /, '### ')));

  out.push('');
  out.push('## Interfaces');
  out.push('');
  out.push('Props interfaces are listed with their construct above.');
  for (const name of api.exportedInterfaces) {
    if (shownWithClass.has(name)) continue;
    const model = api.interfaces.get(name)!;
    out.push('');
    out.push(`### ${name}`);
    out.push('');
    out.push(...describe(model.doc, model.file));
    if (model.extends.length > 0) out.push('', `Extends ${model.extends.map((e) => `\`${e}\``).join(', ')}.`);
    if (model.fields.length > 0) out.push('', ...fieldTable(model.fields));
  }

  for (const [kind, title] of [
    ['type', 'Types'],
    ['function', 'Functions'],
    ['constant', 'Constants'],
    ['enum', 'Enums'],
  ] as const) {
    const list = api.others.filter((o) => o.kind === kind);
    if (list.length === 0) continue;
    out.push('');
    out.push(`## ${title}`);
    out.push('');
    out.push('| Name | Signature | Description |');
    out.push('| --- | --- | --- |');
    for (const o of list) {
      const signatures = o.signatures.map((s) => code(shorten(s))).join('<br>');
      out.push(`| \`${o.name}\` | ${signatures} | ${cell(firstParagraph(o.doc.text))} <sub>${o.file}</sub> |`);
    }
  }
  out.push('', ...renderCheckApi(check));
  out.push('');
  return out.join('\n');
}

const CHECK_TITLE = '`k8s-practice-constructs/check`';
/** The anchor GitHub gives the heading `## \`k8s-practice-constructs/check\``. */
const CHECK_ANCHOR = 'k8s-practice-constructscheck';

/** The `./check` entry point: its doc comment, then its classes, interfaces, types, functions and constants. */
function renderCheckApi(check: ApiModel): string[] {
  const out: string[] = [`## ${CHECK_TITLE}`, ''];
  if (check.moduleDoc) {
    const [text, example] = check.moduleDoc.split(/^@example\s*$/m);
    out.push(text!.trim(), '');
    if (example) out.push('```ts', example.trim(), '```', '');
  }
  out.push(`<sub>Source: \`${relative(ROOT, CHECK_INDEX).split(sep).join('/')}\`</sub>`);
  if (check.classes.length > 0) {
    out.push('', '### Classes (check)');
    for (const c of check.classes) out.push('', ...renderClass(c, check));
  }
  if (check.exportedInterfaces.length > 0) {
    out.push('', '### Interfaces (check)');
    for (const name of check.exportedInterfaces) {
      const model = check.interfaces.get(name)!;
      out.push('', `#### ${name}`, '', ...describe(model.doc, model.file));
      if (model.extends.length > 0) out.push('', `Extends ${model.extends.map((e) => `\`${e}\``).join(', ')}.`);
      if (model.fields.length > 0) out.push('', ...fieldTable(model.fields));
    }
  }
  for (const [kind, title] of [
    ['type', 'Types (check)'],
    ['function', 'Functions (check)'],
    ['constant', 'Constants (check)'],
    ['enum', 'Enums (check)'],
  ] as const) {
    const list = check.others.filter((o) => o.kind === kind);
    if (list.length === 0) continue;
    out.push('', `### ${title}`, '', '| Name | Signature | Description |', '| --- | --- | --- |');
    for (const o of list) {
      const signatures = o.signatures.map((s) => code(shorten(s))).join('<br>');
      out.push(
        `| <a id="${o.name.toLowerCase()}"></a>\`${o.name}\` | ${signatures} | ${cell(firstParagraph(o.doc.text))} <sub>${o.file}</sub> |`,
      );
    }
  }
  return out;
}

function renderClass(c: ClassModel, api: ApiModel): string[] {
  const out: string[] = [`#### ${c.name}`, ''];
  out.push(...describe(c.doc, c.file));
  if (c.extends) out.push('', `Extends \`${c.extends}\`.`);
  if (c.constructorSignature) out.push('', '```ts', c.constructorSignature, '```');

  const props = c.propsInterface ? api.interfaces.get(c.propsInterface) : undefined;
  if (props) {
    out.push('', `**${props.name}**${props.doc.text ? `: ${oneLine(props.doc.text)}` : ''}`);
    if (props.extends.length > 0) out.push('', `Extends ${props.extends.map((e) => `\`${e}\``).join(', ')}.`);
    out.push('', ...fieldTable(props.fields));
  }

  if (c.properties.length > 0) {
    out.push('', '**Properties**', '', '| Property | Type | Description |', '| --- | --- | --- |');
    for (const p of c.properties) {
      const modifiers = [p.isStatic ? 'static' : '', p.readonly ? 'readonly' : ''].filter(Boolean).join(' ');
      out.push(
        `| \`${p.name}${p.optional ? '?' : ''}\`${modifiers ? ` <sub>${modifiers}</sub>` : ''} | ${code(p.type)} | ${cell(p.doc.text)} |`,
      );
    }
  }

  if (c.methods.length > 0) {
    out.push('', '**Methods**', '');
    for (const m of c.methods) out.push(`- ${code(m.signature)}${m.doc.text ? `: ${oneLine(m.doc.text)}` : ''}`);
  }
  return out;
}

function fieldTable(fields: FieldModel[]): string[] {
  const out = ['| Field | Type | Default | Description |', '| --- | --- | --- | --- |'];
  for (const f of fields) {
    const fallback = f.doc.tags.get('default');
    const defaultCell = f.optional ? (fallback !== undefined ? cell(fallback) : '') : '*required*';
    const from = f.inheritedFrom ? ` <sub>from ${f.inheritedFrom}</sub>` : '';
    out.push(`| \`${f.name}\` | ${code(f.type)} | ${defaultCell} | ${cell(f.doc.text)}${from} |`);
  }
  return out;
}

function describe(doc: Doc, file: string): string[] {
  const out: string[] = [];
  if (doc.text) out.push(doc.text, '');
  out.push(`<sub>Source: \`${file}\`</sub>`);
  return out;
}

function byFolder(classes: ClassModel[]): [string, ClassModel[]][] {
  const groups = new Map<string, ClassModel[]>();
  for (const c of classes) groups.set(c.folder, [...(groups.get(c.folder) ?? []), c]);
  return [...groups.entries()];
}

function folderTitle(folder: string): string {
  return folder === ROOT_FOLDER ? 'lib' : `lib/${folder}`;
}

/** A link to a heading, as GitHub forms heading anchors (lower case; the names here are plain identifiers). */
function link(name: string): string {
  return `[${name}](#${name.toLowerCase()})`;
}

/** Inline code safe inside a table cell. */
function code(text: string): string {
  return `<code>${escapeHtml(text).replace(/\|/g, '&#124;')}</code>`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function shorten(text: string): string {
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function firstParagraph(text: string): string {
  return text.split(/\n\s*\n/)[0];
}

/** Text for a Markdown table cell: one line, pipes escaped. */
function cell(text: string): string {
  return oneLine(text).replace(/\|/g, '\\|');
}

// ---------------------------------------------------------------------------
// Completeness

/**
 * The interfaces whose fields must all be documented: every exported `*Props`
 * and `*Options` interface, and every `lib/` interface they use (through field
 * types or `extends`), transitively.
 */
export function documentedInterfaces(api: ApiModel): string[] {
  const result = new Set<string>();
  const queue = api.exportedInterfaces.filter(isPropsOrOptions);
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (result.has(name)) continue;
    result.add(name);
    queue.push(...(api.interfaces.get(name)?.uses ?? []));
  }
  return [...result].sort((a, b) => a.localeCompare(b, 'en'));
}

/** `*Props` and `*Options` interfaces: every optional field states its default. */
function isPropsOrOptions(name: string): boolean {
  return /(Props|Options)$/.test(name);
}

/** What the completeness test reports: one list of offenders per rule. */
export interface DocGaps {
  /** Exported classes without a doc comment. */
  readonly undocumentedClasses: string[];
  /** `Interface.field` entries with no description. */
  readonly undocumentedFields: string[];
  /** `Interface.field` entries of `*Props`/`*Options` interfaces that are optional but have no `@default` tag. */
  readonly optionalWithoutDefault: string[];
}

/** Finds the missing doc comments and `@default` tags. Inherited fields are reported once, on the interface that declares them. */
export function findDocGaps(api: ApiModel): DocGaps {
  const undocumentedClasses = api.classes
    .filter((c) => !c.doc.text)
    .map((c) => c.name)
    .sort();
  const undocumentedFields = new Set<string>();
  const optionalWithoutDefault = new Set<string>();
  for (const name of documentedInterfaces(api)) {
    for (const field of api.interfaces.get(name)?.fields ?? []) {
      const key = `${field.inheritedFrom ?? name}.${field.name}`;
      if (!field.doc.text) undocumentedFields.add(key);
      if (field.optional && isPropsOrOptions(field.inheritedFrom ?? name) && !field.doc.tags.has('default'))
        optionalWithoutDefault.add(key);
    }
  }
  return {
    undocumentedClasses,
    undocumentedFields: [...undocumentedFields].sort(),
    optionalWithoutDefault: [...optionalWithoutDefault].sort(),
  };
}

if (require.main === module) {
  writeFileSync(API_MD, renderApiReference());
  console.log(`${relative(ROOT, API_MD)}: API reference updated`);
}
