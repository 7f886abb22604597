/**
 * `k8s-practice simulate` measured against its oracle: the real EventListener sink of Triggers
 * v0.37.0 (with the real `cel` interceptor and our signature interceptor's program from dist/),
 * on the same deliveries. Every delivery is posted to the sink; the runs it creates carry the
 * sink's event id (`triggers.tekton.dev/triggers-eventid`, which the sink also answers with), so
 * each created run is matched to its delivery without waiting case by case. The two must agree
 * on accept/refuse and on the created resources, generated names and the event id aside.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { ApiObject } from '../../tools/cluster/api-client';
import { startCoreInterceptors, startEventListenerSink, startSignatureInterceptor } from '../../tools/cluster/tekton-engines';
import { simulate } from '../../lib/tooling/simulate/simulate';
import { api, CI_OBJECTS, ciConfigMapValue, eventually, installCiExercise, replaceSecret } from './support';
import { GOGS_PUSH, REGISTRY_PUSH } from '../support/fixture-paths';

const { body: GOGS_BODY, headers: GOGS_HEADERS } = GOGS_PUSH;
const { body: REGISTRY_BODY, headers: REGISTRY_HEADERS } = REGISTRY_PUSH;
const REGISTRY_TOKEN = REGISTRY_HEADERS['X-Registry-Token']!;
const GOGS_WEBHOOK_SECRET = 'gogs-webhook-secret';
const SECRETS = { 'gogs-webhook-secret': { secret: GOGS_WEBHOOK_SECRET }, 'registry-webhook-token': { token: REGISTRY_TOKEN } };
const SIGNATURE_PROGRAM = ciConfigMapValue('gogs-push-signature', 'server.js');
const sign = (body: string, secret = GOGS_WEBHOOK_SECRET) => createHmac('sha256', secret).update(Buffer.from(body, 'utf8')).digest('hex');

type Listener = 'gogs-push' | 'registry-push';
interface Case {
  readonly what: string;
  readonly listener: Listener;
  readonly body: string;
  readonly headers: Record<string, string>;
}

// Every fixture case of 05-tekton-triggers.cluster.test.ts.
const { ['X-Gogs-Signature']: _signature, ...UNSIGNED } = GOGS_HEADERS;
const TAG_BODY = GOGS_BODY.replace('"ref": "refs/heads/master"', '"ref": "refs/tags/v1"');
const FIXTURE_CASES: Case[] = [
  { what: 'gogs: the signed fixture push', listener: 'gogs-push', body: GOGS_BODY, headers: GOGS_HEADERS },
  { what: 'gogs: no signature', listener: 'gogs-push', body: GOGS_BODY, headers: UNSIGNED },
  {
    what: 'gogs: a wrong signature',
    listener: 'gogs-push',
    body: GOGS_BODY,
    headers: { ...GOGS_HEADERS, 'X-Gogs-Signature': '0'.repeat(64) },
  },
  {
    what: 'gogs: a changed body (replay)',
    listener: 'gogs-push',
    body: GOGS_BODY.replace('"Dockerfile"', '"Dockerfile2"'),
    headers: GOGS_HEADERS,
  },
  {
    what: 'gogs: a create event',
    listener: 'gogs-push',
    body: GOGS_BODY,
    headers: { ...GOGS_HEADERS, 'X-Gogs-Event': 'create', 'X-Github-Event': 'create' },
  },
  {
    what: 'gogs: a signed tag push',
    listener: 'gogs-push',
    body: TAG_BODY,
    headers: { ...GOGS_HEADERS, 'X-Gogs-Signature': sign(TAG_BODY) },
  },
  { what: 'registry: the fixture push', listener: 'registry-push', body: REGISTRY_BODY, headers: REGISTRY_HEADERS },
  {
    what: 'registry: a wrong token',
    listener: 'registry-push',
    body: REGISTRY_BODY,
    headers: { ...REGISTRY_HEADERS, 'X-Registry-Token': 'wrong' },
  },
  {
    what: 'registry: a pull',
    listener: 'registry-push',
    body: REGISTRY_BODY.replace(/"action": "push"/g, '"action": "pull"'),
    headers: REGISTRY_HEADERS,
  },
  {
    what: 'registry: a blob push (no tag)',
    listener: 'registry-push',
    body: REGISTRY_BODY.replace(/,\s*"tag": "[^"]*"/g, ''),
    headers: REGISTRY_HEADERS,
  },
];

const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
/** Mostly `good` (5 in 6), else one of `bad`: about half of the deliveries pass every check, the rest fail one or more. */
const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) => fc.oneof({ arbitrary: good, weight: 5 }, { arbitrary: bad, weight: 1 });

/** Gogs deliveries: the fixture with its decisive fields varied, signed in several ways. */
const gogsCase: fc.Arbitrary<Case> = fc
  .record({
    ref: mostly(
      fc.constantFrom('refs/heads/master', 'refs/heads/feature/x', 'refs/heads/ünï'),
      fc.constantFrom('refs/tags/v1', 'master', 'refs/heads'),
    ),
    after: mostly(hex(40), fc.oneof(fc.constant('0'.repeat(40)), hex(39), fc.constant('9B1E7C3D2A4F6E8B0C1D3E5F7A9B2C4D6E8F0A1B'))),
    fullName: mostly(fc.constant('gitadmin/demo-app'), fc.constantFrom('GitAdmin/Demo-App', 'gitadmin/other', 'mallory/demo-app')),
    cloneHost: mostly(
      fc.constant('http://gogs.ci.svc.cluster.local:3000/'),
      fc.constantFrom('https://gogs.ci.svc.cluster.local:3000/', 'http://evil.example/'),
    ),
    event: mostly(fc.constant('push'), fc.constantFrom('create', 'PUSH', '')),
    signing: mostly(fc.constant('valid'), fc.constantFrom('none', 'other-secret', 'upper-case', 'stale')),
    message: fc.string({ unit: 'grapheme', maxLength: 40 }),
  })
  .map(({ ref, after, fullName, cloneHost, event, signing, message }) => {
    const push = JSON.parse(GOGS_BODY);
    push.ref = ref;
    push.after = after;
    push.repository.full_name = fullName;
    push.repository.clone_url = `${cloneHost}${fullName}.git`;
    if (Array.isArray(push.commits) && push.commits[0]) push.commits[0].message = message;
    const body = JSON.stringify(push, null, 2);
    const headers: Record<string, string> = { ...UNSIGNED, 'X-Gogs-Event': event, 'X-Github-Event': event };
    if (signing === 'valid') headers['X-Gogs-Signature'] = sign(body);
    if (signing === 'other-secret') headers['X-Gogs-Signature'] = sign(body, 'not-the-secret');
    if (signing === 'upper-case') headers['X-Gogs-Signature'] = sign(body).toUpperCase();
    if (signing === 'stale') headers['X-Gogs-Signature'] = GOGS_HEADERS['X-Gogs-Signature']!;
    return {
      what: `gogs: ref=${ref} after=${after.slice(0, 8)} repo=${fullName} clone=${cloneHost} event=${event} signing=${signing}`,
      listener: 'gogs-push' as const,
      body,
      headers,
    };
  });

/** Registry notifications: one to three events, pushes and pulls, tagged or not, any repository, with or without the token. */
const registryEvent = fc.record({
  action: mostly(fc.constant('push'), fc.constantFrom('pull', 'mount')),
  repository: mostly(fc.constant('gitadmin/demo-app'), fc.constantFrom('gitadmin/other', 'library/busybox')),
  tag: fc.option(fc.constantFrom('latest', 'v1', '9b1e7c3'), { nil: undefined, freq: 5 }),
  digest: hex(64).map((h) => `sha256:${h}`),
  // request.host is the pusher's Host header: hostile values must not reach the image either way.
  host: fc.constantFrom('registry.ci.svc.cluster.local:5000', 'localhost:5000', 'attacker.example', 'attacker.example:443'),
});
const registryCase: fc.Arbitrary<Case> = fc
  .record({
    events: fc.array(registryEvent, { minLength: 1, maxLength: 3 }),
    token: mostly(fc.constant<string | undefined>(REGISTRY_TOKEN), fc.constantFrom<string | undefined>('wrong', '', undefined)),
  })
  .map(({ events, token }) => {
    const template = JSON.parse(REGISTRY_BODY).events[0];
    const notification = {
      events: events.map((e, i) => ({
        ...template,
        id: `${template.id.slice(0, -2)}${String(i).padStart(2, '0')}`,
        action: e.action,
        target: {
          ...template.target,
          repository: e.repository,
          digest: e.digest,
          ...(e.tag === undefined ? { tag: undefined } : { tag: e.tag }),
        },
        request: { ...template.request, host: e.host },
      })),
    };
    const body = JSON.stringify(notification, null, 3);
    const { ['X-Registry-Token']: _token, ...rest } = REGISTRY_HEADERS;
    const headers: Record<string, string> = token === undefined ? rest : { ...rest, 'X-Registry-Token': token };
    return {
      what: `registry: ${events.map((e) => `${e.action} ${e.repository}${e.tag ? `:${e.tag}` : ''}`).join(', ')} token=${token === undefined ? 'none' : token === REGISTRY_TOKEN ? 'right' : JSON.stringify(token)}`,
      listener: 'registry-push' as const,
      body,
      headers,
    };
  });

const SEED = 20261129;
const GENERATED: Case[] = [
  ...fc.sample(gogsCase, { seed: SEED, numRuns: 50 }),
  ...fc.sample(registryCase, { seed: SEED + 1, numRuns: 40 }),
];

/** A created resource without what differs by design: the generated name, the event id, server fields. */
function comparable(resource: any): unknown {
  const { triggersEventid: _id, ...labels } = Object.fromEntries(
    Object.entries(resource.metadata?.labels ?? {}).map(([k, v]) => [
      k === 'triggers.tekton.dev/triggers-eventid' ? 'triggersEventid' : k,
      v,
    ]),
  );
  return {
    apiVersion: resource.apiVersion,
    kind: resource.kind,
    metadata: {
      generateName: resource.metadata?.generateName,
      namespace: resource.metadata?.namespace,
      labels,
      annotations: resource.metadata?.annotations ?? {},
    },
    spec: resource.spec,
  };
}

describe('k8s-practice simulate agrees with the real EventListener sink', () => {
  const sinks: Partial<Record<Listener, string>> = {};

  beforeAll(async () => {
    installCiExercise();
    replaceSecret('ci', 'registry-webhook-token', 'token', REGISTRY_TOKEN);
    await startCoreInterceptors();
    await startSignatureInterceptor('ci', 'gogs-push-signature', SIGNATURE_PROGRAM, GOGS_WEBHOOK_SECRET);
    sinks['gogs-push'] = (await startEventListenerSink('ci', 'gogs-push', 'gogs-push-listener')).url;
    sinks['registry-push'] = (await startEventListenerSink('ci', 'registry-push', 'registry-push-listener')).url;
  }, 240_000);

  /** Posts every case to its sink; returns, per case, the resources the sink created for it. */
  async function runOnSink(cases: readonly Case[]): Promise<any[][]> {
    const ids: string[] = [];
    for (const c of cases) {
      const response = await fetch(`${sinks[c.listener]}/`, { method: 'POST', body: Buffer.from(c.body, 'utf8'), headers: c.headers });
      const answer = await response.text();
      expect({ what: c.what, status: response.status }).toEqual({ what: c.what, status: 202 });
      ids.push((JSON.parse(answer) as { eventID: string }).eventID);
    }
    const expected = cases.map(
      (c) => simulate(CI_OBJECTS, c.listener, { body: c.body, headers: c.headers }, SECRETS).triggers.flatMap((t) => t.resources).length,
    );
    const createdFor = async () => {
      const runs = [
        ...(await api().list<ApiObject>('tekton.dev/v1', 'PipelineRun', 'ci')),
        ...(await api().list<ApiObject>('tekton.dev/v1', 'TaskRun', 'ci')),
      ];
      return ids.map((id) =>
        runs.filter((r) => (r.metadata.labels as Record<string, string> | undefined)?.['triggers.tekton.dev/triggers-eventid'] === id),
      );
    };
    // Wait for every run simulate expects (a missing one times out with the state), then give
    // the sink time to create any run simulate did not expect.
    await eventually(
      'the runs simulate predicts',
      async () => {
        const created = await createdFor();
        return {
          done: created.every((runs, i) => runs.length >= expected[i]!),
          state: created
            .map((runs, i) => `${cases[i]!.what}: ${runs.length}/${expected[i]}`)
            .filter((_s, i) => created[i]!.length < expected[i]!),
        };
      },
      60_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 5000));
    return createdFor();
  }

  function agree(cases: readonly Case[], created: readonly any[][]) {
    const disagreements: string[] = [];
    cases.forEach((c, i) => {
      const simulated = simulate(CI_OBJECTS, c.listener, { body: c.body, headers: c.headers }, SECRETS);
      const real = created[i]!;
      for (const run of real) {
        if (!String(run.metadata.name).startsWith(String(run.metadata.generateName)))
          disagreements.push(`${c.what}: ${run.metadata.name} not from generateName`);
      }
      const mine = JSON.stringify(simulated.triggers.flatMap((t) => t.resources).map(comparable));
      const theirs = JSON.stringify(real.map(comparable));
      if (simulated.accepted !== real.length > 0) {
        disagreements.push(
          `${c.what}: simulate ${simulated.accepted ? 'accepts' : 'refuses'} (${JSON.stringify(simulated.triggers.map((t) => t.interceptors.filter((s) => !s.continue).map((s) => s.reason)))}), the sink created ${real.length}`,
        );
      } else if (mine !== theirs) {
        disagreements.push(`${c.what}: resources differ\n  simulate: ${mine}\n  sink:     ${theirs}`);
      }
    });
    expect(disagreements).toEqual([]);
  }

  test('on every fixture case of the tekton-triggers suite', async () => {
    const created = await runOnSink(FIXTURE_CASES);
    agree(FIXTURE_CASES, created);
    // The fixture set covers both answers on both listeners.
    expect(created.map((runs) => runs.length)).toEqual([1, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
  });

  test(`on ${GENERATED.length} generated Gogs and registry deliveries (fast-check, seed ${SEED})`, async () => {
    const created = await runOnSink(GENERATED);
    agree(GENERATED, created);
    // Both answers are frequent on both listeners, or the generated set proves little.
    for (const listener of ['gogs-push', 'registry-push'] as const) {
      const counts = GENERATED.map((c, i) => [c.listener, created[i]!.length] as const)
        .filter(([l]) => l === listener)
        .map(([, n]) => n);
      expect({ listener, accepted: counts.filter((n) => n > 0).length >= 10, refused: counts.filter((n) => n === 0).length >= 10 }).toEqual(
        { listener, accepted: true, refused: true },
      );
    }
  });
});
