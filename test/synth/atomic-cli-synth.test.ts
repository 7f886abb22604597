/**
 * `cdk8s synth` empties its output folder before it runs the app. With this
 * project's cdk8s.yaml that folder is a scratch copy: a failing app must leave
 * dist/ exactly as it was, through the real CLI.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const CDK8S = join(ROOT, 'node_modules', '.bin', 'cdk8s');
const APP_LINE = /^app: node scripts\/synth\/synth\.js$/m;

describe("cdk8s synth with this project's cdk8s.yaml", () => {
  let work: string;
  beforeEach(() => {
    // inside the project, so the app resolves esbuild and cdk8s from its node_modules
    work = mkdtempSync(join(ROOT, '.cli-synth-test-'));
    // the project's cdk8s.yaml, its app run with this project's runner (which bundles the main.ts of the folder it runs in)
    const config = readFileSync(join(ROOT, 'cdk8s.yaml'), 'utf8');
    expect(config).toMatch(APP_LINE);
    writeFileSync(
      join(work, 'cdk8s.yaml'),
      config.replace(APP_LINE, `app: node ${JSON.stringify(join(ROOT, 'scripts', 'synth', 'synth.js'))}`),
    );
    mkdirSync(join(work, 'dist'));
    writeFileSync(join(work, 'dist', 'previous.k8s.yaml'), 'kind: Previous\n');
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  // A stand-in main.ts that synthesizes one chart through synthesizeAtomically, or fails.
  const writeApp = (fail: boolean) =>
    writeFileSync(
      join(work, 'main.ts'),
      `
    import { App, Chart } from 'cdk8s';
    import { join } from 'node:path';
    import { RunPod } from ${JSON.stringify(join(ROOT, 'lib'))};
    import { synthesizeAtomically } from ${JSON.stringify(join(ROOT, 'lib', 'exercises', 'app', 'atomic-synth'))};
    synthesizeAtomically(join(__dirname, 'dist'), (staging) => {
      const app = new App({ outdir: staging });
      new RunPod(new Chart(app, 'fresh'), 'pod', { name: ${JSON.stringify(fail ? 'Broken Name' : 'ok')} });
      app.synth();
    }, { alsoCopyTo: process.env.CDK8S_OUTDIR });
  `,
    );
  const cdk8sSynth = () =>
    spawnSync(CDK8S, ['synth'], {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
    });

  test('a failing app exits non-zero and leaves dist/ untouched', () => {
    writeApp(true);
    const result = cdk8sSynth();
    expect(result.status).not.toBe(0);
    expect(result.stderr + result.stdout).toMatch(/invalid name "Broken Name"/);
    expect(readdirSync(join(work, 'dist'))).toEqual(['previous.k8s.yaml']);
    expect(readFileSync(join(work, 'dist', 'previous.k8s.yaml'), 'utf8')).toBe('kind: Previous\n');
  });

  test('a good app replaces dist/ whole and the CLI lists its copy', () => {
    writeApp(false);
    const result = cdk8sSynth();
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('.cdk8s-out/fresh.k8s.yaml');
    expect(readdirSync(join(work, 'dist'))).toEqual(['fresh.k8s.yaml']);
  });

  test('npm run synth on the real project reports every dist file', () => {
    const out = execFileSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['main.ts'], { cwd: ROOT, encoding: 'utf8' });
    expect(out.trim().split(': ')[1].split(' ')).toEqual(readdirSync(join(ROOT, 'dist')).sort());
  });
});
