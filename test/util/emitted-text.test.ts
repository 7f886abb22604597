/**
 * YAML we emit that kubectl would read differently: a lone surrogate (no UTF-8 form,
 * kubectl refuses the file) and U+0085/U+2028/U+2029 (YAML 1.1 line breaks that go-yaml folds
 * into a space) are refused at synth by one chart-wide guard (lib/util/emitted-text.ts), for
 * keys and values, whichever construct or prop they come from.
 */
import { ApiObject, Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { DemoApp } from '../../lib/exercises/demo-app';
import { AllowIngressPolicy } from '../../lib/constructs/network/allow-ingress-policy';
import { ConfiguredPod } from '../../lib/constructs/pod/configured-pod';
import { RunPod } from '../../lib/constructs/pod/run-pod';
import { Project } from '../../lib/constructs/project/project';
import { emittedTextProblem } from '../../lib/util/emitted-text';

const props = { name: 'env-demo', secret: { name: 'env-demo-secret', keys: ['DB_PASSWORD'] } };
const synthWithSettings = (settings: Record<string, string>) => {
  const chart = new Chart(Testing.app(), 'c');
  new ConfiguredPod(chart, 'pod', { ...props, settings });
  return Testing.synth(chart);
};

describe('text kubectl would read differently is refused at synth', () => {
  test.each([
    ['a lone high surrogate', 'p\uD800q', /lone surrogate U\+D800 at index 1/],
    ['a lone low surrogate', '\uDC00', /lone surrogate U\+DC00/],
    ['U+0085 (NEL)', 'x\u0085y', /U\+0085 at index 1, a line break in YAML 1.1/],
    ['U+2028', 'a\u2028b', /U\+2028/],
    ['U+2029', 'a\u2029b', /U\+2029/],
  ])('%s in a ConfigMap value names the object and the field', (_title, value, message) => {
    expect(() => synthWithSettings({ APP_MODE: value })).toThrow(message);
    expect(() => synthWithSettings({ APP_MODE: value })).toThrow(/ConfigMap\/env-demo-config: invalid data\.APP_MODE/);
  });

  test('an emoji (a valid surrogate pair) and ordinary Unicode pass', () => {
    expect(() => synthWithSettings({ APP_MODE: 'ok 😀 한국어 \u00e9\n' })).not.toThrow();
  });

  test('RunPod and PodService (ExposedPod) are guarded: a U+2028 in a label value of a pod is refused', () => {
    const chart = new Chart(Testing.app(), 'c');
    new RunPod(chart, 'pod', { name: 'web', command: ['echo', 'a\u2028b'] });
    expect(() => Testing.synth(chart)).toThrow(/Pod\/web: invalid spec\.containers\[0\]\.command\[1\]/);
  });

  test.each([
    [
      'AllowIngressPolicy',
      (chart: Chart) =>
        new AllowIngressPolicy(chart, 'policy', { name: 'allow-web', to: new RunPod(chart, 'pod', { name: 'web' }), fromAnywhere: true }),
    ],
    ['DemoApp', (chart: Chart) => new DemoApp(chart, 'app')],
  ])('a chart holding only a %s is guarded as well', (_name, build) => {
    const chart = new Chart(Testing.app(), 'c');
    build(chart);
    new ApiObject(chart, 'raw', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'raw' }, data: { k: 'a\u2029b' } });
    expect(() => Testing.synth(chart)).toThrow(/ConfigMap\/raw: invalid data\.k [\s\S]*U\+2029/);
  });

  test('objects a user adds to a project are guarded too, keys included', () => {
    const project = new Project(Testing.app(), 'p', { namespace: 'guarded' });
    new ApiObject(project, 'raw', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'raw' }, data: { ['k\u2028']: 'v' } });
    expect(() => Testing.synth(project)).toThrow(/ConfigMap\/raw: invalid data\.k\u2028 \(the key\) has U\+2028/);
  });
});

describe('generated text (property)', () => {
  const independent = (text: string): boolean => {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x85 || c === 0x2028 || c === 0x2029) return true;
      if (c >= 0xd800 && c <= 0xdbff) {
        const next = text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) i++;
        else return true;
      } else if (c >= 0xdc00 && c <= 0xdfff) return true;
    }
    return false;
  };
  const risky = fc.constantFrom('\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\u0085', '\u2028', '\u2029', '😀', 'a', '\n', '"', '\\', ':');
  const text = fc.array(fc.oneof(risky, fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 8 }).map((parts) => parts.join(''));

  test('the guard refuses exactly the texts with a lone surrogate or a YAML 1.1 line break', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(emittedTextProblem(t) !== undefined).toBe(independent(t));
      }),
      { numRuns: 500 },
    );
  });

  test('a synth succeeds exactly when every setting is safe', () => {
    fc.assert(
      fc.property(text, (t) => {
        const refused = (() => {
          try {
            synthWithSettings({ APP_MODE: t });
            return false;
          } catch {
            return true;
          }
        })();
        expect(refused).toBe(independent(t));
      }),
      { numRuns: 200 },
    );
  });
});
