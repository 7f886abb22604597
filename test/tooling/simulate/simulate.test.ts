/**
 * `k8s-practice simulate` offline: the fixtures of exercise 8 through the listeners of dist/.
 * Its agreement with the real sink is measured in test/cluster/simulate-vs-sink.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseManifestText } from '../../../lib/tooling/check/manifest';
import { simulate, topLevelConjuncts } from '../../../lib/tooling/simulate/simulate';
import { main } from '../../../bin/k8s-practice';
import { GOGS_PUSH, REGISTRY_PUSH, WEBHOOK_FIXTURES } from '../../support/fixture-paths';

const ROOT = join(__dirname, '..', '..', '..');
const CI_FILE = join(ROOT, 'dist', '08-ci-pipeline.k8s.yaml');
const OBJECTS = parseManifestText(readFileSync(CI_FILE, 'utf8'), CI_FILE).objects.map((o) => o.object as any);
const { body: GOGS_BODY, headers: GOGS_HEADERS } = GOGS_PUSH;
const { body: REGISTRY_BODY, headers: REGISTRY_HEADERS } = REGISTRY_PUSH;
const SECRETS = { 'gogs-webhook-secret': { secret: 'gogs-webhook-secret' }, 'registry-webhook-token': { token: 's3cr3t' } };
/** The in-cluster registry's own address: the only host the registry listener deploys from. */
const REGISTRY_ADDRESS = 'registry.ci.svc.cluster.local:5000';
const sign = (body: string, secret = 'gogs-webhook-secret') => createHmac('sha256', secret).update(body, 'utf8').digest('hex');
const { ['X-Gogs-Signature']: _signature, ...UNSIGNED } = GOGS_HEADERS;

const gogs = (body: string, headers: Record<string, string>, secrets: object = SECRETS) =>
  simulate(OBJECTS, 'gogs-push', { body, headers }, secrets as never);
const registry = (body: string, headers: Record<string, string>, secrets: object = SECRETS) =>
  simulate(OBJECTS, 'registry-push', { body, headers }, secrets as never);
const refusal = (result: ReturnType<typeof simulate>) =>
  result.triggers.flatMap((t) => t.interceptors.filter((s) => !s.continue).map((s) => `${s.name}: ${s.reason}`));

describe('simulate: the gogs-push listener of dist/', () => {
  test('accepts the signed fixture push and creates one PipelineRun for that commit, as the sink labels it', () => {
    const result = gogs(GOGS_BODY, GOGS_HEADERS);
    expect(result.accepted).toBe(true);
    const resources: any[] = result.triggers.flatMap((t) => t.resources);
    expect(resources).toHaveLength(1);
    const run = resources[0];
    expect(run.kind).toBe('PipelineRun');
    expect(run.metadata).toEqual({
      generateName: 'build-and-push-',
      namespace: 'ci',
      labels: {
        'triggers.tekton.dev/eventlistener': 'gogs-push',
        'triggers.tekton.dev/trigger': 'on-push',
        'triggers.tekton.dev/triggers-eventid': 'simulated',
      },
    });
    const push = JSON.parse(GOGS_BODY);
    expect(run.spec.params).toEqual([
      { name: 'git-url', value: push.repository.clone_url },
      { name: 'git-revision', value: push.after },
      { name: 'image', value: `registry.ci.svc.cluster.local:5000/gitadmin/demo-app:${push.after.slice(0, 7)}` },
    ]);
    expect(result.triggers[0]!.interceptors.map((s) => [s.name, s.ref, s.continue])).toEqual([
      ['verify-gogs-signature', 'Interceptor/ci/gogs-push-signature', true],
      ['only-branch-pushes-from-our-gogs', 'ClusterInterceptor/cel', true],
    ]);
  });

  test.each([
    ['no signature', GOGS_BODY, UNSIGNED, /^verify-gogs-signature: FAILED_PRECONDITION: no valid X-Gogs-Signature/],
    [
      'a wrong signature',
      GOGS_BODY,
      { ...GOGS_HEADERS, 'X-Gogs-Signature': '0'.repeat(64) },
      /^verify-gogs-signature: PERMISSION_DENIED: X-Gogs-Signature does not match the body$/,
    ],
    ['a changed body', GOGS_BODY.replace('"Dockerfile"', '"Dockerfile2"'), GOGS_HEADERS, /^verify-gogs-signature: PERMISSION_DENIED/],
    [
      'a create event',
      GOGS_BODY,
      { ...GOGS_HEADERS, 'X-Gogs-Event': 'create' },
      /^only-branch-pushes-from-our-gogs: filter clause `header.match\('X-Gogs-Event', 'push'\)` is false$/,
    ],
  ])('refuses a delivery with %s and names the interceptor', (_what, body, headers, reason) => {
    const result = gogs(body, headers);
    expect(result.accepted).toBe(false);
    expect(result.triggers.flatMap((t) => t.resources)).toEqual([]);
    expect(refusal(result)).toEqual([expect.stringMatching(reason)]);
  });

  test('a signed tag push passes the signature and stops at the ref clause of the filter', () => {
    const tag = GOGS_BODY.replace('"ref": "refs/heads/master"', '"ref": "refs/tags/v1"');
    expect(refusal(gogs(tag, { ...GOGS_HEADERS, 'X-Gogs-Signature': sign(tag) }))).toEqual([
      "only-branch-pushes-from-our-gogs: filter clause `body.ref.startsWith('refs/heads/')` is false",
    ]);
  });

  test('a push of another repository, signed, stops at the repository clause', () => {
    const other = GOGS_BODY.replace(/gitadmin\/demo-app/g, 'gitadmin/other');
    expect(refusal(gogs(other, { ...GOGS_HEADERS, 'X-Gogs-Signature': sign(other) }))).toEqual([
      "only-branch-pushes-from-our-gogs: filter clause `body.repository.full_name in ['gitadmin/demo-app']` is false",
    ]);
  });

  test('without the webhook secret the signature interceptor cannot decide, and says which --secret is missing', () => {
    expect(refusal(gogs(GOGS_BODY, GOGS_HEADERS, {}))).toEqual([
      "verify-gogs-signature: INTERNAL: cannot read the webhook secret file /etc/webhook-secret/secret (give the Secret's value with --secret gogs-webhook-secret/secret=VALUE)",
    ]);
  });

  test('the secret file keeps its one trailing line break ignored, as the program does', () => {
    expect(gogs(GOGS_BODY, GOGS_HEADERS, { 'gogs-webhook-secret': { secret: 'gogs-webhook-secret\n' } }).accepted).toBe(true);
  });

  test('runs the signature program of the manifests, and never a program it does not ship: a changed ConfigMap is refused, not run', () => {
    let ran = false;
    (globalThis as any).__simulateRan = () => {
      ran = true;
    };
    const changed = OBJECTS.map((o) =>
      o.kind === 'ConfigMap' && o.metadata.name === 'gogs-push-signature'
        ? {
            ...o,
            data: {
              ...o.data,
              'server.js': o.data['server.js'].replace(
                'function decide(request) {',
                'function decide(request) {\n  Buffer.constructor("return globalThis")().__simulateRan();',
              ),
            },
          }
        : o,
    );
    expect(() => simulate(changed, 'gogs-push', { body: GOGS_BODY, headers: GOGS_HEADERS }, SECRETS)).toThrow(
      /the program of Interceptor gogs-push-signature is not one this library ships; simulate runs only known programs/,
    );
    expect(ran).toBe(false);
    delete (globalThis as any).__simulateRan;
  });

  test('property: the signature interceptor accepts exactly the bodies signed with the secret', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.boolean(), (text, signed) => {
        const body = JSON.stringify({ ...JSON.parse(GOGS_BODY), message: text });
        const signature = signed ? sign(body) : sign(body, 'another-secret');
        const first = gogs(body, { ...GOGS_HEADERS, 'X-Gogs-Signature': signature }).triggers[0]!.interceptors[0]!;
        return first.continue === signed;
      }),
      { numRuns: 100 },
    );
  });
});

describe('simulate: the registry-push listener of dist/', () => {
  test('accepts the fixture push with the right token: one TaskRun deploying that digest', () => {
    const result = registry(REGISTRY_BODY, REGISTRY_HEADERS);
    const event = JSON.parse(REGISTRY_BODY).events[0];
    const resources: any[] = result.triggers.flatMap((t) => t.resources);
    expect(resources).toHaveLength(1);
    expect(resources[0].kind).toBe('TaskRun');
    expect(resources[0].metadata.generateName).toBe('deploy-image-demo-app-');
    expect(resources[0].spec.params).toContainEqual({
      name: 'image',
      value: `${REGISTRY_ADDRESS}/${event.target.repository}@${event.target.digest}`,
    });
  });

  test.each(['attacker.example', 'attacker.example:443', 'localhost:5000', 'registry.ci.svc.cluster.local.attacker.example:5000'])(
    'a notification whose request.host (the Host header of the push) is %s still deploys from the registry itself',
    (host) => {
      const notification = JSON.parse(REGISTRY_BODY);
      for (const e of notification.events) e.request.host = host;
      const result = registry(JSON.stringify(notification, null, 3), REGISTRY_HEADERS);
      expect(result.accepted).toBe(true);
      const [run, ...more]: any[] = result.triggers.flatMap((t) => t.resources);
      expect(more).toEqual([]);
      const event = notification.events[0];
      expect(run.spec.params).toContainEqual({
        name: 'image',
        value: `${REGISTRY_ADDRESS}/${event.target.repository}@${event.target.digest}`,
      });
    },
  );

  test('a wrong token stops at the compareSecret clause', () => {
    expect(refusal(registry(REGISTRY_BODY, { ...REGISTRY_HEADERS, 'X-Registry-Token': 'wrong' }))).toEqual([
      "only-tagged-manifest-pushes-with-token: filter clause `header.canonical('X-Registry-Token').compareSecret('token', 'registry-webhook-token')` is false",
    ]);
  });

  test('a pull stops at the events clause', () => {
    expect(refusal(registry(REGISTRY_BODY.replace(/"action": "push"/g, '"action": "pull"'), REGISTRY_HEADERS))[0]).toMatch(
      /filter clause `body\.events\.exists\(.*` is false$/,
    );
  });

  test('without the token Secret, compareSecret is an error (as in Triggers), reported as such', () => {
    expect(refusal(registry(REGISTRY_BODY, REGISTRY_HEADERS, {}))[0]).toMatch(
      /compareSecret.* fails: .*failed to find secret 'registry-webhook-token' key 'token'/,
    );
  });

  test('a body that is not JSON is refused by the cel interceptor', () => {
    expect(refusal(registry('not json', REGISTRY_HEADERS))).toEqual([
      'only-tagged-manifest-pushes-with-token: the body is not JSON: the cel interceptor cannot parse it',
    ]);
  });
});

describe('simulate: errors and helpers', () => {
  test('an unknown listener names the ones there are', () => {
    expect(() => simulate(OBJECTS, 'nope', { body: '{}', headers: {} })).toThrow(
      'no EventListener nope in the manifests; they have ci/registry-push, ci/gogs-push',
    );
  });

  test('NAMESPACE/NAME selects a listener', () => {
    expect(simulate(OBJECTS, 'ci/registry-push', { body: REGISTRY_BODY, headers: REGISTRY_HEADERS }, SECRETS).accepted).toBe(true);
  });

  test('an interceptor it cannot model is an error, never a guess', () => {
    const el = {
      apiVersion: 'triggers.tekton.dev/v1beta1',
      kind: 'EventListener',
      metadata: { name: 'gh', namespace: 'ci' },
      spec: { triggers: [{ name: 't', interceptors: [{ ref: { name: 'github' } }] }] },
    };
    expect(() => simulate([el], 'gh', { body: '{}', headers: {} })).toThrow(
      /interceptor github \(ClusterInterceptor github\) of trigger t cannot be simulated/,
    );
  });

  test('a form-encoded body, which the sink rewrites before the interceptors, is an error', () => {
    expect(() =>
      simulate(OBJECTS, 'gogs-push', { body: 'a=1&b=2', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    ).toThrow(/form-encoded body .* is not simulated/);
  });

  test('topLevelConjuncts splits at && outside parentheses, brackets and strings', () => {
    expect(topLevelConjuncts("a && (b && c) && 'x && y'.size() > 0 && [d && e][0]")).toEqual([
      'a',
      '(b && c)',
      "'x && y'.size() > 0",
      '[d && e][0]',
    ]);
    expect(topLevelConjuncts('single')).toEqual(['single']);
  });
});

/** Runs the CLI in process; returns exit code and output. */
async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['simulate', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('k8s-practice simulate (the command)', () => {
  const headerArgs = (headers: Record<string, string>) => Object.entries(headers).flatMap(([k, v]) => ['--header', `${k}=${v}`]);

  test('exit 0 and the YAML of the PipelineRun for an accepted push', async () => {
    const run = await cli([
      'dist/08-ci-pipeline.k8s.yaml',
      '--listener',
      'gogs-push',
      '--body',
      join(WEBHOOK_FIXTURES, 'gogs-push.json'),
      ...headerArgs(GOGS_HEADERS),
      '--secret',
      'gogs-webhook-secret/secret=gogs-webhook-secret',
    ]);
    expect(run.code).toBe(0);
    expect(run.out).toContain('EventListener ci/gogs-push: accepts the event');
    expect(run.out).toContain('kind: PipelineRun\nmetadata:\n  generateName: build-and-push-\n  namespace: ci');
  });

  test('exit 1 and the refusing clause for a refused notification; --format json gives the same result as data', async () => {
    const args = [
      'dist/08-ci-pipeline.k8s.yaml',
      '--listener',
      'registry-push',
      '--body',
      join(WEBHOOK_FIXTURES, 'registry-push.json'),
      '--header',
      'X-Registry-Token=wrong',
      '--secret',
      'registry-webhook-token/token=s3cr3t',
    ];
    const run = await cli(args);
    expect(run.code).toBe(1);
    expect(run.out.split('\n').slice(-2)).toEqual([
      "  interceptor only-tagged-manifest-pushes-with-token (ClusterInterceptor/cel): stop: filter clause `header.canonical('X-Registry-Token').compareSecret('token', 'registry-webhook-token')` is false",
      'creates nothing',
    ]);
    const json = await cli([...args, '--format', 'json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out).accepted).toBe(false);
  });

  test('a registry notification naming a hostile request.host: the TaskRun it prints deploys from the registry itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simulate-host-'));
    try {
      const notification = JSON.parse(REGISTRY_BODY);
      notification.events[0].request.host = 'attacker.example';
      const body = join(dir, 'notification.json');
      writeFileSync(body, JSON.stringify(notification, null, 3));
      const run = await cli([
        'dist/08-ci-pipeline.k8s.yaml',
        '--listener',
        'registry-push',
        '--body',
        body,
        ...headerArgs(REGISTRY_HEADERS),
        '--secret',
        'registry-webhook-token/token=s3cr3t',
        '--format',
        'json',
      ]);
      expect(run.code).toBe(0);
      const taskRuns = (JSON.parse(run.out).triggers as any[]).flatMap((t) => t.resources);
      expect(taskRuns.map((r) => [r.kind, r.spec.params.find((p: any) => p.name === 'image').value])).toEqual([
        ['TaskRun', `${REGISTRY_ADDRESS}/gitadmin/demo-app@${notification.events[0].target.digest}`],
      ]);
      expect(run.out).not.toContain('attacker.example');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each([
    [['dist/08-ci-pipeline.k8s.yaml', '--body', 'x'], '--listener NAME is required'],
    [['dist/08-ci-pipeline.k8s.yaml', '--listener', 'gogs-push'], '--body FILE is required'],
    [['--listener', 'gogs-push', '--body', 'x'], 'expected exactly one manifest file'],
    [['dist/08-ci-pipeline.k8s.yaml', '--listener', 'gogs-push', '--body', 'x', '--header', 'novalue'], 'must look like NAME=VALUE'],
    [['dist/08-ci-pipeline.k8s.yaml', '--listener', 'gogs-push', '--body', 'x', '--secret', 'nokey=v'], 'must look like NAME/KEY=VALUE'],
    [['dist/08-ci-pipeline.k8s.yaml', '--listener', 'gogs-push', '--body', 'x', '--url', 'http://x/'], 'must start with /'],
  ])('usage error (exit 2): %j', async (args, message) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(run.err).toContain(message);
  });

  test('the --url reaches CEL as requestURL', () => {
    const el = {
      apiVersion: 'triggers.tekton.dev/v1beta1',
      kind: 'EventListener',
      metadata: { name: 'u', namespace: 'ci' },
      spec: {
        triggers: [
          {
            name: 't',
            interceptors: [{ ref: { name: 'cel' }, params: [{ name: 'filter', value: "requestURL.parseURL().query['token'] == 'abc'" }] }],
            template: { ref: 'tt' },
          },
        ],
      },
    };
    const tt = {
      kind: 'TriggerTemplate',
      metadata: { name: 'tt', namespace: 'ci' },
      spec: { resourcetemplates: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'x-' } }] },
    };
    expect(simulate([el, tt], 'u', { body: '{}', headers: {}, url: '/?token=abc' }).accepted).toBe(true);
    expect(simulate([el, tt], 'u', { body: '{}', headers: {}, url: '/?token=abd' }).accepted).toBe(false);
  });
});

describe('the docs example of simulate (docs/cli/simulate.md)', () => {
  const readme = readFileSync(join(ROOT, 'docs', 'cli', 'simulate.md'), 'utf8');
  const section = /<!-- simulate-example:start -->\n([\s\S]*?)<!-- simulate-example:end -->/.exec(readme)?.[1] ?? '';
  const block = /```console\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  // Each `$ npm run -s simulate -- ARGS` line (continued with `\`) and the output up to the next `$`.
  const examples = block
    .split(/^\$ /m)
    .slice(1)
    .map((chunk) => {
      const lines = chunk.split('\n');
      let command = '';
      while (lines.length > 0) {
        const line = lines.shift()!;
        command += line.replace(/\\$/, ' ');
        if (!line.endsWith('\\')) break;
      }
      return { command: command.trim(), output: lines.join('\n').replace(/\n+$/, '') };
    });

  test('has examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(2);
  });

  test.each(examples.map((e) => [e.command, e]))('%s prints what the docs show', async (_command, example) => {
    const words = example.command.split(/\s+/);
    expect(words.slice(0, 5)).toEqual(['npm', 'run', '-s', 'simulate', '--']);
    const run = await cli(words.slice(5));
    expect(run.out).toBe(example.output);
  });
});
