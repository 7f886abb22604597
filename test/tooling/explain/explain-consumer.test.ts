/**
 * `explain`'s "USED IN THIS PROJECT" reads the synthesized YAML of the project it runs in: the
 * current folder's dist/ (or --project DIR), never the package's own dist/, which an installed
 * copy does not ship. Run here from temporary folders shaped like a consumer's cdk8s app.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../bin/k8s-practice';
import { CommandIO } from '../../../lib/tooling/cli/command-io';

const ROOT = join(__dirname, '..', '..', '..');
const POD = [
  'apiVersion: v1',
  'kind: Pod',
  'metadata: {name: debug, namespace: my-app}',
  'spec: {shareProcessNamespace: true, containers: [{name: app, image: "busybox:1.36"}]}',
  '',
].join('\n');

let dirs: string[] = [];
/** A folder like a consumer's cdk8s app: cdk8s.yaml and, when given, dist/ files. */
function consumerApp(dist?: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'explain-consumer-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'cdk8s.yaml'), 'language: typescript\napp: node build/main.js\n');
  if (dist) {
    mkdirSync(join(dir, 'dist'));
    for (const [name, text] of Object.entries(dist)) writeFileSync(join(dir, 'dist', name), text);
  }
  return dir;
}
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** The "USED IN THIS PROJECT" section printed by `k8s-practice ...args` run in `cwd`. */
async function usageSection(cwd: string, ...args: string[]): Promise<string> {
  const lines: string[] = [];
  const errors: string[] = [];
  const io: CommandIO = { out: (l) => lines.push(...l.split('\n')), err: (l) => errors.push(l) };
  const previous = process.cwd();
  process.chdir(cwd);
  try {
    expect(await main(args, io)).toBe(0);
  } finally {
    process.chdir(previous);
  }
  expect(errors).toEqual([]);
  const text = lines.join('\n');
  return text.slice(text.indexOf('USED IN THIS PROJECT:'));
}

jest.setTimeout(60_000);

test("in a consumer's folder it lists the consumer's objects, not the exercises", async () => {
  const app = consumerApp({ 'my-app.k8s.yaml': POD });
  const section = await usageSection(app, 'explain', 'pod.spec.shareProcessNamespace');
  expect(section).toContain('    dist/my-app.k8s.yaml:\n      v1 Pod my-app/debug: spec.shareProcessNamespace = true\n');
  expect(section).not.toContain('exercise 05');
  // The constructs come from the package's shipped construct docs index (api/construct-docs.json).
  expect(section).toContain('SharedProcessNamespacePod');
});

test('without a dist/ folder it says where it looked and what to do', async () => {
  const app = consumerApp();
  const section = await usageSection(app, 'explain', 'pod.spec.shareProcessNamespace');
  expect(section).toContain(
    `    Nothing searched: ${join(app, 'dist')} does not exist. Synthesize your cdk8s app (\`cdk8s synth\`)\n` +
      "    and run explain in its folder, or give --project <the app's folder>.\n",
  );
  expect(section).not.toContain('exercise 05');
});

test('a dist/ that does not use the field is named', async () => {
  const app = consumerApp({ 'my-app.k8s.yaml': POD });
  const section = await usageSection(app, 'explain', 'pod.spec.hostname');
  expect(section).toContain(`    No synthesized object in ${join(app, 'dist')} sets spec.hostname.\n`);
});

test('--project DIR reads that project from anywhere', async () => {
  const app = consumerApp({ 'my-app.k8s.yaml': POD });
  const section = await usageSection(ROOT, 'explain', 'pod.spec.shareProcessNamespace', '--project', app);
  expect(section).toContain('    dist/my-app.k8s.yaml:\n      v1 Pod my-app/debug: spec.shareProcessNamespace = true\n');
  expect(section).not.toContain('exercise 05');
});

test('in this repository it still lists the exercises (its dist/ is the current folder)', async () => {
  const section = await usageSection(ROOT, 'explain', 'pod.spec.shareProcessNamespace');
  expect(section).toContain('    exercise 05 (dist/05-shared-process-namespace.k8s.yaml):\n');
});

test('the command line in a child process, started in the consumer folder', () => {
  const app = consumerApp({ 'my-app.k8s.yaml': POD });
  const tsx = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const run = spawnSync(process.execPath, [tsx, join(ROOT, 'bin', 'k8s-practice.ts'), 'explain', 'pod.spec.shareProcessNamespace'], {
    cwd: app,
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('    dist/my-app.k8s.yaml:\n      v1 Pod my-app/debug: spec.shareProcessNamespace = true\n');
});
