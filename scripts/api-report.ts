/**
 * The API report: every name the package exports from its root
 * (`lib/index.ts`) and from `k8s-practice-constructs/check`
 * (`lib/check-api.ts`), with the type of each and the members of each class
 * and interface, one line per member. `test/api-report.test.ts` fails when the
 * exported surface and `api/k8s-practice-constructs.api.md` differ; run
 * `npx tsx scripts/api-report.ts` to rewrite the file, then review the diff:
 * a removed or changed line breaks the users of the package.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';

const ROOT = join(__dirname, '..');
export const API_REPORT = join(ROOT, 'api', 'k8s-practice-constructs.api.md');
/** Entry points, as the package's `exports` map names them. */
export const ENTRY_POINTS: readonly { readonly specifier: string; readonly file: string }[] = [
  { specifier: 'k8s-practice-constructs', file: join(ROOT, 'lib', 'index.ts') },
  { specifier: 'k8s-practice-constructs/check', file: join(ROOT, 'lib', 'check-api.ts') },
];

const FORMAT =
  ts.TypeFormatFlags.NoTruncation |
  ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType |
  ts.TypeFormatFlags.WriteArrowStyleSignature |
  ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope;

function modifiers(declaration: ts.Declaration): string {
  const flags = ts.getCombinedModifierFlags(declaration);
  return [flags & ts.ModifierFlags.Static ? 'static ' : '', flags & ts.ModifierFlags.Readonly ? 'readonly ' : ''].join('');
}

function isPublic(declaration: ts.Declaration): boolean {
  const flags = ts.getCombinedModifierFlags(declaration);
  if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return false;
  const name = ts.getNameOfDeclaration(declaration);
  return !(name && ts.isPrivateIdentifier(name));
}

function memberLines(checker: ts.TypeChecker, symbol: ts.Symbol, location: ts.Node, members: Iterable<ts.Symbol>): string[] {
  const lines: string[] = [];
  for (const member of members) {
    const declaration = member.valueDeclaration ?? member.declarations?.[0];
    if (!declaration || !isPublic(declaration)) continue;
    const type = checker.getTypeOfSymbolAtLocation(member, location);
    if (ts.isMethodDeclaration(declaration) || ts.isMethodSignature(declaration)) {
      for (const signature of type.getCallSignatures()) {
        lines.push(`  ${modifiers(declaration)}${member.name}${checker.signatureToString(signature, location, FORMAT)}`);
      }
    } else {
      const optional = member.flags & ts.SymbolFlags.Optional ? '?' : '';
      lines.push(`  ${modifiers(declaration)}${member.name}${optional}: ${checker.typeToString(type, location, FORMAT)}`);
    }
  }
  void symbol;
  return lines;
}

function describe(checker: ts.TypeChecker, name: string, symbol: ts.Symbol): string[] {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const declaration = target.declarations?.[0];
  if (!declaration) return [`unknown ${name}`];
  if (ts.isClassDeclaration(declaration)) {
    const heritage = declaration.heritageClauses?.map((clause) => clause.getText()).join(' ');
    const lines = [`class ${name}${heritage ? ` ${heritage}` : ''}`];
    const classType = checker.getTypeOfSymbolAtLocation(target, declaration);
    for (const signature of classType.getConstructSignatures()) {
      lines.push(`  constructor${checker.signatureToString(signature, declaration, FORMAT)}`);
    }
    const statics = checker
      .getPropertiesOfType(classType)
      .filter((p) => p.name !== 'prototype' && p.declarations?.some((d) => d.parent === declaration));
    lines.push(...memberLines(checker, target, declaration, statics));
    const instance = checker.getDeclaredTypeOfSymbol(target);
    const own = checker.getPropertiesOfType(instance).filter((p) => p.declarations?.some((d) => d.parent === declaration));
    lines.push(...memberLines(checker, target, declaration, own));
    return lines;
  }
  if (ts.isInterfaceDeclaration(declaration)) {
    const heritage = declaration.heritageClauses?.map((clause) => clause.getText()).join(' ');
    const own = checker
      .getPropertiesOfType(checker.getDeclaredTypeOfSymbol(target))
      .filter((p) => p.declarations?.some((d) => d.parent === declaration));
    return [`interface ${name}${heritage ? ` ${heritage}` : ''}`, ...memberLines(checker, target, declaration, own)];
  }
  if (ts.isTypeAliasDeclaration(declaration)) {
    return [`type ${name} = ${checker.typeToString(checker.getTypeFromTypeNode(declaration.type), declaration, FORMAT)}`];
  }
  if (ts.isEnumDeclaration(declaration)) {
    return [`enum ${name} { ${declaration.members.map((m) => m.name.getText()).join(', ')} }`];
  }
  if (ts.isFunctionDeclaration(declaration)) {
    const type = checker.getTypeOfSymbolAtLocation(target, declaration);
    return type.getCallSignatures().map((s) => `function ${name}${checker.signatureToString(s, declaration, FORMAT)}`);
  }
  const type = checker.getTypeOfSymbolAtLocation(target, declaration);
  return [`const ${name}: ${checker.typeToString(type, declaration, FORMAT)}`];
}

/** Renders the report for the entry points, from the sources as they are now. */
export function renderApiReport(): string {
  const program = ts.createProgram(
    ENTRY_POINTS.map((e) => e.file),
    {
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      skipLibCheck: true,
      noEmit: true,
      types: [],
    },
  );
  const checker = program.getTypeChecker();
  const out = [
    '# API report of k8s-practice-constructs',
    '',
    'Generated by `npx tsx scripts/api-report.ts`; `test/api-report.test.ts` compares it with the',
    'exported surface. Every change to this file is a change for the users of the package: review it.',
  ];
  for (const entry of ENTRY_POINTS) {
    const source = program.getSourceFile(entry.file);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`cannot read the exports of ${entry.file}`);
    const exports = checker.getExportsOfModule(moduleSymbol).sort((a, b) => a.name.localeCompare(b.name, 'en'));
    out.push('', `## ${entry.specifier} (${exports.length} exports)`, '', '```ts');
    for (const symbol of exports) out.push(...describe(checker, symbol.name, symbol));
    out.push('```');
  }
  return `${out.join('\n')}\n`;
}

if (require.main === module) {
  writeFileSync(API_REPORT, renderApiReport());
  console.log(`wrote ${API_REPORT}`);
}
