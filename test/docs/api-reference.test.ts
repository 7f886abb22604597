/**
 * The API reference (docs/api/, TypeDoc + typedoc-plugin-markdown) and the
 * construct docs index explain reads (api/construct-docs.json), both made by
 * scripts/typedoc.ts from one TypeDoc run; and the doc comments they are made
 * of: every construct and props field documented, every optional prop with
 * its @default.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  API_DOCS_DIR,
  CONSTRUCT_DOCS,
  ROOT_MODULE,
  TdProject,
  TdReflection,
  TYPEDOC_INPUTS,
  constructDocsIndex,
  documentedInterfaces,
  filesUnder,
  findDocGaps,
  KIND,
  moduleOf,
  propsInterfaceOf,
  reflectionsById,
  undocumentedExports,
} from '../../scripts/typedoc';

const CHECK_MODULE = `${ROOT_MODULE}/check`;

// One TypeDoc run serves every test: `scripts/typedoc.ts --check` in its own process (typedoc is an
// ES module jest cannot load), keeping the fresh pages and TypeDoc's model in a temporary folder.
const ROOT = join(__dirname, '..', '..');
let run: { outDir: string; project: TdProject };
let checkRun: { status: number | null; stderr: string };
let root: TdReflection;
let check: TdReflection;
let keep: string;
beforeAll(() => {
  keep = mkdtempSync(join(tmpdir(), 'api-reference-'));
  const child = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/typedoc.ts', '--check', '--keep', keep], { cwd: ROOT, encoding: 'utf8' });
  checkRun = { status: child.status, stderr: child.stderr };
  run = { outDir: join(keep, 'pages'), project: JSON.parse(readFileSync(join(keep, 'model.json'), 'utf8')) };
  root = moduleOf(run.project, ROOT_MODULE);
  check = moduleOf(run.project, CHECK_MODULE);
}, 240_000);
afterAll(() => {
  if (keep) rmSync(keep, { recursive: true, force: true });
});

const page = (...path: string[]): string => readFileSync(join(run.outDir, ...path), 'utf8');
const ofKind = (module: TdReflection, kind: number): TdReflection[] => (module.children ?? []).filter((r) => r.kind === kind);

describe('docs/api/', () => {
  test('is current, and so is api/construct-docs.json (run `npx tsx scripts/typedoc.ts` when this fails)', () => {
    expect(checkRun.stderr.split('\n').filter((l) => l.startsWith('  '))).toEqual([]);
    expect(checkRun.status).toBe(0);
  });

  test('opens at docs/api/README.md, which links both entry points', () => {
    expect(existsSync(join(API_DOCS_DIR, 'README.md'))).toBe(true);
    const readme = page('README.md');
    expect(readme).toContain(`[${ROOT_MODULE}](${ROOT_MODULE}/README.md)`);
    expect(readme).toContain(`[${CHECK_MODULE}](${CHECK_MODULE}/README.md)`);
  });

  test('has a page for every exported class and a row for every props field', () => {
    const byId = reflectionsById(root);
    const classes = ofKind(root, KIND.class);
    expect(classes.map((c) => c.name)).toEqual(expect.arrayContaining(['RunPod', 'ExposedPod', 'Project', 'GogsServer', 'BuildPipeline']));
    for (const c of classes) {
      expect(page(ROOT_MODULE, 'classes', `${c.name}.md`)).toMatch(new RegExp(`^# Class: ${c.name}$`, 'm'));
      const props = propsInterfaceOf(c, byId);
      if (!props) continue;
      const propsPage = page(ROOT_MODULE, 'interfaces', `${props.name}.md`);
      for (const f of props.children ?? []) {
        expect(propsPage).toContain(`<a id="property-${f.name.toLowerCase()}"></a> \`${f.name}${f.flags.isOptional ? '?' : ''}\``);
      }
    }
  });

  test('takes defaults from @default and marks required fields', () => {
    const runPod = page(ROOT_MODULE, 'interfaces', 'RunPodProps.md');
    const row = (field: string): string => runPod.split('\n').find((l) => l.includes(`<a id="property-${field.toLowerCase()}"></a>`)) ?? '';
    expect(row('name')).toContain('`name`'); // required: no `?`
    expect(row('port')).toContain('`port?`');
    expect(row('port')).toContain('**Default** `8080 for the default image');
    expect(row('labels')).toContain('**Default** `{ run: NAME }`, as `kubectl run` sets it');
    // Inherited fields are shown with the interface they come from.
    const exposed = page(ROOT_MODULE, 'interfaces', 'ExposedPodProps.md');
    const servicePort = exposed.split('\n').find((l) => l.includes('<a id="property-serviceport"></a>')) ?? '';
    expect(servicePort).toContain("**Default** `the pod's first declared port");
    expect(servicePort).toContain('[`ExposeOptions`](ExposeOptions.md)');
  });

  test('keeps the doc comments: text, @example', () => {
    const runPod = page(ROOT_MODULE, 'classes', 'RunPod.md');
    expect(runPod).toContain('A pod the way `kubectl run NAME --image=IMAGE --port=PORT` makes it');
    expect(runPod).toContain("new RunPod(chart, 'nginx', { name: 'nginx' });");
  });

  test("comes from files the reuse of TypeDoc's last run watches (scripts/generate/tool-memo.ts)", () => {
    const sourceFiles = new Set<string>();
    const walk = (r: TdReflection): void => {
      for (const s of r.sources ?? []) sourceFiles.add(s.fileName);
      for (const c of r.children ?? []) walk(c);
    };
    for (const m of run.project.children ?? []) walk(m);
    expect(sourceFiles.size).toBeGreaterThan(20);
    const watched = (file: string): boolean => TYPEDOC_INPUTS.files.includes(file) || TYPEDOC_INPUTS.dirs.some((d) => file.startsWith(`${d}/`));
    expect([...sourceFiles].filter((f) => !f.startsWith('node_modules/') && !watched(f))).toEqual([]);
  });

  test('holds no machine paths, timestamps or source line numbers', () => {
    for (const file of filesUnder(run.outDir)) {
      const text = page(file);
      expect(text).not.toContain(process.cwd());
      expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
      expect(text).not.toMatch(/Defined in:/);
    }
  });
});

describe('the `k8s-practice-constructs/check` entry point in docs/api/', () => {
  test('has its own page, with every export of lib/check-api.ts', () => {
    const section = page(CHECK_MODULE, 'README.md');
    for (const name of ['validatePaths', 'validateYaml', 'validateObjects', 'compareFiles', 'buildObjectGraph', 'toMermaid', 'RULES']) {
      expect(section).toContain(`[${name}]`);
    }
    for (const r of check.children ?? []) expect(section).toContain(`[${r.name.replace(/_/g, '\\_')}]`);
    // The module's own doc comment, with its example as a code block.
    expect(section).toContain("import { validatePaths, formatFinding } from 'k8s-practice-constructs/check';");
  });

  test('every class, interface and field it exports has a doc comment', () => {
    expect(undocumentedExports(check)).toEqual([]);
  });

  test('is not read as constructs by `explain` (its classes are not in the construct docs index)', () => {
    const index = constructDocsIndex(run.project);
    expect(index.constructs.map((c) => c.construct)).not.toContain('SchemaValidator');
    expect(ofKind(check, KIND.class).map((c) => c.name)).toContain('SchemaValidator');
  });
});

describe('api/construct-docs.json', () => {
  test('lists the constructs (not other classes) in the folder order of lib/', () => {
    const index = JSON.parse(readFileSync(CONSTRUCT_DOCS, 'utf8'));
    const names: string[] = index.constructs.map((c: { construct: string }) => c.construct);
    expect(names).toEqual(expect.arrayContaining(['Project', 'RunPod', 'ExposedPod', 'AllowIngressPolicy', 'GogsServer', 'BuildPipeline', 'PodExercise']));
    expect(names).not.toContain('PropError');
    const folders = ['project', 'pod', 'service', 'network', 'gogs', 'registry', 'tekton'].map((f) => `lib/constructs/${f}/`).concat('lib/exercises/');
    const firstOf = folders.map((folder) => index.constructs.findIndex((c: { source: string }) => c.source.startsWith(folder)));
    expect(firstOf.every((at) => at >= 0)).toBe(true);
    expect([...firstOf].sort((x, y) => x - y)).toEqual(firstOf);
  });

  test('carries each construct\'s props, inherited ones included, and its source file', () => {
    const index = constructDocsIndex(run.project);
    const exposed = index.constructs.find((c) => c.construct === 'ExposedPod')!;
    expect(exposed.source).toBe('lib/constructs/service/exposed-pod.ts');
    expect(exposed.props.map((p) => p.name)).toEqual(expect.arrayContaining(['name', 'port', 'servicePort', 'nodePort']));
    const sharedPid = index.constructs.find((c) => c.construct === 'SharedProcessNamespacePod')!;
    expect(sharedPid.intro).toContain('busybox shell with `shareProcessNamespace: true`.');
  });
});

describe('doc comments', () => {
  test('the checked interfaces include every props interface and the ones they use', () => {
    const checked = documentedInterfaces(root);
    for (const name of ['RunPodProps', 'PodServiceProps', 'ExposeOptions', 'EndpointPortProps', 'SecretKeyReference',
      'RegistryNotificationEndpoint', 'ProjectQuota', 'ContainerSize', 'GogsServerProps', 'WebhookListenerProps']) {
      expect(checked).toContain(name);
    }
    for (const r of ofKind(root, KIND.interface).filter((r) => r.name.endsWith('Props'))) expect(checked).toContain(r.name);
  });

  test('every exported class has a doc comment', () => {
    expect(findDocGaps(root).undocumentedClasses).toEqual([]);
  });

  test('every field of a props interface (and of the interfaces it uses) has a doc comment', () => {
    expect(findDocGaps(root).undocumentedFields).toEqual([]);
  });

  test('every optional field of a *Props / *Options interface has an @default tag', () => {
    expect(findDocGaps(root).optionalWithoutDefault).toEqual([]);
  });

  test('the check reports offenders as Interface.field', () => {
    const text = (t: string) => (t ? { summary: [{ kind: 'text' as const, text: t }] } : undefined);
    const withDefault = (t: string, d: string) => ({ summary: t ? [{ kind: 'text' as const, text: t }] : [], blockTags: [{ tag: '@default', content: [{ kind: 'code' as const, text: d }] }] });
    const field = (id: number, name: string, optional: boolean, comment: TdReflection['comment']): TdReflection =>
      ({ id, name, kind: KIND.property, flags: { isOptional: optional }, comment });
    const model: TdProject = {
      id: 0, name: 'x', kind: 1, flags: {},
      children: [{
        id: 1, name: 'x', kind: KIND.module, flags: {},
        children: [
          { id: 2, name: 'Bare', kind: KIND.class, flags: {} },
          {
            id: 3, name: 'BareProps', kind: KIND.interface, flags: {},
            children: [
              field(4, 'documented', true, withDefault('Has both.', '1')),
              field(5, 'noDefault', true, text('Optional without a default.')),
              field(6, 'silent', false, undefined),
              field(7, 'onlyTag', true, withDefault('', "'x'")),
              { ...field(8, 'part', true, withDefault('Uses Part.', 'none')), type: { type: 'reference', target: 9, name: 'Part' } },
            ],
          },
          {
            id: 9, name: 'Part', kind: KIND.interface, flags: {}, comment: text('Used by BareProps.'),
            children: [field(10, 'loose', true, text('Optional, but Part is no props interface.')), field(11, 'mute', false, undefined)],
          },
        ],
      }],
    };
    expect(findDocGaps(moduleOf(model, 'x'))).toEqual({
      undocumentedClasses: ['Bare'],
      undocumentedFields: ['BareProps.onlyTag', 'BareProps.silent', 'Part.mute'],
      optionalWithoutDefault: ['BareProps.noDefault'],
    });
  });
});
