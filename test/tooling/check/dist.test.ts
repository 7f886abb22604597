/**
 * Every file the app synthesizes into dist/ must pass the offline validator
 * with zero errors (and zero warnings), run as a library.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatFinding } from '../../../lib/tooling/foundation/finding';
import { SchemaValidator } from '../../../lib/tooling/check/schema-validator';
import { validatePaths } from '../../../lib/tooling/check/validate';

const DIST = join(__dirname, '..', '..', '..', 'dist');

describe('dist/', () => {
  const files = readdirSync(DIST)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();

  test('has synthesized YAML to check', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  test('validates with zero findings (strict schemas + every cross-object rule)', () => {
    const result = validatePaths([DIST]);
    expect(result.files.map((f) => f.slice(DIST.length + 1))).toEqual(files);
    expect(result.objects).toBeGreaterThan(0);
    expect(result.findings.map(formatFinding)).toEqual([]);
    const t = result.timings;
    console.log(
      `validated ${result.objects} objects from ${result.files.length} files of dist/ in ${t.validateMs.toFixed(0)} ms ` +
        `(process totals: definitions load ${t.schema.loadMs.toFixed(0)} ms, CRD load ${t.schema.crdLoadMs.toFixed(0)} ms, ` +
        `compile ${t.schema.compileMs.toFixed(0)} ms for ${t.schema.compiledKinds} kinds)`,
    );
  });

  test('a second run reuses the compiled schemas', () => {
    validatePaths([DIST]);
    const before = { ...SchemaValidator.shared().timings };
    const again = validatePaths([DIST]);
    expect(again.errors).toBe(0);
    expect(SchemaValidator.shared().timings.compiledKinds).toBe(before.compiledKinds);
    expect(SchemaValidator.shared().timings.compileMs).toBe(before.compileMs);
  });
});
