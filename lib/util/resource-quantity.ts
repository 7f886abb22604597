/**
 * Quantity props of the constructs (`500m`, `128Mi`, `1G`, `2`): checks and
 * conversion to a number, over the one parser in exact-quantity.ts.
 */
import { IConstruct } from 'constructs';
import { invalidProp } from './props-check';
import { compareQuantities, parseQuantityText, QUANTITY_SYNTAX } from './exact-quantity';

export const QUANTITY_RULE = QUANTITY_SYNTAX;

/**
 * Whether `value` is a quantity text the API server accepts, with at least one digit
 * (the API server also reads `"Ki"` or `"m"` as 0; a prop that means 0 says `"0"`).
 * The one parser is exact-quantity.ts's.
 */
export function isQuantity(value: unknown): value is string {
  return typeof value === 'string' && /\d/.test(value) && parseQuantityText(value).quantity !== undefined;
}

/** A quantity a resource request, limit or quota may hold: not negative. */
export function isResourceQuantity(value: unknown): value is string {
  return isQuantity(value) && parseQuantityText(value).quantity!.num >= 0n;
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
  const reading = isQuantity(value) ? parseQuantityText(value) : undefined;
  if (!reading?.quantity) throw new Error(`invalid quantity ${JSON.stringify(value)}; expected ${QUANTITY_RULE}`);
  return Number(reading.quantity.num) / Number(reading.quantity.den);
}

/** What a storage size must look like, for error messages. */
export const STORAGE_SIZE_RULE = 'a Kubernetes quantity of at least one byte, such as "512Mi", "10Gi" or "1G" (not "1Gb" or "10 Gi")';

const ONE_BYTE = { num: 1n, den: 1n, text: '1' };

/** Whether `value` is a storage size a PersistentVolumeClaim may request: a quantity of at least 1 byte. */
export function isStorageSize(value: unknown): value is string {
  return isQuantity(value) && compareQuantities(parseQuantityText(value).quantity!, ONE_BYTE) >= 0;
}

/** Throws the standard prop error unless `value` is a storage size. */
export function checkStorageSize(scope: IConstruct, field: string, value: unknown): string {
  if (!isStorageSize(value)) invalidProp(scope, field, value, STORAGE_SIZE_RULE);
  return value;
}
