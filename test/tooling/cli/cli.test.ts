/**
 * The command line, run the way users run it from the sources (`npx tsx bin/k8s-practice.ts ...`)
 * in a child process: `node --import tsx`, the same node process that `npx tsx` ends in, without
 * the two processes (npm's and tsx's launcher) it starts on the way.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, main } from '../../../bin/k8s-practice';
import { RULES } from '../../../lib/tooling/check/rule-registry';
import { CommandIO } from '../../../lib/tooling/cli/command-io';
import { runValidate } from '../../../lib/tooling/cli/validate-command';
import { MAX_FILE_BYTES } from '../../../lib/tooling/check/manifest';
import { KUBECTL_FIXTURES } from '../../support/fixture-paths';

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURES = join('test', 'tooling', 'check', 'fixtures');

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return cliWithInput(undefined, ...args);
}

function cliWithInput(input: string | undefined, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'bin/k8s-practice.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    input,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function collect(): CommandIO & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

jest.setTimeout(120_000);

/**
 * What `validate` prints on stderr with the API-server engine off (the test runs turn it off:
 * test/support/global-setup.js; test/tooling/cli/validate-api-server.test.ts runs it).
 */
const ENGINE_OFF =
  /^API-server checks not made: turned off with --api-server none \(or \$K8S_PRACTICE_API_SERVER=none\)\.\nNot checked: the API server's own validation of built-in objects, .*immutable fields on update \(--previous\)\.\n$/;
const MISSING_SETTINGS =
  'ConfigMap "settings" is not in the output; add it, or declare it created out of band with annotation k8s-practice.dev/external-refs: "ConfigMap/settings"';

describe('k8s-practice (child process)', () => {
  test('validate dist exits 0 and prints only the summary (and, with the engine off, which checks it did not make)', () => {
    const run = cli('validate', 'dist');
    expect(run.stderr).toMatch(ENGINE_OFF);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^0 errors, 0 warnings in \d+ objects from \d+ files\n$/);
  });

  test('validate on a broken file exits 1 with one line per finding and a summary', () => {
    const file = join(FIXTURES, 'broken-pod.yaml');
    const run = cli('validate', file);
    expect(run.status).toBe(1);
    expect(run.stdout.trimEnd().split('\n')).toEqual([
      `${file}: Pod/broken spec.containers[0].envFrom[0].configMapRef.name [missing-reference] error (k8s-practice rule): ${MISSING_SETTINGS}`,
      `${file}: Pod/broken spec.containers[0].imagePullPolicyy [schema-unknown-field] error (k8s-practice rule): unknown field "imagePullPolicyy"; did you mean "imagePullPolicy"?`,
      '2 errors, 0 warnings in 1 object from 1 file',
    ]);
  });

  test('validate --format json gives the findings to tools', () => {
    const run = cli('validate', '--format', 'json', join(FIXTURES, 'broken-pod.yaml'));
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.summary).toMatchObject({ errors: 2, warnings: 0, objects: 1, files: 1 });
    expect(report.findings[0]).toEqual({
      file: join(FIXTURES, 'broken-pod.yaml'),
      kind: 'Pod',
      name: 'broken',
      namespace: '',
      path: 'spec.containers[0].envFrom[0].configMapRef.name',
      rule: 'missing-reference',
      severity: 'error',
      message: MISSING_SETTINGS,
      engine: 'k8s-practice rule',
    });
    expect(report.summary.apiServer).toEqual({
      off: 'turned off with --api-server none (or $K8S_PRACTICE_API_SERVER=none)',
      notChecked: expect.arrayContaining(['immutable fields on update (--previous)']),
    });
  });

  test('validate exits 0 when the only errors are disabled, and says what it did not show', () => {
    const file = join(FIXTURES, 'broken-pod.yaml');
    const run = cli('validate', '--disable', 'missing-reference', '--disable=schema-unknown-field', file);
    expect(run.stderr).toMatch(ENGINE_OFF);
    expect(run.stdout).toBe(
      '0 errors, 0 warnings in 1 object from 1 file; disabled: code schema-unknown-field, code missing-reference (2 findings not shown)\n',
    );
    expect(run.status).toBe(0);
  });

  test('validate - reads the manifests from stdin, alone or with files', () => {
    const broken = readFileSync(join(ROOT, FIXTURES, 'broken-pod.yaml'), 'utf8');
    const alone = cliWithInput(broken, 'validate', '-');
    expect(alone.stderr).toMatch(ENGINE_OFF);
    expect(alone.status).toBe(1);
    expect(alone.stdout.trimEnd().split('\n')).toEqual([
      `<stdin>: Pod/broken spec.containers[0].envFrom[0].configMapRef.name [missing-reference] error (k8s-practice rule): ${MISSING_SETTINGS}`,
      '<stdin>: Pod/broken spec.containers[0].imagePullPolicyy [schema-unknown-field] error (k8s-practice rule): unknown field "imagePullPolicyy"; did you mean "imagePullPolicy"?',
      '2 errors, 0 warnings in 1 object from 1 file',
    ]);
    const good = cliWithInput('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n', 'validate', 'dist', '-');
    expect(good.stdout).toMatch(/^0 errors, 0 warnings in \d+ objects from 9 files\n$/);
    expect(good.status).toBe(0);
    const twice = cliWithInput('', 'validate', '-', '-');
    expect(twice.status).toBe(2);
    expect(twice.stderr).toMatch(/^k8s-practice validate: "-" \(stdin\) given twice; it can be read once\n/);
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

  test('compare - reads one side from stdin (kubectl ... -o yaml | compare - b.yaml); - twice is refused', () => {
    const kubectlOutput = readFileSync(join(KUBECTL_FIXTURES, 'deployment-port80-replicas3.yaml'), 'utf8');
    const reformatted = join(FIXTURES, 'reformatted', 'deployment-port80-replicas3.json');
    const a = cliWithInput(kubectlOutput, 'compare', '-', reformatted);
    expect(a.stderr).toBe('');
    expect(a.status).toBe(0);
    expect(a.stdout.split('\n').slice(0, 3)).toEqual(['a: <stdin>', `b: ${reformatted}`, '= apps/v1 Deployment nginx: equal']);
    const b = cliWithInput(kubectlOutput, 'compare', join(FIXTURES, 'k8syaml', 'deployment-nginx.reconstructed.yaml'), '-');
    expect(b.status).toBe(1);
    expect(b.stdout).toContain('b: <stdin>\n');
    expect(b.stdout).toContain('    changed    spec.replicas: 1 -> 3');
    const twice = cliWithInput('', 'compare', '-', '-');
    expect(twice.status).toBe(2);
    expect(twice.stderr).toMatch(/^k8s-practice compare: "-" \(stdin\) given twice; it can be read once\n/);
    const notYaml = cliWithInput('a: [', 'compare', '-', reformatted);
    expect(notYaml.status).toBe(2);
    expect(notYaml.stderr).toMatch(/^k8s-practice compare: <stdin>: /);
  });
});

describe('k8s-practice (in process)', () => {
  test('lists its commands; unknown commands and bad options exit 2', async () => {
    expect(Object.keys(COMMANDS)).toEqual(['validate', 'compare', 'graph', 'explain', 'simulate', 'kubectl-cache']);
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

  test('validate --list-rules prints every rule and code of the registry, as text or JSON', async () => {
    const io = collect();
    expect(await main(['validate', '--list-rules'], io)).toBe(0);
    expect(io.errors).toEqual([]);
    expect(io.lines[0]).toMatch(/^RULE \/ CODE +SEVERITY +SUMMARY$/);
    expect(io.lines).toContain(`images${' '.repeat(io.lines[0]!.indexOf('SUMMARY') - 6)}container images are pinned to a tag or digest`);
    expect(io.lines.find((l) => l.startsWith('  target-port-not-declared '))).toMatch(/ error or warning +a named targetPort /);
    for (const rule of RULES) {
      expect(io.lines.filter((l) => l.startsWith(`${rule.id} `))).toHaveLength(1);
      for (const code of rule.codes) expect(io.lines.some((l) => l.startsWith(`  ${code.code} `) && l.includes(code.summary))).toBe(true);
    }
    expect(io.lines.at(-1)).toMatch(/^Always reported, not part of a rule: unreadable, .*tekton-admission\.$/);
    const json = collect();
    expect(await main(['validate', '--list-rules', '--format', 'json'], json)).toBe(0);
    expect(JSON.parse(json.lines.join('\n'))).toEqual(RULES.map(({ id, summary, codes }) => ({ id, summary, codes })));
    const withFiles = collect();
    expect(await main(['validate', '--list-rules', 'dist'], withFiles)).toBe(2);
    expect(withFiles.errors[0]).toBe('k8s-practice validate: --list-rules takes no files, got dist');
  });

  test('validate --disable takes codes and rule ids; an unknown one is a usage error listing the allowed values', async () => {
    const file = join(ROOT, FIXTURES, 'broken-pod.yaml');
    const some = collect();
    expect(await main(['validate', '--disable', 'references', file], some)).toBe(1);
    expect(some.lines).toEqual([
      `${file}: Pod/broken spec.containers[0].imagePullPolicyy [schema-unknown-field] error (k8s-practice rule): unknown field "imagePullPolicyy"; did you mean "imagePullPolicy"?`,
      '1 error, 0 warnings in 1 object from 1 file; disabled: rule references (1 finding not shown)',
    ]);
    const json = collect();
    expect(await main(['validate', '--format', 'json', '--disable', 'schemas', '--disable', 'missing-reference', file], json)).toBe(0);
    const report = JSON.parse(json.lines.join('\n'));
    expect(report.findings).toEqual([]);
    expect(report.summary).toMatchObject({
      errors: 0,
      warnings: 0,
      disabled: { rules: ['schemas'], codes: ['missing-reference'], hidden: 2 },
    });
    expect(report.summary.text).toBe(
      '0 errors, 0 warnings in 1 object from 1 file; disabled: rule schemas, code missing-reference (2 findings not shown)',
    );
    const nothingOff = collect();
    expect(await main(['validate', '--format', 'json', file], nothingOff)).toBe(1);
    expect(JSON.parse(nothingOff.lines.join('\n')).summary).not.toHaveProperty('disabled');
    const typo = collect();
    expect(await main(['validate', '--disable', 'port-rnage', file], typo)).toBe(2);
    expect(typo.lines).toEqual([]);
    expect(typo.errors[0]).toMatch(
      /^k8s-practice validate: invalid --disable "port-rnage"; expected a code or rule id: schemas, names, .*, missing-reference, psa-privileged, .*, api-server, /,
    );
    expect(typo.errors[1]).toMatch(/^usage: k8s-practice validate /);
  });

  test('validate - reports stdin that is too large or not UTF-8 like a file, named <stdin>', () => {
    const big = collect();
    expect(runValidate(['-'], big, Buffer.alloc(MAX_FILE_BYTES + 1, 'a'))).toBe(1);
    expect(big.lines[0]).toBe(
      '<stdin>: ?/? (object) [file-too-large] error (k8s-practice rule): <stdin> has more than the 8388608 bytes (8 MiB) read from one file; split it',
    );
    const latin1 = collect();
    expect(runValidate(['-'], latin1, Buffer.from('kind: Caf\xe9\n', 'latin1'))).toBe(1);
    expect(latin1.lines[0]).toMatch(
      /^<stdin>: \?\/\? \(object\) \[not-utf8\] error \(k8s-practice rule\): <stdin> is not UTF-8 text \(invalid byte 0xe9 at offset 9\)/,
    );
    expect(() => runValidate(['-'], collect())).toThrow('"-" (stdin) is not available here');
  });

  test('compare hints --namespace when objects differ only by one side having no namespace', async () => {
    const a = join(KUBECTL_FIXTURES, 'service-clusterip.yaml');
    const b = join(ROOT, 'dist', '02-expose-clusterip.k8s.yaml');
    const io = collect();
    expect(await main(['compare', a, b, '--only-matched'], io)).toBe(1);
    expect(io.errors).toEqual([
      'hint: v1 Service nginx has no namespace in a and is in namespace "expose-clusterip" in b; ' +
        '--namespace expose-clusterip gives objects without a namespace that one, on both sides',
    ]);
    const json = collect();
    expect(await main(['compare', '--format', 'json', a, b], json)).toBe(1);
    expect(json.errors).toHaveLength(1);
    JSON.parse(json.lines.join('\n')); // stdout stays JSON
    const withNamespace = collect();
    expect(await main(['compare', a, b, '--namespace', 'expose-clusterip', '--only-matched'], withNamespace)).toBe(1);
    expect(withNamespace.errors).toEqual([]);
    expect(withNamespace.lines.some((line) => line.startsWith('~ v1 Service expose-clusterip/nginx: '))).toBe(true);
  });

  test('validate of a folder without YAML fails instead of passing vacuously', async () => {
    const io = collect();
    expect(await main(['validate', join(ROOT, 'bin')], io)).toBe(1);
    expect(io.errors).toContain(`no YAML files found in ${join(ROOT, 'bin')}`);
  });
});
