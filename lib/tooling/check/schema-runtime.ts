/**
 * What the validators call at run time besides Ajv's own code: the OpenAPI
 * formats and the quantity check. The precompiled validators `require` this
 * module, so it must not load Ajv itself.
 */
import type Ajv from 'ajv';
import { readQuantity } from '../../util/exact-quantity';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** The OpenAPI formats the Kubernetes and Tekton schemas use that are checked; other formats are accepted as is. */
export const KNOWN_FORMATS: Record<string, Parameters<Ajv['addFormat']>[1]> = {
  int32: { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX },
  int64: { type: 'number', validate: (n: number) => Number.isInteger(n) },
  double: { type: 'number', validate: () => true },
  float: { type: 'number', validate: () => true },
  byte: { type: 'string', validate: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/ },
  'date-time': { type: 'string', validate: /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/ },
};

/** What is wrong with a quantity, or undefined; other types are the type check's business. The one quantity parser decides. */
export function quantityProblem(data: unknown): string | undefined {
  if (typeof data !== 'string' && typeof data !== 'number') return undefined;
  return readQuantity(data).problem;
}
