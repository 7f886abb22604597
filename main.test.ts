import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Testing } from 'cdk8s';
import { buildApp, DIST_DIR } from './main';
import { EXERCISES } from './lib/exercises/catalog';

describe('exercise charts', () => {
  test.each(EXERCISES.map((e) => [e.id, e] as const))('%s matches its snapshot', (_id, exercise) => {
    const app = Testing.app();
    const chart = exercise.build(app, exercise.id);
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('exercise ids are unique and sort in apply order', () => {
    const ids = EXERCISES.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });
});

describe('dist/', () => {
  let fresh: string;
  beforeAll(() => {
    fresh = mkdtempSync(join(tmpdir(), 'k8s-practice-dist-'));
    buildApp(fresh).synth();
  });
  afterAll(() => rmSync(fresh, { recursive: true, force: true }));

  test('has one file per exercise, named after it', () => {
    expect(readdirSync(fresh).sort()).toEqual(EXERCISES.map((e) => `${e.id}.k8s.yaml`));
  });

  test('committed dist/ equals a fresh synth (run `npm run synth` when this fails)', () => {
    expect(readdirSync(DIST_DIR).sort()).toEqual(readdirSync(fresh).sort());
    for (const file of readdirSync(fresh)) {
      expect({ file, yaml: readFileSync(join(DIST_DIR, file), 'utf8') }).toEqual({ file, yaml: readFileSync(join(fresh, file), 'utf8') });
    }
  });

  test('buildApp gives an app with one chart per exercise', () => {
    const app: App = buildApp(fresh);
    expect(app.charts.map((c) => c.node.id)).toEqual(EXERCISES.map((e) => e.id));
  });
});
