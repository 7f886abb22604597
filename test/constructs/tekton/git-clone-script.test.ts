/**
 * The git-clone Task's script treats params as data. The script is
 * run with /bin/sh against a stub `git` that records its arguments, with
 * hostile params: no param may become a git option, and no subdirectory may
 * lead the deletion out of the workspace.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { GitCloneTask } from '../../../lib/constructs/tekton/git-clone-task';

const SCRIPT = (() => {
  const chart = new Chart(Testing.app(), 'ci', { namespace: 'ci' });
  new GitCloneTask(chart, 'clone');
  return (Testing.synth(chart)[0] as any).spec.steps[0].script as string;
})();

interface Run {
  status: number | null;
  stderr: string;
  gitCalls: string[][];
  workspace: string;
  outside: string;
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'git-clone-script-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

function runScript(
  params: Partial<Record<'URL' | 'REVISION' | 'DEPTH' | 'SUBDIRECTORY' | 'DELETE_EXISTING', string>>,
  prepare?: (ws: string, outside: string) => void,
): Run {
  const dir = join(root, String(counter++));
  const bin = join(dir, 'bin');
  const workspace = join(dir, 'workspace');
  const outside = join(dir, 'outside');
  mkdirSync(bin, { recursive: true });
  mkdirSync(workspace);
  mkdirSync(outside);
  writeFileSync(join(outside, 'precious'), 'keep me');
  const log = join(dir, 'git.log');
  // The stub records each call (arguments separated by US, calls by RS); rev-parse/log print something plausible.
  writeFileSync(
    join(bin, 'git'),
    `#!/bin/sh\nfor a in "$@"; do printf '%s\\037' "$a"; done >> "${log}"\nprintf '\\036' >> "${log}"\ncase "$1" in rev-parse) echo 0123456789abcdef0123456789abcdef01234567 ;; log) echo 1700000000 ;; esac\n`,
  );
  chmodSync(join(bin, 'git'), 0o755);
  prepare?.(workspace, outside);
  const result = spawnSync('/bin/sh', ['-c', SCRIPT], {
    encoding: 'utf8',
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      HOME: dir,
      PARAM_URL: params.URL ?? 'http://gogs.ci.svc.cluster.local:3000/gitadmin/demo-app.git',
      PARAM_REVISION: params.REVISION ?? 'main',
      PARAM_DEPTH: params.DEPTH ?? '1',
      PARAM_SUBMODULES: 'false',
      PARAM_SSL_VERIFY: 'true',
      PARAM_SUBDIRECTORY: params.SUBDIRECTORY ?? '',
      PARAM_DELETE_EXISTING: params.DELETE_EXISTING ?? 'true',
      PARAM_VERBOSE: 'false',
      WORKSPACE_OUTPUT_PATH: workspace,
      RESULT_COMMIT_PATH: join(dir, 'commit'),
      RESULT_URL_PATH: join(dir, 'url'),
      RESULT_COMMITTER_DATE_PATH: join(dir, 'date'),
    },
  });
  const gitCalls = existsSync(log)
    ? readFileSync(log, 'utf8')
        .split('\u001e')
        .filter(Boolean)
        .map((call) => call.split('\u001f').slice(0, -1))
    : [];
  return { status: result.status, stderr: result.stderr, gitCalls, workspace, outside };
}

/** Whether `value` reaches the commands that take params (remote, fetch, checkout) only after `--`. */
function onlyAsOperand(calls: string[][], value: string): boolean {
  return calls
    .filter((args) => ['remote', 'fetch', 'checkout'].includes(args[0]))
    .every((args) => args.every((arg, i) => arg !== value || args.slice(0, i).includes('--')));
}

describe('git-clone script', () => {
  test('ordinary params clone and pass url and revision after "--"', () => {
    const run = runScript({});
    expect(run.status).toBe(0);
    expect(run.gitCalls).toContainEqual(['remote', 'add', '--', 'origin', 'http://gogs.ci.svc.cluster.local:3000/gitadmin/demo-app.git']);
    expect(run.gitCalls).toContainEqual(['fetch', '--quiet', '--depth=1', '--', 'origin', 'main']);
  });

  test.each([
    ['depth', { DEPTH: '1 --upload-pack=touch${IFS}/tmp/pwned' }, /param depth must be digits/],
    ['depth', { DEPTH: '--upload-pack=x' }, /param depth must be digits/],
    ['depth', { DEPTH: '' }, /param depth must be digits/],
    ['revision', { REVISION: '--upload-pack=touch /tmp/pwned' }, /param revision must not start with '-'/],
    ['revision', { REVISION: 'main\n--upload-pack=x' }, /spaces or control characters/],
    ['url', { URL: '--upload-pack=x' }, /param url must be a repository URL/],
    ['subdirectory', { SUBDIRECTORY: '..' }, /param subdirectory must be a relative path/],
    ['subdirectory', { SUBDIRECTORY: 'a/../..' }, /param subdirectory must be a relative path/],
    ['subdirectory', { SUBDIRECTORY: '/etc' }, /param subdirectory must be a relative path/],
    ['subdirectory', { SUBDIRECTORY: '.' }, /param subdirectory must be a relative path/],
  ])('refuses a hostile %s before running git: %j', (_param, params, message) => {
    const run = runScript(params);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.gitCalls).toEqual([]);
    expect(readFileSync(join(run.outside, 'precious'), 'utf8')).toBe('keep me');
  });

  test('a subdirectory through a symbolic link out of the workspace is refused and nothing outside is deleted', () => {
    const run = runScript({ SUBDIRECTORY: 'link/src' }, (ws, outside) => {
      mkdirSync(join(outside, 'src'));
      writeFileSync(join(outside, 'src', 'file'), 'x');
      symlinkSync(outside, join(ws, 'link'));
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/symbolic link/);
    expect(readFileSync(join(run.outside, 'src', 'file'), 'utf8')).toBe('x');
  });

  test('property: no generated param ever reaches git as an option, and nothing outside the workspace is touched', () => {
    const piece = fc.constantFrom(
      '-',
      '--',
      '--upload-pack=x',
      '..',
      '.',
      '/',
      'a',
      'main',
      '1',
      '0',
      ' ',
      '\n',
      '$(x)',
      '`x`',
      ';',
      '*',
      'b/c',
    );
    const hostile = fc.array(piece, { maxLength: 4 }).map((a) => a.join(''));
    const either = (benign: fc.Arbitrary<string>) => fc.oneof({ weight: 2, arbitrary: benign }, { weight: 1, arbitrary: hostile });
    const revisionArb = either(fc.constantFrom('main', 'v1.0', '0123abc', 'feature/x', ''));
    const depthArb = either(fc.constantFrom('0', '1', '50'));
    const subdirectoryArb = either(fc.constantFrom('', 'src', 'a/b', 'a..b', '.hidden'));
    const urlArb = either(fc.constantFrom('http://gogs:3000/a/b.git', 'https://h/x'));
    let cloned = 0;
    fc.assert(
      fc.property(revisionArb, depthArb, subdirectoryArb, urlArb, (revision, depth, subdirectory, url) => {
        const run = runScript({ REVISION: revision, DEPTH: depth, SUBDIRECTORY: subdirectory, URL: `${url}` || 'x' });
        expect(readFileSync(join(run.outside, 'precious'), 'utf8')).toBe('keep me');
        if (run.status !== 0) {
          expect(run.stderr).toMatch(/git-clone: param/);
          return;
        }
        if (revision) expect(onlyAsOperand(run.gitCalls, revision)).toBe(true);
        expect(onlyAsOperand(run.gitCalls, url || 'x')).toBe(true);
        expect(run.gitCalls.flat().some((arg) => arg.startsWith('--upload-pack'))).toBe(false);
        cloned++;
      }),
      { numRuns: 200 },
    );
    expect(cloned).toBeGreaterThan(5);
  }, 120_000);
});
