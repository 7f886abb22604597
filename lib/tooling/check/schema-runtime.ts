/**
 * What the validators call at run time besides Ajv's own code: the OpenAPI
 * formats, the quantity check and the regular-expression engine of schema
 * `pattern`s. The precompiled validators `require` this module, so it must not
 * load Ajv itself.
 */
import type Ajv from 'ajv';
import type { RE2JS } from '@bufbuild/re2';
import { readQuantity } from '../../util/exact-quantity';

// Loaded on the first pattern: the validators the build precompiles (dist/'s kinds) have none, and
// RE2's 20 modules cost `validate` about 30 ms to load.
const re2 = () => (require('@bufbuild/re2') as typeof import('@bufbuild/re2')).RE2JS;

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

/** What Ajv needs of a compiled pattern. */
export interface SchemaPattern {
  test(text: string): boolean;
}

/**
 * Ajv's `code.regExp`: a schema's `pattern` (and `patternProperties` keys) compiled with RE2, as
 * the API server compiles CRD patterns (Go's regexp), never with JavaScript's backtracking
 * RegExp. RE2 runs in time linear in the input, so `^(a+)+$` against a long string of `a`s is
 * answered at once instead of after minutes. RE2 syntax is what the API server accepts: a
 * pattern it cannot compile (a lookahead `(?=`, a backreference `\1`) is refused with an Error
 * naming it. Ajv's flags (`u`) need no counterpart: RE2 always matches code points.
 */
export function re2RegExp(pattern: string): SchemaPattern {
  let compiled: RE2JS;
  try {
    compiled = re2().compile(pattern);
  } catch (error) {
    throw new Error(
      `schema pattern ${JSON.stringify(pattern)} is not an RE2 regular expression, which the API server requires: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  // Ajv keys compiled patterns by toString(): one key per pattern.
  return { test: (text: string) => compiled.test(text), toString: () => `re2:${pattern}` } as SchemaPattern;
}
