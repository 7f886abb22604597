import * as fc from 'fast-check';
import { parse } from 'ini';
import { IniDocument, iniValueProblem, renderIni } from '../../../lib/constructs/gogs/app-ini';

describe('renderIni', () => {
  const doc: IniDocument = {
    root: { RUN_USER: 'git', RUN_MODE: 'prod' },
    sections: {
      server: { HTTP_PORT: 3000, OFFLINE_MODE: true, SKIPPED: undefined },
      'repository.upload': { TEMP_PATH: '/data/tmp' },
      empty: { NOTHING: undefined },
      security: { LOCAL_NETWORK_ALLOWLIST: ['a.example', 'b.example'] },
    },
  };

  test('writes root keys first, then each section in order, and skips undefined keys and empty sections', () => {
    expect(renderIni(doc)).toBe(
      [
        'RUN_USER = git',
        'RUN_MODE = prod',
        '',
        '[server]',
        'HTTP_PORT = 3000',
        'OFFLINE_MODE = true',
        '',
        '[repository.upload]',
        'TEMP_PATH = /data/tmp',
        '',
        '[security]',
        'LOCAL_NETWORK_ALLOWLIST = a.example,b.example',
        '',
      ].join('\n'),
    );
  });

  test('an INI parser reads back what was written', () => {
    const parsed = parse(renderIni(doc));
    expect(parsed.RUN_USER).toBe('git');
    expect(parsed.server).toEqual({ HTTP_PORT: '3000', OFFLINE_MODE: true });
    expect(parsed.repository.upload).toEqual({ TEMP_PATH: '/data/tmp' });
    expect(parsed.security.LOCAL_NETWORK_ALLOWLIST.split(',')).toEqual(['a.example', 'b.example']);
    expect(parsed.empty).toBeUndefined();
  });

  test('round-trips any keys and plain values (property)', () => {
    const key = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,15}$/);
    const value = fc
      .stringMatching(/^[A-Za-z0-9/:._{}-]([A-Za-z0-9 /:._{}-]{0,30}[A-Za-z0-9/:._{}-])?$/)
      .filter((v) => iniValueProblem(v) === undefined);
    const section = fc.dictionary(key, value, { maxKeys: 5 });
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/), section, { maxKeys: 4 }), section, (sections, root) => {
        // A root key equal to a section name would be ambiguous in the parsed object; keep them apart.
        const rootOnly = Object.fromEntries(Object.entries(root).filter(([k]) => !(k in sections)));
        const text = renderIni({ root: rootOnly, sections });
        expect(renderIni({ root: rootOnly, sections })).toBe(text);
        const parsed = parse(text);
        for (const [k, v] of Object.entries(rootOnly)) expect(String(parsed[k])).toBe(v);
        for (const [name, keys] of Object.entries(sections)) {
          for (const [k, v] of Object.entries(keys)) expect(String(parsed[name][k])).toBe(v);
        }
      }),
    );
  });

  test.each([
    [{ root: { lower: 'x' }, sections: {} }, /key "lower" is not UPPER_SNAKE_CASE/],
    [{ root: { A: 'two\nlines' }, sections: {} }, /contains a line break/],
    [{ root: { A: '$HOME' }, sections: {} }, /os\.ExpandEnv/],
    [{ root: { A: 'bell\u0007' }, sections: {} }, /control character U\+0007/],
    [{ root: { A: '%(B)s' }, sections: {} }, /interpolation/],
    [{ root: { A: Number.NaN }, sections: {} }, /not a finite number/],
    [{ root: { A: ['a,b'] }, sections: {} }, /contains a comma/],
    [{ root: {}, sections: { 'Bad Name': { A: '1' } } }, /section name "Bad Name"/],
  ])('refuses what go-ini or Gogs would read differently: %j', (bad, message) => {
    expect(() => renderIni(bad as IniDocument)).toThrow(message);
  });
});
