/**
 * The command line, run the way users run it: `npx tsx bin/k8s-practice.ts ...`
 * in a child process.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { COMMANDS, main } from '../../../bin/k8s-practice';
import { CommandIO } from '../../../lib/tooling/cli/command-io';
import { KUBECTL_FIXTURES } from '../../fixture-paths';

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURES = join('test', 'tooling', 'check', 'fixtures');

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync('npx', ['tsx', 'bin/k8s-practice.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function collect(): CommandIO & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

jest.setTimeout(120_000);

describe('k8s-practice (child process)', () => {
  test('validate dist exits 0 and prints only the summary', () => {
    const run = cli('validate', 'dist');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^0 errors, 0 warnings in \d+ objects from \d+ files\n$/);
  });

  test('validate on a broken file exits 1 with one line per finding and a summary', () => {
    const file = join(FIXTURES, 'broken-pod.yaml');
    const run = cli('validate', file);
    expect(run.status).toBe(1);
    expect(run.stdout.trimEnd().split('\n')).toEqual([
      `${file}: Pod/broken spec.containers[0].imagePullPolicyy [schema-unknown-field] error: unknown field "imagePullPolicyy"; did you mean "imagePullPolicy"?`,
      `${file}: Pod/broken spec.containers[0].ports[0].containerPort [port-range] error: invalid containerPort 70000; expected an integer from 1 to 65535`,
      '2 errors, 0 warnings in 1 object from 1 file',
    ]);
  });

  test('validate --format json gives the findings to tools', () => {
    const run = cli('validate', '--format', 'json', join(FIXTURES, 'broken-pod.yaml'));
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.summary).toMatchObject({ errors: 2, warnings: 0, objects: 1, files: 1 });
    expect(report.findings[1]).toEqual({
      file: join(FIXTURES, 'broken-pod.yaml'), kind: 'Pod', name: 'broken', namespace: '',
      path: 'spec.containers[0].ports[0].containerPort', rule: 'port-range', severity: 'error',
      message: 'invalid containerPort 70000; expected an integer from 1 to 65535',
    });
  });

  test('compare exits 0 for equal files and 1 for different ones', () => {
    const original = join(KUBECTL_FIXTURES, 'deployment-port80-replicas3.yaml');
    const equal = cli('compare', original, join(FIXTURES, 'reformatted', 'deployment-port80-replicas3.json'));
    expect(equal.status).toBe(0);
    expect(equal.stdout).toContain('= apps/v1 Deployment nginx: equal');
    const different = cli('compare', original, join(FIXTURES, 'k8syaml', 'deployment-nginx.reconstructed.yaml'));
    expect(different.status).toBe(1);
    expect(different.stdout).toContain('    changed    spec.replicas: 3 -> 1');
  });
});

describe('k8s-practice (in process)', () => {
  test('lists its commands; unknown commands and bad options exit 2', async () => {
    expect(Object.keys(COMMANDS)).toEqual(['validate', 'compare', 'graph', 'explain', 'simulate']);
    const io = collect();
    expect(await main(['help'], io)).toBe(0);
    expect(io.lines.join('\n')).toContain('validate');
    const unknown = collect();
    expect(await main(['lint'], unknown)).toBe(2);
    expect(unknown.errors[0]).toBe('unknown command "lint"');
    const badOption = collect();
    expect(await main(['validate', '--format', 'xml'], badOption)).toBe(2);
    expect(badOption.errors[0]).toBe('k8s-practice validate: invalid --format "xml"; expected one of text, json');
    const oneFile = collect();
    expect(await main(['compare', 'a.yaml'], oneFile)).toBe(2);
  });

  test('validate of a folder without YAML fails instead of passing vacuously', async () => {
    const io = collect();
    expect(await main(['validate', join(ROOT, 'bin')], io)).toBe(1);
    expect(io.errors).toContain(`no YAML files found in ${join(ROOT, 'bin')}`);
  });
});
