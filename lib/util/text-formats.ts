/**
 * Encoders for the text formats this library writes values into. Every value
 * that reaches one of these formats goes through its encoder here, so no
 * value can end a string, start a line or add a table, key or directive.
 */

/**
 * A TOML basic string (`"..."`) holding exactly `text`: `"` and `\` escaped,
 * every control character as `\uXXXX` (TOML forbids them raw).
 */
export function tomlBasicString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * `text` as a literal container env `value`: the kubelet expands `$(NAME)`
 * and turns `$$` into `$` in every env value, so each `$` is doubled.
 */
export function kubeletLiteral(text: string): string {
  return text.replace(/\$/g, '$$$$');
}

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether `text` is well-formed UTF-16, i.e. can be written as UTF-8 (no unpaired surrogate). */
export function isWellFormedText(text: string): boolean {
  return !UNPAIRED_SURROGATE.test(text);
}
