/**
 * The names a CustomResourceDefinition registers (group, kind, plural,
 * singular, short names, served versions), read without parsing the whole
 * file.
 *
 * Parsing the vendored Tekton CRDs with a YAML parser takes several hundred
 * milliseconds (the big ones are half a megabyte of schema each), but
 * `explain` needs only their names to resolve `pr` or `pipelines.tekton.dev`,
 * and then the schema of one of them. So this module scans the block-style
 * YAML that every CRD generator writes for the few keys it needs, by
 * indentation, and the caller parses one file fully only when it explains one
 * of its kinds. A document it cannot read this way (flow style, anchors,
 * unusual layout) is parsed fully instead: the scan is a shortcut, never the
 * only way in.
 */
import { parseAllDocuments } from 'yaml';
import { readTextOrThrow } from '../foundation/guarded-read';
import { listManifestFiles } from '../foundation/manifest';
import { asList, field, objectField, textOf } from '../foundation/json-value';

export interface CrdNames {
  readonly group: string;
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  /** Served versions, as listed. */
  readonly versions: readonly string[];
  /** The file that defines it. */
  readonly file: string;
}

interface Line {
  readonly indent: number;
  readonly text: string;
}

function unquote(value: string): string {
  const v = value.replace(/\s+#.*$/, '').trim();
  if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) return v.slice(1, -1);
  return v;
}

/** Deeper lines never hold the keys the scan reads (CRD names and versions sit at most a few levels down). */
const MAX_INDENT = 16;
const SHALLOW_LINE = new RegExp(`^( {0,${MAX_INDENT}})([^ #\\r\\n][^\\r\\n]*)$`, 'gm');

/** The document's lines indented by at most MAX_INDENT spaces, without blank lines and comments. */
function significantLines(doc: string): Line[] {
  const lines: Line[] = [];
  for (const match of doc.matchAll(SHALLOW_LINE)) lines.push({ indent: match[1]!.length, text: match[2]!.trimEnd() });
  return lines;
}

/** The lines nested under the key at `lines[at]` (more indented, or list items at the same indent). */
function block(lines: readonly Line[], at: number): Line[] {
  const keyIndent = lines[at]!.indent; // callers pass a key's own index
  const out: Line[] = [];
  for (let i = at + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.indent < keyIndent || (line.indent === keyIndent && !line.text.startsWith('- '))) break;
    out.push(line);
  }
  return out;
}

/** Top-level `key: value` pairs of a block (its least-indented, non-list lines). */
function scalars(lines: readonly Line[]): Map<string, { value: string; index: number }> {
  const out = new Map<string, { value: string; index: number }>();
  if (lines.length === 0) return out;
  const indent = Math.min(...lines.map((l) => l.indent));
  lines.forEach((line, index) => {
    if (line.indent !== indent) return;
    const match = /^([A-Za-z][\w-]*):(?:\s+(.*))?$/.exec(line.text);
    if (match) out.set(match[1]!, { value: match[2] ?? '', index });
  });
  return out;
}

function listValues(lines: readonly Line[], at: number, inline: string): string[] | undefined {
  if (inline.startsWith('[')) {
    if (!inline.endsWith(']')) return undefined;
    return inline
      .slice(1, -1)
      .split(',')
      .map(unquote)
      .filter((s) => s !== '');
  }
  if (inline !== '') return undefined;
  return block(lines, at)
    .map((line) => (line.text.startsWith('- ') ? unquote(line.text.slice(2)) : '\u0000'))
    .filter((v) => v !== '\u0000');
}

/** Reads the names of one CRD document by indentation; undefined when the layout is not the expected one. */
export function scanCrdDocument(doc: string, file: string): CrdNames | undefined {
  const lines = significantLines(doc);
  const top = scalars(lines);
  if (unquote(top.get('kind')?.value ?? '') !== 'CustomResourceDefinition') return undefined;
  const specAt = top.get('spec');
  if (!specAt || specAt.value !== '') return undefined;
  const spec = block(lines, specAt.index);
  const specKeys = scalars(spec);
  const namesAt = specKeys.get('names');
  const versionsAt = specKeys.get('versions');
  if (!namesAt || !versionsAt || namesAt.value !== '' || versionsAt.value !== '') return undefined;

  const names = block(spec, namesAt.index);
  const nameKeys = scalars(names);
  const shortAt = nameKeys.get('shortNames');
  const shortNames = shortAt ? listValues(names, shortAt.index, shortAt.value) : [];
  if (!shortNames) return undefined;

  const versionLines = block(spec, versionsAt.index);
  const firstVersionLine = versionLines[0];
  if (firstVersionLine === undefined || !firstVersionLine.text.startsWith('- ')) return undefined;
  const itemIndent = firstVersionLine.indent;
  const versions: string[] = [];
  let item: Line[] = [];
  const finishItem = (): boolean => {
    if (item.length === 0) return true;
    const keys = scalars(item);
    const name = keys.get('name');
    if (!name) return false;
    if (unquote(keys.get('served')?.value ?? 'true') !== 'false') versions.push(unquote(name.value));
    item = [];
    return true;
  };
  for (const line of versionLines) {
    if (line.indent === itemIndent && line.text.startsWith('- ')) {
      if (!finishItem()) return undefined;
      // The item's first key sits after the dash: re-indent it like its siblings.
      const rest = line.text.slice(2);
      item.push({ indent: itemIndent + 2 + (rest.length - rest.trimStart().length), text: rest.trimStart() });
    } else if (line.indent > itemIndent) {
      item.push(line);
    } else {
      return undefined;
    }
  }
  if (!finishItem()) return undefined;

  const group = unquote(specKeys.get('group')?.value ?? '');
  const kind = unquote(nameKeys.get('kind')?.value ?? '');
  const plural = unquote(nameKeys.get('plural')?.value ?? '');
  if (!group || !kind || !plural) return undefined;
  const singular = unquote(nameKeys.get('singular')?.value ?? '') || kind.toLowerCase();
  return { group, kind, plural, singular, shortNames, versions, file };
}

/** Reads the names from a parsed CRD object. */
export function namesFromObject(crd: unknown, file: string): CrdNames | undefined {
  const group = field(crd, 'spec', 'group');
  const names = objectField(crd, 'spec', 'names');
  if (field(crd, 'kind') !== 'CustomResourceDefinition' || !group || !names?.kind || !names.plural) return undefined;
  // `versions` is filtered as written: one that is not a list fails here as it always has.
  const versions = (field(crd, 'spec', 'versions') ?? []) as { filter(keep: (v: unknown) => boolean): unknown[] };
  return {
    group: textOf(group),
    kind: textOf(names.kind),
    plural: textOf(names.plural),
    singular: names.singular ? textOf(names.singular) : textOf(names.kind).toLowerCase(),
    shortNames: asList(names.shortNames).map(textOf),
    versions: versions.filter((v) => field(v, 'served') !== false && !!field(v, 'name')).map((v) => textOf(field(v, 'name'))),
    file,
  };
}

/** Splits a YAML stream into documents at `---` lines. */
function splitDocuments(text: string): string[] {
  return text.split(/^---[ \t]*(?:#.*)?$/m);
}

/** The names of every CRD in the YAML files under `dirs` (recursively, sorted), scanning where it can. */
export function indexCrds(dirs: readonly string[]): CrdNames[] {
  const out: CrdNames[] = [];
  for (const file of dirs.flatMap((dir) => listManifestFiles(dir))) {
    const text = readTextOrThrow(file, 'CRD file');
    const docs = splitDocuments(text);
    const scanned = docs.map((doc) => scanCrdDocument(doc, file));
    const unreadable = docs.some((doc, i) => !scanned[i] && /^kind:\s*["']?CustomResourceDefinition/m.test(doc));
    if (!unreadable) {
      for (const names of scanned) if (names) out.push(names);
      continue;
    }
    for (const doc of parseAllDocuments(text)) {
      const names = namesFromObject(doc.toJS(), file);
      if (names) out.push(names);
    }
  }
  return out;
}
