import { IConstruct } from 'constructs';
import { invalidProp } from './props-check';

/**
 * Kubernetes resource quantities (`500m`, `128Mi`, `1G`, `2`): syntax check
 * and conversion to a number (cores for CPU, bytes for memory), so quotas
 * and requests can be compared.
 */

const SUFFIX_FACTOR: Record<string, number> = {
  '': 1,
  'n': 1e-9, 'u': 1e-6, 'm': 1e-3, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18,
  'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40, 'Pi': 2 ** 50, 'Ei': 2 ** 60,
};

// Sign, digits with an optional fraction, then a binary/decimal suffix or a decimal exponent.
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

export const QUANTITY_RULE = 'a Kubernetes quantity such as "500m", "128Mi", "1Gi" or "2" (binary suffixes Ki, Mi, Gi, Ti, Pi, Ei; decimal n, u, m, k, M, G, T, P, E)';

/** Whether `value` is a quantity the API server accepts. */
export function isQuantity(value: unknown): value is string {
  return typeof value === 'string' && QUANTITY.test(value);
}

/** A quantity a resource request, limit or quota may hold: not negative. */
export function isResourceQuantity(value: unknown): value is string {
  return isQuantity(value) && !value.startsWith('-');
}
export const RESOURCE_QUANTITY_RULE = `${QUANTITY_RULE}, not negative`;

/** Throws the standard prop error unless `value` is a non-negative quantity. */
export function checkResourceQuantity(scope: IConstruct, field: string, value: unknown): string {
  if (!isResourceQuantity(value)) invalidProp(scope, field, value, RESOURCE_QUANTITY_RULE);
  return value;
}

/** The quantity as a plain number (e.g. `500m` -> 0.5, `1Ki` -> 1024); throws on bad syntax. */
export function quantityToNumber(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = QUANTITY.exec(value);
  if (!match) throw new Error(`invalid quantity ${JSON.stringify(value)}; expected ${QUANTITY_RULE}`);
  const [, number, suffix = ''] = match;
  const factor = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : SUFFIX_FACTOR[suffix];
  return Number(number) * factor;
}

/** What a storage size must look like, for error messages. */
export const STORAGE_SIZE_RULE = 'a Kubernetes quantity of at least one byte, such as "512Mi", "10Gi" or "1G" (not "1Gb" or "10 Gi")';

/** Whether `value` is a storage size a PersistentVolumeClaim may request: a quantity of at least 1 byte. */
export function isStorageSize(value: unknown): value is string {
  return isQuantity(value) && quantityToNumber(value) >= 1;
}

/** Throws the standard prop error unless `value` is a storage size. */
export function checkStorageSize(scope: IConstruct, field: string, value: unknown): string {
  if (!isStorageSize(value)) invalidProp(scope, field, value, STORAGE_SIZE_RULE);
  return value;
}
