import { goDurationNanos, isPositiveGoDuration } from '../../../lib/constructs/registry/go-duration';

describe('Go durations', () => {
  test.each([
    ['2s', 2e9],
    ['500ms', 5e8],
    ['1m30s', 90e9],
    ['1.5h', 5400e9],
    ['10us', 1e4],
    ['10µs', 1e4],
    ['3ns', 3],
    ['.5s', 5e8],
    ['0s', 0],
  ])('%s = %d ns', (text, nanos) => {
    expect(goDurationNanos(text)).toBeCloseTo(nanos, 3);
  });

  test.each(['2', '', 's', '2 s', '-1s', '+1s', '1d', '1S', '2s ', '1..5s', 2])('%j is not Go duration text with units', (text) => {
    expect(goDurationNanos(text)).toBeUndefined();
    expect(isPositiveGoDuration(text)).toBe(false);
  });

  test('zero is a duration but not a positive one', () => {
    expect(isPositiveGoDuration('0s')).toBe(false);
    expect(isPositiveGoDuration('0.001ms')).toBe(true);
  });
});
