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

describe('without an engine', () => {
  beforeEach(() => {
    process.env.K8S_PRACTICE_VALIDATION_ENGINE = join(dir, 'no-native-engine');
    process.env.K8S_PRACTICE_VALIDATION_WASM = join(dir, 'no-engine.wasm');
  });

  test('auto: our rules run, and stderr says plainly which checks were not made', () => {
    const io = collect();
    expect(runValidate([file, '--api-server', 'auto'], io)).toBe(1); // containerPort 70000: our port-range rule
    expect(io.errors[0]).toBe(
      `API-server checks not made: no validation engine at ${join(dir, 'no-native-engine')} or ${join(dir, 'no-engine.wasm')}: build it with \`npm run engines:build -- validation\` (native) or \`npm run engines:build -- validation-wasm\` (needs Go).`,
    );
    expect(io.errors[1]).toMatch(
      /^Not checked: the API server's own validation of every built-in field .*immutable fields on update \(--previous\)\.$/,
    );
    expect(io.lines.some((l) => l.includes('[api-server]'))).toBe(false);
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

const native = existsSync(nativeEnginePath());
(native ? describe : describe.skip)('with the native engine', () => {
  test('each finding says who judged; our finding of the same field is merged into the engine\u2019s', () => {
    const io = collect();
    expect(runValidate([file, '--api-server', 'native'], io)).toBe(1);
    const engine = 'kube-apiserver 1.28.15 validation';
    expect(io.lines).toContain(
      `${file}: Pod/web spec.containers[0].ports[0].containerPort [api-server] error (${engine}): The Pod "web" is invalid: spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive (also found by k8s-practice rule port-range)`,
    );
    expect(io.lines).toContain(
      `${file}: Pod/web spec.containers[0].readinessProbe [api-server] error (${engine}): The Pod "web" is invalid: spec.containers[0].readinessProbe: Required value: must specify a handler type`,
    );
    expect(io.lines.some((l) => l.includes('[port-range]'))).toBe(false);
    expect(io.lines.at(-2)).toBe(
      'API-server checks: kube-apiserver 1.28.15 (k8s.io/kubernetes v1.28.15), offline, native build: 3 objects judged',
    );
    expect(io.lines.at(-1)).toBe('2 errors, 0 warnings in 3 objects from 1 file');
  });

  test('JSON: every finding names its engine', () => {
    const io = collect();
    runValidate([file, '--api-server', 'native', '--format', 'json'], io);
    const report = JSON.parse(io.lines.join('\n'));
    expect(report.findings.map((f: { rule: string; engine: string }) => `${f.rule} ${f.engine}`)).toEqual([
      'api-server kube-apiserver 1.28.15 validation',
      'api-server kube-apiserver 1.28.15 validation',
    ]);
    expect(report.summary.apiServer).toMatchObject({ build: 'native', judged: 3, ourFindingsAlsoFoundByTheEngine: 1 });
  });

  test('--previous: an object that exists is judged as kubectl apply updates it', () => {
    const io = collect();
    runValidate([file, '--api-server', 'native', '--previous', previous], io);
    expect(io.lines).toContain(
      `${file}: Secret/frozen data [api-server] error (kube-apiserver 1.28.15 validation): The Secret "frozen" is invalid: data: Forbidden: field is immutable when \`immutable\` is set`,
    );
  });

  test('--disable takes the engine\u2019s codes, and --kubernetes-version 1.37 turns it off with the reason', () => {
    const io = collect();
    expect(runValidate([file, '--api-server', 'native', '--disable', 'api-server', '--disable', 'port-range'], io)).toBe(0);
    expect(io.lines.at(-1)).toBe(
      '0 errors, 0 warnings in 3 objects from 1 file; disabled: code port-range, code api-server (3 findings not shown)',
    );
    const newer = collect();
    runValidate([file, '--api-server', 'native', '--kubernetes-version', '1.37', '--format', 'json'], newer);
    expect(JSON.parse(newer.lines.join('\n')).summary.apiServer).toEqual({
      off: 'the API-server checks are those of Kubernetes 1.28.15; not made for --kubernetes-version 1.37',
    });
  });
});
