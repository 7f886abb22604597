/**
 * A model of how go-ini (gopkg.in/ini.v1 v1.67.0, the INI reader of Gogs)
 * reads the value of a line `KEY = <raw>`, written from its parser's rules
 * and checked against go-ini itself: go-ini-vectors.json holds what go-ini
 * returned for each raw text, produced by a throwaway Go program that loads
 * `K = <raw>\nNEXT = n\n` with ini.LoadSources, once with default options and
 * once with IgnoreInlineComment (the program is not committed).
 */

// Go's unicode.IsSpace, which strings.TrimSpace and TrimLeftFunc use.
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;

function trimLeft(text: string): string {
  let i = 0;
  while (i < text.length && GO_SPACE.test(text[i])) i++;
  return text.slice(i);
}

function trimRight(text: string): string {
  let i = text.length;
  while (i > 0 && GO_SPACE.test(text[i - 1])) i--;
  return text.slice(0, i);
}

function hasSurroundedQuote(text: string, quote: string): boolean {
  return text.length >= 2 && text[0] === quote && text[text.length - 1] === quote && text.indexOf(quote, 1) === text.length - 1;
}

/** Options of go-ini's LoadOptions that change value reading. */
export interface GoIniOptions {
  readonly ignoreInlineComment?: boolean;
}

/**
 * The value go-ini reads for `KEY = <raw>` followed by the line `next`, or
 * `null` where go-ini fails to load (an unclosed quote at the end of the file).
 */
export function readGoIniValue(raw: string, next: string, options: GoIniOptions = {}): string | null {
  let line = trimLeft(raw);
  if (line === '') return '';
  const quote = line.length > 3 && line.startsWith('"""') ? '"""' : line[0] === '`' ? '`' : '';
  if (quote) {
    const pos = line.slice(quote.length).lastIndexOf(quote);
    // An unclosed quote continues on the following lines; in our two-line files it never closes.
    if (pos === -1) return null;
    return line.slice(quote.length, quote.length + pos);
  }
  line = trimRight(line);
  if (line.endsWith('\\')) return line.slice(0, -1) + next; // continuation: the next line joins
  if (!options.ignoreInlineComment) {
    const at = line.search(/[#;]/);
    if (at > -1) line = trimRight(trimLeft(line.slice(0, at)));
  }
  if (hasSurroundedQuote(line, "'") || hasSurroundedQuote(line, '"')) line = line.slice(1, -1);
  return line;
}

/**
 * What Gogs does to every value after go-ini read it: os.ExpandEnv. Returns
 * true when expansion could change `value` (a `$` followed by `{`, a name
 * character or a shell special character).
 */
export function goExpandEnvChanges(value: string): boolean {
  return /\$([{*#$@!?\-0-9A-Za-z_])/.test(value);
}
