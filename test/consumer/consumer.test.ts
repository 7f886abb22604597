/**
 * The path another repository takes: `npm pack` this package and install the
 * tarball into a fresh project (the install from git is in consumer-git.test.ts,
 * a file of its own so jest runs the two in parallel workers).
 * Then compile TypeScript apps against it with `tsc --strict` (TypeScript 5.9
 * and 7, with the tsconfig the docs recommend), run them and check the YAML.
 * Fails when an export, a type declaration or a runtime file is missing from
 * the package.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadedBy, peers, pkg, ROOT, run, TYPESCRIPT_7 } from './consumer-support';

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
    run(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-save',
        tarball,
        ...peers(),
        `typescript@${pkg.devDependencies.typescript}`,
        `@types/node@${pkg.devDependencies['@types/node']}`,
      ],
      work,
    );
    copyFileSync(join(__dirname, 'consumer-app.ts.txt'), join(work, 'app.ts'));
    // TypeScript 7 in its own folder, so the consumer keeps 5.9 as its `tsc`.
    mkdirSync(join(work, 'ts7'));
    writeFileSync(join(work, 'ts7', 'package.json'), JSON.stringify({ name: 'ts7', version: '1.0.0', private: true }));
    run('npm', ['install', '--prefer-offline', '--no-save', `typescript@${TYPESCRIPT_7}`], join(work, 'ts7'));
  }, 240_000);

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    rmSync(packDir, { recursive: true, force: true });
  });

  test('the tarball holds compiled code and declarations, and no sources or tests', () => {
    const files: string[] = JSON.parse(run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], ROOT))[0].files.map(
      (f: any) => f.path,
    );
    expect(files).toEqual(
      expect.arrayContaining([
        'build/lib/index.js',
        'build/lib/index.d.ts',
        'build/lib/check-api.js',
        'build/lib/check-api.d.ts',
        'package.json',
        'README.md',
        'LICENSE',
        'api/construct-docs.json',
        'build/engines/validation-engine.wasm',
        'build/engines/tekton-admission.wasm',
      ]),
    );
    expect(files.filter((f) => /\.test\.|^test\/|^lib\/.*\.ts$|^main\.ts$|^dist\//.test(f))).toEqual([]);
  });

  test('a strict TypeScript app compiles against it, runs and synthesizes the expected objects', () => {
    run(
      'npx',
      [
        'tsc',
        '--strict',
        '--target',
        'ES2022',
        '--module',
        'node16',
        '--moduleResolution',
        'node16',
        '--types',
        'node',
        '--outDir',
        'out',
        'app.ts',
      ],
      work,
    );
    const output = run('node', ['out/app.js', join(work, 'dist')], work);
    expect(output).toContain('service port 80');
    const [file] = readdirSync(join(work, 'dist'));
    const objects = parseAllDocuments(readFileSync(join(work, 'dist', file), 'utf8')).map((d) => d.toJS());
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/consumer-demo',
      'ResourceQuota/project-quota',
      'LimitRange/container-defaults',
      'NetworkPolicy/default-deny-ingress',
      'NetworkPolicy/allow-same-namespace',
      'Pod/web',
      'Service/web',
      'NetworkPolicy/web-from-anywhere',
      'Pod/client',
      'Service/db',
      'Endpoints/db',
      'EndpointSlice/db-ipv4',
    ]);
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'web');
    expect(service.spec).toMatchObject({
      type: 'NodePort',
      selector: { run: 'web' },
      ports: [{ port: 80, targetPort: 8080, nodePort: 30090 }],
    });
    expect(objects.filter((o) => o.kind !== 'Namespace').every((o) => o.metadata.namespace === 'consumer-demo')).toBe(true);
  });

  test('the installed k8s-practice CLI validates the consumer output with its packaged schemas and CRDs', () => {
    const bin = join(work, 'node_modules', '.bin', 'k8s-practice');
    expect(run(bin, ['validate', 'dist'], work)).toMatch(/^0 errors, 0 warnings in 12 objects from 1 file$/m);
    writeFileSync(
      join(work, 'broken.yaml'),
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: Bad_Name\nspec:\n  ports:\n  - port: 70000\n',
    );
    let output = '';
    try {
      // The API server's own checks, by the WebAssembly engine the package ships (npm pack refuses to pack without it).
      run(bin, ['validate', '--api-server', 'wasm', 'broken.yaml'], work);
    } catch (error: any) {
      output = String(error.stdout);
      expect(error.status).toBe(1);
    }
    expect(output).toContain('Service/Bad_Name metadata.name [api-server] error (kube-apiserver 1.28.15 validation)');
    expect(output).toContain('spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive');
    expect(output).toContain('[service-no-endpoints] error (k8s-practice rule)');
    expect(output).toContain(', wasm build: 1 object judged');
  });

  test("the installed CLI judges by default with the shipped WebAssembly engines, without Go: the API server's checks and Tekton's admission", () => {
    const bin = join(work, 'node_modules', '.bin', 'k8s-practice');
    // Only node's folder on PATH, and none of the test run's engine settings: what a consumer without Go has.
    const env = {
      PATH: dirname(process.execPath),
      K8S_PRACTICE_API_SERVER: undefined,
      K8S_PRACTICE_TEKTON: undefined,
      K8S_PRACTICE_TEKTON_ADMISSION: undefined,
      K8S_PRACTICE_TEKTON_WASM: undefined,
      K8S_PRACTICE_VALIDATION_ENGINE: undefined,
      K8S_PRACTICE_VALIDATION_WASM: undefined,
    };
    expect(spawnSync('go', ['version'], { env }).error).toMatchObject({ code: 'ENOENT' });
    writeFileSync(
      join(work, 'task.yaml'),
      [
        'apiVersion: v1',
        'kind: Namespace',
        'metadata: {name: ci}',
        '---',
        'apiVersion: tekton.dev/v1',
        'kind: Task',
        'metadata: {name: both, namespace: ci}',
        'spec:',
        '  steps:',
        '  - {name: s, image: "busybox:1.36", command: [sh], script: echo hi}',
        '',
      ].join('\n'),
    );
    const result = spawnSync(bin, ['validate', 'task.yaml'], { cwd: work, encoding: 'utf8', env: { ...process.env, ...env } });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 1, stderr: '' });
    expect(result.stdout.split('\n')).toEqual([
      "task.yaml: Task/both spec.steps[0].script [tekton-admission] error (Tekton admission): Tekton's admission refuses it: script cannot be used with command: spec.steps[0].script",
      expect.stringMatching(/^API-server checks: kube-apiserver 1\.28\.15 .*, wasm build: 1 object judged; 1 not judged by it \(Task: /),
      expect.stringMatching(
        /^Tekton admission: Tekton Pipelines v1\.15\.0 and Triggers v0\.37\.0 admission .*, wasm build: 1 Tekton object judged$/,
      ),
      '1 error, 0 warnings in 2 objects from 1 file',
      '',
    ]);
  });

  test('the installed CLI writes the kubectl discovery cache the docs use (kubectl-cache DIR)', () => {
    const bin = join(work, 'node_modules', '.bin', 'k8s-practice');
    expect(run(bin, ['kubectl-cache', join(work, 'kubectl-cache')], work).trim()).toBe(join(work, 'kubectl-cache'));
    expect(existsSync(join(work, 'kubectl-cache', 'discovery', 'localhost_8080', 'v1', 'serverresources.json'))).toBe(true);
  });

  test('the examples compile with the recommended tsconfig under TypeScript 5.9 and 7, run and validate clean', () => {
    const examples = join(work, 'examples');
    cpSync(join(ROOT, 'examples'), examples, { recursive: true, filter: (f) => !f.includes(`${join('examples', 'build')}`) });
    const names = readdirSync(examples).filter((f) => f.endsWith('.ts'));
    expect(names.length).toBeGreaterThanOrEqual(2);
    // Code that uses Node's globals compiles with the recommended tsconfig: TypeScript 7 loads @types/node only through `types`.
    writeFileSync(join(examples, 'uses-node-types.ts'), 'export const outdir: string | undefined = process.env.CDK8S_OUTDIR;\n');
    const versions: string[] = [];
    for (const tsc of [join(work, 'node_modules', '.bin', 'tsc'), join(work, 'ts7', 'node_modules', '.bin', 'tsc')]) {
      versions.push(run(tsc, ['--version'], work).trim());
      rmSync(join(examples, 'build'), { recursive: true, force: true });
      run(tsc, ['-p', 'examples'], work);
      for (const name of names) {
        const outdir = join(work, 'examples-dist', versions.length.toString(), name);
        run('node', [join(examples, 'build', name.replace(/\.ts$/, '.js'))], work, { CDK8S_OUTDIR: outdir });
        const report = run(join(work, 'node_modules', '.bin', 'k8s-practice'), ['validate', outdir], work);
        expect(report).toMatch(/^0 errors, 0 warnings in [1-9]\d* objects? from [1-9]\d* files?$/m);
      }
    }
    expect(versions).toEqual([`Version ${pkg.devDependencies.typescript}`, `Version ${TYPESCRIPT_7}`]);

    // `cdk8s synth` with examples/cdk8s.yaml, offline, as the docs say (the repository's cdk8s-cli stands in for the consumer's).
    rmSync(join(examples, 'build'), { recursive: true, force: true });
    const synth = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'synth'], {
      cwd: examples,
      encoding: 'utf8',
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
    });
    expect({ status: synth.status, stderr: synth.stderr }).toEqual({ status: 0, stderr: '' });
    expect(existsSync(join(examples, 'dist', 'web-nodeport.k8s.yaml'))).toBe(true);
    expect(run(join(work, 'node_modules', '.bin', 'k8s-practice'), ['validate', join(examples, 'dist')], work)).toMatch(
      /^0 errors, 0 warnings in 8 objects from 1 file$/m,
    );
  }, 180_000);

  test('the package root does not load ajv or the validator; k8s-practice-constructs/check does, and validates', () => {
    const root = loadedBy('k8s-practice-constructs', work);
    expect(root.some((f) => f.endsWith(join('build', 'lib', 'index.js')))).toBe(true);
    expect(root.filter((f) => f.includes(join('node_modules', 'ajv')) || f.includes(join('build', 'lib', 'tooling', 'check')))).toEqual([]);
    // the same filter finds the validator when /check is imported (Ajv itself loads only for kinds the build did not precompile)
    expect(loadedBy('k8s-practice-constructs/check', work).some((f) => f.includes(join('build', 'lib', 'tooling', 'check')))).toBe(true);
    const summary = run(
      'node',
      [
        '-e',
        `
      const { validatePaths, formatSummary } = require('k8s-practice-constructs/check');
      const r = validatePaths(['dist']);
      console.log(formatSummary(r.findings, r.files.length, r.objects));`,
      ],
      work,
    );
    expect(summary.trim()).toBe('0 errors, 0 warnings in 12 objects from 1 file');
  });

  test('a type error in the consumer is caught by the published declarations', () => {
    writeFileSync(
      join(work, 'bad.ts'),
      "import { ExposedPod } from 'k8s-practice-constructs';\nimport { Chart, App } from 'cdk8s';\nnew ExposedPod(new Chart(new App(), 'c'), 'x', { name: 'x', type: 'ExternalName' });\n",
    );
    let compilerOutput = '';
    try {
      run('npx', ['tsc', '--strict', '--noEmit', '--module', 'node16', '--moduleResolution', 'node16', '--types', 'node', 'bad.ts'], work);
    } catch (error: any) {
      compilerOutput = String(error.stdout);
    }
    expect(compilerOutput).toMatch(/bad\.ts\(3,.*Type '"ExternalName"' is not assignable to type 'ExposeType/);
  });
});
