/**
 * The CLI's readers: every file a command reads goes through the one guarded
 * reader (regular files only, 8 MiB at most, a clear refusal naming the file), as `validate`'s
 * manifests already did: `simulate`'s manifest and `--body` (a file or stdin), the CRD folders
 * of `validate --crds` and `explain --crds`, graph's existing `.mmd` files, and the texts
 * `validate` hands to Tekton's admission engine.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandIO } from '../../../lib/tooling/cli/command-io';
import { main } from '../../../bin/k8s-practice';
import { runValidate } from '../../../lib/tooling/cli/validate-command';
import { MAX_FILE_BYTES } from '../../../lib/tooling/foundation/guarded-read';

const ROOT = join(__dirname, '..', '..', '..');
const CI_FILE = join(ROOT, 'dist', '08-ci-pipeline.k8s.yaml');
const GOGS_BODY = join(ROOT, 'test', 'fixtures', 'webhooks', 'gogs-push.json');

function collect(): CommandIO & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string; ms: number }> {
  const io = collect();
  const started = Date.now();
  const code = await main(args, io);
  return { code, out: io.lines.join('\n'), err: io.errors.join('\n'), ms: Date.now() - started };
}

let dir: string;
let fifo: string;
let huge: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hostile-readers-'));
  fifo = join(dir, 'fifo.yaml');
  execFileSync('mkfifo', [fifo]);
  huge = join(dir, 'huge.yaml');
  writeFileSync(huge, '');
  truncateSync(huge, 250 * 1024 * 1024); // sparse: 250 MB that take no disk
});
afterAll(() => execFileSync('rm', ['-rf', dir])); // GNU rm also removes trees deeper than PATH_MAX

describe('simulate reads its manifest and --body through the guarded reader', () => {
  const simulateArgs = (manifest: string, body: string) => ['simulate', manifest, '--listener', 'gogs-push', '--body', body];

  test('a FIFO manifest is refused at once, naming it (exit 2)', async () => {
    const result = await run(simulateArgs(fifo, GOGS_BODY));
    expect(result.code).toBe(2);
    expect(result.err).toContain(`cannot read the manifest: ${fifo} is not a regular file (a FIFO, socket or device); not read`);
    expect(result.ms).toBeLessThan(10_000);
  });

  test('a 250 MB manifest is refused without being read', async () => {
    const result = await run(simulateArgs(huge, GOGS_BODY));
    expect(result.code).toBe(2);
    expect(result.err).toContain(`${huge} has 262144000 bytes, more than the ${MAX_FILE_BYTES} (8 MiB) read from one file`);
    expect(result.ms).toBeLessThan(10_000);
  });

  test.each([
    ['a FIFO', () => fifo, /cannot read the --body: .*fifo\.yaml is not a regular file/],
    ['/dev/zero', () => '/dev/zero', /cannot read the --body: \/dev\/zero is not a regular file/],
    ['a 250 MB file', () => huge, /cannot read the --body: .*huge\.yaml has 262144000 bytes, more than/],
    ['a folder', () => dir, /cannot read the --body: .* is a folder; not read/],
  ])('a --body that is %s is refused at once (exit 2)', async (_what, body, message) => {
    const result = await run(simulateArgs(CI_FILE, body()));
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(result.ms).toBeLessThan(10_000);
  });

  test('--body - reads at most 8 MiB of stdin: /dev/zero on stdin is refused, not read forever', () => {
    const child = spawnSync(
      'sh',
      ['-c', `exec "${process.execPath}" --import tsx bin/k8s-practice.ts simulate "${CI_FILE}" --listener gogs-push --body - < /dev/zero`],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    expect(child.signal).toBeNull();
    expect(child.status).toBe(2);
    expect(child.stderr).toContain(
      `cannot read the --body: standard input has more than the ${MAX_FILE_BYTES} (8 MiB) bytes read from one input`,
    );
  });

  test('--body - still reads a delivery from a pipe', () => {
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bin/k8s-practice.ts', 'simulate', CI_FILE, '--listener', 'gogs-push', '--body', '-'],
      {
        cwd: ROOT,
        encoding: 'utf8',
        input: readFileSync(GOGS_BODY),
        timeout: 60_000,
      },
    );
    expect(child.stdout).toMatch(/^EventListener ci\/gogs-push: refuses the event/);
  });
});

describe('CRD folders and graph outputs', () => {
  test('validate --crds with a FIFO named like a CRD file is refused at once, naming it', async () => {
    const crds = join(dir, 'crds');
    mkdirSync(crds);
    execFileSync('mkfifo', [join(crds, 'crd.yaml')]);
    // A custom kind makes the validator load the CRDs.
    const cr = join(dir, 'cr.yaml');
    writeFileSync(cr, 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n');
    const result = await run(['validate', cr, '--crds', crds]);
    expect(result.err).toContain(`cannot read the CRD file: ${join(crds, 'crd.yaml')} is not a regular file`);
    expect(result.code).toBe(2);
    expect(result.ms).toBeLessThan(20_000);
  });

  test('explain --crds with a FIFO is refused at once, naming it', async () => {
    const crds = join(dir, 'explain-crds');
    mkdirSync(crds);
    execFileSync('mkfifo', [join(crds, 'crd.yaml')]);
    const result = await run(['explain', 'pods', '--crds', crds, '--no-usage']);
    expect(result.err).toContain(`cannot read the CRD file: ${join(crds, 'crd.yaml')} is not a regular file`);
    expect(result.code).toBe(2);
  });

  test('graph --out does not read or write a FIFO in the place of an .mmd file', async () => {
    const out = join(dir, 'graph-out');
    mkdirSync(out);
    execFileSync('mkfifo', [join(out, '01-pod.k8s.mmd')]);
    const result = await run(['graph', join(ROOT, 'dist', '01-pod.k8s.yaml'), '--out', out]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/not written: .*01-pod\.k8s\.mmd is not a regular file/);
  });
});

describe("validate hands Tekton's admission engine only what the guarded reader read", () => {
  const saved = { engine: process.env.K8S_PRACTICE_TEKTON_ADMISSION, choice: process.env.K8S_PRACTICE_TEKTON };
  afterAll(() => {
    if (saved.engine === undefined) delete process.env.K8S_PRACTICE_TEKTON_ADMISSION;
    else process.env.K8S_PRACTICE_TEKTON_ADMISSION = saved.engine;
    if (saved.choice === undefined) delete process.env.K8S_PRACTICE_TEKTON;
    else process.env.K8S_PRACTICE_TEKTON = saved.choice;
  });

  test('a FIFO among the files never reaches the engine; the others reach it as the texts that were checked, never as paths', async () => {
    const files = join(dir, 'engines');
    mkdirSync(files);
    const task =
      'apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: t}\nspec:\n  steps:\n  - {name: s, image: busybox, script: echo}\n';
    writeFileSync(join(files, 'task.yaml'), task);
    execFileSync('mkfifo', [join(files, 'fifo.yaml')]);
    const log = join(dir, 'engine-request');
    // A stand-in that records its arguments and the request it reads on stdin, and accepts everything.
    const standIn = join(dir, 'admission');
    writeFileSync(
      standIn,
      `#!/bin/sh\necho "$@" > "${log}.args"\ncat > "${log}"\necho '{"engine":"stand-in","runs":[{"results":[]}],"timings":{"judgeMs":0,"objects":0}}'\n`,
    );
    chmodSync(standIn, 0o755);
    process.env.K8S_PRACTICE_TEKTON_ADMISSION = standIn;
    delete process.env.K8S_PRACTICE_TEKTON; // the default path
    const result = await run(['validate', files, '--api-server', 'none']);
    expect(result.code).toBe(1); // the FIFO is an `unreadable` finding of the validator
    expect(result.out).toMatch(/fifo\.yaml: \?\/\? \(object\) \[unreadable\]/);
    expect(readFileSync(`${log}.args`, 'utf8')).toBe('--request -\n');
    const request = JSON.parse(readFileSync(log, 'utf8'));
    expect(request).toEqual({ runs: [{ files: [{ name: join(files, 'task.yaml'), text: task }] }] });
    expect(statSync(files).isDirectory()).toBe(true);
  });
});

describe('validate reports folders it cannot read (exit 1), never skips them silently', () => {
  const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine}\ndata: {a: b}\n';

  test('a folder below a path longer than PATH_MAX (ENAMETOOLONG) is an unreadable finding', () => {
    const root = join(dir, 'deep');
    mkdirSync(root);
    writeFileSync(join(root, 'good.yaml'), CONFIG_MAP);
    const name = 'd'.repeat(250);
    // mkdir with relative names, from the folder before, works at any depth; 18 levels of 251 characters pass PATH_MAX (4096).
    execFileSync(process.execPath, [
      '-e',
      `const fs = require('node:fs'); process.chdir(${JSON.stringify(root)}); for (let i = 0; i < 18; i++) { fs.mkdirSync('${name}'); process.chdir('${name}'); } fs.writeFileSync('hidden.yaml', 'a: 1');`,
    ]);
    try {
      const io = collect();
      expect(runValidate([root, '--format', 'json'], io)).toBe(1);
      const { findings, summary } = JSON.parse(io.lines.join('\n'));
      expect(summary.objects).toBe(1);
      expect(findings).toEqual([
        expect.objectContaining({ rule: 'unreadable', severity: 'error', message: expect.stringMatching(/ENAMETOOLONG/) }),
      ]);
      expect(findings[0].file.startsWith(join(root, name))).toBe(true);
    } finally {
      execFileSync('rm', ['-rf', root]); // GNU rm walks trees deeper than PATH_MAX
    }
  });

  test('a folder that cannot be listed (EACCES) is an unreadable finding naming it', () => {
    const root = join(dir, 'locked-tree');
    const locked = join(root, 'locked');
    mkdirSync(locked, { recursive: true });
    writeFileSync(join(root, 'good.yaml'), CONFIG_MAP);
    writeFileSync(join(locked, 'hidden.yaml'), 'a: 1\n');
    chmodSync(locked, 0o000);
    // root may list any folder; for root, listing this one fails as it does for everyone else.
    const realFs = jest.requireActual<typeof fs>('node:fs');
    const readdirSync = (path: fs.PathLike, ...rest: unknown[]): unknown => {
      if (String(path) === locked && process.getuid?.() === 0)
        throw Object.assign(new Error(`EACCES: permission denied, scandir '${locked}'`), { code: 'EACCES' });
      return (realFs.readdirSync as (...args: unknown[]) => unknown)(path, ...rest);
    };
    try {
      // The command loads the manifest reader when it runs: it runs inside the isolated registry too.
      const io = collect();
      let code: number | undefined;
      jest.isolateModules(() => {
        jest.doMock('node:fs', () => ({ ...realFs, readdirSync }));
        const validate: typeof runValidate = (
          require('../../../lib/tooling/cli/validate-command') as typeof import('../../../lib/tooling/cli/validate-command')
        ).runValidate;
        code = validate([root], io);
      });
      expect(code).toBe(1);
      expect(io.lines[0]).toBe(
        `${locked}: ?/? (object) [unreadable] error (k8s-practice rule): cannot read the folder ${locked}, so no file in it was checked: EACCES: permission denied, scandir '${locked}'`,
      );
      expect(io.lines.at(-1)).toMatch(/^1 error, 0 warnings in 1 object from 1 file/);
    } finally {
      jest.dontMock('node:fs');
      chmodSync(locked, 0o755);
    }
  });
});
