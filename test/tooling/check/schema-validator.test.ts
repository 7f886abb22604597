import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractEnumTable } from '../../../scripts/generate/extract-enums';
import { packageRoot } from '../../../lib/tooling/check/package-root';
import { SchemaValidator } from '../../../lib/tooling/check/schema-validator';
import { dropNulls, makeStrict } from '../../../lib/tooling/check/strict-schema';
import { validateYaml } from '../../../lib/tooling/check/validate';
import { KUBECTL_FIXTURES } from '../../support/fixture-paths';

const pod = (spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec });

describe('SchemaValidator', () => {
  const validator = SchemaValidator.shared();

  test('is one instance per process, and compiles a kind once', () => {
    expect(SchemaValidator.shared()).toBe(validator);
    expect(SchemaValidator.shared({ crdDirs: [join(packageRoot(), 'crds')] })).toBe(validator);
    validator.validate(pod({ containers: [{ name: 'a', image: 'b' }] }));
    const compiled = validator.timings.compiledKinds;
    const compileMs = validator.timings.compileMs;
    for (let i = 0; i < 5; i++) validator.validate(pod({ containers: [{ name: `a${i}`, image: 'b' }] }));
    expect(validator.timings.compiledKinds).toBe(compiled);
    expect(validator.timings.compileMs).toBe(compileMs);
    expect(validator.timings.loadMs).toBeGreaterThan(0);
  });

  test('maps apiVersion and kind through x-kubernetes-group-version-kind', () => {
    expect(validator.lookup('apps/v1', 'Deployment')?.ref).toMatch(/#\/definitions\/io\.k8s\.api\.apps\.v1\.Deployment$/);
    expect(validator.lookup('v1', 'Service')?.source).toBe('kubernetes');
    expect(validator.lookup('discovery.k8s.io/v1', 'EndpointSlice')).toBeDefined();
    expect(validator.lookup('apps/v1beta1', 'Deployment')).toBeUndefined();
    expect(validator.lookup('v1', 'Namespace')?.clusterScoped).toBe(true);
    expect(validator.lookup('v1', 'Pod')?.clusterScoped).toBe(false);
    expect(validator.validate({ apiVersion: 'example.com/v1', kind: 'Widget' })).toBeUndefined();
  });

  test('rejects unknown fields everywhere a schema lists properties', () => {
    const problems = validator.validate(
      pod({ containers: [{ name: 'a', image: 'b', securityContext: { runAsNonRot: true } }], hostname2: 'x' }),
    );
    expect(problems?.map((p) => `${p.path} ${p.rule}`)).toEqual([
      'spec.containers[0].securityContext.runAsNonRot schema-unknown-field',
      'spec.hostname2 schema-unknown-field',
    ]);
  });

  test('keeps property-less objects open (annotations, ConfigMap data)', () => {
    const configMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', annotations: { 'x/y': 'z' } },
      data: { anything: 'goes' },
    };
    expect(validator.validate(configMap)).toEqual([]);
  });

  test('accepts both forms of IntOrString and Quantity, and nothing else', () => {
    const service = (targetPort: unknown) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's' },
      spec: { ports: [{ port: 80, targetPort }] },
    });
    expect(validator.validate(service(8080))).toEqual([]);
    expect(validator.validate(service('http'))).toEqual([]);
    expect(validator.validate(service(true))).toEqual([
      { path: 'spec.ports[0].targetPort', rule: 'schema-type', message: 'invalid value true; expected a string or an integer' },
    ]);
    const limits = (cpu: unknown) => pod({ containers: [{ name: 'a', image: 'b', resources: { limits: { cpu } } }] });
    expect(validator.validate(limits(0.5))).toEqual([]);
    expect(validator.validate(limits('500m'))).toEqual([]);
    expect(validator.validate(limits([1]))?.map((p) => p.rule)).toEqual(['schema-type']);
  });

  test('checks int32 ranges and types', () => {
    const problems = validator.validate(
      pod({ containers: [{ name: 'a', image: 'b', ports: [{ containerPort: 3000000000 }, { containerPort: '80' }] }] }),
    );
    expect(problems).toEqual([
      {
        path: 'spec.containers[0].ports[0].containerPort',
        rule: 'schema-format',
        message: 'invalid value 3000000000; expected format int32',
      },
      { path: 'spec.containers[0].ports[1].containerPort', rule: 'schema-type', message: 'invalid value "80"; expected an integer' },
    ]);
  });

  test('drops nulls before validating (kubectl writes creationTimestamp: null)', () => {
    expect(
      validator.validate({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', creationTimestamp: null }, spec: {}, status: {} }),
    ).toEqual([]);
  });

  test('merged enums reject values kubectl would refuse', () => {
    const problems = validator.validate({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's' },
      spec: { type: 'Foo', ports: [{ port: 80, protocol: 'HTTP' }] },
    });
    expect(problems?.map((p) => `${p.path} ${p.rule}`)).toEqual(['spec.ports[0].protocol schema-enum', 'spec.type schema-enum']);
  });

  test('every kubectl 1.28 fixture passes the schemas', () => {
    const dir = KUBECTL_FIXTURES;
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files).toHaveLength(41);
    for (const file of files) {
      const result = validateYaml(readFileSync(join(dir, file), 'utf8'), file);
      expect(result.objects).toBe(1);
      expect(result.findings.filter((f) => f.rule.startsWith('schema') || f.rule === 'unknown-kind')).toEqual([]);
    }
  });
});

describe('vendored CRDs (crds/)', () => {
  const validator = SchemaValidator.shared();

  test('Tekton Pipelines v1 objects validate strictly', () => {
    const task = (step: Record<string, unknown>) => ({
      apiVersion: 'tekton.dev/v1',
      kind: 'Task',
      metadata: { name: 't' },
      spec: { steps: [step] },
    });
    expect(validator.validate(task({ name: 's', image: 'busybox', script: 'echo' }))).toEqual([]);
    expect(validator.validate(task({ name: 's', image: 'busybox', args: 'not-a-list' }))?.map((p) => `${p.path} ${p.rule}`)).toEqual([
      'spec.steps[0].args schema-type',
    ]);
    expect(validator.lookup('tekton.dev/v1', 'Task')?.source).toBe('crd');
  });

  test('Triggers objects are open below the root (their CRD schemas preserve unknown fields), but metadata is ObjectMeta', () => {
    const listener = (metadata: Record<string, unknown>) => ({
      apiVersion: 'triggers.tekton.dev/v1beta1',
      kind: 'EventListener',
      metadata,
      spec: { anything: 1 },
    });
    expect(validator.validate(listener({ name: 'el' }))).toEqual([]);
    expect(validator.validate(listener({ name: 'el', lables: {} }))?.map((p) => p.path)).toEqual(['metadata.lables']);
  });
});

describe('CRDs from another folder', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'k8s-practice-crds-'));
    writeFileSync(
      join(dir, 'widgets.yaml'),
      `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.example.com }
spec:
  group: example.com
  scope: Cluster
  names: { kind: Widget, plural: widgets }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                port: { x-kubernetes-int-or-string: true }
                size: { type: integer, format: int32 }
                extra: { type: object, x-kubernetes-preserve-unknown-fields: true }
                note: { type: string, nullable: true }
    - name: v0
      served: false
      storage: false
      schema:
        openAPIV3Schema: { type: object }
`,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('served versions load with their scope, strict and with int-or-string', () => {
    const validator = SchemaValidator.shared({ crdDirs: [dir] });
    expect(validator).not.toBe(SchemaValidator.shared());
    const widget = (spec: Record<string, unknown>) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec });
    expect(validator.isClusterScoped('example.com/v1', 'Widget')).toBe(true);
    expect(validator.lookup('example.com/v0', 'Widget')).toBeUndefined();
    expect(validator.validate(widget({ port: 80, size: 3, extra: { free: { form: true } }, note: 'x' }))).toEqual([]);
    expect(validator.validate(widget({ port: 'http' }))).toEqual([]);
    expect(validator.validate(widget({ port: false, sise: 1 }))?.map((p) => `${p.path} ${p.rule}`)).toEqual([
      'spec.port schema-type',
      'spec.sise schema-unknown-field',
    ]);
    expect(validator.validate({ ...widget({}), status: {} })?.map((p) => p.path)).toEqual(['status']);
  });
});

describe('makeStrict', () => {
  test('closes objects with properties, leaves open ones and preserve-unknown-fields open', () => {
    const schema = makeStrict({
      type: 'object',
      properties: {
        a: { type: 'object', properties: { b: { type: 'string' } } },
        free: { type: 'object' },
        kept: { type: 'object', properties: { c: { type: 'string' } }, 'x-kubernetes-preserve-unknown-fields': true },
        list: { type: 'array', items: { type: 'object', properties: { d: { type: 'string' } } } },
        map: { type: 'object', additionalProperties: { type: 'object', properties: { e: { type: 'string' } } } },
      },
    });
    const props = schema.properties as Record<string, any>;
    expect(schema.additionalProperties).toBe(false);
    expect(props.a.additionalProperties).toBe(false);
    expect(props.free.additionalProperties).toBeUndefined();
    expect(props.kept.additionalProperties).toBeUndefined();
    expect(props.list.items.additionalProperties).toBe(false);
    expect(props.map.additionalProperties.additionalProperties).toBe(false);
  });

  test('walks schema positions only, never property names (JSONSchemaProps has a property called "properties")', () => {
    const schema = makeStrict({
      type: 'object',
      properties: {
        properties: { type: 'object', additionalProperties: { type: 'string' } },
        'x-kubernetes-int-or-string': { type: 'boolean' },
      },
    });
    const props = schema.properties as Record<string, any>;
    expect(props['x-kubernetes-int-or-string']).toEqual({ type: 'boolean' });
    expect(props.properties).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
  });

  test('int-or-string accepts both types; embedded resources allow apiVersion/kind/metadata', () => {
    const schema = makeStrict({
      type: 'object',
      properties: {
        port: { type: 'string', 'x-kubernetes-int-or-string': true },
        embedded: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object' } } },
      },
    });
    const props = schema.properties as Record<string, any>;
    expect(props.port.type).toBeUndefined();
    expect(props.port.anyOf).toEqual([{ type: 'integer' }, { type: 'string' }]);
    expect(Object.keys(props.embedded.properties).sort()).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
  });

  test('dropNulls removes null properties at any depth but keeps list items', () => {
    expect(dropNulls({ a: null, b: { c: null, d: 1 }, e: [null, { f: null }] })).toEqual({ b: { d: 1 }, e: [null, {}] });
  });
});

describe('enum table', () => {
  test('extractEnumTable deduplicates and sorts values', () => {
    const table = extractEnumTable({
      definitions: {
        B: { properties: { policy: { enum: ['Local', 'Cluster', 'Cluster', 'Local'] }, plain: {} } },
        A: { properties: { type: { enum: ['', 'File'] } } },
      },
    });
    expect(table).toEqual({ A: { type: ['', 'File'] }, B: { policy: ['Cluster', 'Local'] } });
  });

  test('the vendored table is deduplicated and every entry names a string property of the definitions', () => {
    const dir = join(packageRoot(), 'schemas', 'k8s-1.28');
    const enums = JSON.parse(readFileSync(join(dir, 'enums.json'), 'utf8')) as Record<string, Record<string, string[]>>;
    const definitions = JSON.parse(readFileSync(join(dir, '_definitions.json'), 'utf8')).definitions;
    let count = 0;
    for (const [definition, properties] of Object.entries(enums)) {
      for (const [property, values] of Object.entries(properties)) {
        count++;
        expect(new Set(values).size).toBe(values.length);
        expect(definitions[definition].properties[property].type).toBe('string');
      }
    }
    expect(count).toBe(68);
    expect(enums['io.k8s.api.core.v1.ServiceSpec'].externalTrafficPolicy).toEqual(['Cluster', 'Local']);
  });
});
