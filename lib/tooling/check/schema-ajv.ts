/**
 * The Ajv instance the validator compiles with: its options, the OpenAPI
 * formats, and the quantity keyword. Used at run time (lazy compiles) and at
 * build time (lib/check/precompile-validators.ts, Ajv standalone code). Both
 * take the formats and the quantity check from schema-runtime.ts, which the
 * standalone code `require`s, so both paths run the same checks.
 */
import Ajv, { _, KeywordCxt } from 'ajv';
import { KNOWN_FORMATS, quantityProblem, re2RegExp } from './schema-runtime';
import { QUANTITY_KEYWORD } from '../foundation/strict-schema';

/**
 * A new Ajv for the validator. With `standaloneRuntime` (the path the
 * generated code requires schema-runtime.ts by), it keeps the source code of what it
 * compiles for `standaloneCode`.
 */
export function createAjv(standaloneRuntime?: string): Ajv {
  // Schema patterns run on RE2 (schema-runtime.ts), in compiled and in standalone code alike.
  const regExp = Object.assign((pattern: string) => re2RegExp(pattern), {
    code: `require(${JSON.stringify(standaloneRuntime ?? './schema-runtime')}).re2RegExp`,
  });
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    verbose: true,
    logger: false,
    code: standaloneRuntime === undefined ? { regExp } : { regExp, source: true, formats: _`require(${standaloneRuntime}).KNOWN_FORMATS` },
  });
  for (const [name, format] of Object.entries(KNOWN_FORMATS)) ajv.addFormat(name, format);
  ajv.addKeyword({
    keyword: QUANTITY_KEYWORD,
    schemaType: 'boolean',
    error: { message: ({ params }) => _`${params.problem}`, params: () => _`{}` },
    code(cxt: KeywordCxt) {
      if (cxt.schema !== true) return;
      const check = cxt.gen.scopeValue(
        'func',
        standaloneRuntime === undefined
          ? { ref: quantityProblem }
          : { ref: quantityProblem, code: _`require(${standaloneRuntime}).quantityProblem` },
      );
      const problem = cxt.gen.const('problem', _`${check}(${cxt.data})`);
      cxt.setParams({ problem });
      cxt.fail(problem);
    },
  });
  return ajv;
}
