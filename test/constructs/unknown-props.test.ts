/**
 * A prop a construct does not take is refused, not ignored: TypeScript catches it in an object
 * literal, plain JavaScript (or an object wider than the props type) does not. Every construct of
 * the library checks its props before anything else, so `{ bogusProp }` alone is enough here.
 */
import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import * as lib from '../../lib';
import { ExposedPod, PropError } from '../../lib';

type AnyConstructClass = new (scope: Construct, id: string, props: unknown) => Construct;

/** Every construct class of the library, and the typed Triggers objects (not the exercise charts, which take only a namespace). */
const CONSTRUCTS: [string, AnyConstructClass][] = Object.entries(lib)
  .filter(([name, value]) => typeof value === 'function' && value.prototype instanceof Construct && !name.endsWith('Exercise'))
  .map(([name, value]) => [name, value as unknown as AnyConstructClass]);

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

test('the list holds every construct of the library', () => {
  expect(CONSTRUCTS.map(([name]) => name).sort()).toEqual(
    [
      'AllowIngressPolicy',
      'BuildPipeline',
      'ConfiguredPod',
      'DemoApp',
      'DeployImageTask',
      'EventListener',
      'ExposedPod',
      'GitCloneTask',
      'GogsPushTrigger',
      'GogsServer',
      'GogsSignatureInterceptor',
      'ImageRegistry',
      'KanikoTask',
      'ListenerNetworkPolicy',
      'PodService',
      'Project',
      'RegistryPushTrigger',
      'RunDeployment',
      'RunPod',
      'ServiceEndpoints',
      'SharedProcessNamespacePod',
      'Trigger',
      'TriggerBinding',
      'TriggerTemplate',
      'WebhookListener',
    ].sort(),
  );
});

test.each(CONSTRUCTS)('%s refuses a prop it does not take, naming it and the props it takes', (name, Class) => {
  const error = thrown(() => new Class(Testing.app(), 'x', { bogusProp: 1 }));
  expect(error).toBeInstanceOf(PropError);
  expect((error as PropError).field).toBe(`bogusProp (not a prop of ${name})`);
  expect((error as PropError).expected).toMatch(new RegExp(`^one of the props ${name} takes: [a-zA-Z]+(, [a-zA-Z]+)*$`));
});

test('replicas on an ExposedPod (a RunDeployment prop) is refused; a near miss is named', () => {
  const chart = Testing.chart();
  expect(() => new ExposedPod(chart, 'web', { name: 'web', replicas: 3 } as never)).toThrow(
    /^test\/web: invalid replicas \(not a prop of ExposedPod\) 3; expected one of the props ExposedPod takes: name, .*servicePort/,
  );
  expect(() => new ExposedPod(chart, 'web2', { name: 'web', servicePrt: 80 } as never)).toThrow(/\(did you mean "servicePort"\?\)$/);
});

test('a prop given as undefined counts as not given', () => {
  expect(() => new ExposedPod(Testing.chart(), 'web', { name: 'web', replicas: undefined } as never)).not.toThrow();
});
