import { ApiObject, Chart, Testing } from 'cdk8s';
import {
  declareExternalRefs,
  declaredRefKeys,
  EXTERNAL_REFS_ANNOTATION,
  formatExternalRefs,
  parseExternalRefs,
} from '../../lib/util/external-refs';
import { stringify } from 'yaml';
import { validateYaml } from '../../lib/tooling/check/validate';

const annotationOf = (object: ApiObject) => object.toJson().metadata.annotations[EXTERNAL_REFS_ANNOTATION];

describe('the external-refs annotation (one reader and writer for constructs and validator)', () => {
  const configMap = () =>
    new ApiObject(new Chart(Testing.app(), 'c'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });

  test('declaring keeps a ref to another namespace exactly as written', () => {
    const object = configMap();
    object.metadata.addAnnotation(EXTERNAL_REFS_ANNOTATION, 'Secret/other-ns/token');
    declareExternalRefs(object, [{ kind: 'Secret', name: 'local' }]);
    expect(annotationOf(object)).toBe('Secret/local,Secret/other-ns/token');
  });

  test('declaring keeps items of a shape it does not read, and deduplicates', () => {
    const object = configMap();
    object.metadata.addAnnotation(EXTERNAL_REFS_ANNOTATION, ' Secret/a , odd-item,Secret/a');
    declareExternalRefs(object, [
      { kind: 'Secret', name: 'a' },
      { kind: 'ConfigMap', namespace: 'ns', name: 'b' },
    ]);
    expect(annotationOf(object)).toBe('ConfigMap/ns/b,Secret/a,odd-item');
  });

  test('format and parse are inverse for both shapes', () => {
    const refs = [
      { kind: 'Secret', name: 'a' },
      { kind: 'ConfigMap', namespace: 'ns', name: 'b' },
    ] as const;
    expect(formatExternalRefs(refs)).toBe('ConfigMap/ns/b,Secret/a');
    expect(parseExternalRefs(formatExternalRefs(refs))).toEqual([refs[1], refs[0]]);
    expect(parseExternalRefs('x,a/b/c/d,')).toEqual([]);
    expect(parseExternalRefs(undefined)).toEqual([]);
  });

  test("declared keys resolve items without a namespace to the object's own", () => {
    expect([...declaredRefKeys('Secret/a,Secret/other/b', 'mine')]).toEqual(['Secret/mine/a', 'Secret/other/b']);
  });

  test('the validator reads both shapes the same way', () => {
    const pod = (annotation: string | undefined) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'mine', ...(annotation ? { annotations: { [EXTERNAL_REFS_ANNOTATION]: annotation } } : {}) },
      spec: { containers: [{ name: 'c', image: 'busybox:1.36', envFrom: [{ secretRef: { name: 'token' } }] }] },
    });
    const missing = (annotation?: string) =>
      validateYaml(stringify(pod(annotation))).findings.filter((f) => f.code === 'missing-reference');
    expect(missing()).toHaveLength(1);
    expect(missing('Secret/token')).toEqual([]);
    expect(missing('Secret/other-ns/token')).toHaveLength(1);
    expect(missing('Secret/mine/token')).toEqual([]);
  });
});
