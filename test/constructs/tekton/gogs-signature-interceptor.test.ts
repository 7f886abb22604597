/**
 * The Gogs signature interceptor: its program, run as a real Node process exactly as the
 * ConfigMap carries it, answering Triggers' InterceptorRequests built from the Gogs fixture
 * (whose X-Gogs-Signature is valid for the secret `gogs-webhook-secret`); and the objects the
 * construct and GogsPushTrigger emit around it.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chart, Testing } from 'cdk8s';
import fc from 'fast-check';
import { BuildPipeline } from '../../../lib/constructs/tekton/build-pipeline';
import { GogsPushTrigger } from '../../../lib/constructs/tekton/gogs-push-trigger';
import { GOGS_SIGNATURE_SCRIPT } from '../../../lib/util/gogs-signature-script';
import { validateObjects } from '../../../lib/tooling/check/validate';
import { only } from '../../support/helpers';
import { buildCiWiring } from './ci-chart';
import { celParams, runCelInterceptor } from '../../../lib/tooling/simulate/triggers-cel';
import { GOGS_PUSH } from '../../support/fixture-paths';

const { body: BODY, headers: HEADERS } = GOGS_PUSH;
const SECRET = 'gogs-webhook-secret';

/** Triggers sends each header as a list of values. */
const asLists = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
const sign = (body: string, secret = SECRET) => createHmac('sha256', secret).update(body).digest('hex');

describe('the interceptor program, as a process', () => {
  let dir = '';
  let secretFile = '';
  let child: ChildProcess | undefined;
  let url = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gogs-signature-'));
    writeFileSync(join(dir, 'server.js'), GOGS_SIGNATURE_SCRIPT);
    secretFile = join(dir, 'secret');
    writeFileSync(secretFile, SECRET);
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [join(dir, 'server.js')], {
      env: { PORT: String(port), HOST: '127.0.0.1', SECRET_FILE: secretFile },
      stdio: 'ignore',
    });
    for (let i = 0; i < 100; i++) {
      if (
        await fetch(`${url}/ready`).then(
          (r) => r.ok,
          () => false,
        )
      )
        return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the interceptor did not start');
  });

  afterAll(() => {
    child?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  async function intercept(body: string, headers: Record<string, string>) {
    const response = await fetch(url, {
      method: 'POST',
      body: JSON.stringify({ body, header: asLists(headers), extensions: {}, context: { event_id: 'test' } }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { continue: boolean; status: { code: number; message: string } };
  }

  test('the fixture delivery, signed by Gogs, continues', async () => {
    expect(sign(BODY)).toBe(HEADERS['X-Gogs-Signature']);
    expect(await intercept(BODY, HEADERS)).toEqual({ continue: true, extensions: {}, status: { code: 0, message: '' } });
  });

  test('header names match case-insensitively', async () => {
    const lower = Object.fromEntries(Object.entries(HEADERS).map(([k, v]) => [k.toLowerCase(), v]));
    expect((await intercept(BODY, lower)).continue).toBe(true);
  });

  test.each([
    [
      'unsigned',
      (h: Record<string, string>) => {
        const { ['X-Gogs-Signature']: _, ...rest } = h;
        return rest;
      },
      9,
    ],
    ['signed with another secret', (h: Record<string, string>) => ({ ...h, 'X-Gogs-Signature': sign(BODY, 'another-secret') }), 7],
    ['a signature that is not hex', (h: Record<string, string>) => ({ ...h, 'X-Gogs-Signature': 'sha256=' + sign(BODY) }), 9],
  ])('a delivery %s stops here', async (_what, edit, code) => {
    const answer = await intercept(BODY, edit(HEADERS));
    expect(answer.continue).toBe(false);
    expect(answer.status.code).toBe(code);
  });

  test('a replay with a changed body and the original signature stops here', async () => {
    const changed = BODY.replace('"gitadmin/demo-app"', '"gitadmin/other-app"');
    expect(changed).not.toBe(BODY);
    expect(await intercept(changed, HEADERS)).toMatchObject({ continue: false, status: { code: 7 } });
  });

  test('any body signed with the secret continues; any one-character change stops (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 300, unit: 'grapheme' }), fc.nat(), async (body, at) => {
        const signature = sign(body);
        expect((await intercept(body, { 'X-Gogs-Signature': signature })).continue).toBe(true);
        const index = at % body.length;
        const tampered = body.slice(0, index) + (body[index] === 'x' ? 'y' : 'x') + body.slice(index + 1);
        expect((await intercept(tampered, { 'X-Gogs-Signature': signature })).continue).toBe(false);
      }),
      { numRuns: 200 },
    );
    // 400 HTTP round trips: jest's 5 s default is too short on a loaded 2-core machine (a hang guard, not a speed check)
  }, 60_000);

  test('a line break at the end of the secret file is not part of the secret', async () => {
    writeFileSync(secretFile, `${SECRET}\n`);
    try {
      expect((await intercept(BODY, HEADERS)).continue).toBe(true);
    } finally {
      writeFileSync(secretFile, SECRET);
    }
  });

  test('a rotated secret applies at once; an unreadable one stops every delivery', async () => {
    writeFileSync(secretFile, 'rotated');
    try {
      expect((await intercept(BODY, HEADERS)).continue).toBe(false);
      expect((await intercept(BODY, { ...HEADERS, 'X-Gogs-Signature': sign(BODY, 'rotated') })).continue).toBe(true);
      rmSync(secretFile);
      expect(await intercept(BODY, HEADERS)).toMatchObject({ continue: false, status: { code: 13 } });
    } finally {
      writeFileSync(secretFile, SECRET);
    }
  });
});

describe('GogsPushTrigger with signature authentication (the default)', () => {
  const { objects, gogsTrigger } = buildCiWiring();
  const eventListener = only(objects, 'EventListener', 'gogs-push');

  test('the signature interceptor runs before the cel filter, and no token is compared', () => {
    const interceptors = eventListener.spec.triggers[0].interceptors;
    expect(interceptors.map((i: any) => i.ref)).toEqual([
      { name: 'gogs-push-signature', kind: 'NamespacedInterceptor' },
      { name: 'cel', kind: 'ClusterInterceptor' },
    ]);
    expect(gogsTrigger.authentication).toBe('signature');
    expect(gogsTrigger.filter).not.toMatch(/token|compareSecret/);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('the Interceptor points at its Service; only the listener pods may reach it', () => {
    const interceptor = only(objects, 'Interceptor', 'gogs-push-signature');
    expect(interceptor.apiVersion).toBe('triggers.tekton.dev/v1alpha1');
    expect(interceptor.spec.clientConfig).toEqual({ service: { name: 'gogs-push-signature', namespace: 'ci', port: 8080, path: '/' } });
    const service = only(objects, 'Service', 'gogs-push-signature');
    expect(service.spec.selector).toEqual({ app: 'gogs-push-signature' });
    const policy = only(objects, 'NetworkPolicy', 'gogs-push-signature-ingress');
    expect(policy.spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: gogsTrigger.listener.podLabels } }], ports: [{ protocol: 'TCP', port: 8080 }] },
    ]);
  });

  test('the Deployment mounts the program and the referenced Secret, and passes the validator under restricted', () => {
    const deployment = only(objects, 'Deployment', 'gogs-push-signature');
    const pod = deployment.spec.template.spec;
    expect(only(objects, 'ConfigMap', 'gogs-push-signature').data['server.js']).toBe(GOGS_SIGNATURE_SCRIPT);
    expect(pod.volumes).toEqual([
      { name: 'program', configMap: { name: 'gogs-push-signature' } },
      { name: 'secret', secret: { secretName: 'gogs-webhook-secret', items: [{ key: 'secret', path: 'secret' }] } },
    ]);
    const namespace = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'ci', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
    };
    const items = [namespace, ...objects].map((object, document) => ({ file: 'ci', document, object }));
    expect(validateObjects(items).findings.filter((f) => f.severity === 'error' && f.name === 'gogs-push-signature')).toEqual([]);
  });

  test('the filter accepts the fixture only when its clone URL is on our Gogs', () => {
    const cel = celParams(eventListener);
    const body = JSON.parse(BODY);
    const request = (b: unknown) => ({ requestURL: '/', headers: HEADERS, body: b });
    expect(runCelInterceptor(cel, request(body), {}).accepted).toBe(true);
    const elsewhere = { ...body, repository: { ...body.repository, clone_url: 'http://attacker.example/gitadmin/demo-app.git' } };
    expect(runCelInterceptor(cel, request(elsewhere), {}).accepted).toBe(false);
    const lookalike = {
      ...body,
      repository: { ...body.repository, clone_url: 'http://gogs.ci.svc.cluster.local:3000.attacker.example/x.git' },
    };
    expect(runCelInterceptor(cel, request(lookalike), {}).accepted).toBe(false);
  });

  test.each([
    [{ gogsUrl: 'http://gogs.example' }, /invalid gogsUrl "http:\/\/gogs.example"; expected Gogs' EXTERNAL_URL/],
    [{ gogsUrl: 'ftp://gogs/' }, /invalid gogsUrl/],
    [{ authentication: 'none' }, /invalid authentication "none"; expected one of "signature", "url-token"/],
  ])('rejects %j', (props, message) => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'ci' });
    expect(() => new GogsPushTrigger(chart, 't', { pipeline: new BuildPipeline(chart, 'p'), ...(props as object) })).toThrow(message);
  });
});
