/**
 * Own properties only: a name that JavaScript's prototype also has (`constructor`,
 * `toString`, `hasOwnProperty`, `__proto__`) is an ordinary name. A Secret, key, header, schema
 * field or param is found only when it was given, and a hostile prop is a PropError, never a
 * TypeError.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AllowIngressPolicy, PropError, RunPod } from '../../lib';
import { main } from '../../bin/k8s-practice';
import { CommandIO } from '../../lib/tooling/cli/command-io';
import { simulate } from '../../lib/tooling/simulate/simulate';
import { emptyChart } from '../support/helpers';

function collect(): CommandIO & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = collect();
  const code = await main(args, io);
  return { code, out: io.lines.join('\n'), err: io.errors.join('\n') };
}

/** An EventListener `el` whose one trigger runs a cel filter, binds `params` and creates a ConfigMap. */
function listener(filter: string, params: { name: string; value: string }[] = []): unknown[] {
  return [
    {
      apiVersion: 'triggers.tekton.dev/v1beta1',
      kind: 'EventListener',
      metadata: { name: 'el', namespace: 'ci' },
      spec: {
        triggers: [
          {
            name: 't',
            interceptors: [{ ref: { name: 'cel' }, params: [{ name: 'filter', value: filter }] }],
            bindings: params,
            template: {
              spec: {
                params: params.map((p) => ({ name: p.name })),
                resourcetemplates: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'made' } }],
              },
            },
          },
        ],
      },
    },
  ];
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hostile-own-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('simulate', () => {
  test("compareSecret('name', 'constructor') finds no Secret when none was given (Object.name is not a Secret)", () => {
    const result = simulate(listener("body.x.compareSecret('name', 'constructor')"), 'el', { body: '{"x": "Object"}', headers: {} });
    expect(result.accepted).toBe(false);
    expect(result.triggers[0]!.interceptors[0]!.reason).toMatch(/failed to find secret 'constructor' key 'name' in compareSecret/);
  });

  test('a Secret named constructor with a key named name is found when it is given', () => {
    const secrets = { constructor: { name: 'Object' } } as never;
    const result = simulate(
      listener("body.x.compareSecret('name', 'constructor')"),
      'el',
      { body: '{"x": "Object"}', headers: {} },
      secrets,
    );
    expect(result.accepted).toBe(true);
  });

  test('a binding param named constructor is a param like any other', () => {
    const result = simulate(listener('true', [{ name: 'constructor', value: 'v' }]), 'el', { body: '{}', headers: {} });
    expect(result.triggers[0]!.error).toBeUndefined();
    expect(result.triggers[0]!.params).toEqual({ constructor: 'v' });
  });

  test('--header __proto__=x and --secret constructor/name=v are ordinary names, not an internal TypeError', async () => {
    const manifest = join(dir, 'el.yaml');
    writeFileSync(
      manifest,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: listener("header.canonical('__proto__') == 'x' && 'v'.compareSecret('name', 'constructor')"),
      }),
    );
    const body = join(dir, 'body.json');
    writeFileSync(body, '{}');
    const args = ['simulate', manifest, '--listener', 'el', '--body', body, '--header', '__proto__=x'];
    const accepted = await run([...args, '--secret', 'constructor/name=v']);
    expect(accepted.err).toBe('');
    expect(accepted.out).toMatch(/^EventListener ci\/el: accepts the event/);
    expect(accepted.code).toBe(0);
    const refused = await run(args);
    expect(refused.err).toBe('');
    expect(refused.out).toMatch(/failed to find secret 'constructor' key 'name'/);
    expect(refused.code).toBe(1);
  });
});

describe('explain', () => {
  test.each(['pod.spec.constructor', 'pod.spec.containers.hasOwnProperty', 'deployment.spec.toString', 'pod.__proto__'])(
    '%s is a field that does not exist (exit 1)',
    async (path) => {
      const result = await run(['explain', path]);
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/^error: field "(constructor|hasOwnProperty|toString|__proto__)" does not exist$/);
    },
  );
});

describe('constructs', () => {
  test.each([
    ['[null]', [null]],
    ['[7]', [7]],
    ['a string', 'clients'],
  ])('AllowIngressPolicy from: %s is a PropError naming the field and the value', (_title, from) => {
    const chart = emptyChart();
    const web = new RunPod(chart, 'web', { name: 'web', portName: 'http' });
    let thrown: unknown;
    try {
      new AllowIngressPolicy(chart, 'p', { name: 'p', to: web, from: from as never });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PropError);
    expect((thrown as Error).message).toMatch(
      /invalid from(\[0\])? .*; expected a (list of sources|source) \{ podLabels\?, namespace\? \}/,
    );
  });
});
