/**
 * The validators the build compiles ahead of time (Ajv standalone code,
 * lib/tooling/check/precompile-validators.ts) find exactly what the validators
 * compiled at run time find, message for message, and are not used when the
 * schemas they were compiled from have changed.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManifests } from '../../../lib/tooling/foundation/manifest';
import { generatedValidatorsCode, kindsIn } from '../../../lib/tooling/check/precompile-validators';
import { loadPrecompiled, usePrecompiledModule } from '../../../lib/tooling/check/precompiled';
import { SchemaValidator } from '../../../lib/tooling/check/schema-validator';
import { FILE, goodObjects, MUTATIONS } from './mutation-cases';

const ROOT = join(__dirname, '..', '..', '..');
const SCHEMA_DIR = join(ROOT, 'schemas', 'k8s-1.28');
const CRD_DIR = join(ROOT, 'crds');
const DIST = join(ROOT, 'dist');
const FIXTURES = join(__dirname, 'fixtures');

let work: string;
let generated: string;
/** Precompiled validators in use (the package's own schemas and CRDs). */
let precompiled: SchemaValidator;
/** Everything compiled at run time: the same CRDs, from a copy of their folder (a validator of its own). */
let runtime: SchemaValidator;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'precompiled-'));
  generated = join(work, 'generated-validators.js');
  const kinds = [...new Set([...kindsIn(DIST), ...kindsIn(FIXTURES)])];
  writeFileSync(
    generated,
    generatedValidatorsCode({
      schemaDir: SCHEMA_DIR,
      crdDir: CRD_DIR,
      kinds,
      runtime: join(ROOT, 'lib', 'tooling', 'check', 'schema-runtime'),
    }),
  );
  cpSync(CRD_DIR, join(work, 'crds'), { recursive: true });
  usePrecompiledModule(generated);
  precompiled = SchemaValidator.shared();
  usePrecompiledModule(undefined);
  runtime = SchemaValidator.shared({ crdDirs: [join(work, 'crds')] });
}, 120_000);

afterAll(() => {
  usePrecompiledModule(undefined);
  rmSync(work, { recursive: true, force: true });
});

/** Whether a validator had to create its Ajv compiler (it does not while every kind it met was precompiled). */
const usedAjv = (validator: SchemaValidator) => (validator as unknown as { schemaCompiler?: unknown }).schemaCompiler !== undefined;

test('dist/ and the fixtures: the same problems, and no Ajv needed for the precompiled kinds', () => {
  const { objects } = loadManifests([DIST, FIXTURES]);
  expect(objects.length).toBeGreaterThan(50);
  for (const { object } of objects) expect(precompiled.validate(object)).toEqual(runtime.validate(object));
  expect(usedAjv(precompiled)).toBe(false);
  expect(usedAjv(runtime)).toBe(true);
});

test.each(MUTATIONS.map((m) => [m.title, m] as const))('mutation "%s": the same problems', (_title, mutation) => {
  const objects = goodObjects();
  mutation.mutate(objects);
  for (const object of objects) expect(precompiled.validate(object)).toEqual(runtime.validate(object));
});

test('the mutation cases (of fixtures/good-app.yaml) needed no Ajv either: every kind they use was precompiled', () => {
  expect(FILE.startsWith(FIXTURES)).toBe(true);
  expect(usedAjv(precompiled)).toBe(false);
});

test('a generated module compiled from other definitions is not used', () => {
  const stale = join(work, 'stale.js');
  writeFileSync(stale, readFileSync(generated, 'utf8').replace(/"definitionsSha256":"[0-9a-f]+"/, '"definitionsSha256":"0000"'));
  usePrecompiledModule(stale);
  try {
    expect(loadPrecompiled(SCHEMA_DIR)).toBeUndefined();
    usePrecompiledModule(generated);
    expect(loadPrecompiled(SCHEMA_DIR)?.meta.builtinKinds.length).toBeGreaterThan(100);
  } finally {
    usePrecompiledModule(undefined);
  }
});

test('precompiled CRD validators are not used when the CRD files changed; the CRDs are compiled from YAML instead', () => {
  const stale = join(work, 'stale-crds.js');
  writeFileSync(stale, readFileSync(generated, 'utf8').replace(/"crdSha256":"[0-9a-f]+"/, '"crdSha256":"0000"'));
  usePrecompiledModule(stale);
  const validator = SchemaValidator.shared({ crdDirs: [CRD_DIR, join(work, 'no-such-folder')] });
  usePrecompiledModule(undefined);
  const task = { apiVersion: 'tekton.dev/v1', kind: 'Task', metadata: { name: 't' }, spec: { stepz: [] } };
  expect(validator.validate(task)).toEqual(runtime.validate(task));
  expect(validator.validate(task)).not.toEqual([]);
  expect(usedAjv(validator)).toBe(true);
});
