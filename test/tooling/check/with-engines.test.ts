/**
 * Tekton's own admission in `validate`'s default path: the Tekton objects of
 * the input go to the Tekton admission engine (tools/engines/tekton/cmd/tekton-admission: Tekton
 * Pipelines v1.15.0 and Triggers v0.37.0, strict decode, defaults, validation on create), native
 * when built, else the WebAssembly build; each refusal is a `tekton-admission` error from the
 * engine `Tekton admission`. `--with-engines` is kept: the same, but an engine that cannot run is
 * an error.
 *
 * The first part runs the real engine, both builds (`npm test` builds them when Go is installed,
 * scripts/test/test.js); a build that is missing skips its tests with a line saying how to build it.
 * The second part is the plumbing, with stand-ins that answer as the engine does (no Go needed).
 *
 * jest's global setup turns the engine off (K8S_PRACTICE_TEKTON=none) for the other suites; the
 * tests here that are about the default remove that setting.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  judgeTektonSync,
  tektonAdmissionBinary,
  tektonAdmissionWasm,
  TEKTON_ENGINE,
  tektonFindings,
  TektonRequest,
} from '../../../lib/tooling/check/tekton-admission';
import { CommandIO } from '../../../lib/tooling/cli/command-io';
import { runValidate, runValidateCommand } from '../../../lib/tooling/cli/validate-command';

/** stderr without the lines about the API-server engine, which these tests turn off (--api-server none). */
const tektonNotes = (errors: readonly string[]) =>
  errors.filter((e) => !e.startsWith('API-server checks not made') && !e.startsWith("Not checked: the API server's"));

const GOOD = join(__dirname, 'fixtures', 'good-app.yaml');

function collect(): CommandIO & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

const ENV = ['K8S_PRACTICE_TEKTON', 'K8S_PRACTICE_TEKTON_ADMISSION', 'K8S_PRACTICE_TEKTON_WASM'] as const;
const saved = Object.fromEntries(ENV.map((key) => [key, process.env[key]]));
// The real builds, found before any test points the environment elsewhere.
const NATIVE = tektonAdmissionBinary();
const WASM = tektonAdmissionWasm();

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'with-engines-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  for (const key of ENV) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

/** The default: no --tekton and no $K8S_PRACTICE_TEKTON; only the builds that `build` names can be found. */
function useDefault(build: 'native' | 'wasm' | 'none'): void {
  delete process.env.K8S_PRACTICE_TEKTON;
  process.env.K8S_PRACTICE_TEKTON_ADMISSION = build === 'native' ? NATIVE : join(dir, 'no-tekton-admission');
  process.env.K8S_PRACTICE_TEKTON_WASM = build === 'wasm' ? WASM : join(dir, 'no-tekton-admission.wasm');
}

/** A file of `text`, named after the test. */
function manifest(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const task = (name: string, step: string) =>
  `apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: ${name}, namespace: ci}\nspec:\n  steps:\n  - ${step}\n`;

/** Tekton objects Tekton refuses (and one it accepts), each with what it says. */
const CASES = [
  // A step with both `script` and `command`: the CRD schema allows it, Tekton's validation does not.
  task('both', '{name: s, image: "busybox:1.36", command: [sh], script: "echo hi"}'),
  // A field Tekton's Go types do not have: the strict decoder refuses it.
  task('unknown', '{name: s, image: "busybox:1.36", script: "echo hi", shell: bash}'),
  // An undeclared param and two steps of the same name: two causes, two findings.
  `apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: params}\nspec:\n  steps:\n  - {name: s, image: "busybox:1.36", script: "echo $(params.nope)"}\n  - {name: s, image: "busybox:1.36", script: "echo"}\n`,
  // Triggers: an EventListener trigger with neither a template nor a triggerRef, and a binding
  // ref without its kind (Triggers v0.37.0 defaults none).
  'apiVersion: triggers.tekton.dev/v1beta1\nkind: EventListener\nmetadata: {name: listener, namespace: ci}\nspec:\n  serviceAccountName: el\n  triggers:\n  - name: t\n    bindings: [{ref: b}]\n',
  // A StepAction (tekton.dev/v1beta1), with the same mistake as the first Task.
  'apiVersion: tekton.dev/v1beta1\nkind: StepAction\nmetadata: {name: action}\nspec: {image: "busybox:1.36", command: [sh], script: "echo hi"}\n',
  task('fine', '{name: s, image: "busybox:1.36", script: "echo hi"}'),
].join('---\n');

const BUILDS = [
  { kind: 'native' as const, path: NATIVE, build: 'npm run engines:build -- tekton-admission' },
  { kind: 'wasm' as const, path: WASM, build: 'npm run engines:build -- tekton-wasm' },
];

for (const build of BUILDS) {
  const built = existsSync(build.path);
  if (!built) {
    test(`the ${build.kind} Tekton admission engine is not built (${build.path}): its tests are skipped; build it with \`${build.build}\` (needs Go)`, () => {
      console.warn(`skipped: the ${build.kind} Tekton admission engine is not built; \`${build.build}\` builds it (needs Go)`);
    });
  }
  (built ? describe : describe.skip)(`Tekton admission by default, ${build.kind} build`, () => {
    test('a step with both script and command is an error finding from the engine Tekton admission, without any flag', () => {
      useDefault(build.kind);
      const file = manifest(`both-${build.kind}.yaml`, task('both', '{name: s, image: "busybox:1.36", command: [sh], script: "echo hi"}'));
      const io = collect();
      expect(runValidate([file, '--api-server', 'none'], io)).toBe(1);
      expect(io.lines).toEqual([
        `${file}: Task/both spec.steps[0].script [tekton-admission] error (Tekton admission): Tekton's admission refuses it: script cannot be used with command: spec.steps[0].script`,
        `Tekton admission: Tekton Pipelines v1.15.0 and Triggers v0.37.0 admission (strict decode, defaults, validation on create), offline, ${build.kind} build: 1 Tekton object judged`,
        '1 error, 0 warnings in 1 object from 1 file',
      ]);
      expect(tektonNotes(io.errors)).toEqual([]);
    });

    test('JSON: the finding names its engine; the summary names the build', async () => {
      useDefault(build.kind);
      const file = manifest(`unknown-${build.kind}.yaml`, task('unknown', '{name: s, image: "busybox:1.36", script: "echo", shell: bash}'));
      const io = collect();
      // The command as the CLI runs it (the engine in a child process while our rules run).
      expect(await runValidateCommand([file, '--api-server', 'none', '--format', 'json'], io)).toBe(1);
      const report = JSON.parse(io.lines.join('\n'));
      expect(report.findings).toContainEqual({
        file,
        kind: 'Task',
        name: 'unknown',
        namespace: 'ci',
        path: '',
        rule: 'tekton-admission',
        severity: 'error',
        engine: TEKTON_ENGINE,
        message: `Tekton's admission cannot decode it: json: unknown field "shell"`,
      });
      expect(report.summary.tektonAdmission).toMatchObject({ build: build.kind, path: build.path, judged: 1, refused: 1, errors: [] });
    });

    test('dist/ passes Tekton admission', () => {
      useDefault(build.kind);
      const io = collect();
      expect(runValidate([join(__dirname, '..', '..', '..', 'dist'), '--api-server', 'none', '--format', 'json'], io)).toBe(0);
      const report = JSON.parse(io.lines.join('\n'));
      expect(report.summary.tektonAdmission).toMatchObject({ build: build.kind, judged: 11, refused: 0 });
    });
  });
}

const both = BUILDS.every((build) => existsSync(build.path));
(both ? test : test.skip)('the native and WebAssembly builds give the same findings', () => {
  const request: TektonRequest = { runs: [{ files: [{ name: 'cases.yaml', text: CASES }] }] };
  const native = judgeTektonSync(request, 'native');
  const wasm = judgeTektonSync(request, 'wasm');
  if ('unavailable' in native || 'unavailable' in wasm) throw new Error(JSON.stringify({ native, wasm }));
  expect(wasm.engine).toBe(native.engine);
  expect(wasm.runs).toEqual(native.runs);
  const findings = tektonFindings(native.runs[0]!);
  expect(findings.map((f) => `${f.kind}/${f.name} ${f.path || '(object)'} [${f.engine}] ${f.message}`)).toEqual([
    "Task/both spec.steps[0].script [Tekton admission] Tekton's admission refuses it: script cannot be used with command: spec.steps[0].script",
    'Task/unknown (object) [Tekton admission] Tekton\'s admission cannot decode it: json: unknown field "shell"',
    "Task/params spec.steps[1].name [Tekton admission] Tekton's admission refuses it: expected exactly one, got both: spec.steps[1].name",
    'Task/params spec.steps[0].script [Tekton admission] Tekton\'s admission refuses it: non-existent variable in "echo $(params.nope)": spec.steps[0].script',
    // Two paths: the finding is on the object, the message names both.
    "EventListener/listener (object) [Tekton admission] Tekton's admission refuses it: expected exactly one, got neither: spec.triggers[0].template, spec.triggers[0].triggerRef",
    "EventListener/listener spec.triggers[0].bindings[0].kind [Tekton admission] Tekton's admission refuses it: invalid value: invalid kind: spec.triggers[0].bindings[0].kind",
    "StepAction/action spec.script [Tekton admission] Tekton's admission refuses it: script cannot be used with command: spec.script",
  ]);
  expect(native.runs[0]!.results.map((r) => `${r.kind}/${r.name} ${r.verdict}`)).toEqual([
    'Task/both refused',
    'Task/unknown refused',
    'Task/params refused',
    'EventListener/listener refused',
    'StepAction/action refused',
    'Task/fine accepted',
  ]);
});

describe('when no Tekton engine can run', () => {
  test('by default: our rules run, and stderr says plainly which checks were not made', () => {
    useDefault('none');
    const io = collect();
    expect(runValidate([GOOD, '--api-server', 'none'], io)).toBe(0);
    expect(tektonNotes(io.errors)).toEqual([
      `Tekton admission checks not made: no Tekton admission engine at ${join(dir, 'no-tekton-admission')} or ${join(dir, 'no-tekton-admission.wasm')}: build it with \`npm run engines:build -- tekton-admission\` (native) or \`npm run engines:build -- tekton-wasm\` (needs Go).`,
      expect.stringMatching(
        /^Not checked: Tekton's strict decoding of Tasks, Pipelines, .*; Tekton's defaults and validation on create \(.*\)\.$/,
      ),
    ]);
    expect(io.lines).toEqual([expect.stringMatching(/^0 errors, 0 warnings in 15 objects/)]);
  });

  test('JSON: the summary says why and what is not checked', () => {
    useDefault('none');
    const io = collect();
    runValidate([GOOD, '--api-server', 'none', '--format', 'json'], io);
    const { summary } = JSON.parse(io.lines.join('\n'));
    expect(summary.tektonAdmission.unavailable).toMatch(/^no Tekton admission engine at /);
    expect(summary.tektonAdmission.notChecked).toHaveLength(2);
  });

  test('--with-engines, or a build named with --tekton, makes it an error (exit 2)', () => {
    useDefault('none');
    for (const flags of [['--with-engines'], ['--tekton', 'native'], ['--tekton', 'wasm']]) {
      const io = collect();
      expect(runValidate([GOOD, '--api-server', 'none', ...flags], io)).toBe(2);
      expect(tektonNotes(io.errors)).toEqual([expect.stringMatching(/^validate: no Tekton admission engine at .*: build it with /)]);
    }
  });

  test('an input without Tekton objects needs no Tekton engine: nothing is said', () => {
    useDefault('none');
    const file = manifest('configmap.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\ndata: {a: b}\n');
    const io = collect();
    expect(runValidate([file, '--api-server', 'none', '--format', 'json'], io)).toBe(0);
    expect(tektonNotes(io.errors)).toEqual([]);
    expect(JSON.parse(io.lines.join('\n')).summary.tektonAdmission).toEqual({ off: 'no Tekton objects in the input' });
  });
});

describe('the plumbing, with a stand-in engine', () => {
  /** A stand-in for tekton-admission that reads the request, answers `runs` and exits with `status`. */
  function standIn(results: object[], status: number): string {
    const file = join(dir, `admission-${status}-${results.length}`);
    const answer = JSON.stringify({ engine: 'stand-in', runs: [{ results }], timings: { judgeMs: 1, objects: results.length } });
    writeFileSync(file, `#!/bin/sh\ncat >/dev/null\ncat <<'EOF'\n${answer}\nEOF\nexit ${status}\n`);
    chmodSync(file, 0o755);
    return file;
  }
  const result = (name: string, kind: string, refused?: { message: string; paths: string[] }) => ({
    file: GOOD,
    document: 13,
    apiVersion: 'tekton.dev/v1',
    kind,
    namespace: 'ci',
    name,
    engine: TEKTON_ENGINE,
    verdict: refused ? 'refused' : 'accepted',
    ...(refused ? { stage: 'validation', message: `${refused.message}: ${refused.paths.join(', ')}`, causes: [refused] } : {}),
  });

  test('each cause of a refusal becomes an error finding at its field, and the exit code says so', () => {
    process.env.K8S_PRACTICE_TEKTON = 'none'; // --with-engines overrides the environment
    process.env.K8S_PRACTICE_TEKTON_ADMISSION = standIn(
      [
        result('hello', 'Task', { message: 'non-existent variable in "echo $(params.x)"', paths: ['spec.steps[0].script'] }),
        result('hello-run', 'TaskRun'),
      ],
      1,
    );
    const io = collect();
    expect(runValidate([GOOD, '--api-server', 'none', '--with-engines'], io)).toBe(1);
    expect(io.lines).toContain(
      `${GOOD}: Task/hello spec.steps[0].script [tekton-admission] error (Tekton admission): Tekton's admission refuses it: non-existent variable in "echo $(params.x)": spec.steps[0].script`,
    );
    expect(io.lines.at(-2)).toBe('Tekton admission: stand-in, native build: 2 Tekton objects judged');
    expect(io.lines.at(-1)).toMatch(/^1 error, 0 warnings/);
  });

  test('an engine that fails is said, and with --with-engines is an error', () => {
    const failing = join(dir, 'failing');
    writeFileSync(failing, '#!/bin/sh\necho "something broke" >&2\nexit 3\n');
    chmodSync(failing, 0o755);
    delete process.env.K8S_PRACTICE_TEKTON;
    process.env.K8S_PRACTICE_TEKTON_ADMISSION = failing;
    const io = collect();
    expect(runValidate([GOOD, '--api-server', 'none'], io)).toBe(0);
    expect(tektonNotes(io.errors)[0]).toBe(
      `Tekton admission checks not made: the native Tekton admission engine (${failing}) failed (exit 3): something broke.`,
    );
    const strict = collect();
    expect(runValidate([GOOD, '--api-server', 'none', '--with-engines'], strict)).toBe(2);
    expect(strict.errors).toEqual([`validate: the native Tekton admission engine (${failing}) failed (exit 3): something broke`]);
  });

  test('--with-engines and --tekton none contradict each other: a usage error', () => {
    expect(() => runValidate([GOOD, '--with-engines', '--tekton', 'none'], collect())).toThrow(/--with-engines asks for Tekton admission/);
  });
});
