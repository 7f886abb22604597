/**
 * A bound on CEL: simulate evaluates CEL from manifests it did not write, so one
 * expression gets at most CEL_TIME_LIMIT_MS (Tekton Triggers sets no limit; this is stricter on
 * purpose). A nested comprehension that ran for minutes and took 1.2 GB is stopped with a message.
 */
import { simulate } from '../../../lib/tooling/simulate/simulate';
import { CEL_TIME_LIMIT_MS, evaluateCel } from '../../../lib/tooling/simulate/triggers-cel';

const list = `[${Array.from({ length: 60 }, (_, i) => i).join(',')}]`;
/** 60^4 = 13 million list items, built in nested comprehensions. */
const NESTED = `${list}.map(a, ${list}.map(b, ${list}.map(c, ${list}.map(d, a + b + c + d)))).size() > 0`;
const request = { requestURL: '/', headers: {}, body: {} };

test('a nested comprehension is stopped after the limit with a clear error', () => {
  const started = Date.now();
  expect(() => evaluateCel(NESTED, request, {})).toThrow(
    new RegExp(
      `stopped after ${CEL_TIME_LIMIT_MS} ms, the most simulate gives one expression \\(stricter than Tekton Triggers, which sets no limit\\)`,
    ),
  );
  expect(Date.now() - started).toBeLessThan(CEL_TIME_LIMIT_MS + 5000);
});

test('simulate refuses the event and says which clause hit the limit', () => {
  const listener = {
    apiVersion: 'triggers.tekton.dev/v1beta1',
    kind: 'EventListener',
    metadata: { name: 'el' },
    spec: {
      triggers: [
        {
          name: 't',
          interceptors: [{ ref: { name: 'cel' }, params: [{ name: 'filter', value: `true && ${NESTED}` }] }],
          template: { spec: { resourcetemplates: [] } },
        },
      ],
    },
  };
  const started = Date.now();
  const result = simulate([listener], 'el', { body: '{}', headers: {} });
  expect(result.accepted).toBe(false);
  expect(result.triggers[0]!.interceptors[0]!.reason).toMatch(
    /^filter clause `\[0,1,.*` fails: stopped after 1000 ms, the most simulate gives/,
  );
  expect(Date.now() - started).toBeLessThan(3 * CEL_TIME_LIMIT_MS + 5000); // the filter, then its clauses one by one
});

test('an ordinary filter is not affected', () => {
  expect(evaluateCel(`${list}.map(a, a * 2).size() == 60 && body.x == 1`, { ...request, body: { x: 1 } }, {})).toBe(true);
});
