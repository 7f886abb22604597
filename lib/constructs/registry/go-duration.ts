/**
 * Go `time.Duration` text, the syntax of durations in the registry's
 * config.yml (`timeout: 2s`, `backoff: 1s`, `interval: 10s`): a sequence of
 * decimal numbers, each with a unit `ns`, `us` (or `µs`), `ms`, `s`, `m`, `h`,
 * e.g. `300ms`, `1.5s`, `1h30m`. (The registry reads a bare integer as
 * nanoseconds; that is almost never meant, so it is refused here.)
 *
 * The value is computed as Go's `time.ParseDuration` computes it (integer
 * arithmetic on uint64, float64 for fractions), so the overflow limit is
 * Go's: at most 2^63-1 ns (`2562047h47m16.854775807s`). A longer duration
 * makes the registry fail to start.
 */

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  µs: 1000n,
  μs: 1000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const DURATION = /^(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const PART = /(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/g;
const TWO_63 = 1n << 63n;

/** The largest Go duration, in nanoseconds (2^63-1). */
export const GO_MAX_DURATION_NANOS = TWO_63 - 1n;

/** What a duration must look like, for error messages. */
export const GO_DURATION_RULE =
  'a positive Go duration with units, such as "500ms", "2s", "1m30s" (units ns, us, ms, s, m, h), ' + 'at most 2562047h47m16.854775807s';

/** Go's leadingFraction: the digits as an integer (stopping before uint64 overflow) and 10^(digits used). */
function leadingFraction(digits: string): [bigint, number] {
  let x = 0n;
  let scale = 1;
  for (const c of digits) {
    if (x > (TWO_63 - 1n) / 10n) break;
    const y = x * 10n + BigInt(c);
    if (y > TWO_63) break;
    x = y;
    scale *= 10;
  }
  return [x, scale];
}

/**
 * The duration in nanoseconds as Go computes it, or undefined when `value`
 * is not Go duration text with units, or Go would refuse it as too long.
 */
export function goDurationNanosExact(value: unknown): bigint | undefined {
  if (typeof value !== 'string' || !DURATION.test(value)) return undefined;
  let total = 0n;
  for (const [, whole, fraction, unitName] of value.matchAll(PART)) {
    const unit = UNIT_NS[unitName!]!; // PART only matches UNIT_NS's keys
    let v = BigInt(whole || '0');
    if (v > TWO_63) return undefined; // leadingInt overflow
    if (v > TWO_63 / unit) return undefined;
    v *= unit;
    if (fraction) {
      const [f, scale] = leadingFraction(fraction);
      if (f > 0n) {
        // uint64(float64(f) * (float64(unit) / scale)), exactly as Go does it
        v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
        if (v > TWO_63) return undefined;
      }
    }
    total += v;
    if (total > TWO_63) return undefined;
  }
  return total > GO_MAX_DURATION_NANOS ? undefined : total;
}

/** The duration in nanoseconds (as a float), or undefined when Go would not read `value` as a duration with units. */
export function goDurationNanos(value: unknown): number | undefined {
  const exact = goDurationNanosExact(value);
  return exact === undefined ? undefined : Number(exact);
}

/** Whether `value` is a Go duration of more than zero that Go can represent. */
export function isPositiveGoDuration(value: unknown): value is string {
  const nanos = goDurationNanosExact(value);
  return nanos !== undefined && nanos > 0n;
}
