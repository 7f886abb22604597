import { Testing } from 'cdk8s';
import { App } from 'cdk8s';
import { addExercises, ExposedPod, PropError, RunPod, selectExercises } from '../../lib';

/** Runs `fn` and returns what it threw. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('PropError: bad props and options can be told apart by type, with their parts', () => {
  test('a construct prop: path, field, value and what is allowed', () => {
    const error = thrown(() => new ExposedPod(Testing.chart(), 'web', { name: 'web', type: 'NodePort', nodePort: 29999 }));
    expect(error).toBeInstanceOf(PropError);
    expect(error).toBeInstanceOf(Error);
    const prop = error as PropError;
    expect(prop.name).toBe('PropError');
    expect(prop.constructPath).toBe('test/web/Service');
    expect(prop.field).toBe('nodePort');
    expect(prop.value).toBe(29999);
    expect(prop.expected).toMatch(/30000.*32767/);
    expect(prop.message).toBe(`test/web/Service: invalid nodePort 29999; expected ${prop.expected}`);
  });

  test('a prop that is not given says "missing", not "invalid ... undefined"', () => {
    const error = thrown(() => new (RunPod as any)(Testing.chart(), 'p', {})) as PropError;
    expect(error).toBeInstanceOf(PropError);
    expect([error.field, error.value]).toEqual(['name', undefined]);
    expect(error.message).toBe(`test/p: missing name; expected ${error.expected}`);
    expect(new PropError('x', 'port', null, 'a port').message).toBe('x: invalid port null; expected a port');
  });

  test('a label value', () => {
    const error = thrown(() => new RunPod(Testing.chart(), 'p', { name: 'p', labels: { app: 'no spaces' } })) as PropError;
    expect(error).toBeInstanceOf(PropError);
    expect(error.field).toBe('labels["app"]');
    expect(error.value).toBe('no spaces');
  });

  test('an exercise option', () => {
    const error = thrown(() => selectExercises(['42'])) as PropError;
    expect(error).toBeInstanceOf(PropError);
    expect([error.constructPath, error.field, error.value]).toEqual(['exercise options', 'only', '42']);
    expect(thrown(() => addExercises(new App(), { nodePort: 80 }))).toBeInstanceOf(PropError);
  });
});
