/**
 * `npm ci` in a clone runs the `prepare` script, which skips the build there (the tests and the
 * synth run the TypeScript sources). Skipping is the normal case: it must print nothing that
 * reads like an error among npm's output.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function prepare(env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const { K8S_PRACTICE_BUILD: _unset, ...inherited } = process.env;
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build', 'prepare.js')], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('prepare under `npm ci` skips the build silently', () => {
  expect(prepare({ npm_command: 'ci' })).toEqual({ status: 0, stdout: '', stderr: '' });
});

test('prepare with K8S_PRACTICE_BUILD=0 skips the build silently', () => {
  expect(prepare({ npm_command: 'install', K8S_PRACTICE_BUILD: '0' })).toEqual({ status: 0, stdout: '', stderr: '' });
});
