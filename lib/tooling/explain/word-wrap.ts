/**
 * Word wrapping as `kubectl explain` does it (kubectl wraps with the
 * go-wordwrap algorithm): breaks only at white space, never inside a word,
 * keeps existing line breaks, and lets a word longer than the limit overflow
 * its line. Widths count characters (code points), not bytes.
 *
 * The rules, restated from the algorithm's behaviour:
 * - a run of white space between two words is kept as written, unless the
 *   next word does not fit, in which case the run is dropped and a line
 *   break takes its place;
 * - a word is moved to a new line only when the line already holds
 *   something and the word itself is shorter than the limit;
 * - white space before a line break, or at the end, is dropped when it
 *   would overflow the line.
 */

const NBSP = 0xa0;

/** Unicode white space as Go's `unicode.IsSpace` defines it. */
function isSpace(ch: string): boolean {
  const code = ch.codePointAt(0)!;
  if (code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0x85 || code === NBSP) return true;
  if (code < 0x1680) return false;
  return (
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/** Wraps `text` to lines of at most `limit` characters where white space allows it. */
export function wrapWords(text: string, limit: number): string {
  let out = '';
  let lineLength = 0;
  let word = '';
  let wordLength = 0;
  let space = '';
  let spaceLength = 0;

  const flushSpaceAndWord = (): void => {
    lineLength += spaceLength + wordLength;
    out += space + word;
    space = '';
    spaceLength = 0;
    word = '';
    wordLength = 0;
  };

  for (const ch of text) {
    if (ch === '\n') {
      if (wordLength === 0) {
        if (lineLength + spaceLength <= limit) out += space;
        space = '';
        spaceLength = 0;
      } else {
        flushSpaceAndWord();
      }
      out += ch;
      lineLength = 0;
    } else if (isSpace(ch) && ch.codePointAt(0) !== NBSP) {
      if (spaceLength === 0 || wordLength > 0) flushSpaceAndWord();
      space += ch;
      spaceLength++;
    } else {
      word += ch;
      wordLength++;
      if (lineLength + wordLength + spaceLength > limit && wordLength < limit) {
        out += '\n';
        lineLength = 0;
        space = '';
        spaceLength = 0;
      }
    }
  }

  if (wordLength === 0) {
    if (lineLength + spaceLength <= limit) out += space;
  } else {
    out += space + word;
  }
  return out;
}
