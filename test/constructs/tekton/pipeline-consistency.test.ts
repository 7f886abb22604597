/**
 * The Tekton objects fit together: what a TriggerTemplate passes exists on
 * the Pipeline or Task, what a Pipeline passes exists on its Tasks, required
 * params are supplied, workspaces are bound, references in steps are declared;
 * the objects pass the CRD schemas and @ibm/tekton-lint.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { KubeObject, only } from '../../support/helpers';
import { buildCiWiring } from './ci-chart';
import { validateTektonObject } from './crd-schema';

const { objects } = buildCiWiring();
const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);
const names = (list: { name: string }[] | undefined) => (list ?? []).map((x) => x.name);
const required = (params: any[] | undefined) => (params ?? []).filter((p) => p.default === undefined).map((p) => p.name);

/** Every `$(prefix.name...)` reference inside any string of `node`. */
function references(node: unknown, prefix: string): string[] {
  const found: string[] = [];
  const visit = (n: unknown) => {
    if (typeof n === 'string') {
      for (const m of n.matchAll(new RegExp(`\\$\\(${prefix.replace('.', '\\.')}\\.([A-Za-z0-9_-]+)`, 'g'))) found.push(m[1]);
    } else if (Array.isArray(n)) n.forEach(visit);
    else if (n !== null && typeof n === 'object') Object.values(n).forEach(visit);
  };
  visit(node);
  return [...new Set(found)];
}

/** Checks a run (PipelineRun or TaskRun spec) against what it references; returns problems. */
function runProblems(run: any, target: KubeObject): string[] {
  const problems: string[] = [];
  const passed = names(run.spec.params);
  for (const p of passed) if (!names(target.spec.params).includes(p)) problems.push(`passes unknown param ${p}`);
  for (const p of required(target.spec.params)) if (!passed.includes(p)) problems.push(`does not supply required param ${p}`);
  const bound = names(run.spec.workspaces);
  for (const w of target.spec.workspaces ?? [])
    if (!w.optional && !bound.includes(w.name)) problems.push(`leaves workspace ${w.name} unbound`);
  for (const w of bound) if (!names(target.spec.workspaces).includes(w)) problems.push(`binds unknown workspace ${w}`);
  return problems;
}

describe('TriggerTemplates -> Pipeline / Task', () => {
  const templates = ofKind('TriggerTemplate');

  test('there are the two templates, one per trigger', () => {
    expect(templates.map((t) => t.metadata.name).sort()).toEqual(['gogs-push-template', 'registry-push-template']);
  });

  test.each(templates.map((t) => [t.metadata.name, t] as const))(
    '%s: every run it creates fits its Pipeline or Task',
    (_name, template) => {
      for (const run of template.spec.resourcetemplates) {
        const target =
          run.kind === 'PipelineRun' ? only(objects, 'Pipeline', run.spec.pipelineRef.name) : only(objects, 'Task', run.spec.taskRef.name);
        expect(runProblems(run, target)).toEqual([]);
      }
    },
  );

  test.each(templates.map((t) => [t.metadata.name, t] as const))('%s: uses every param it declares and only those', (_name, template) => {
    expect(references(template.spec.resourcetemplates, 'tt.params').sort()).toEqual(names(template.spec.params).sort());
  });

  test('each EventListener trigger: its binding supplies every template param and nothing else', () => {
    for (const el of ofKind('EventListener')) {
      for (const trigger of el.spec.triggers) {
        const template = only(objects, 'TriggerTemplate', trigger.template.ref);
        const bound = trigger.bindings.flatMap((b: any) => names(only(objects, 'TriggerBinding', b.ref).spec.params));
        expect(bound.sort()).toEqual(names(template.spec.params).sort());
      }
    }
  });

  test('the checker itself catches a missing param, an unknown param and an unbound workspace', () => {
    const pipeline = only(objects, 'Pipeline', 'build-and-push');
    const broken = {
      spec: {
        params: [
          { name: 'git-url', value: 'x' },
          { name: 'colour', value: 'red' },
        ],
        workspaces: [],
      },
    };
    expect(runProblems(broken, pipeline)).toEqual([
      'passes unknown param colour',
      'does not supply required param image',
      'leaves workspace source unbound',
    ]);
  });
});

describe('Pipeline -> Tasks', () => {
  const pipeline = only(objects, 'Pipeline', 'build-and-push');

  const pipelineTasks: [string, any][] = pipeline.spec.tasks.map((t: any) => [t.name, t]);

  test.each(pipelineTasks)('pipeline task %s fits its Task', (_name, pt) => {
    const task = only(objects, 'Task', pt.taskRef.name);
    const passed = names(pt.params);
    expect(passed.filter((p) => !names(task.spec.params).includes(p))).toEqual([]);
    expect(required(task.spec.params).filter((p) => !passed.includes(p))).toEqual([]);
    const bound = (pt.workspaces ?? []).map((w: any) => w.name);
    expect((task.spec.workspaces ?? []).filter((w: any) => !w.optional && !bound.includes(w.name))).toEqual([]);
    for (const w of pt.workspaces ?? []) expect(names(pipeline.spec.workspaces)).toContain(w.workspace);
    for (const after of pt.runAfter ?? []) expect(names(pipeline.spec.tasks)).toContain(after);
  });

  test('array params get arrays, string params get strings', () => {
    for (const pt of pipeline.spec.tasks) {
      const task = only(objects, 'Task', pt.taskRef.name);
      for (const p of pt.params) {
        const spec = task.spec.params.find((s: any) => s.name === p.name);
        expect({ param: p.name, array: Array.isArray(p.value) }).toEqual({ param: p.name, array: spec.type === 'array' });
      }
    }
  });

  test('pipeline params are all used, and the tasks reference only declared ones', () => {
    expect(references(pipeline.spec.tasks, 'params').sort()).toEqual(names(pipeline.spec.params).sort());
  });

  test('pipeline results read results the tasks declare', () => {
    for (const result of pipeline.spec.results) {
      const [, taskName, resultName] = /^\$\(tasks\.([a-z0-9-]+)\.results\.([A-Za-z0-9_-]+)\)$/.exec(result.value) ?? [];
      const pt = pipeline.spec.tasks.find((t: any) => t.name === taskName);
      expect(names(only(objects, 'Task', pt.taskRef.name).spec.results)).toContain(resultName);
    }
  });

  test('the build task pushes over plain HTTP to the in-cluster registry', () => {
    const build = pipeline.spec.tasks.find((t: any) => t.name === 'build-and-push');
    expect(build.params.find((p: any) => p.name === 'EXTRA_ARGS').value).toEqual(['--insecure', '--insecure-pull', '--skip-tls-verify']);
    expect(build.runAfter).toEqual(['fetch-source']);
  });
});

describe('Tasks reference only what they declare', () => {
  test.each(ofKind('Task').map((t) => [t.metadata.name, t] as const))('%s', (_name, task) => {
    const steps = task.spec.steps;
    expect(references(steps, 'params').filter((p) => !names(task.spec.params).includes(p))).toEqual([]);
    expect(references(steps, 'results').filter((r) => !names(task.spec.results).includes(r))).toEqual([]);
    expect(references(steps, 'workspaces').filter((w) => !names(task.spec.workspaces).includes(w))).toEqual([]);
    // every declared param and result is used by some step
    expect(names(task.spec.params).filter((p) => !references(steps, 'params').includes(p))).toEqual([]);
    expect(names(task.spec.results).filter((r) => !references(steps, 'results').includes(r))).toEqual([]);
    const volumes = names(task.spec.volumes);
    for (const step of steps) for (const m of step.volumeMounts ?? []) expect(volumes).toContain(m.name);
  });
});

describe('CRD schemas (tekton.dev/v1, strict)', () => {
  test.each(['Task', 'Pipeline'].flatMap((kind) => ofKind(kind)).map((o) => [`${o.kind} ${o.metadata.name}`, o] as const))(
    '%s passes',
    (_name, object) => {
      expect(validateTektonObject(object)).toEqual([]);
    },
  );

  test('the run templates pass before substitution too', () => {
    for (const template of ofKind('TriggerTemplate')) {
      for (const run of template.spec.resourcetemplates) expect(validateTektonObject(run)).toEqual([]);
    }
  });

  test('the validator reports a misspelled field and a wrong type (so the tests above can fail)', () => {
    const task = only(objects, 'Task', 'git-clone');
    const misspelled = { ...task, spec: { ...task.spec, step: task.spec.steps } };
    expect(validateTektonObject(misspelled).join('\n')).toMatch(/must NOT have additional properties \(step\)/);
    const wrongType = { ...task, spec: { ...task.spec, params: [{ name: 'url', type: 'string', description: 3 }] } };
    expect(validateTektonObject(wrongType).join('\n')).toMatch(/description must be string/);
  });
});

describe('@ibm/tekton-lint', () => {
  /**
   * The lint config keeps every rule at its default level except
   * `prefer-kebab-case`: the catalog's kaniko interface this library keeps
   * (IMAGE, CONTEXT, DOCKERFILE, EXTRA_ARGS) is upper case by definition,
   * and that rule only looks at the param names a Pipeline passes.
   */
  const LINT_CONFIG = 'rules:\n  prefer-kebab-case: off\n';
  const lintable = new Set(['Task', 'Pipeline', 'TriggerBinding', 'TriggerTemplate', 'EventListener']);
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tekton-lint-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function lint(docs: object[]): { status: number | null; problems: any[]; output: string } {
    writeFileSync(join(dir, 'tekton.yaml'), docs.map((d) => stringify(d)).join('---\n'));
    writeFileSync(join(dir, '.tektonlintrc.yaml'), LINT_CONFIG);
    const result = spawnSync(
      join(__dirname, '..', '..', '..', 'node_modules', '.bin', 'tekton-lint'),
      ['--format', 'json', '--max-warnings', '0', '--color', 'false', '--config', dir, join(dir, 'tekton.yaml')],
      // tekton-lint always exits 0 when NODE_ENV is "test", which jest sets: run it without.
      { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NODE_ENV: 'production', HOME: dir } },
    );
    const jsonStart = result.stdout.indexOf('[');
    const problems = jsonStart >= 0 ? JSON.parse(result.stdout.slice(jsonStart)) : [];
    return { status: result.status, problems, output: result.stdout + result.stderr };
  }

  test('reports nothing for the synthesized Tekton objects, with --max-warnings 0', () => {
    const result = lint(objects.filter((o) => lintable.has(o.kind)));
    expect(result.problems).toEqual([]);
    expect(result.status).toBe(0);
  }, 60_000);

  test('does report a broken pipeline (the lint really runs)', () => {
    const docs = objects.filter((o) => lintable.has(o.kind)).map((o) => JSON.parse(JSON.stringify(o)));
    const pipeline = docs.find((d) => d.kind === 'Pipeline');
    pipeline.spec.tasks[0].params.push({ name: 'colour', value: 'red' });
    const result = lint(docs);
    expect(result.status).not.toBe(0);
    expect(result.problems.map((p: any) => p.rule)).toContain('no-extra-param');
  }, 60_000);
});
