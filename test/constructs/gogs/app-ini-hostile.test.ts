/**
 * Injection into app.ini: every value renderIni writes is read back
 * by go-ini exactly as given, or refused with an Error naming the key and value.
 * Checked against a model of go-ini's reader that is itself checked against
 * go-ini's own output (test/constructs/gogs/go-ini-vectors.json).
 */
import * as fc from 'fast-check';
import { IniDocument, renderIni } from '../../../lib/constructs/gogs/app-ini';
import { goExpandEnvChanges, readGoIniValue } from './go-ini-model';
import vectors from './go-ini-vectors.json';

interface Vector {
  raw: string;
  default: string | null;
  ignoreInlineComment: string | null;
  nextKept: boolean;
}

/** The value of KEY in `text` as go-ini reads it (the line after it passed as the continuation line). */
function readBack(text: string, key: string, ignoreInlineComment: boolean): string | null {
  const lines = text.split('\n');
  const at = lines.findIndex((line) => line.startsWith(`${key} = `));
  if (at < 0) return null;
  return readGoIniValue(lines[at].slice(key.length + 3), lines[at + 1] ?? '', { ignoreInlineComment });
}

describe('the go-ini model', () => {
  test.each((vectors as Vector[]).map((v) => [JSON.stringify(v.raw), v] as const))('reads %s as go-ini v1.67.0 does', (_raw, v) => {
    expect(readGoIniValue(v.raw, 'NEXT = n')).toBe(v.default);
    expect(readGoIniValue(v.raw, 'NEXT = n', { ignoreInlineComment: true })).toBe(v.ignoreInlineComment);
  });
});

describe("renderIni against go-ini's reading rules", () => {
  const one = (value: string): IniDocument => ({ root: {}, sections: { server: { KEY: value, NEXT: 'n' } } });

  test.each([
    ['a trailing backslash (line continuation)', 'C:\\dir\\'],
    ['"#" (inline comment)', 'pass#word'],
    ['";" (inline comment)', 'a;b'],
    ['U+2028 at the ends (Go trims it)', '\u2028value\u2028'],
    ['U+00A0 and U+3000 at the ends', '\u00a0v\u3000'],
    ['surrounding double quotes', '"quoted"'],
    ['surrounding single quotes', "'quoted'"],
    ['a leading backtick', '`x'],
    ['leading and trailing spaces', '  padded  '],
    ['a triple quote inside', 'a"""b'],
    ['U+FEFF (Go does not trim it)', '\ufeffv'],
  ])('%s reads back exactly and leaves the next key alone', (_what, value) => {
    const text = renderIni(one(value));
    for (const ignoreInlineComment of [false, true]) {
      expect(readBack(text, 'KEY', ignoreInlineComment)).toBe(value);
      expect(readBack(text, 'NEXT', ignoreInlineComment)).toBe('n');
    }
  });

  test.each([
    ['$GOGS_SECRET_KEY', /\[server\] KEY: value "\$GOGS_SECRET_KEY" contains "\$" \(Gogs expands/],
    ['${GOGS_SECRET_KEY}', /value "\$\{GOGS_SECRET_KEY\}" contains "\$"/],
    ['x\ny = 1', /value "x\\ny = 1" contains a line break/],
    ['x\r', /contains a line break/],
    ['\u0085', /control character U\+0085/],
    ['%(SECRET_KEY)s', /go-ini interpolation/],
    ['\ud800', /unpaired UTF-16 surrogate/],
  ])('refuses %j, naming the key, the value and what is allowed', (value, message) => {
    expect(() => renderIni(one(value))).toThrow(message);
    expect(() => renderIni(one(value))).toThrow(/allowed: any single line/);
  });

  test('plain values stay plain (the file a learner reads is unchanged)', () => {
    expect(renderIni(one('http://el-gogs-push.ci.svc.cluster.local:8080/'))).toContain(
      'KEY = http://el-gogs-push.ci.svc.cluster.local:8080/\n',
    );
  });

  // Characters that change go-ini's or Gogs' reading, mixed with plain ones.
  const hostileChar = fc.constantFrom(
    '\\',
    '#',
    ';',
    '"',
    "'",
    '`',
    '$',
    '{',
    '}',
    '%',
    '(',
    ')',
    's',
    '=',
    ':',
    '[',
    ']',
    ' ',
    '\t',
    '\n',
    '\r',
    '\u0085',
    '\u00a0',
    '\u2003',
    '\u3000',
    '\ufeff',
    '\u0000',
    '\u001b',
    '\u007f',
    '\ud800',
    '\udc00',
    'a',
    'Z',
    '0',
    '/',
    '.',
    '-',
  );
  const hostileValue = fc.array(hostileChar, { maxLength: 12 }).map((cs) => cs.join(''));

  test('property: any value is read back exactly by go-ini (both comment modes) or refused naming key and value', () => {
    let written = 0;
    let refused = 0;
    fc.assert(
      fc.property(hostileValue, hostileValue, (a, b) => {
        let text: string;
        try {
          text = renderIni({ root: { ROOT: a }, sections: { server: { KEY: b, NEXT: 'n' } } });
        } catch (error) {
          refused++;
          expect((error as Error).message).toMatch(/^app\.ini \[(DEFAULT|server)\] (ROOT|KEY): value ".*" .+; allowed: /s);
          return;
        }
        written++;
        for (const ignoreInlineComment of [false, true]) {
          expect(readBack(text, 'ROOT', ignoreInlineComment)).toBe(a);
          expect(readBack(text, 'KEY', ignoreInlineComment)).toBe(b);
          expect(readBack(text, 'NEXT', ignoreInlineComment)).toBe('n');
        }
        expect(goExpandEnvChanges(a) || goExpandEnvChanges(b)).toBe(false);
      }),
      { numRuns: 300 },
    );
    expect(written).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(20);
  });
});
