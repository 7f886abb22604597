/**
 * One "which object refers to which" table for the tools: validate (rule `missing-reference`) and
 * the graph both read OBJECT_REFERENCES, so a field added to it is judged and drawn by both; each
 * only selects and filters (the kinds it judges, optional references, `$(` placeholders, the
 * container order).
 */
import { buildObjectGraph, SynthesizedObject, validateYaml } from '../../../lib/check-api';
import { referencesOf } from '../../../lib/tooling/check/rules/reference-rules';
import { EACH, EACH_CONTAINER, OBJECT_REFERENCES, ReferenceField, referencesIn } from '../../../lib/tooling/foundation/object-references';

const pod = (spec: object): SynthesizedObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'shop' }, spec });
const configMap = (name: string): SynthesizedObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'shop' } });

/** Runs `body` with `extra` appended to the table, then restores it. */
function withTableEntry(extra: ReferenceField, body: () => void): void {
  const table = OBJECT_REFERENCES as ReferenceField[];
  table.push(extra);
  try {
    body();
  } finally {
    table.pop();
  }
}

describe('the reference table', () => {
  test('ids are unique, and every path names a field at its end', () => {
    const ids = OBJECT_REFERENCES.map((f) => f.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    for (const field of OBJECT_REFERENCES) expect([EACH, EACH_CONTAINER]).not.toContain(field.path[field.path.length - 1]);
  });

  test('a pod-spec field added to the table is judged by validate and drawn by the graph', () => {
    const extra: ReferenceField = {
      id: 'test-container-config',
      in: 'pod-spec',
      path: [EACH_CONTAINER, 'testConfig', 'name'],
      target: 'ConfigMap',
      relation: 'is configured by',
    };
    const spec = { containers: [{ name: 'app', image: 'nginx', testConfig: { name: 'settings' } }] };
    expect(referencesOf(pod(spec), 'shop')).toEqual([]);
    withTableEntry(extra, () => {
      expect(referencesOf(pod(spec), 'shop').map((r) => `${r.kind}/${r.name} ${r.path.join('.')}`)).toEqual([
        'ConfigMap/settings spec.containers.0.testConfig.name',
      ]);
      const yaml = JSON.stringify(pod(spec));
      expect(
        validateYaml(yaml, 'pod.yaml')
          .findings.filter((f) => f.code === 'missing-reference')
          .map((f) => f.path),
      ).toEqual(['spec.containers[0].testConfig.name']);
      expect(buildObjectGraph([pod(spec), configMap('settings')]).edges).toEqual([
        { from: 'Pod/shop/web', to: 'ConfigMap/shop/settings', label: 'is configured by' },
      ]);
    });
    expect(buildObjectGraph([pod(spec), configMap('settings')]).edges).toEqual([]);
  });

  test("a new kind's field added to the table is judged by validate and drawn by the graph", () => {
    const widget = {
      apiVersion: 'example.dev/v1',
      kind: 'Widget',
      metadata: { name: 'w', namespace: 'shop' },
      spec: { parts: [{ secretName: 'token' }] },
    };
    const extra: ReferenceField = {
      id: 'test-widget-secret',
      in: { group: 'example.dev', kinds: ['Widget'] },
      path: ['spec', 'parts', EACH, 'secretName'],
      target: 'Secret',
      relation: 'signs with',
    };
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'token', namespace: 'shop' } };
    withTableEntry(extra, () => {
      expect(referencesOf(widget, 'shop').map((r) => `${r.kind}/${r.name} ${r.path.join('.')}`)).toEqual([
        'Secret/token spec.parts.0.secretName',
      ]);
      expect(buildObjectGraph([widget, secret]).edges).toEqual([{ from: 'Widget/shop/w', to: 'Secret/shop/token', label: 'signs with' }]);
    });
  });

  test('each consumer filters the same walk: optional references, placeholders, kinds it does not judge', () => {
    const spec = {
      containers: [{ name: 'app', image: 'nginx', envFrom: [{ configMapRef: { name: 'maybe', optional: true } }] }],
      volumes: [
        { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
        { name: 'run', secret: { secretName: '$(params.secret)' } },
      ],
    };
    const found = referencesIn(pod(spec)).map((r) => `${r.field.target}/${r.name} optional=${r.optional} placeholder=${r.placeholder}`);
    expect(found).toEqual([
      'PersistentVolumeClaim/data optional=false placeholder=false',
      'Secret/$(params.secret) optional=false placeholder=true',
      'ConfigMap/maybe optional=true placeholder=false',
    ]);
    // validate judges ConfigMaps, Secrets and ServiceAccounts, and lets optional ones and placeholders be missing
    expect(referencesOf(pod(spec), 'shop')).toEqual([]);
    // the graph draws what it finds, the PVC included
    const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'shop' } };
    expect(buildObjectGraph([pod(spec), claim, configMap('maybe')]).edges).toEqual([
      { from: 'Pod/shop/web', to: 'PersistentVolumeClaim/shop/data', label: 'mounts' },
      { from: 'Pod/shop/web', to: 'ConfigMap/shop/maybe', label: 'reads' },
    ]);
  });

  test('the container order is the consumer’s: validate visits regular containers first, the graph init containers first', () => {
    const spec = {
      containers: [{ name: 'app', image: 'nginx', envFrom: [{ configMapRef: { name: 'regular' } }] }],
      initContainers: [{ name: 'init', image: 'nginx', envFrom: [{ configMapRef: { name: 'init' } }] }],
    };
    expect(referencesOf(pod(spec), 'shop').map((r) => r.name)).toEqual(['regular', 'init']);
    expect(buildObjectGraph([pod(spec), configMap('regular'), configMap('init')]).edges.map((e) => e.to)).toEqual([
      'ConfigMap/shop/init',
      'ConfigMap/shop/regular',
    ]);
  });
});
