/**
 * The argument parser every command shares (node:util's parseArgs underneath): what it accepts
 * and the usage errors it gives, in the words the CLI has always used.
 */
import { oneOf, parseArgs, UsageError } from '../../../lib/tooling/cli/command-io';

const parse = (...args: string[]) => {
  const { positional, options, flags } = parseArgs(args, ['format', 'crds'], ['timings']);
  return { positional, options, flags: [...flags] };
};

describe('parseArgs', () => {
  test('splits positionals, repeatable valued options (both spellings) and flags', () => {
    expect(parse('a.yaml', '--crds', 'x', '--crds=y', '--timings', 'b.yaml', '--format=json')).toEqual({
      positional: ['a.yaml', 'b.yaml'],
      options: { crds: ['x', 'y'], format: ['json'] },
      flags: ['timings'],
    });
  });

  test('a value is taken as given, even when it starts with a dash; an empty inline value is a value', () => {
    expect(parse('--format', '--timings').options).toEqual({ format: ['--timings'] });
    expect(parse('--crds', '-').options).toEqual({ crds: ['-'] });
    expect(parse('--format=').options).toEqual({ format: [''] });
  });

  test('single-dash arguments are positionals; everything after -- is too', () => {
    expect(parse('-', '-x', '-ab', 'c').positional).toEqual(['-', '-x', '-ab', 'c']);
    expect(parse('a', '--', '--format', '--nope')).toEqual({ positional: ['a', '--format', '--nope'], options: {}, flags: [] });
  });

  test.each([
    [['--nope'], 'unknown option --nope'],
    [['a.yaml', '--nope=1'], 'unknown option --nope'],
    [['--format'], 'option --format needs a value'],
    [['--timings=yes'], 'option --timings takes no value'],
    [['--timings='], 'option --timings takes no value'],
  ])('%j is a usage error: %s', (args, message) => {
    expect(() => parse(...args)).toThrow(UsageError);
    expect(() => parse(...args)).toThrow(new UsageError(message));
  });

  test('the first bad argument is the one reported', () => {
    expect(() => parse('--nope', '--format')).toThrow('unknown option --nope');
    expect(() => parse('--format=json', '--timings=1', '--nope')).toThrow('option --timings takes no value');
  });
});

describe('oneOf', () => {
  test('the last value wins; a value outside the list is a usage error naming both', () => {
    expect(oneOf({ format: ['text', 'json'] }, 'format', ['text', 'json'] as const, 'text')).toBe('json');
    expect(oneOf({}, 'format', ['text', 'json'] as const, 'text')).toBe('text');
    expect(oneOf({}, 'format', ['text', 'json'] as const)).toBeUndefined();
    expect(() => oneOf({ format: ['xml'] }, 'format', ['text', 'json'] as const)).toThrow(
      'invalid --format "xml"; expected one of text, json',
    );
  });
});
