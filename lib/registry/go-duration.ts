/**
 * Go `time.Duration` text, the syntax of durations in the registry's
 * config.yml (`timeout: 2s`, `backoff: 1s`, `interval: 10s`): a sequence of
 * decimal numbers, each with a unit `ns`, `us` (or `µs`), `ms`, `s`, `m`, `h`,
 * e.g. `300ms`, `1.5s`, `1h30m`. (The registry reads a bare integer as
 * nanoseconds; that is almost never meant, so it is refused here.)
 */

const UNIT_NS: Record<string, number> = {
  ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9,
};
const DURATION = /^(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;

/** What a duration must look like, for error messages. */
export const GO_DURATION_RULE = 'a positive Go duration with units, such as "500ms", "2s", "1m30s" (units ns, us, ms, s, m, h)';

/** The duration in nanoseconds, or undefined when `value` is not Go duration text with units. */
export function goDurationNanos(value: unknown): number | undefined {
  if (typeof value !== 'string' || !DURATION.test(value)) return undefined;
  let total = 0;
  for (const [, number, unit] of value.matchAll(PART)) total += Number(number) * UNIT_NS[unit];
  return total;
}

/** Whether `value` is a Go duration of more than zero. */
export function isPositiveGoDuration(value: unknown): value is string {
  const nanos = goDurationNanos(value);
  return nanos !== undefined && nanos > 0;
}
