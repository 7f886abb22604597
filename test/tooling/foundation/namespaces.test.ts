/**
 * One namespace-defaulting rule for the tools: an object without `metadata.namespace` lands in
 * `default`, a cluster-scoped one in none. validate and the graph both follow it, so an object
 * written without a namespace and one written in `default` meet in both.
 */
import { buildObjectGraph, SynthesizedObject, validateYaml } from '../../../lib/check-api';
import { DEFAULT_NAMESPACE, effectiveNamespace } from '../../../lib/tooling/foundation/namespaces';

test('the rule: own namespace, else default; none for a cluster-scoped kind', () => {
  expect(effectiveNamespace('shop')).toBe('shop');
  expect(effectiveNamespace(undefined)).toBe(DEFAULT_NAMESPACE);
  expect(effectiveNamespace('')).toBe('default');
  expect(effectiveNamespace(5)).toBe('default');
  expect(effectiveNamespace('shop', true)).toBe('');
});

const POD_WITHOUT_NAMESPACE = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web' },
  spec: {
    containers: [
      { name: 'web', image: 'docker.io/nginxinc/nginx-unprivileged:1.27-alpine', envFrom: [{ configMapRef: { name: 'settings' } }] },
    ],
  },
};
const CONFIG_MAP_IN_DEFAULT = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace: 'default' },
  data: { a: 'b' },
};

test('validate and the graph both place an object without a namespace in default', () => {
  const objects = [POD_WITHOUT_NAMESPACE, CONFIG_MAP_IN_DEFAULT];
  expect(
    validateYaml(objects.map((o) => JSON.stringify(o)).join('\n---\n'), 'x.yaml').findings.filter((f) => f.code === 'missing-reference'),
  ).toEqual([]);
  const graph = buildObjectGraph(objects as unknown as SynthesizedObject[]);
  expect(graph.edges).toContainEqual({ from: 'Pod//web', to: 'ConfigMap/default/settings', label: 'reads' });
});

test('the graph still links two objects that are both written without a namespace', () => {
  const configMap = { ...CONFIG_MAP_IN_DEFAULT, metadata: { name: 'settings' } };
  const graph = buildObjectGraph([POD_WITHOUT_NAMESPACE, configMap] as unknown as SynthesizedObject[]);
  expect(graph.edges).toContainEqual({ from: 'Pod//web', to: 'ConfigMap//settings', label: 'reads' });
});
