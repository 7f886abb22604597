/**
 * A file the tests generate (docs of measured results): it must hold what this run produced.
 * `UPDATE_GENERATED=1` rewrites it first, to take a change in on purpose.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export function expectGeneratedFile(file: string, text: string): void {
  if (process.env.UPDATE_GENERATED === '1') writeFileSync(file, text);
  expect(readFileSync(file, 'utf8')).toBe(text);
}
