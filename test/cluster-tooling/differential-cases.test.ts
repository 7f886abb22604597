/**
 * The generator of the differential suite (test/cluster/differential-cases.ts), without a
 * cluster: the same seed gives the same cases, every kind of the starting sets gets broken, and
 * the validation engine judges every object of every case without an internal error.
 */
import { existsSync } from 'node:fs';
import { stringify } from 'yaml';
import { judgeSync, nativeEnginePath } from '../../lib/tooling/check/api-server-engine';
import { differentialCases, startingSets } from '../cluster/differential-cases';

const SEED = 20261205;

test('the same seed gives the same cases, another seed others', () => {
  const titles = (seed: number) => differentialCases(seed, 60).map((c) => `${c.set} ${c.title}`);
  expect(titles(SEED)).toEqual(titles(SEED));
  expect(titles(SEED + 1)).not.toEqual(titles(SEED));
});

test('the unchanged sets come first, then one mutation per case, each changing its set', () => {
  const sets = startingSets();
  const cases = differentialCases(SEED, 100);
  expect(cases).toHaveLength(sets.length + 100);
  expect(cases.slice(0, sets.length).map((c) => [c.set, c.title])).toEqual(sets.map((s) => [s.name, 'unchanged']));
  const original = new Map(sets.map((s) => [s.name, JSON.stringify(s.objects)]));
  const unchangedMutations = cases.slice(sets.length).filter((c) => JSON.stringify(c.objects) === original.get(c.set));
  // A swap may pick the value already there; nothing else may leave the set as it was.
  expect(unchangedMutations.filter((c) => !c.title.endsWith('swap in another value seen in the sets')).map((c) => c.title)).toEqual([]);
});

test('every kind of the starting sets is broken at least once in the suite', () => {
  const kinds = new Set(startingSets().flatMap((s) => s.objects.map((o) => String(o.kind))));
  const mutated = new Set(differentialCases(SEED, 400).map((c) => c.title.split('/')[0]));
  expect([...kinds].filter((k) => !mutated.has(k))).toEqual([]);
});

const engine = existsSync(nativeEnginePath()) ? test : test.skip;
if (!existsSync(nativeEnginePath())) console.log(`skipped: no ${nativeEnginePath()} (npm run engines:build -- validation)`);

// The first 100 mutations here (a few seconds); the cluster suite sends all of them to both.
engine('the engine judges every object of every case, without an internal error', () => {
  const cases = differentialCases(SEED, 100);
  const judged = judgeSync(
    {
      runs: cases.map((c) => ({
        name: String(c.id),
        files: [{ name: 'case.yaml', text: c.objects.map((o) => stringify(o, { version: '1.1' })).join('---\n') }],
      })),
    },
    'native',
  );
  if ('unavailable' in judged) throw new Error(judged.unavailable);
  const problems = judged.runs.flatMap((run, i) => [
    ...(run.errors ?? []).map((e) => `#${i}: ${e}`),
    ...run.results
      .filter((r) => r.notes?.some((n) => n.startsWith('internal error')))
      .map((r) => `#${i} ${r.kind}/${r.name}: ${r.notes!.join('; ')}`),
  ]);
  expect(problems).toEqual([]);
  expect(judged.runs.map((r) => r.results.length)).toEqual(cases.map((c) => c.objects.length));
});
