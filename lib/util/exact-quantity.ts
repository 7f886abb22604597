/**
 * Resource quantities as exact fractions, so the resource rules compare
 * `700m` with `0.7` the way the API server does (equal), which floating point
 * does not (`700 * 0.001` is `0.7000000000000001`). Syntax is the shared
 * `isQuantity` check of resource-quantity.ts. Used wherever quantities are compared.
 */
import { isQuantity } from './resource-quantity';

/** A quantity as the exact fraction `num / den` (den > 0), with the text it was written as. */
export interface ExactQuantity {
  readonly num: bigint;
  readonly den: bigint;
  /** As written (numbers as JavaScript prints them). */
  readonly text: string;
}

const PARTS = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/;
const BINARY_POWER: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL_EXPONENT: Record<string, number> = { '': 0, 'n': -9, 'u': -6, 'm': -3, 'k': 3, 'M': 6, 'G': 9, 'T': 12, 'P': 15, 'E': 18 };

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

/** The quantity of a YAML value (`"250m"`, `"1.5Gi"`, `2`), or undefined when it is not a quantity. */
export function parseQuantity(value: unknown): ExactQuantity | undefined {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (!isQuantity(text)) return undefined;
  const [, sign, whole, fraction = '', suffix] = PARTS.exec(text) ?? [];
  let num = BigInt(`${whole}${fraction}` || '0') * (sign === '-' ? -1n : 1n);
  let den = 1n;
  let exponent = -fraction.length;
  if (suffix in BINARY_POWER) num *= 1024n ** BigInt(BINARY_POWER[suffix]);
  else exponent += suffix in DECIMAL_EXPONENT ? DECIMAL_EXPONENT[suffix] : Number(suffix.slice(1));
  if (exponent >= 0) num *= 10n ** BigInt(exponent);
  else den = 10n ** BigInt(-exponent);
  return exact(num, den, text);
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
      const unit = 1024n ** BigInt(power);
      if (num !== 0n && num % unit === 0n) return `${num / unit}${suffix}`;
    }
    return String(num);
  }
  if (den === 1n) return String(num);
  if ((num * 1000n) % den === 0n) return `${(num * 1000n) / den}m`;
  if ((num * 1000000000n) % den === 0n) return `${(num * 1000000000n) / den}n`;
  return String(Number(num) / Number(den));
}
