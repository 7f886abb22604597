/**
 * The one helper for text printed to a terminal. Manifests, CRDs and webhook bodies are input
 * from anywhere: a name or description holding ESC (`\x1b[2J` clears the screen), a carriage
 * return, a C1 control (`\x9b` is a one-byte CSI on many terminals) or a bidi override could
 * clear the screen, rewrite earlier lines or reorder what is shown. Every such character is
 * written as a visible `\uXXXX` escape instead, which is also what JSON would write, so JSON
 * output stays valid JSON with the same meaning.
 *
 * Neutralised: C0 controls (U+0000-U+001F), DEL (U+007F), C1 controls (U+0080-U+009F) and the
 * bidi embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069).
 */

/** Every control character, line breaks and tabs included: for one value inside a line. */
const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/** The same without `\t` and `\n`: for whole lines and blocks whose layout is ours. */
const CONTROL_BUT_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function escape(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** One value (a name, a path, a file name) for a line of output: no control character at all survives, newlines included. */
export function terminalValue(text: string): string {
  return text.replace(ANY_CONTROL, escape);
}

/** A line or block of output: control characters escaped, its own newlines and tabs kept. */
export function terminalText(text: string): string {
  return text.replace(CONTROL_BUT_LAYOUT, escape);
}
