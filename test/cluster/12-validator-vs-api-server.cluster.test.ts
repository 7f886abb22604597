/**
 * The offline validator measured against the real API server. Every case of the mutation suite
 * (and the good set itself) is judged twice: by `validate` as it runs by default (the mutation
 * cases' `run()`: our rules and the validation engine), and by creating its objects
 * one by one, in file order, on the real 1.28 API server with every admission plugin on, in
 * namespaces of its own. Creating for real (not `--dry-run=server`) is what `kubectl apply -f`
 * does, and it keeps the dependencies between objects of one file (a Pod needs the
 * ServiceAccount created just before it) that a dry run would not store.
 *
 * The verdicts are written to docs/validator-vs-api-server.md (UPDATE_GENERATED=1 rewrites it;
 * otherwise a difference fails). The column "only the API server rejects" must stay empty:
 * each entry there is a validator bug.
 */
import { join } from 'node:path';
import { ApiObject, statusMessage } from '../../tools/cluster/api-client';
import { isolateCase } from '../../tools/cluster/case-namespaces';
import { REPO_DIR } from '../../tools/cluster/paths';
import { goodObjects, Mutation, MUTATIONS, run } from '../tooling/check/mutation-cases';
import { api, eventually, installTektonCrds, quotaSettled } from './support';
import { errorRules, GOOD_SET, renderTable, Verdict } from './validator-table';
import { expectGeneratedFile } from '../support/generated-file';
import { KubeObject } from '../support/helpers';

const TABLE_FILE = join(REPO_DIR, 'docs', 'validator-vs-api-server.md');

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'DaemonSet', 'Job']);

/**
 * The API server stores a Deployment even when PodSecurity or a quota will refuse its pods: the
 * refusal comes when the ReplicaSet controller creates them (a FailedCreate event). So after the
 * objects, wait until every workload has its pods, or a FailedCreate says why not.
 */
async function podRefusal(created: readonly ApiObject[]): Promise<string | undefined> {
  const workloads = created.filter((o) => WORKLOAD_KINDS.has(o.kind));
  if (workloads.length === 0) return undefined;
  const namespaces = [...new Set(created.map((o) => o.metadata.namespace).filter((n): n is string => !!n))];
  const expected =
    workloads.reduce((sum, w) => sum + Number((w.spec as { replicas?: number }).replicas ?? 1), 0) +
    created.filter((o) => o.kind === 'Pod').length;
  return eventually(
    "the workloads' pods, or a FailedCreate event",
    async () => {
      let pods = 0;
      const failures: string[] = [];
      for (const namespace of namespaces) {
        pods += (await api().list('v1', 'Pod', namespace)).length;
        const events = await api().list<ApiObject & { reason?: string; message?: string; involvedObject?: { kind: string; name: string } }>(
          'v1',
          'Event',
          namespace,
        );
        for (const e of events)
          if (e.reason === 'FailedCreate')
            failures.push(
              `${e.involvedObject?.kind ?? ''} pods: ${(e.message ?? '').replace(/pods "[^"]+" is forbidden: /, 'pods are forbidden: ')}`,
            );
      }
      return { done: failures.length > 0 || pods >= expected, state: failures[0] };
    },
    20_000,
  );
}

/** Creates the case's objects in order; returns the first refusal (or undefined) and cleans up. */
async function judgeOnApiServer(objects: readonly KubeObject[], prefix: string): Promise<string | undefined> {
  const isolated = isolateCase(objects as ApiObject[], prefix);
  const created: ApiObject[] = [];
  // Names of this run, Go pointer values and generated pod names change between runs.
  const normalize = (message: string) =>
    message
      .split(`${prefix}-`)
      .join('')
      .replace(/\(0x[0-9a-f]+\)/g, '(0x…)')
      .replace(/"([a-z0-9-]+?)-[a-z0-9]{8,10}-[a-z0-9]{5}"/g, '"$1-…"');
  let refusal: string | undefined;
  try {
    for (const object of isolated) {
      const response = await api().create(object);
      if (response.status >= 400) {
        refusal ??= `${object.kind}/${object.metadata.name ?? object.metadata.generateName}: ${normalize(statusMessage(response))}`;
        continue;
      }
      const stored = response.body as ApiObject;
      created.push(stored);
      if (stored.kind === 'ResourceQuota') await quotaSettled(stored.metadata.namespace!, stored.metadata.name!);
    }
    if (!refusal) {
      const later = await podRefusal(created);
      if (later) refusal = normalize(later);
    }
  } finally {
    // Services first and synchronously: deleting one releases its node ports for later cases.
    for (const o of [...created].reverse().sort((a, b) => Number(b.kind === 'Service') - Number(a.kind === 'Service'))) {
      if (o.kind !== 'Namespace') await api().delete(o.apiVersion, o.kind, o.metadata.name!, o.metadata.namespace);
    }
    for (const o of created.filter((c) => c.kind === 'Namespace')) await api().delete('v1', 'Namespace', o.metadata.name!);
  }
  return refusal;
}

interface Case {
  readonly title: string;
  readonly objects: KubeObject[];
  readonly stricterBecause?: string;
}

const CASES: Case[] = [
  { title: GOOD_SET, objects: goodObjects() },
  ...MUTATIONS.map((m: Mutation) => {
    const objects = goodObjects();
    m.mutate(objects);
    return { title: m.title, objects, stricterBecause: m.apiServerAccepts };
  }),
];

/** Namespaces of earlier runs may still be terminating: each run uses its own names. */
const RUN = Date.now().toString(36).slice(-5);
const verdicts: Verdict[] = [];

beforeAll(async () => {
  installTektonCrds(); // the good set has a Task and a TaskRun
  for (const [index, c] of CASES.entries()) {
    const ours = errorRules(run(c.objects));
    const theirs = await judgeOnApiServer(c.objects, `c${index}-${RUN}`);
    verdicts.push({ title: c.title, ours, theirs, stricterBecause: c.stricterBecause });
  }
}, 600_000);

test('the API server accepts the good set', () => {
  expect(verdicts[0]).toEqual({ title: GOOD_SET, ours: [], theirs: undefined, stricterBecause: undefined });
});

test('no case is refused by the API server but passed by the validator', () => {
  expect(verdicts.filter((v) => v.ours.length === 0 && v.theirs).map((v) => `${v.title}: ${v.theirs}`)).toEqual([]);
});

test('every case only the validator rejects says why we are stricter, and no other case claims to', () => {
  const onlyWe = verdicts.filter((v) => v.ours.length > 0 && !v.theirs);
  expect(onlyWe.filter((v) => !v.stricterBecause).map((v) => v.title)).toEqual([]);
  expect(
    verdicts
      .filter((v) => v.stricterBecause && !(v.ours.length > 0 && !v.theirs))
      .map((v) => `${v.title}: API server says ${v.theirs ?? 'nothing'}`),
  ).toEqual([]);
});

test('docs/validator-vs-api-server.md is the table this run measured', () => {
  const table = renderTable(verdicts);
  expectGeneratedFile(TABLE_FILE, table);
});
