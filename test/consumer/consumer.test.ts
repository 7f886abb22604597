/**
 * The path another repository takes: `npm pack` this package, install the
 * tarball into a fresh project, compile a TypeScript app against it with
 * `tsc --strict`, run it and check the YAML. Fails when an export, a type
 * declaration or a runtime file is missing from the package.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

const ROOT = resolve(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

const run = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false' } });

describe('the packed library in a fresh consumer project', () => {
  let work: string;
  let packDir: string;
  let tarball: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'k8s-practice-consumer-'));
    packDir = mkdtempSync(join(tmpdir(), 'k8s-practice-pack-'));
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', packDir], ROOT));
    tarball = join(packDir, packed[0].filename);
    writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    // The peer dependencies at the versions this repository tests with; --prefer-offline uses the npm cache.
    run('npm', ['install', '--prefer-offline', '--no-save', tarball,
      `cdk8s@${pkg.devDependencies.cdk8s}`, `cdk8s-plus-28@${pkg.devDependencies['cdk8s-plus-28']}`,
      `constructs@${pkg.devDependencies.constructs}`, `typescript@${pkg.devDependencies.typescript}`, `@types/node@${pkg.devDependencies['@types/node']}`], work);
    copyFileSync(join(__dirname, 'consumer-app.ts.txt'), join(work, 'app.ts'));
  }, 240_000);

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    rmSync(packDir, { recursive: true, force: true });
  });

  test('the tarball holds compiled code and declarations, and no sources or tests', () => {
    const files: string[] = JSON.parse(run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], ROOT))[0].files.map((f: any) => f.path);
    expect(files).toEqual(expect.arrayContaining(['build/lib/index.js', 'build/lib/index.d.ts', 'package.json', 'README.md']));
    expect(files.filter((f) => /\.test\.|^test\/|^lib\/.*\.ts$|^main\.ts$|^dist\//.test(f))).toEqual([]);
  });

  test('a strict TypeScript app compiles against it, runs and synthesizes the expected objects', () => {
    run('npx', ['tsc', '--strict', '--target', 'ES2022', '--module', 'node16', '--moduleResolution', 'node16', '--types', 'node', '--outDir', 'out', 'app.ts'], work);
    const output = run('node', ['out/app.js', join(work, 'dist')], work);
    expect(output).toContain('service port 80');
    const [file] = readdirSync(join(work, 'dist'));
    const objects = parseAllDocuments(readFileSync(join(work, 'dist', file), 'utf8')).map((d) => d.toJS());
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/consumer-demo', 'ResourceQuota/project-quota', 'LimitRange/container-defaults',
      'NetworkPolicy/default-deny-ingress', 'NetworkPolicy/allow-same-namespace',
      'Pod/web', 'Service/web', 'Pod/client', 'Service/db', 'Endpoints/db', 'EndpointSlice/db-ipv4',
    ]);
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'web');
    expect(service.spec).toMatchObject({ type: 'NodePort', selector: { run: 'web' }, ports: [{ port: 80, targetPort: 8080, nodePort: 30090 }] });
    expect(objects.filter((o) => o.kind !== 'Namespace').every((o) => o.metadata.namespace === 'consumer-demo')).toBe(true);
  });

  test('the installed k8s-practice CLI validates the consumer output with its packaged schemas and CRDs', () => {
    const bin = join(work, 'node_modules', '.bin', 'k8s-practice');
    expect(run(bin, ['validate', 'dist'], work)).toMatch(/^0 errors, 0 warnings in 11 objects from 1 file$/m);
    writeFileSync(join(work, 'broken.yaml'), 'apiVersion: v1\nkind: Service\nmetadata:\n  name: Bad_Name\nspec:\n  ports:\n  - port: 70000\n');
    let output = '';
    try {
      run(bin, ['validate', 'broken.yaml'], work);
    } catch (error: any) {
      output = String(error.stdout);
      expect(error.status).toBe(1);
    }
    expect(output).toContain('[port-range]');
    expect(output).toContain('[invalid-name]');
  });

  test('a type error in the consumer is caught by the published declarations', () => {
    writeFileSync(join(work, 'bad.ts'), "import { ExposedPod } from 'k8s-practice-constructs';\nimport { Chart, App } from 'cdk8s';\nnew ExposedPod(new Chart(new App(), 'c'), 'x', { name: 'x', type: 'ExternalName' });\n");
    let compilerOutput = '';
    try {
      run('npx', ['tsc', '--strict', '--noEmit', '--module', 'node16', '--moduleResolution', 'node16', '--types', 'node', 'bad.ts'], work);
    } catch (error: any) {
      compilerOutput = String(error.stdout);
    }
    expect(compilerOutput).toMatch(/bad\.ts\(3,.*Type '"ExternalName"' is not assignable to type 'ExposeType/);
  });
});
