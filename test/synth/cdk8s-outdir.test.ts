/**
 * Data loss: a CDK8S_OUTDIR left exported from another cdk8s project
 * must not be emptied or written to. Only the folder cdk8s.yaml names counts.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cdk8sOutdir } from '../../lib/exercises/app/cdk8s-outdir';

const ROOT = resolve(__dirname, '..', '..');

describe('cdk8sOutdir', () => {
  let project: string;
  beforeEach(() => {
    project = mkdtempSync(join(tmpdir(), 'outdir-'));
    writeFileSync(join(project, 'cdk8s.yaml'), 'language: typescript\noutput: .cdk8s-out\n');
  });
  afterEach(() => rmSync(project, { recursive: true, force: true }));

  test.each([['.cdk8s-out'], ['./.cdk8s-out'], ['.cdk8s-out/']])('honours %s, the folder cdk8s.yaml names', (given) => {
    expect(cdk8sOutdir(project, { CDK8S_OUTDIR: given })).toEqual({ outdir: join(project, '.cdk8s-out') });
  });

  test('honours the absolute path, also through a symlinked project folder', () => {
    mkdirSync(join(project, '.cdk8s-out'));
    const link = `${project}-link`;
    symlinkSync(project, link);
    try {
      expect(cdk8sOutdir(link, { CDK8S_OUTDIR: join(project, '.cdk8s-out') }).outdir).toBe(join(project, '.cdk8s-out'));
    } finally {
      rmSync(link);
    }
  });

  test.each([['/tmp/another-project/dist'], ['dist'], ['..'], ['.'], ['.cdk8s-out/..'], ['/']])('ignores %s and says why', (given) => {
    const decision = cdk8sOutdir(project, { CDK8S_OUTDIR: given });
    expect(decision.outdir).toBeUndefined();
    expect(decision.ignored).toContain(JSON.stringify(given));
    expect(decision.ignored).toContain('".cdk8s-out"');
  });

  test('no variable, no copy', () => {
    expect(cdk8sOutdir(project, {})).toEqual({});
  });

  test("without an output: line, cdk8s's default dist is the folder", () => {
    writeFileSync(join(project, 'cdk8s.yaml'), 'language: typescript\n');
    expect(cdk8sOutdir(project, { CDK8S_OUTDIR: 'dist' }).outdir).toBe(join(project, 'dist'));
  });
});

test('npm run synth with a foreign CDK8S_OUTDIR leaves that folder exactly as it was', () => {
  const foreign = mkdtempSync(join(tmpdir(), 'foreign-out-'));
  try {
    writeFileSync(join(foreign, 'their-chart.k8s.yaml'), 'kind: Theirs\n');
    mkdirSync(join(foreign, 'sub'));
    const result = execFileSync(process.execPath, ['--import', 'tsx', 'main.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CDK8S_OUTDIR: foreign },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(result).toMatch(/^dist\/: 01-pod\.k8s\.yaml/);
    expect(readdirSync(foreign).sort()).toEqual(['sub', 'their-chart.k8s.yaml']);
    expect(readFileSync(join(foreign, 'their-chart.k8s.yaml'), 'utf8')).toBe('kind: Theirs\n');
  } finally {
    rmSync(foreign, { recursive: true, force: true });
  }
}, 60_000);
