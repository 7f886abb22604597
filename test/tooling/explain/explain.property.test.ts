/**
 * Properties of `explain` over random walks through every resource's schema:
 * - every field listed under FIELDS can itself be explained, and its FIELD line
 *   repeats the type the list gave it;
 * - a name not in the list is kubectl's `field "x" does not exist` (exit 1,
 *   the header still on stdout), and an unknown resource is kubectl's
 *   `the server doesn't have a resource type "x"` (exit 1, nothing on stdout).
 */
import * as fc from 'fast-check';
import { explain } from '../../../lib/tooling/explain/explain';
import { ExplainSchemas } from '../../../lib/tooling/explain/explain-schemas';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const schemas = ExplainSchemas.shared();
const resources = schemas.resources;
const allNames = new Set(resources.flatMap((r) => [r.plural, r.singular, ...r.shortNames]));

/** The `name<TAB><type>` lines directly under FIELDS (two-space indent). */
function listedFields(stdout: string): Array<{ name: string; type: string }> {
  const at = stdout.indexOf('\nFIELDS:\n');
  if (at < 0) return [];
  return stdout
    .slice(at + 9)
    .split('\n')
    .map((line) => /^ {2}(\S+)\t<(.+?)>(?: -required-)?$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1], type: m[2] }));
}

function headerOf(stdout: string): string {
  return stdout.slice(0, stdout.indexOf('\n\n') + 2);
}

jest.setTimeout(300_000);

describe('explain: random walks through the schemas', () => {
  test('every field listed under FIELDS can be explained, with the listed type', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: resources.length - 1 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 7 }),
        (resourceIndex, choices) => {
          const r = resources[resourceIndex];
          const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
          let path = r.plural;
          let result = explain(path, { apiVersion });
          expect(result.exitCode).toBe(0);
          for (const choice of choices) {
            const fields = listedFields(result.stdout);
            if (fields.length === 0) return;
            const field = fields[choice % fields.length];
            path = `${path}.${field.name}`;
            result = explain(path, { apiVersion });
            expect({ path, exitCode: result.exitCode, stderr: result.stderr }).toEqual({ path, exitCode: 0, stderr: '' });
            expect(result.stdout).toContain(`\nFIELD: ${field.name} <${field.type}>\n`);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('a name that is not listed is kubectl\'s "field does not exist", exit 1, header on stdout', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: resources.length - 1 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9]{0,15}$/),
        (resourceIndex, choices, unknown) => {
          const r = resources[resourceIndex];
          const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
          let path = r.plural;
          let result = explain(path, { apiVersion });
          for (const choice of choices) {
            const fields = listedFields(result.stdout);
            if (fields.length === 0) break;
            path = `${path}.${fields[choice % fields.length].name}`;
            result = explain(path, { apiVersion });
          }
          fc.pre(!listedFields(result.stdout).some((f) => f.name === unknown));
          // A field whose type lists no fields (string, map of strings) has no sub-fields either.
          const bad = explain(`${path}.${unknown}`, { apiVersion });
          expect(bad).toEqual({
            exitCode: 1,
            stdout: headerOf(result.stdout),
            stderr: `error: field ${JSON.stringify(unknown)} does not exist\n`,
          });
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('an unknown resource is kubectl\'s "doesn\'t have a resource type", exit 1, nothing on stdout', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9-]{0,20}$/),
        fc.array(fc.stringMatching(/^[a-z][a-zA-Z]{0,10}$/), { maxLength: 3 }),
        (name, fields) => {
          fc.pre(!allNames.has(name.toLowerCase()) && !resources.some((r) => r.shortNames.includes(name)));
          const result = explain([name, ...fields].join('.'));
          expect(result).toEqual({
            exitCode: 1,
            stdout: '',
            stderr: `error: the server doesn't have a resource type ${JSON.stringify(name)}\n`,
          });
        },
      ),
      { numRuns: RUNS },
    );
  });
});
