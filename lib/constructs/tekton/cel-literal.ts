/**
 * Writes values into CEL expressions. Every value the constructs put into a
 * CEL filter or overlay goes through here, so a name can never change the
 * meaning of the expression around it.
 */

/** A CEL string literal in single quotes, e.g. `celString("it's")` gives `'it\'s'`. */
export function celString(value: string): string {
  let out = "'";
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\' || ch === "'") out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}

/** A CEL list of string literals, e.g. `['a', 'b']`. */
export function celStringList(values: readonly string[]): string {
  return `[${values.map(celString).join(', ')}]`;
}
