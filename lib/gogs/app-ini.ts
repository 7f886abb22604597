/**
 * A small, deterministic writer for the INI dialect Gogs reads (go-ini):
 * `KEY = value` lines, keys of the unnamed root section first, then one
 * `[section]` block per section, each in the order given.
 *
 * Values are written verbatim, without quotes. The writer refuses anything
 * go-ini would read back differently (line breaks, leading or trailing
 * spaces, surrounding quotes, `%(KEY)s` interpolation), so the file says
 * exactly what the typed object says.
 */

/** One value: strings as they are, numbers in decimal, booleans as `true`/`false`, lists comma-joined. */
export type IniValue = string | number | boolean | readonly string[];

/** Keys of one section, in output order; `undefined` values are left out. */
export interface IniSection {
  readonly [key: string]: IniValue | undefined;
}

/** A whole INI file. */
export interface IniDocument {
  /** Keys before the first `[section]` header (Gogs' `DEFAULT` section). */
  readonly root: IniSection;
  /** Named sections, in output order; a section without defined keys is left out. */
  readonly sections: { readonly [name: string]: IniSection };
}

const KEY = /^[A-Z][A-Z0-9_]*$/;
const SECTION = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;

/** Why go-ini would not read `text` back as the same value, or undefined when it would. */
export function iniValueProblem(text: string): string | undefined {
  if (/[\r\n]/.test(text)) return 'contains a line break';
  if (text !== text.trim()) return 'has leading or trailing whitespace';
  if (/^["'`]/.test(text)) return 'starts with a quote';
  if (text.includes('%(')) return 'contains "%(" (go-ini interpolation)';
  return undefined;
}

function formatValue(section: string, key: string, value: IniValue): string {
  let text: string;
  if (typeof value === 'boolean') {
    text = value ? 'true' : 'false';
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`app.ini [${section}] ${key}: ${value} is not a finite number`);
    text = String(value);
  } else if (typeof value === 'string') {
    text = value;
  } else {
    for (const item of value) {
      if (item.includes(',')) throw new Error(`app.ini [${section}] ${key}: list item ${JSON.stringify(item)} contains a comma`);
    }
    text = value.join(',');
  }
  const problem = iniValueProblem(text);
  if (problem) throw new Error(`app.ini [${section}] ${key}: value ${JSON.stringify(text)} ${problem}`);
  return text;
}

function renderSection(name: string, section: IniSection): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(section)) {
    if (value === undefined) continue;
    if (!KEY.test(key)) throw new Error(`app.ini [${name}]: key ${JSON.stringify(key)} is not UPPER_SNAKE_CASE`);
    lines.push(`${key} = ${formatValue(name, key, value)}`);
  }
  return lines;
}

/** Renders the document as INI text ending in a newline. The same document always gives the same text. */
export function renderIni(doc: IniDocument): string {
  const blocks: string[] = [];
  const root = renderSection('DEFAULT', doc.root);
  if (root.length) blocks.push(root.join('\n'));
  for (const [name, section] of Object.entries(doc.sections)) {
    if (!SECTION.test(name)) throw new Error(`app.ini: section name ${JSON.stringify(name)} is not lower-case dotted words`);
    const lines = renderSection(name, section);
    if (lines.length) blocks.push([`[${name}]`, ...lines].join('\n'));
  }
  return blocks.join('\n\n') + '\n';
}
