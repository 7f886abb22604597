/**
 * `k8s-practice ... | head`: when the reader of stdout goes away early, every command stops
 * writing quietly (no EPIPE stack trace) and exits with the code it would have exited with.
 * The reader here closes its end before the command writes anything, so every write fails.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * Runs the CLI from the sources (`node --import tsx`, the process `npx tsx` ends in, without npm's
 * and tsx's launchers before it) with stdout piped into a reader that closes at once; resolves with
 * the exit status and stderr.
 */
function withClosedReader(args: readonly string[]): Promise<{ status: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/k8s-practice.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy(); // the reader leaves before the first line
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stderr }));
  });
}

const SIMULATE = [
  'simulate',
  'dist/08-ci-pipeline.k8s.yaml',
  '--listener',
  'gogs-push',
  '--body',
  'test/fixtures/webhooks/gogs-push.json',
  '--header',
  'X-Gogs-Event=push',
  '--header',
  'X-Gogs-Signature=356352b23fb3706a109bb50f6872f2d6eceb495939e5479803826cacd024c3ef',
  '--secret',
  'gogs-webhook-secret/secret=gogs-webhook-secret',
];

jest.setTimeout(120_000);

test.each([
  ['graph', ['graph', 'dist'], 0],
  ['compare (differences: exit 1)', ['compare', 'dist/01-pod.k8s.yaml', 'dist/03-expose-nodeport.k8s.yaml'], 1],
  ['simulate', SIMULATE, 0],
  ['explain', ['explain', 'pod.spec'], 0],
  ['validate', ['validate', 'dist'], 0],
  ['help', ['--help'], 0],
])('%s exits quietly when the reader closes early', async (_title, args, status) => {
  const run = await withClosedReader(args);
  // validate says on stderr which checks it did not make: the test runs turn the API-server engine off.
  const notMade = /^API-server checks not made: turned off with --api-server none .*\nNot checked: .*\n/;
  expect(args[0] === 'validate' ? run.stderr.replace(notMade, '') : run.stderr).toBe('');
  expect({ status: run.status, signal: run.signal }).toEqual({ status, signal: null });
});
