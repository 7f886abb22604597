/**
 * Renders a kind or field the way `kubectl explain` 1.28 does by default
 * (`--output plaintext`, kubectl's OpenAPI v3 template), from a schema
 * document shaped like the API server's v3 documents:
 *
 *   GROUP:      apps                (only for named groups)
 *   KIND:       Deployment
 *   VERSION:    v1
 *
 *   FIELD: replicas <integer>       (only when a field path is given)
 *
 *   DESCRIPTION:
 *       <the field's description, then its type's; wrapped at 76, indented 4>
 *
 *   FIELDS:
 *     name\t<type> -required-
 *       <description wrapped at 76 - 2 * level, indented 2 * level + 2>
 *
 * Fields are sorted by name; `--recursive` lists names and types only, nested
 * two spaces per level, and stops at a type already being expanded (cycles).
 * The rules mirror the template: descriptions are collected through `allOf`,
 * `items` and `additionalProperties`; a path step looks in `properties`, then
 * array items, then map values, then each `allOf` branch; a `$ref` already seen
 * on the way stops the walk. "Truthiness" follows Go templates (empty maps,
 * lists and strings count as absent).
 */
import { JsonSchema } from '../foundation/strict-schema';
import { wrapWords } from './word-wrap';
import { ownMember } from '../foundation/json-value';

/** What the renderer needs from the document. */
export interface SchemaDocument {
  resolveRef(ref: unknown): JsonSchema | undefined;
}

/** Go template truth: false, 0, nil, and empty strings, maps and lists are false. */
export function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

function asSchema(value: unknown): JsonSchema {
  return (typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {}) as JsonSchema;
}

/** kubectl's `indent`: pads the first line and every line after a newline (blank lines included). */
export function indent(amount: number, text: string): string {
  const pad = ' '.repeat(amount);
  return pad + text.split('\n').join(`\n${pad}`);
}

/** Go's sorted map iteration (byte order of keys). */
function sortedKeys(value: unknown): string[] {
  if (!truthy(value) || typeof value !== 'object') return [];
  return Object.keys(value as object).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Thrown when kubectl's template itself would fail (a schema it cannot read). */
export class TemplateError extends Error {}

export class PlaintextRenderer {
  public constructor(private readonly doc: SchemaDocument) {}

  /** The short type hint: `string`, `Object`, `[]Container`, `map[string]string`, `IntOrString`. */
  public typeGuess(schema: unknown): string {
    if (!truthy(schema)) throw new TemplateError("expected schema argument to subtemplate 'typeguess'");
    const s = asSchema(schema);
    if (truthy(s.items)) return `[]${this.typeGuess(s.items)}`;
    if (truthy(s.additionalProperties)) return `map[string]${this.typeGuess(s.additionalProperties)}`;
    if (truthy(s.allOf) && !truthy(s.properties) && (s.allOf as unknown[]).length === 1) return this.typeGuess((s.allOf as unknown[])[0]);
    if (truthy(s.$ref)) {
      const ref = String(s.$ref);
      const target = this.doc.resolveRef(ref);
      if (!truthy(target) || !truthy(target!.type) || target!.type === 'object') {
        const name = ref.split('/').pop() ?? '';
        return name.split('.').pop() || 'Object';
      }
      return String(target!.type);
    }
    if (s.type === 'object') return 'Object';
    return truthy(s.type) ? String(s.type) : 'Object';
  }

  /** Descriptions of a schema and of what it wraps (allOf, items, map values), one per line. */
  public description(schema: unknown): string {
    const s = asSchema(schema);
    const resolved = this.doc.resolveRef(s.$ref) ?? s;
    if (!truthy(resolved)) return '';
    let out = '';
    if (truthy(resolved.description)) out += `${String(resolved.description)}\n`;
    if (Array.isArray(resolved.allOf)) for (const branch of resolved.allOf) out += this.description(branch);
    if (truthy(resolved.items)) out += this.description(resolved.items);
    if (truthy(resolved.additionalProperties)) out += this.description(resolved.additionalProperties);
    return out;
  }

  /**
   * The part after the header for `fieldPath` under `schema`, or '' when the
   * path leads nowhere (kubectl then reports the path's last name).
   */
  public output(schema: unknown, fieldPath: readonly string[], recursive: boolean, history: ReadonlySet<string> = new Set()): string {
    const s = asSchema(schema);
    const ref = typeof s.$ref === 'string' ? s.$ref : '';
    const nextHistory = new Set(history).add(ref);
    const resolved = this.doc.resolveRef(ref) ?? s;
    if (fieldPath.length === 0) {
      let out = 'DESCRIPTION:\n';
      out += `${indent(4, wrapWords(this.description(resolved) || '<empty>', 76))}\n`;
      const fields = this.fieldList(resolved, 1, recursive);
      if (fields) out += `FIELDS:\n${fields}`;
      return out;
    }
    if (ref && history.has(ref)) return '';
    const properties = resolved.properties as Record<string, unknown> | undefined;
    const name = fieldPath[0]!; // fieldPath is not empty here
    // Own properties only: `constructor` or `__proto__` is a field only when the schema defines one.
    if (truthy(properties) && truthy(ownMember(properties, name))) {
      const sub = ownMember(properties, name);
      let out = '';
      if (fieldPath.length === 1) out += `FIELD: ${fieldPath[0]} <${this.typeGuess(sub)}>\n\n`;
      return out + this.output(sub, fieldPath.slice(1), recursive, new Set());
    }
    if (truthy(resolved.items)) return this.output(resolved.items, fieldPath, recursive, nextHistory);
    if (truthy(resolved.additionalProperties)) return this.output(resolved.additionalProperties, fieldPath, recursive, nextHistory);
    if (Array.isArray(resolved.allOf)) {
      for (const branch of resolved.allOf) {
        const out = this.output(branch, fieldPath, recursive, nextHistory);
        if (out) return out;
      }
    }
    return '';
  }

  /** The FIELDS list: each field with type and `-required-`, then its description (or, recursive, its own fields). */
  public fieldList(schema: unknown, level: number, recursive: boolean, history: ReadonlySet<string> = new Set()): string {
    const s = asSchema(schema);
    const ref = typeof s.$ref === 'string' ? s.$ref : '';
    if (ref && history.has(ref)) return '';
    const nextHistory = new Set(history).add(ref);
    const resolved = this.doc.resolveRef(ref) ?? s;
    let out = '';
    const properties = asSchema(resolved.properties);
    for (const name of sortedKeys(resolved.properties)) {
      out += this.fieldDetail(name, resolved, recursive, level);
      if (recursive) out += this.fieldList(properties[name], level + 1, recursive, nextHistory);
    }
    if (Array.isArray(resolved.allOf)) for (const branch of resolved.allOf) out += this.fieldList(branch, level, recursive, nextHistory);
    if (truthy(resolved.items)) out += this.fieldList(resolved.items, level, recursive, nextHistory);
    if (truthy(resolved.additionalProperties)) out += this.fieldList(resolved.additionalProperties, level, recursive, nextHistory);
    return out;
  }

  private fieldDetail(name: string, parent: JsonSchema, short: boolean, level: number): string {
    const indentAmount = level * 2;
    const field = asSchema(parent.properties)[name];
    let out = `${indent(indentAmount, name)}\t<${this.typeGuess(field)}>`;
    if (Array.isArray(parent.required) && parent.required.includes(name)) out += ' -required-';
    out += '\n';
    if (!short) {
      const description = asSchema(field).description;
      const text = truthy(description) ? String(description) : '<no description>';
      out += `${indent(indentAmount + 2, wrapWords(text, 78 - indentAmount))}\n\n`;
    }
    return out;
  }
}

/** The header kubectl prints before the schema part. */
export function header(group: string, kind: string, version: string): string {
  return `${group ? `GROUP:      ${group}\n` : ''}KIND:       ${kind}\nVERSION:    ${version}\n\n`;
}
