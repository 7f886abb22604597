/**
 * The parts of `explain`: word wrapping, the CRD name index, the built-in
 * resource table, name resolution, the v3 reshaping, the project-usage
 * section and the CLI wiring.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { main } from '../../../bin/k8s-practice';
import { CommandIO } from '../../../lib/tooling/cli/command-io';
import { listManifestFiles } from '../../../lib/tooling/foundation/manifest';
import { BUILTIN_RESOURCES } from '../../../lib/tooling/explain/builtin-resources';
import { indexCrds, namesFromObject, scanCrdDocument } from '../../../lib/tooling/explain/crd-index';
import { explain } from '../../../lib/tooling/explain/explain';
import { compareKubeVersions, ExplainSchemas, toV3Shape } from '../../../lib/tooling/explain/explain-schemas';
import { valuesAt } from '../../../lib/tooling/explain/project-usage';
import { findConstructUsage, loadConstructDocs } from '../../../lib/tooling/explain/construct-docs';
import { resolveRequest } from '../../../lib/tooling/explain/resource-mapper';
import { wrapWords } from '../../../lib/tooling/explain/word-wrap';

const ROOT = join(__dirname, '..', '..', '..');
const schemas = ExplainSchemas.shared();

jest.setTimeout(60_000);

describe("wrapWords (kubectl's word wrap)", () => {
  test('breaks at the last space that fits and drops it', () => {
    expect(wrapWords('aaa bbb ccc', 7)).toBe('aaa bbb\nccc');
    expect(wrapWords('aaa bbb ccc', 6)).toBe('aaa\nbbb\nccc');
  });
  test('keeps line breaks, lets a long word overflow, keeps runs of spaces inside a line', () => {
    expect(wrapWords('a\n\nb', 5)).toBe('a\n\nb');
    expect(wrapWords('x https://example.com/a/very/long/url', 10)).toBe('x\nhttps://example.com/a/very/long/url');
    expect(wrapWords('two  spaces', 40)).toBe('two  spaces');
  });
  test('never makes a line longer than the limit unless one word is', () => {
    const text = readFileSync(join(ROOT, 'README.md'), 'utf8').slice(0, 5000);
    for (const line of wrapWords(text, 40).split('\n')) {
      if (line.length > 40) expect(line.trim()).not.toMatch(/\s/);
    }
  });
});

describe('CRD name index', () => {
  test('the indentation scan reads the same names as a full parse, for every vendored CRD', () => {
    for (const file of listManifestFiles(join(ROOT, 'crds'))) {
      const text = readFileSync(file, 'utf8');
      const parsed = parseAllDocuments(text)
        .map((d) => namesFromObject(d.toJS(), file))
        .filter(Boolean);
      const scanned = text
        .split(/^---[ \t]*$/m)
        .map((doc) => scanCrdDocument(doc, file))
        .filter(Boolean);
      expect(scanned).toEqual(parsed);
    }
  });
  test('a layout the scan cannot read is parsed fully instead', () => {
    const dir = mkdtempSync(join(tmpdir(), 'explain-crd-'));
    writeFileSync(
      join(dir, 'flow.yaml'),
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\n' +
        'spec: {group: example.com, names: {kind: Widget, plural: widgets, shortNames: [wd]}, scope: Namespaced,\n' +
        '  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, description: Widget spec}}}}}]}\n',
    );
    expect(indexCrds([dir])).toEqual([
      expect.objectContaining({ group: 'example.com', kind: 'Widget', plural: 'widgets', shortNames: ['wd'], versions: ['v1'] }),
    ]);
    const result = explain('wd.spec', { crdDirs: [dir] });
    expect(result.stdout).toContain(
      'GROUP:      example.com\nKIND:       Widget\nVERSION:    v1\n\nFIELD: spec <Object>\n\nDESCRIPTION:\n    Widget spec\n',
    );
  });
});

describe('CRD cache', () => {
  test('a parsed CRD file is cached by content and gives the same output when read back', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'explain-cache-'));
    const render = (schemas: ExplainSchemas) => {
      const r = schemas.resources.find((x) => x.plural === 'pipelineruns' && x.version === 'v1')!;
      return JSON.stringify(schemas.rootSchema(r.group, r.version, r.kind));
    };
    const first = new ExplainSchemas(join(ROOT, 'schemas', 'k8s-1.28'), [join(ROOT, 'crds')], cacheDir);
    const fresh = render(first);
    expect(first.timings.crdCacheHits).toBe(0);
    const second = new ExplainSchemas(join(ROOT, 'schemas', 'k8s-1.28'), [join(ROOT, 'crds')], cacheDir);
    expect(render(second)).toBe(fresh);
    expect(second.timings.crdCacheHits).toBe(1);
  });
});

describe('resources and names', () => {
  test('every built-in resource names a kind the vendored definitions define for its group and version', () => {
    const definitions = JSON.parse(readFileSync(join(ROOT, 'schemas', 'k8s-1.28', '_definitions.json'), 'utf8')).definitions;
    const gvks = new Set(
      Object.values(definitions).flatMap((d: any) =>
        (d['x-kubernetes-group-version-kind'] ?? []).map((g: any) => `${g.group}/${g.version}/${g.kind}`),
      ),
    );
    for (const r of BUILTIN_RESOURCES) expect(gvks).toContain(`${r.group}/${r.version}/${r.kind}`);
  });
  test("kubectl's name forms resolve to the same resource", () => {
    const pick = (arg: string, apiVersion?: string) => {
      const r = resolveRequest(arg, schemas.resources, apiVersion);
      return `${r.group}/${r.version}/${r.resource}:${r.fieldPath.join('.')}`;
    };
    for (const arg of ['svc.spec', 'services.spec', 'service.spec', 'Service.spec', 'SERVICES.spec'])
      expect(pick(arg)).toBe('/v1/services:spec');
    expect(pick('deployments.apps.spec')).toBe('apps/v1/deployments:spec');
    expect(pick('deploy.spec')).toBe('apps/v1/deployments:spec');
    expect(pick('pr.spec')).toBe('tekton.dev/v1/pipelineruns:spec');
    expect(pick('pipelineruns.tekton.dev.spec')).toBe('tekton.dev/v1/pipelineruns:spec');
    expect(pick('el')).toBe('triggers.tekton.dev/v1beta1/eventlisteners:');
    expect(pick('hpa')).toBe('autoscaling/v2/horizontalpodautoscalers:');
    expect(pick('ev')).toBe('/v1/events:');
    expect(pick('deploy.spec', 'apps/v1')).toBe('apps/v1/deployments:spec');
    expect(pick('pods.')).toBe('/v1/pods:');
  });
  test('Kubernetes version order', () => {
    expect(['v1alpha1', 'v1beta1', 'v2', 'v1', 'v1beta2', 'foo'].sort(compareKubeVersions)).toEqual([
      'v2',
      'v1',
      'v1beta2',
      'v1beta1',
      'v1alpha1',
      'foo',
    ]);
  });
  test('a $ref with siblings is wrapped in allOf, a bare one is only renamed', () => {
    expect(toV3Shape({ properties: { a: { $ref: '#/definitions/X', description: 'd' }, b: { $ref: '#/definitions/Y' } } })).toEqual({
      properties: { a: { description: 'd', allOf: [{ $ref: '#/components/schemas/X' }] }, b: { $ref: '#/components/schemas/Y' } },
    });
  });
});

describe('where a field is used in this project (computed)', () => {
  test('pod.spec.shareProcessNamespace: exercise 05 and SharedProcessNamespacePod', () => {
    const result = explain('pod.spec.shareProcessNamespace', { usage: true });
    const section = result.stdout.slice(result.stdout.indexOf('USED IN THIS PROJECT:'));
    expect(section).toContain('exercise 05 (dist/05-shared-process-namespace.k8s.yaml):');
    expect(section).toContain('v1 Pod shared-pid/nginx: spec.shareProcessNamespace = true');
    expect(section).toMatch(/SharedProcessNamespacePod \(docs, lib\/constructs\/pod\/shared-process-namespace-pod\.ts\)/);
  });
  test('comes from the manifests and the construct docs index it is given, not from a list', () => {
    const dir = mkdtempSync(join(tmpdir(), 'explain-usage-'));
    writeFileSync(
      join(dir, '42-demo.k8s.yaml'),
      'apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: demo}\n' +
        'spec: {ports: [{port: 80, targetPort: 8080}, {port: 81, targetPort: http}]}\n',
    );
    writeFileSync(
      join(dir, 'construct-docs.json'),
      JSON.stringify({
        format: 1,
        constructs: [
          {
            construct: 'Thing',
            source: 'lib/thing.ts',
            intro: ['Makes a Service.'],
            props: [{ name: 'targetPort', description: 'The pod port.' }],
            members: [],
          },
        ],
      }),
    );
    const result = explain('svc.spec.ports.targetPort', { usage: true, manifests: [dir], constructDocs: join(dir, 'construct-docs.json') });
    expect(result.stdout.slice(result.stdout.indexOf('USED IN THIS PROJECT:'))).toBe(
      'USED IN THIS PROJECT:\n' +
        `    exercise 42 (${join(dir, '42-demo.k8s.yaml')}):\n` +
        '      v1 Service demo/a: spec.ports[0].targetPort = 8080\n' +
        '      v1 Service demo/a: spec.ports[1].targetPort = "http"\n' +
        '    constructs whose docs name targetPort:\n' +
        '      Thing (prop targetPort, lib/thing.ts): The pod port.\n\n',
    );
  });
  test('the JSON output carries the same usage as data', () => {
    const json = JSON.parse(explain('svc.spec.ports.nodePort', { usage: true, output: 'json' }).stdout);
    expect(json).toMatchObject({ kind: 'Service', version: 'v1', type: 'integer', fieldPath: ['spec', 'ports', 'nodePort'] });
    expect(json.usage.objects).toContainEqual(expect.objectContaining({ exercise: '03', path: 'spec.ports[0].nodePort', value: '30080' }));
    expect(json.usage.constructs.map((c: any) => c.construct)).toContain('ExposedPod');
  });
  test('values inside arrays and maps are found by the schema steps', () => {
    expect(valuesAt({ a: [{ b: 1 }, { c: 2 }, { b: 3 }] }, [{ property: 'a' }, { items: true }, { property: 'b' }])).toEqual([
      { path: 'a[0].b', value: 1 },
      { path: 'a[2].b', value: 3 },
    ]);
    expect(valuesAt({ m: { x: { v: 1 } } }, [{ property: 'm' }, { values: true }, { property: 'v' }])).toEqual([
      { path: 'm["x"].v', value: 1 },
    ]);
  });
  test('the construct docs index is read by construct', () => {
    const index = loadConstructDocs(join(ROOT, 'api', 'construct-docs.json'))!;
    expect(index.constructs.map((s) => s.construct)).toContain('ExposedPod');
    expect(findConstructUsage('nodePort', index).map((c) => c.construct)).toEqual(expect.arrayContaining(['ExposedPod', 'ImageRegistry']));
  });
});

describe('k8s-practice explain (CLI)', () => {
  function collect(): CommandIO & { lines: string[]; errors: string[] } {
    const lines: string[] = [];
    const errors: string[] = [];
    return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
  }
  test("prints kubectl's output, then the usage section; --no-usage prints only kubectl's", async () => {
    const io = collect();
    expect(await main(['explain', 'svc.spec.clusterIP'], io)).toBe(0);
    const text = `${io.lines.join('\n')}\n`;
    expect(text.startsWith('KIND:       Service\nVERSION:    v1\n\nFIELD: clusterIP <string>\n')).toBe(true);
    expect(text).toContain('USED IN THIS PROJECT:');
    const plain = collect();
    expect(await main(['explain', 'svc.spec.clusterIP', '--no-usage'], plain)).toBe(0);
    expect(`${plain.lines.join('\n')}\n`).toBe(explain('svc.spec.clusterIP').stdout);
  });
  test("errors: kubectl's text and exit 1; bad options: exit 2", async () => {
    const io = collect();
    expect(await main(['explain', 'pods.spec.nope'], io)).toBe(1);
    expect(io.errors).toEqual(['error: field "nope" does not exist']);
    const bad = collect();
    expect(await main(['explain', 'pods', '--output', 'yaml'], bad)).toBe(2);
    expect(await main(['explain', 'pods', 'svc'], collect())).toBe(2);
  });
});
