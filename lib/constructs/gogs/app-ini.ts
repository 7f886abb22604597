/**
 * A small, deterministic writer for the INI dialect Gogs reads (go-ini,
 * gopkg.in/ini.v1): `KEY = value` lines, keys of the unnamed root section
 * first, then one `[section]` block per section, each in the order given.
 *
 * How go-ini reads a value (checked with go-ini v1.67.0, see
 * test/constructs/gogs/go-ini-model.ts): it trims Unicode spaces (Go's unicode.IsSpace,
 * which includes U+0085 and U+00A0) at both ends, a trailing `\` joins the
 * next line, `#` or `;` anywhere start a comment (unless Gogs sets
 * IgnoreInlineComment), and surrounding quotes are removed. A value written as
 * `"""value"""` is taken verbatim up to the last `"""` of the line, with none of
 * those rules. Gogs then runs os.ExpandEnv over every value (`$NAME`,
 * `${NAME}`: there is no escape for `$`) and go-ini expands `%(KEY)s`.
 *
 * So a value is written plain when plain text reads back the same, otherwise
 * in triple quotes; values no writing can protect (line breaks and other
 * control characters, `$`, `%(`, unpaired surrogates) are refused.
 */

import { isWellFormedText } from '../../util/text-formats';

/**
 * A value Gogs takes from its environment: written as `${NAME}`, which Gogs
 * expands with os.ExpandEnv. The only way a `$` reaches the file.
 */
export interface IniEnvReference {
  /** The environment variable, e.g. `GOGS_SECRET_KEY`. */
  readonly env: string;
}

/**
 * One value: strings as they are, numbers in decimal, booleans as
 * `true`/`false`, lists comma-joined, `{ env }` as a `${NAME}` reference.
 */
export type IniValue = string | number | boolean | readonly string[] | IniEnvReference;

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

// Go's unicode.IsSpace: what strings.TrimSpace removes at the ends.
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
// C0 and C1 controls and DEL: never meaningful in a setting, and a line break ends the line.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;

/** Why no way of writing `text` makes Gogs read it back as `text`, or undefined when one does. */
export function iniValueProblem(text: string): string | undefined {
  const control = CONTROL.exec(text);
  if (control) {
    return /[\r\n]/.test(control[0])
      ? 'contains a line break'
      : `contains the control character U+${control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  if (!isWellFormedText(text)) return 'contains an unpaired UTF-16 surrogate (not encodable as UTF-8)';
  if (text.includes('$'))
    return 'contains "$" (Gogs expands $NAME and ${NAME} from its environment with os.ExpandEnv, which has no escape)';
  if (text.includes('%(')) return 'contains "%(" (go-ini interpolation)';
  return undefined;
}

/** Whether go-ini reads `text`, written without quotes, back as `text`. */
function readsBackPlain(text: string): boolean {
  if (text === '') return true;
  // text is non-empty here, so both ends exist.
  if (GO_SPACE.test(text[0]!) || GO_SPACE.test(text[text.length - 1]!)) return false; // trimmed
  if (text.endsWith('\\')) return false; // line continuation
  if (/[#;]/.test(text)) return false; // inline comment
  if (/^["'`]/.test(text) || /["']$/.test(text)) return false; // quote handling
  return true;
}

/** `text` as go-ini value syntax that reads back as exactly `text` (assumes iniValueProblem passed). */
export function iniValueSyntax(text: string): string {
  return readsBackPlain(text) ? text : `"""${text}"""`;
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
  } else if (!Array.isArray(value)) {
    const env = (value as IniEnvReference).env;
    if (typeof env !== 'string' || !/^[A-Z_][A-Z0-9_]*$/.test(env)) {
      throw new Error(`app.ini [${section}] ${key}: environment reference ${JSON.stringify(env)} is not an UPPER_SNAKE_CASE variable name`);
    }
    return `\${${env}}`;
  } else {
    for (const item of value as readonly string[]) {
      if (item.includes(',')) throw new Error(`app.ini [${section}] ${key}: list item ${JSON.stringify(item)} contains a comma`);
    }
    text = (value as readonly string[]).join(',');
  }
  const problem = iniValueProblem(text);
  if (problem)
    throw new Error(
      `app.ini [${section}] ${key}: value ${JSON.stringify(text)} ${problem}; allowed: any single line without "$", "%(" or control characters`,
    );
  return iniValueSyntax(text);
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
