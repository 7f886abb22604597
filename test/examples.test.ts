/**
 * Every app in examples/ synthesizes and its output validates clean. The
 * examples import 'k8s-practice-constructs' as a user would; here that name
 * points at lib/ (test/examples/tsconfig.json). The consumer test compiles the
 * same files with the recommended examples/tsconfig.json against the packed
 * package, with TypeScript 5.9 and 7.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { validatePaths } from '../lib/check-api';
import { docPages } from './docs/doc-pages';

const ROOT = join(__dirname, '..');
const EXAMPLES = readdirSync(join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.ts'))
  .sort();

/** Kind/name of every object each example writes, per file. */
const EXPECTED: Record<string, Record<string, string[]>> = {
  'class-namespaces.ts': Object.fromEntries(
    ['kim', 'lee', 'park'].map((who) => [
      `practice-${who}.k8s.yaml`,
      [
        `Namespace/practice-${who}`,
        'ResourceQuota/project-quota',
        'LimitRange/container-defaults',
        'NetworkPolicy/default-deny-ingress',
        'NetworkPolicy/allow-same-namespace',
        'Pod/web',
        'Service/web',
      ],
    ]),
  ),
  'network-policy.ts': {
    'policy-lab.k8s.yaml': [
      'Namespace/policy-lab',
      'ResourceQuota/project-quota',
      'LimitRange/container-defaults',
      'NetworkPolicy/default-deny-ingress',
      'Pod/web',
      'Service/web',
      'Pod/allowed',
      'Pod/denied',
      'NetworkPolicy/web-from-access-label',
    ],
  },
  'web-nodeport.ts': {
    'web-nodeport.k8s.yaml': [
      'Namespace/my-web',
      'ResourceQuota/project-quota',
      'LimitRange/container-defaults',
      'NetworkPolicy/default-deny-ingress',
      'NetworkPolicy/allow-same-namespace',
      'Pod/web',
      'Service/web',
      'NetworkPolicy/web-from-anywhere',
    ],
  },
};

describe('the docs and the library guide show a library user what to type', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const guide = readFileSync(join(ROOT, 'docs', 'library.md'), 'utf8');

  test('its first lines say in one sentence what the project is, then the two commands, then "Use it in your cdk8s app"', () => {
    const [title, blank, sentence, blank2, fence, first, second] = readme.split('\n');
    expect([title, blank, blank2, fence]).toEqual(['# k8s-practice-constructs', '', '', '```sh']);
    expect(sentence).toMatch(/^Typed \[cdk8s\]\(https:\/\/cdk8s\.io\) constructs for a set of Kubernetes practice exercises\b[^.]*\.$/);
    expect(first).toMatch(/^npm ci && npm run synth /);
    expect(second).toMatch(/^npm test /);
    const use = readme.indexOf('## Use it in your cdk8s app');
    expect(use).toBeGreaterThan(0);
    expect(readme.slice(0, use).split('\n').length).toBeLessThan(15);
    expect(readme.slice(use)).toMatch(/^npm install --save-exact git\+https:/m);
  });

  test('it quotes examples/tsconfig.json and examples/web-nodeport.ts exactly (ten lines)', () => {
    const tsconfig = readFileSync(join(ROOT, 'examples', 'tsconfig.json'), 'utf8');
    const example = readFileSync(join(ROOT, 'examples', 'web-nodeport.ts'), 'utf8');
    expect(guide).toContain(`\`\`\`json\n${tsconfig}\`\`\``);
    expect(readme).toContain(`\`\`\`ts\n${example}\`\`\``);
    expect(guide).toContain(`\`\`\`ts\n${example}\`\`\``);
    expect(example.trimEnd().split('\n')).toHaveLength(10);
    expect(JSON.parse(tsconfig).compilerOptions).toMatchObject({ module: 'nodenext', moduleResolution: 'nodenext', types: ['node'] });
  });

  test('examples/cdk8s.yaml compiles and runs the quoted example, and the docs say how to run cdk8s synth offline', () => {
    const config = parseAllDocuments(readFileSync(join(ROOT, 'examples', 'cdk8s.yaml'), 'utf8'))[0]!.toJS();
    expect(config).toEqual({ language: 'typescript', app: 'npx --no-install tsc -p . && node build/web-nodeport.js' });
    expect(guide).toContain('[examples/cdk8s.yaml](../examples/cdk8s.yaml)');
    expect(guide).toContain('`CDK8S_CHECK_UPGRADE=false npx --no-install cdk8s synth`');
    // The install line names what the tsconfig's `types` and the cdk8s.yaml need.
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const tools = ['typescript', '@types/node', 'cdk8s-cli'].map((name) => `${name}@${pkg.devDependencies[name]}`).join(' ');
    expect(guide).toContain(`\nnpm install --save-dev --save-exact ${tools}\n`);
  });

  test('it runs the CLI only in forms that never fetch a package of the same name', () => {
    expect(readme).toContain('npx --no-install k8s-practice');
    expect(guide).toContain('npx --no-install k8s-practice');
    expect(guide).toContain('npm exec --no -- k8s-practice');
    for (const page of docPages())
      expect({ page, text: readFileSync(join(ROOT, page), 'utf8') }).not.toMatchObject({ text: expect.stringMatching(/npx k8s-practice/) });
  });
});

describe('examples/', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'k8s-practice-examples-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  test('every example has its expected output listed here', () => {
    expect(EXAMPLES).toEqual(Object.keys(EXPECTED).sort());
  });

  test.each(EXAMPLES)(
    '%s synthesizes the expected objects, and they validate clean',
    (example) => {
      const dir = join(out, example);
      execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'examples', example)], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, CDK8S_OUTDIR: dir, TSX_TSCONFIG_PATH: join(ROOT, 'test', 'examples', 'tsconfig.json') },
      });
      const files = readdirSync(dir).sort();
      const objects = Object.fromEntries(
        files.map((file) => [
          file,
          parseAllDocuments(readFileSync(join(dir, file), 'utf8'))
            .map((d) => d.toJS())
            .map((o) => `${o.kind}/${o.metadata.name}`),
        ]),
      );
      expect(objects).toEqual(EXPECTED[example]);
      const result = validatePaths([dir]);
      expect(result.findings).toEqual([]);
      expect(result.objects).toBeGreaterThan(0);
    },
    60_000,
  );
});
