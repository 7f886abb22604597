/**
 * The other path another repository takes: install this package from git
 * (`git+file://` of a fresh clone of this repository's HEAD: npm runs
 * `prepare`, which builds), then synthesize and validate with it.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peers, ROOT, run } from './consumer-support';

describe('the library installed from git (git+file:// of a fresh clone of HEAD)', () => {
  let base: string;

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'k8s-practice-git-'));
    run('git', ['clone', '--quiet', '--no-hardlinks', ROOT, join(base, 'clone')], base);
    mkdirSync(join(base, 'app'));
    writeFileSync(join(base, 'app', 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    // npm clones the URL, runs `npm install` there (the `prepare` script builds build/), packs and installs the result.
    run('npm', ['install', '--prefer-offline', '--no-save', `git+file://${join(base, 'clone')}`, ...peers()], join(base, 'app'));
  }, 300_000);

  afterAll(() => rmSync(base, { recursive: true, force: true }));

  test('the installed package has build/ and the app synthesizes with it', () => {
    const installed = join(base, 'app', 'node_modules', 'k8s-practice-constructs');
    expect(existsSync(join(installed, 'build', 'lib', 'index.js'))).toBe(true);
    expect(existsSync(join(installed, 'build', 'lib', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(installed, 'LICENSE'))).toBe(true);
    const output = run(
      'node',
      [
        '-e',
        `
      const { App } = require('cdk8s');
      const { ExposedPod, Project } = require('k8s-practice-constructs');
      const app = new App({ outdir: 'dist' });
      new ExposedPod(new Project(app, 'git-install', { namespace: 'git-install' }), 'web', { name: 'web', servicePort: 80 });
      app.synth();
      console.log(require('fs').readdirSync('dist').join(' '));`,
      ],
      join(base, 'app'),
    );
    expect(output.trim()).toBe('git-install.k8s.yaml');
    const report = run(join(base, 'app', 'node_modules', '.bin', 'k8s-practice'), ['validate', 'dist'], join(base, 'app'));
    expect(report).toMatch(/^0 errors, 0 warnings in 7 objects from 1 file$/m);
  });
});
