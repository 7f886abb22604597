/**
 * Checks for quantities given as props, on top of the quantity syntax in
 * `resource-quantity.ts`: a volume size must be a quantity of at least one byte.
 */
import { IConstruct } from 'constructs';
import { invalidProp } from './props-check';
import { isQuantity, quantityToNumber } from './resource-quantity';

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
