/**
 * A registry notification produced by a real registry: Debian's docker-registry (distribution
 * 2.8, the line of the registry:2.8.3 image we ship) runs with the config.yml and notification
 * environment from dist/ — the token filled in as the kubelet expands `$(ENDPOINT_TOKEN_0)`, the
 * endpoint URL pointed at the local registry-push sink, storage and address made local — and
 * skopeo pushes a small OCI image. The real notification must reach the real sink and create
 * exactly one TaskRun that names the pushed digest.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiObject } from '../../tools/cluster/api-client';
import { startClusterProcess } from '../../tools/cluster/local-cluster';
import { freePort, httpGet } from '../../tools/cluster/network';
import { CLUSTER_DIR } from '../../tools/cluster/paths';
import { isOurProcessAlive, waitFor } from '../../tools/cluster/processes';
import { startCoreInterceptors, startEventListenerSink } from '../../tools/cluster/tekton-engines';
import { kubeletEnv } from '../support/kubelet-expansion';
import { api, CI_OBJECTS, ciConfigMapValue, eventually, installCiExercise, replaceSecret } from './support';

const REGISTRY = CI_OBJECTS.find((o) => o.kind === 'Deployment' && o.metadata.name === 'registry') as ApiObject & { spec: any };
const CONFIG_YML = ciConfigMapValue('registry-config', 'config.yml');
const TOKEN = 'test-registry-token';
/** The registry Service's in-cluster address in dist/08. */
const REGISTRY_ADDRESS = 'registry.ci.svc.cluster.local:5000';
const DIR = join(CLUSTER_DIR, 'registry');

let registry = '';

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** A one-layer OCI image layout (a single small file), written by hand: no daemon needed. */
function ociLayout(dir: string): void {
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const content = join(dir, 'content');
  mkdirSync(content, { recursive: true });
  writeFileSync(join(content, 'hello.txt'), 'hello from the registry test\n');
  const layerFile = join(dir, 'layer.tar');
  expect(
    spawnSync('tar', ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '-cf', layerFile, '-C', content, 'hello.txt']).status,
  ).toBe(0);
  const layer = readFileSync(layerFile);
  const blob = (data: Buffer | string) => {
    const digest = sha256(data);
    writeFileSync(join(blobs, digest), data);
    return { digest: `sha256:${digest}`, size: Buffer.byteLength(data) };
  };
  const layerBlob = blob(layer);
  const config = blob(
    JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [layerBlob.digest] }, config: {} }),
  );
  const manifest = blob(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layerBlob }],
    }),
  );
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          annotations: { 'org.opencontainers.image.ref.name': 'v1' },
        },
      ],
    }),
  );
}

beforeAll(async () => {
  installCiExercise();
  replaceSecret('ci', 'registry-webhook-token', 'token', TOKEN);
  await startCoreInterceptors();
  const sink = await startEventListenerSink('ci', 'registry-push', 'registry-push-listener');

  // The container's environment as the kubelet gives it: the Secret's token, then $(...) expanded.
  const container = REGISTRY.spec.template.spec.containers[0];
  const env = kubeletEnv(container.env, { 'registry-webhook-token/token': TOKEN });
  const endpoints = JSON.parse(env.REGISTRY_NOTIFICATIONS_ENDPOINTS!) as { url: string; headers: Record<string, string[]> }[];
  expect(endpoints[0]!.headers['X-Registry-Token']).toEqual([TOKEN]);
  expect(endpoints[0]!.url).toBe('http://el-registry-push.ci.svc.cluster.local:8080/');
  endpoints[0]!.url = `${sink.url}/`; // the local sink instead of the listener Service: the one change to the endpoint

  const port = await freePort();
  mkdirSync(join(DIR, 'storage'), { recursive: true });
  const config = join(DIR, 'config.yml');
  // Local changes only: where blobs are stored, and a loopback address.
  writeFileSync(
    config,
    CONFIG_YML.replace('rootdirectory: /var/lib/registry', `rootdirectory: ${join(DIR, 'storage')}`).replace(
      'addr: :5000',
      `addr: 127.0.0.1:${port}`,
    ),
  );
  const proc = startClusterProcess('docker-registry', '/usr/bin/docker-registry', ['serve', config], {
    PATH: process.env.PATH,
    ...env,
    REGISTRY_NOTIFICATIONS_ENDPOINTS: JSON.stringify(endpoints),
  });
  registry = `127.0.0.1:${port}`;
  await waitFor(
    'the registry',
    async () => {
      if (!isOurProcessAlive(proc)) throw new Error('docker-registry exited');
      return (await httpGet(`http://${registry}/v2/`)).status === 200;
    },
    30_000,
  );
}, 240_000);

test('the synthesized config.yml was applied with only local changes', () => {
  expect(CONFIG_YML).toContain('rootdirectory: /var/lib/registry');
  expect(CONFIG_YML).toContain('addr: :5000');
});

test('skopeo pushes an image; the real notification creates exactly one TaskRun for that digest', async () => {
  const layout = join(DIR, 'image');
  ociLayout(layout);
  const before = new Set((await api().list('tekton.dev/v1', 'TaskRun', 'ci')).map((r) => r.metadata.name));
  const digestFile = join(DIR, 'digest');
  const push = spawnSync(
    'skopeo',
    [
      'copy',
      '--insecure-policy',
      '--dest-tls-verify=false',
      '--digestfile',
      digestFile,
      `oci:${layout}:v1`,
      `docker://${registry}/gitadmin/demo-app:9b1e7c3`,
    ],
    { encoding: 'utf8' },
  );
  expect({ status: push.status, stderr: push.stderr }).toMatchObject({ status: 0 });
  const digest = readFileSync(digestFile, 'utf8').trim();
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);

  const runs = await eventually(
    'a TaskRun for the pushed digest',
    async () => {
      const created = (
        await api().list<ApiObject & { spec: { params?: { name: string; value: string }[] } }>('tekton.dev/v1', 'TaskRun', 'ci')
      ).filter((r) => !before.has(r.metadata.name));
      return { done: created.length > 0, state: created };
    },
    60_000,
  );
  await new Promise((resolve) => setTimeout(resolve, 3000)); // blob uploads and retries must not add runs
  const after = (
    await api().list<ApiObject & { spec: { params?: { name: string; value: string }[] } }>('tekton.dev/v1', 'TaskRun', 'ci')
  ).filter((r) => !before.has(r.metadata.name));
  expect(after).toHaveLength(1);
  // skopeo pushed to 127.0.0.1:<port>, and the notification the sink logged says so (request.host):
  // the rollout still names the registry's own in-cluster address, never the host the pusher chose.
  expect(readFileSync(join(CLUSTER_DIR, 'logs', 'el-sink-registry-push.log'), 'utf8')).toMatch(
    new RegExp(`host\\\\?"\\s*:\\s*\\\\?"${registry.replace(/\./g, '\\.')}\\\\?"`),
  );
  expect(runs[0]!.spec.params?.find((p) => p.name === 'image')?.value).toBe(`${REGISTRY_ADDRESS}/gitadmin/demo-app@${digest}`);
}, 120_000);
