/**
 * The differential suite: the validation engine (tools/engines/validation) against the real
 * Kubernetes 1.28.15 API server, on several hundred generated cases (differential-cases.ts: every
 * built-in object set of dist/ and Kubernetes' own examples, unchanged and broken one random field
 * at a time, fixed seed). Each case is created object by object in file order on the server, in
 * namespaces of its own, as `kubectl apply -f` would (its JSON: keys sorted); the engine judges the same objects. For
 * every object the verdicts must agree; the messages are compared too, and every difference must
 * have a known reason. What the workloads' controllers then create (the first Pod, a
 * StatefulSet's claims) is compared with the server's FailedCreate events.
 *
 * docs/engine-vs-api-server.md is what this measured (UPDATE_GENERATED=1 rewrites it).
 */
import { join } from 'node:path';
import { stringify } from 'yaml';
import { EngineResult, EngineRunResult, judgeSync } from '../../lib/tooling/check/api-server-engine';
import { ApiObject, statusMessage } from '../../tools/cluster/api-client';
import { REPO_DIR } from '../../tools/cluster/paths';
import { DifferentialCase, differentialCases } from './differential-cases';
import { KubeObject } from '../support/helpers';
import { fixedNodePorts, freeNodePorts, isolated, label, normalize } from './differential-support';
import { api, quotaSettled } from './support';
import { expectGeneratedFile } from '../support/generated-file';

const SEED = 20261205;
const MUTATIONS = 400;
const TABLE_FILE = join(REPO_DIR, 'docs', 'engine-vs-api-server.md');
/** How long the controllers get to create a workload's first objects, or to say why not. */
const LATER_TIMEOUT_MS = 20_000;

/** One object's verdict on one side. */
interface ObjectVerdict {
  readonly object: string;
  readonly accepted: boolean;
  readonly message?: string;
}

/** What the controllers made of a case's accepted workloads: refused (the first FailedCreate), accepted, or nothing seen. */
interface LaterVerdict {
  readonly verdict: 'accepted' | 'refused' | 'nothing seen';
  readonly message?: string;
}

interface Comparison {
  readonly case: DifferentialCase;
  readonly server: readonly ObjectVerdict[];
  readonly engine: readonly ObjectVerdict[];
  /** Per workload whose controller the engine ran. */
  readonly later: readonly { readonly workload: string; readonly engine: LaterVerdict; readonly server: LaterVerdict }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Event = ApiObject & { reason?: string; message?: string; involvedObject?: { kind?: string; name?: string } };

/** A workload whose controller the engine ran: what the engine says it creates first, and whether that needs a Pod. */
interface ExpectedLater {
  readonly workload: string;
  readonly namespace: string;
  readonly verdict: LaterVerdict;
  /** The engine's controller makes a Pod (not so for a Deployment of 0 replicas). */
  readonly makesPod: boolean;
}

/** Whether an object (a FailedCreate's subject, a Pod's owner) is the workload's or that of the ReplicaSet its Deployment made. */
function belongsTo(workload: string, kind: string | undefined, name: string | undefined): boolean {
  const [workloadKind, workloadName] = workload.split('/') as [string, string];
  if (kind === workloadKind && name === workloadName) return true;
  return workloadKind === 'Deployment' && kind === 'ReplicaSet' && new RegExp(`^${workloadName}-[a-z0-9]{6,10}$`).test(name ?? '');
}

/**
 * Waits until the server shows a Pod of the workload or a FailedCreate event of it (or of its
 * Deployment's ReplicaSet), and gives its verdict: refused with the event's text, accepted, or
 * nothing seen within the time.
 */
async function serverLater(e: ExpectedLater, prefix: string): Promise<LaterVerdict> {
  const deadline = Date.now() + LATER_TIMEOUT_MS;
  for (;;) {
    const timedOut = Date.now() > deadline;
    const events = await api().list<Event>('v1', 'Event', e.namespace);
    const failures = events.filter(
      (ev) => ev.reason === 'FailedCreate' && belongsTo(e.workload, ev.involvedObject?.kind, ev.involvedObject?.name),
    );
    if (failures.length > 0) return { verdict: 'refused', message: normalize(failures.map((f) => f.message ?? '').sort()[0]!, prefix) };
    const pods = await api().list<ApiObject>('v1', 'Pod', e.namespace);
    const owned = pods.some((pod) =>
      ((pod.metadata.ownerReferences as { kind?: string; name?: string }[] | undefined) ?? []).some((o) =>
        belongsTo(e.workload, o.kind, o.name),
      ),
    );
    // A refusal may come after the first pods (the quota fills up): when the engine expects
    // one, the server has until the timeout to give it.
    const settled = e.verdict.verdict === 'refused' ? timedOut : owned || !e.makesPod;
    if (settled) return owned || !e.makesPod ? { verdict: 'accepted' } : { verdict: 'nothing seen' };
    await sleep(250);
  }
}

/** kubectl sends an object as Go encodes its unstructured form: keys in sorted order (which decides which of two bad fields the server names first). */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortedKeys((value as KubeObject)[k])]),
    );
  return value;
}

/**
 * Creates the objects in order, as `kubectl apply -f` does; returns each one's verdict and cleans
 * up. After a workload, it waits for what its controller makes before it creates the next object:
 * the engine runs the controllers in file order, and on the server two controllers meeting one
 * full quota would race.
 */
async function judgeOnServer(
  objects: readonly ApiObject[],
  prefix: string,
  expectedLater: readonly ExpectedLater[],
): Promise<{ verdicts: ObjectVerdict[]; later: LaterVerdict[] }> {
  const created: ApiObject[] = [];
  const verdicts: ObjectVerdict[] = [];
  const later = new Map<ExpectedLater, LaterVerdict>();
  try {
    for (const object of objects) {
      const response = await api().create(sortedKeys(object) as ApiObject);
      if (response.status >= 400) {
        verdicts.push({ object: normalize(label(object), prefix), accepted: false, message: normalize(statusMessage(response), prefix) });
        continue;
      }
      verdicts.push({ object: normalize(label(object), prefix), accepted: true });
      const stored = response.body as ApiObject;
      created.push(stored);
      if (stored.kind === 'ResourceQuota') await quotaSettled(stored.metadata.namespace!, stored.metadata.name!);
      const workload = expectedLater.find((e) => e.workload === label(object) && e.namespace === stored.metadata.namespace);
      if (workload) later.set(workload, await serverLater(workload, prefix));
    }
    return { verdicts, later: expectedLater.map((e) => later.get(e) ?? { verdict: 'nothing seen' }) };
  } finally {
    // Services first and synchronously: deleting one releases its node ports for the next case of its set.
    for (const o of [...created].reverse().sort((a, b) => Number(b.kind === 'Service') - Number(a.kind === 'Service')))
      if (o.kind !== 'Namespace') await api().delete(o.apiVersion, o.kind, o.metadata.name!, o.metadata.namespace);
    for (const o of created.filter((c) => c.kind === 'Namespace')) await api().delete('v1', 'Namespace', o.metadata.name!);
  }
}

/** The engine's verdict per object (its Status message: what the server answers, not kubectl's wording around it). */
function engineVerdicts(run: EngineRunResult, prefix: string): ObjectVerdict[] {
  return run.results.map((r: EngineResult) => ({
    object: normalize(`${r.kind}/${r.name}`, prefix),
    accepted: r.verdict !== 'refused',
    ...(r.verdict === 'refused' ? { message: normalize(r.status?.message ?? r.message ?? '', prefix) } : {}),
  }));
}

/** Kinds whose controllers the suite waits for; a CronJob's would only act at its schedule. */
const WAITED_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicationController']);

/** What the engine says the controllers of each accepted workload create first (refused: its first refusal). */
function engineLater(run: EngineRunResult, prefix: string): ExpectedLater[] {
  return run.results
    .filter((r) => r.verdict === 'accepted' && WAITED_KINDS.has(r.kind) && (r.later?.length ?? 0) > 0)
    .map((r) => {
      const later = r.later ?? [];
      const refused = later.filter((l) => l.verdict === 'refused');
      const verdict: LaterVerdict =
        refused.length > 0 ? { verdict: 'refused', message: normalize(refused[0]!.message ?? '', prefix) } : { verdict: 'accepted' };
      return {
        workload: `${r.kind}/${r.name}`,
        namespace: r.namespace,
        verdict,
        makesPod: refused.length > 0 || later.some((l) => l.kind === 'Pod'),
      };
    });
}

const RUN = Date.now().toString(36).slice(-5);
const CASES = differentialCases(SEED, MUTATIONS);
const comparisons: Comparison[] = [];

beforeAll(async () => {
  const freed = await freeNodePorts(fixedNodePorts(CASES.flatMap((c) => c.objects)));
  if (freed.length > 0) console.log(`deleted the Services holding node ports the cases fix: ${freed.join(', ')}`);
  const prefixOf = (c: DifferentialCase) => `d${c.id}-${RUN}`;
  const inputs = CASES.map((c) => isolated(c, prefixOf(c)));
  const judged = judgeSync(
    {
      runs: inputs.map((objects, i) => ({
        name: String(i),
        files: [{ name: `case-${i}.yaml`, text: objects.map((o) => stringify(o, { version: '1.1' })).join('---\n') }],
      })),
    },
    'native',
  );
  if ('unavailable' in judged) throw new Error(judged.unavailable);
  // Eight cases at a time; the cases of a set that fixes node ports one after another (the
  // ports are free again once the previous case deleted its Services).
  const fixesNodePorts = (c: DifferentialCase) => JSON.stringify(c.objects).includes('"nodePort":');
  const setLocks = new Map<string, Promise<void>>();
  const results = new Map<number, Comparison>();
  const queue = [...CASES];
  const judgeCase = async (c: DifferentialCase) => {
    const run = judged.runs[c.id]!;
    const expected = engineLater(run, prefixOf(c));
    const server = await judgeOnServer(inputs[c.id]!, prefixOf(c), expected);
    results.set(c.id, {
      case: c,
      server: server.verdicts,
      engine: engineVerdicts(run, prefixOf(c)),
      later: expected.map((e, i) => ({ workload: normalize(e.workload, prefixOf(c)), engine: e.verdict, server: server.later[i]! })),
    });
  };
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        if (!fixesNodePorts(c)) {
          await judgeCase(c);
          continue;
        }
        const before = setLocks.get(c.set) ?? Promise.resolve();
        const done = before.then(() => judgeCase(c));
        setLocks.set(
          c.set,
          done.catch(() => undefined),
        );
        await done;
      }
    }),
  );
  comparisons.push(...CASES.map((c) => results.get(c.id)!));
}, 1_200_000);

/** Pairs each object's two verdicts. */
function pairs(c: Comparison): { object: string; server?: ObjectVerdict; engine?: ObjectVerdict }[] {
  return c.server.map((s, i) => ({ object: s.object, server: s, engine: c.engine[i] }));
}

test('the engine judges the same objects as the server, in the same order', () => {
  expect(
    comparisons.filter((c) => c.engine.map((e) => e.object).join() !== c.server.map((s) => s.object).join()).map((c) => c.case.title),
  ).toEqual([]);
});

test('every object gets the same verdict from the engine and the API server', () => {
  const disagreements = comparisons.flatMap((c) =>
    pairs(c)
      .filter((p) => p.server?.accepted !== p.engine?.accepted)
      .map(
        (p) =>
          `#${c.case.id} ${c.case.set} ${c.case.title}: ${p.object}: server ${p.server?.accepted ? 'accepts' : `refuses (${p.server?.message})`}, engine ${p.engine?.accepted ? 'accepts' : `refuses (${p.engine?.message})`}`,
      ),
  );
  expect(disagreements).toEqual([]);
});

test("what the controllers create gets the same verdict as the engine's", () => {
  const disagreements = comparisons.flatMap((c) =>
    c.later
      .filter((l) => l.server.verdict !== l.engine.verdict)
      .map(
        (l) =>
          `#${c.case.id} ${c.case.title}: ${l.workload}: server ${l.server.verdict} ${l.server.message ?? ''}, engine ${l.engine.verdict} ${l.engine.message ?? ''}`,
      ),
  );
  expect(disagreements).toEqual([]);
});

/**
 * Message differences whose reason is known. A new difference fails the suite until it is
 * explained here (or fixed).
 */
const KNOWN_MESSAGE_DIFFERENCES: readonly { matches: (server: string, engine: string) => boolean; reason: string }[] = [
  {
    matches: (_server, engine) => engine.startsWith('error when retrieving current configuration of:'),
    reason:
      "kubectl refuses a name that cannot be a URL path segment before it sends anything, and the engine says what kubectl says; this suite creates over REST, so the server's validation answers",
  },
];

interface MessageDifference {
  readonly comparison: Comparison;
  readonly object: string;
  readonly server: string;
  readonly engine: string;
  readonly reason?: string;
}

function messageDifferences(): MessageDifference[] {
  const differences: MessageDifference[] = [];
  for (const c of comparisons) {
    const reasonFor = (server: string, engine: string) => KNOWN_MESSAGE_DIFFERENCES.find((k) => k.matches(server, engine))?.reason;
    for (const p of pairs(c))
      if (p.server && !p.server.accepted && p.engine && !p.engine.accepted && p.server.message !== p.engine.message)
        differences.push({
          comparison: c,
          object: p.object,
          server: p.server.message ?? '',
          engine: p.engine.message ?? '',
          reason: reasonFor(p.server.message ?? '', p.engine.message ?? ''),
        });
    for (const l of c.later)
      if (l.engine.verdict === 'refused' && l.server.verdict === 'refused' && l.engine.message !== l.server.message)
        differences.push({
          comparison: c,
          object: `what the controllers of ${l.workload} create`,
          server: l.server.message ?? '',
          engine: l.engine.message ?? '',
          reason: reasonFor(l.server.message ?? '', l.engine.message ?? ''),
        });
  }
  return differences;
}

test("every message the engine gives differs from the server's only for a known reason", () => {
  expect(
    messageDifferences()
      .filter((d) => !d.reason)
      .map((d) => `#${d.comparison.case.id} ${d.comparison.case.title}: ${d.object}:\n  server: ${d.server}\n  engine: ${d.engine}`),
  ).toEqual([]);
});

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Counts of a grouping, as table rows: key, cases, objects refused by both. */
function countBy(key: (c: Comparison) => string[]): string[] {
  const rows = new Map<string, { cases: number; refused: number }>();
  for (const c of comparisons)
    for (const k of new Set(key(c))) {
      const row = rows.get(k) ?? { cases: 0, refused: 0 };
      row.cases += 1;
      row.refused += c.server.some((s) => !s.accepted) ? 1 : 0;
      rows.set(k, row);
    }
  return [...rows.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, r]) => `| ${cell(k)} | ${r.cases} | ${r.refused} |`);
}

function renderReport(): string {
  const objects = comparisons.flatMap(pairs);
  const refusedObjects = objects.filter((p) => !p.server?.accepted);
  const laterCompared = comparisons.flatMap((c) => c.later);
  const differences = messageDifferences();
  const mutatedKind = (c: Comparison) => (c.case.title === 'unchanged' ? ['(unchanged set)'] : [c.case.title.split('/')[0]!]);
  const operator = (c: Comparison) =>
    c.case.title === 'unchanged' ? ['(unchanged set)'] : [c.case.title.slice(c.case.title.lastIndexOf(': ') + 2)];
  const verdictOf = (c: Comparison) => {
    const refusal = c.server.find((s) => !s.accepted);
    const later = c.later
      .filter((l) => l.server.verdict === 'refused')
      .map((l) => `; the controller of ${l.workload}: ${l.server.message}`)
      .join('');
    return refusal ? `refused: ${refusal.object}: ${refusal.message}${later}` : `accepted${later}`;
  };
  return [
    '# The validation engine against the real API server',
    '',
    '<!-- generated by `UPDATE_GENERATED=1 npm run test:cluster`; do not edit by hand -->',
    '',
    `The differential suite (\`test/cluster/11-engine-vs-api-server.cluster.test.ts\`, cases from`,
    `\`test/cluster/differential-cases.ts\`, seed ${SEED}) takes every built-in object set of \`dist/\` and`,
    "Kubernetes' own examples (`test/fixtures/kubernetes-examples`), unchanged and with one random field broken",
    '(removed, emptied, of another type, out of range, with characters a name may not hold, swapped with another',
    'value of the sets, a key added, a list item duplicated, ...). Each case is created object by object on a real',
    'Kubernetes 1.28.15 API server (default admission plugins, controller-manager running, kwok nodes), in namespaces',
    "of its own, as `kubectl apply -f` would, and judged by the validation engine; what the workloads' controllers",
    "create is compared with the server's FailedCreate events (each workload's awaited before the next object, the",
    'order in which the engine runs the controllers).',
    '',
    '| measured | count |',
    '| --- | --- |',
    `| cases | ${comparisons.length} (${comparisons.filter((c) => c.case.title === 'unchanged').length} unchanged sets, ${comparisons.filter((c) => c.case.title !== 'unchanged').length} mutations) |`,
    `| objects judged by both | ${objects.length} |`,
    `| objects the server refuses | ${refusedObjects.length} |`,
    `| verdict disagreements on objects | ${objects.filter((p) => p.server?.accepted !== p.engine?.accepted).length} |`,
    `| workloads whose controllers' first objects were compared | ${laterCompared.length} (${laterCompared.filter((l) => l.server.verdict === 'refused').length} refused) |`,
    `| verdict disagreements on what controllers create | ${laterCompared.filter((l) => l.server.verdict !== l.engine.verdict).length} |`,
    `| refusals with the same message, byte for byte (after run-specific names) | ${refusedObjects.filter((p) => p.server?.message === p.engine?.message).length} |`,
    `| message differences | ${differences.length} |`,
    '',
    '## Message differences and why',
    '',
    ...(differences.length === 0
      ? ['None.']
      : [
          '| case | object | server | engine | why |',
          '| --- | --- | --- | --- | --- |',
          ...differences.map(
            (d) => `| ${cell(d.comparison.case.title)} | ${d.object} | ${cell(d.server)} | ${cell(d.engine)} | ${cell(d.reason ?? '')} |`,
          ),
        ]),
    '',
    '## Cases by the kind mutated',
    '',
    '| kind | cases | refused |',
    '| --- | --- | --- |',
    ...countBy(mutatedKind),
    '',
    '## Cases by mutation',
    '',
    '| mutation | cases | refused |',
    '| --- | --- | --- |',
    ...countBy(operator),
    '',
    '## Every case',
    '',
    "<details><summary>The server's verdict on each case (the engine's is the same)</summary>",
    '',
    ...comparisons.map((c) => `- #${c.case.id} \`${c.case.set}\` ${c.case.title} → ${verdictOf(c)}`),
    '',
    '</details>',
    '',
  ].join('\n');
}

test('docs/engine-vs-api-server.md is what this run measured', () => {
  const report = renderReport();
  expectGeneratedFile(TABLE_FILE, report);
});
