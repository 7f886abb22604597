/**
 * `k8s-practice validate` with the API-server engine: what it prints when the engine judged
 * (which engine, per finding; our finding of the same problem merged into the engine's), and
 * when no engine can run (said plainly, with what is not checked). The engine's own verdicts
 * are tested in test/tooling/check/api-server-engine.test.ts.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nativeEnginePath } from '../../../lib/tooling/check/api-server-engine';
import { CommandIO } from '../../../lib/tooling/cli/command-io';
import { runValidate } from '../../../lib/tooling/cli/validate-command';

function collect(): CommandIO & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

let dir = '';
let file = '';
let previous = '';
const saved = { ...process.env };
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'validate-api-server-'));
  file = join(dir, 'app.yaml');
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: web, namespace: default}',
      'spec:',
      '  containers:',
      '  - name: web',
      '    image: nginx:1.27',
      '    ports: [{containerPort: 70000}]',
      '    readinessProbe: {periodSeconds: 5}',
      '    envFrom: [{configMapRef: {name: missing}}]',
      '---',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: typo, namespace: default}',
      'spec:',
      '  replicas: "2"',
      '  selector: {matchLabels: {app: typo}}',
      '  template:',
      '    metadata: {labels: {app: typo}}',
      '    spec: {containers: [{name: app, image: nginx:1.27}]}',
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: settings, namespace: default}',
      'data: {mode: new}',
      '---',
      'apiVersion: v1',
      'kind: Secret',
      'metadata: {name: frozen, namespace: default}',
      'immutable: true',
      'data: {token: Yg==}',
    ].join('\n'),
  );
  previous = join(dir, 'previous.yaml');
  writeFileSync(
    previous,
    'apiVersion: v1\nkind: Secret\nmetadata: {name: frozen, namespace: default}\nimmutable: true\ndata: {token: YQ==}\n',
  );
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  for (const key of ['K8S_PRACTICE_VALIDATION_ENGINE', 'K8S_PRACTICE_VALIDATION_WASM']) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

const MISSING =
  'ConfigMap "missing" is not in the output; add it, or declare it created out of band with annotation k8s-practice.dev/external-refs: "ConfigMap/missing"';
const NOT_CHECKED =
  /^Not checked: the API server's own validation of built-in objects, which our rules leave to it: names, .*; PodSecurity admission on Pods and the Pods controllers create \(our psa-\* rules check Tekton steps only\); .*immutable fields on update \(--previous\)\.$/;

describe('without an engine', () => {
  beforeEach(() => {
    process.env.K8S_PRACTICE_VALIDATION_ENGINE = join(dir, 'no-native-engine');
    process.env.K8S_PRACTICE_VALIDATION_WASM = join(dir, 'no-engine.wasm');
  });

  test('auto: our rules run, and stderr says plainly which checks were not made', () => {
    const io = collect();
    expect(runValidate([file, '--api-server', 'auto'], io)).toBe(1);
    expect(io.errors[0]).toBe(
      `API-server checks not made: no validation engine at ${join(dir, 'no-native-engine')} or ${join(dir, 'no-engine.wasm')}: build it with \`npm run engines:build -- validation\` (native) or \`npm run engines:build -- validation-wasm\` (needs Go).`,
    );
    expect(io.errors[1]).toMatch(NOT_CHECKED);
    // our rules only: the missing ConfigMap and the string replicas; not the port, the probe or anything else the API server checks
    expect(io.lines).toEqual([
      `${file}: Deployment/typo spec.replicas [schema-type] error (k8s-practice rule): invalid value "2"; expected an integer`,
      `${file}: Pod/web spec.containers[0].envFrom[0].configMapRef.name [missing-reference] error (k8s-practice rule): ${MISSING}`,
      '2 errors, 0 warnings in 4 objects from 1 file',
    ]);
  });

  test('auto, JSON: the summary says why and what is not checked', () => {
    const io = collect();
    runValidate([file, '--api-server', 'auto', '--format', 'json'], io);
    const report = JSON.parse(io.lines.join('\n'));
    expect(report.summary.apiServer.unavailable).toMatch(/^no validation engine at /);
    expect(report.summary.apiServer.notChecked).toContain('immutable fields on update (--previous)');
    expect(report.findings.every((f: { engine: string }) => f.engine === 'k8s-practice rule')).toBe(true);
  });

  test('a build asked for by name that is missing is an error (exit 2), not a silent run without it', () => {
    const io = collect();
    expect(runValidate([file, '--api-server', 'native'], io)).toBe(2);
    expect(io.errors).toEqual([
      `validate: no validation engine at ${join(dir, 'no-native-engine')}: build it with \`npm run engines:build -- validation\` (native) or \`npm run engines:build -- validation-wasm\` (needs Go)`,
    ]);
  });
});

describe('turned off', () => {
  test('--api-server none: stderr says so, and which checks are not made', () => {
    const io = collect();
    expect(runValidate([file, '--api-server', 'none'], io)).toBe(1);
    expect(io.errors[0]).toBe('API-server checks not made: turned off with --api-server none (or $K8S_PRACTICE_API_SERVER=none).');
    expect(io.errors[1]).toMatch(NOT_CHECKED);
    expect(io.errors).toHaveLength(2);
  });

  test('--kubernetes-version 1.37: the same, with the reason', () => {
    const io = collect();
    runValidate([file, '--api-server', 'auto', '--kubernetes-version', '1.37', '--format', 'json'], io);
    expect(io.errors[0]).toBe(
      'API-server checks not made: the API-server checks are those of Kubernetes 1.28.15; not made for --kubernetes-version 1.37.',
    );
    expect(io.errors[1]).toMatch(NOT_CHECKED);
    expect(JSON.parse(io.lines.join('\n')).summary.apiServer).toEqual({
      off: 'the API-server checks are those of Kubernetes 1.28.15; not made for --kubernetes-version 1.37',
      notChecked: expect.arrayContaining(['ServiceAccount and Priority admission']),
    });
  });
});

const native = existsSync(nativeEnginePath());
(native ? describe : describe.skip)('with the native engine', () => {
  const engine = 'kube-apiserver 1.28.15 validation';

  test('each finding says who judged; our finding of the same problem is merged into the engine\u2019s', () => {
    const io = collect();
    expect(runValidate([file, '--api-server', 'native'], io)).toBe(1);
    expect(io.errors).toEqual([]);
    expect(io.lines).toEqual([
      `${file}: Deployment/typo (object) [api-server] error (${engine}): Error from server (BadRequest): error when creating "${file}": Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32 (also found by k8s-practice rule schema-type)`,
      `${file}: Pod/web spec.containers[0].envFrom[0].configMapRef.name [missing-reference] error (k8s-practice rule): ${MISSING}`,
      `${file}: Pod/web spec.containers[0].ports[0].containerPort [api-server] error (${engine}): The Pod "web" is invalid: spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive`,
      `${file}: Pod/web spec.containers[0].readinessProbe [api-server] error (${engine}): The Pod "web" is invalid: spec.containers[0].readinessProbe: Required value: must specify a handler type`,
      'API-server checks: kube-apiserver 1.28.15 (k8s.io/kubernetes v1.28.15), offline, native build: 4 objects judged',
      '4 errors, 0 warnings in 4 objects from 1 file',
    ]);
  });

  test('JSON: every finding names its engine', () => {
    const io = collect();
    runValidate([file, '--api-server', 'native', '--format', 'json'], io);
    const report = JSON.parse(io.lines.join('\n'));
    expect(report.findings.map((f: { rule: string; engine: string }) => `${f.rule} ${f.engine}`)).toEqual([
      `api-server ${engine}`,
      'missing-reference k8s-practice rule',
      `api-server ${engine}`,
      `api-server ${engine}`,
    ]);
    expect(report.summary.apiServer).toMatchObject({ build: 'native', judged: 4, ourFindingsAlsoFoundByTheEngine: 1 });
  });

  test('--previous: an object that exists is judged as kubectl apply updates it', () => {
    const io = collect();
    runValidate([file, '--api-server', 'native', '--previous', previous], io);
    expect(io.lines).toContain(
      `${file}: Secret/frozen data [api-server] error (kube-apiserver 1.28.15 validation): The Secret "frozen" is invalid: data: Forbidden: field is immutable when \`immutable\` is set`,
    );
  });

  test('--disable takes the engine\u2019s codes; our finding it would have merged is then shown', () => {
    const io = collect();
    expect(runValidate([file, '--api-server', 'native', '--disable', 'api-server', '--disable', 'missing-reference'], io)).toBe(1);
    expect(io.lines).toEqual([
      `${file}: Deployment/typo spec.replicas [schema-type] error (k8s-practice rule): invalid value "2"; expected an integer`,
      'API-server checks: kube-apiserver 1.28.15 (k8s.io/kubernetes v1.28.15), offline, native build: 4 objects judged',
      '1 error, 0 warnings in 4 objects from 1 file; disabled: code missing-reference, code api-server (4 findings not shown)',
    ]);
  });
});
