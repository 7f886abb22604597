/**
 * Kubernetes resource quantities: the one parser of this library, and exact
 * arithmetic on the result.
 *
 * The syntax is what `resource.ParseQuantity` (k8s.io/apimachinery 1.28,
 * pkg/api/resource/quantity.go and suffix.go) accepts, read from its code,
 * not from its doc comment: an optional sign, digits with an optional
 * fraction, then a suffix that is a decimal SI one (`n u m "" k M G T P E`),
 * a binary SI one (`Ki Mi Gi Ti Pi Ei`) or `e`/`E` and a signed integer
 * exponent. Go also accepts a missing number (`"Ki"`, `"."`, `"m"` all read
 * as 0); so does this parser, because the API server does. Values are
 * rounded up (away from zero) to a whole nano unit and binary ones capped at
 * 2^63-1, as Go does. When the API server reads a quantity from JSON it trims
 * Unicode white space first (`Quantity.UnmarshalJSON`): {@link readQuantity}
 * does the same for YAML values, the prop checks do not.
 *
 * Bounds. Go reads the exponent as a 64-bit integer and then keeps only its
 * low 32 bits, so `1e2147483648` is read as `1e-2147483648` (and parsing it
 * does not finish). Exact arithmetic on such numbers is not possible either:
 * `10n ** 999999999n` needs gigabytes. So a quantity whose decimal exponent
 * is beyond ±{@link MAX_EXPONENT}, or whose text is longer than
 * {@link MAX_QUANTITY_LENGTH} characters, is refused with a reason, at once.
 * No resource amount comes anywhere near: the API server itself converts
 * quantities to 64-bit integers (`Value()`, `MilliValue()`) everywhere it
 * uses them.
 */

/** A quantity as the exact fraction `num / den` (den > 0), with the text it was written as. */
export interface ExactQuantity {
  readonly num: bigint;
  readonly den: bigint;
  /** As written (numbers as JavaScript prints them). */
  readonly text: string;
}

/** The largest decimal exponent (suffix and digits included) this library evaluates. */
export const MAX_EXPONENT = 1000;
/** The longest quantity text this library evaluates. */
export const MAX_QUANTITY_LENGTH = 1024;

export const QUANTITY_SYNTAX =
  'a Kubernetes quantity such as "500m", "128Mi", "1Gi", "2" or "1e3" (binary suffixes Ki, Mi, Gi, Ti, Pi, Ei; decimal n, u, m, k, M, G, T, P, E; no space, no "b"/"B")';

/** Why a text is not a quantity, or the quantity. */
export type QuantityReading =
  { readonly quantity: ExactQuantity; readonly problem?: undefined } | { readonly quantity?: undefined; readonly problem: string };

const BINARY_POWER: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_EXPONENT: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
/** Go's parseQuantityString: sign, digits, fraction, suffix letters, then an optional signed run of digits to the end. */
const SHAPE = /^([+-]?)(\d*)(?:\.(\d*))?([eEinumkKMGTP]*[+-]?\d*)$/;
const INT64_MAX = (1n << 63n) - 1n;
const NANO = 1000000000n;

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function exact(num: bigint, den: bigint, text: string): ExactQuantity {
  const divisor = gcd(num, den) || 1n;
  return { num: num / divisor, den: den / divisor, text };
}

/** Go's `unicode.IsSpace`, which `strings.TrimSpace` trims (not U+FEFF, which JavaScript's `trim` also removes). */
const GO_SPACE =
  /^[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+|[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+$/g;

/**
 * Parses quantity text exactly as `resource.ParseQuantity` does, within the
 * bounds of this module. Never slow: the work is bounded by
 * {@link MAX_QUANTITY_LENGTH} and {@link MAX_EXPONENT}.
 */
export function parseQuantityText(text: string): QuantityReading {
  if (text.length === 0) return { problem: 'is empty' };
  if (text.length > MAX_QUANTITY_LENGTH)
    return { problem: `is longer than ${MAX_QUANTITY_LENGTH} characters, the most this validator reads` };
  const shape = SHAPE.exec(text);
  if (!shape) return { problem: 'is not a quantity' };
  // Only the fraction group is optional; the others always match (maybe empty).
  const sign = shape[1]!;
  const whole = shape[2]!;
  const fraction = shape[3] ?? '';
  const suffix = shape[4]!;
  let exponent10 = -fraction.length;
  let binary = 0;
  if (suffix in DECIMAL_EXPONENT) exponent10 += DECIMAL_EXPONENT[suffix]!;
  else if (suffix in BINARY_POWER) binary = BINARY_POWER[suffix]!;
  else if (/^[eE][+-]?\d+$/.test(suffix)) {
    const digits = suffix.slice(1).replace(/^([+-]?)0+(?=\d)/, '$1');
    // strconv.ParseInt(_, 10, 64) refuses what does not fit 64 bits; more than 10 digits is out of our bound anyway.
    if (digits.replace(/^[+-]/, '').length > 10)
      return {
        problem: `has the exponent ${suffix.slice(1)}, beyond ±${MAX_EXPONENT} (the API server keeps only the low 32 bits of an exponent)`,
      };
    const exponent = Number(digits);
    if (Math.abs(exponent) > MAX_EXPONENT)
      return {
        problem: `has the exponent ${exponent}, beyond ±${MAX_EXPONENT} (no resource amount is that large or small; the API server keeps only the low 32 bits of an exponent)`,
      };
    exponent10 += exponent;
  } else {
    return {
      problem: `has the suffix ${JSON.stringify(suffix)}; expected one of Ki, Mi, Gi, Ti, Pi, Ei, n, u, m, k, M, G, T, P, E or an exponent such as e3`,
    };
  }
  let num = BigInt(`${whole}${fraction}` || '0');
  if (num === 0n) return { quantity: { num: 0n, den: 1n, text } };
  const magnitude = exponent10 + whole.replace(/^0+/, '').length;
  if (magnitude > MAX_EXPONENT || exponent10 < -MAX_EXPONENT - MAX_QUANTITY_LENGTH) {
    return { problem: `is beyond 10^±${MAX_EXPONENT}, the range this validator evaluates` };
  }
  let den = 1n;
  if (exponent10 >= 0) num *= 10n ** BigInt(exponent10);
  else den = 10n ** BigInt(-exponent10);
  num <<= BigInt(binary);
  // Go rounds a non-zero amount up (away from zero) to a whole nano unit, and caps binary amounts at 2^63-1.
  const nanos = num * NANO;
  let rounded = nanos / den + (nanos % den !== 0n ? 1n : 0n);
  if (binary > 0 && rounded > INT64_MAX * NANO) rounded = INT64_MAX * NANO;
  return { quantity: exact(rounded * (sign === '-' ? -1n : 1n), NANO, text) };
}

/**
 * Reads a YAML/JSON value the way the API server reads a quantity field: a
 * string (trimmed of white space, as `UnmarshalJSON` does) or a finite number.
 */
export function readQuantity(value: unknown): QuantityReading {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { problem: 'is not a finite number (JSON has no infinity or NaN)' };
    return parseQuantityText(String(value));
  }
  if (typeof value !== 'string') return { problem: 'is not a string or a number' };
  return parseQuantityText(value.replace(GO_SPACE, ''));
}

/** The quantity of a YAML value (`"250m"`, `"1.5Gi"`, `2`), or undefined when it is not one (see {@link readQuantity}). */
export function parseQuantity(value: unknown): ExactQuantity | undefined {
  return readQuantity(value).quantity;
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b`. */
export function compareQuantities(a: ExactQuantity, b: ExactQuantity): -1 | 0 | 1 {
  const left = a.num * b.den;
  const right = b.num * a.den;
  return left < right ? -1 : left > right ? 1 : 0;
}

export function isNegative(q: ExactQuantity): boolean {
  return q.num < 0n;
}

export const ZERO: ExactQuantity = { num: 0n, den: 1n, text: '0' };

/** `a + b`, without text (give it one with `canonical`). */
export function addQuantities(a: ExactQuantity, b: ExactQuantity): ExactQuantity {
  return a.num === 0n ? b : b.num === 0n ? a : exact(a.num * b.den + b.num * a.den, a.den * b.den, '');
}

/** `q * factor` for a whole factor (replicas), without text. */
export function scaleQuantity(q: ExactQuantity, factor: number): ExactQuantity {
  return factor === 1 ? q : exact(q.num * BigInt(factor), q.den, '');
}

/** The larger of two quantities. */
export function maxQuantity(a: ExactQuantity, b: ExactQuantity): ExactQuantity {
  return compareQuantities(a, b) >= 0 ? a : b;
}

/** Rounds up to a whole number of `unit` (as resource.Quantity's Value/MilliValue do), e.g. milli-cores. */
export function ceilToUnits(q: ExactQuantity, unitsPerOne: bigint): bigint {
  const scaled = q.num * unitsPerOne;
  const truncated = scaled / q.den; // BigInt division truncates toward zero: the ceiling of a negative
  return scaled % q.den !== 0n && scaled > 0n ? truncated + 1n : truncated;
}

/** A whole number of `unit` as a quantity. */
export function fromUnits(units: bigint, unitsPerOne: bigint, resource: string): ExactQuantity {
  return canonical(exact(units, unitsPerOne, ''), resource);
}

/**
 * The quantity with a short canonical text: the largest binary suffix that
 * divides it for byte amounts (memory, storage), else a whole number, milli
 * units (`250m`), nano units or a decimal.
 */
export function canonical(q: ExactQuantity, resource: string): ExactQuantity {
  return { ...q, text: formatQuantity(q, resource) };
}

/** Resources counted in bytes, shown with binary suffixes. */
const BYTES = /memory|storage|^hugepages-/;

function formatQuantity(q: ExactQuantity, resource: string): string {
  const { num, den } = q;
  if (den === 1n && BYTES.test(resource)) {
    for (const [suffix, power] of Object.entries(BINARY_POWER).reverse()) {
      const unit = 1n << BigInt(power);
      if (num !== 0n && num % unit === 0n) return `${num / unit}${suffix}`;
    }
    return String(num);
  }
  if (den === 1n) return String(num);
  if ((num * 1000n) % den === 0n) return `${(num * 1000n) / den}m`;
  if ((num * 1000000000n) % den === 0n) return `${(num * 1000000000n) / den}n`;
  return String(Number(num) / Number(den));
}
