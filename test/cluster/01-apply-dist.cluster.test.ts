/**
 * The users' path, for real: `kubectl apply` of every dist/ file against a real 1.28 API server
 * (with its admission plugins), controller-manager, scheduler and kwok fake nodes. Then what the
 * real controllers made of it: pods Ready, Endpoints and EndpointSlices, quota usage, and the
 * defaults LimitRanger wrote into containers — each compared with what our own model predicts.
 */
import { ApiObject } from '../../tools/cluster/api-client';
import { ManifestObject } from '../../lib/tooling/foundation/manifest';
import { COMPUTE_RESOURCES, effectiveLimit, effectiveRequest, limitsFor, podShapes } from '../../lib/tooling/check/resource-containers';
import { RuleContext } from '../../lib/tooling/check/rule-context';
import { SchemaValidator } from '../../lib/tooling/check/schema-validator';
import { buildObjectGraph, SynthesizedObject } from '../../lib/tooling/graph/object-graph';
import { compareQuantities, parseQuantity } from '../../lib/util/exact-quantity';
import { api, distFiles, eventually, installTektonCrds, kubectl, objectsOf } from './support';

interface LivePod extends ApiObject {
  metadata: ApiObject['metadata'] & { ownerReferences?: { kind: string; name: string }[] };
  spec: {
    containers: { name: string; resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }[];
    initContainers?: LivePod['spec']['containers'];
  };
  status?: { podIP?: string; conditions?: { type: string; status: string }[] };
}

const DIST_OBJECTS = objectsOf(distFiles());
const NAMESPACES = DIST_OBJECTS.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name!);

/**
 * Warnings `kubectl apply` may print for dist/, each with the reason it is expected. The test
 * fails on any other warning, and on a listed one that no longer appears (stale entry).
 */
const EXPECTED_WARNINGS: ReadonlyArray<{ readonly pattern: RegExp; readonly why: string }> = [];

/** Stand-in for the cluster's storage: PersistentVolumes the PVCs of exercise 8 can bind to. */
function storageForClaims(): string {
  const volumes = [0, 1, 2].map((i) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `local-pv-${i}` },
    spec: {
      capacity: { storage: '50Gi' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      hostPath: { path: `/tmp/k8s-practice-pv-${i}` },
    },
  }));
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: volumes });
}

const warningsSeen: string[] = [];

beforeAll(() => {
  installTektonCrds();
  expect(kubectl(['create', '-f', '-'], storageForClaims()).status).toBe(0);

  for (const file of distFiles()) {
    const result = kubectl(['apply', '--server-side', '-f', file]);
    warningsSeen.push(...result.stderr.split('\n').filter((line) => line.startsWith('Warning:')));
    if (result.status !== 0) throw new Error(`kubectl apply -f ${file} failed (exit ${result.status}):\n${result.stderr}`);
  }
  // The Secrets the docs tell users to create after applying (values are never in dist/).
  for (const args of [
    ['-n', 'env-config', 'create', 'secret', 'generic', 'env-demo-secret', '--from-literal=DB_PASSWORD=test-only'],
    ['-n', 'ci', 'create', 'secret', 'generic', 'gogs-secret-key', '--from-literal=secret-key=test-only'],
    ['-n', 'ci', 'create', 'secret', 'generic', 'gogs-webhook-secret', '--from-literal=secret=test-only'],
    ['-n', 'ci', 'create', 'secret', 'generic', 'registry-webhook-token', '--from-literal=token=test-only'],
  ]) {
    kubectl([args[0]!, args[1]!, 'delete', 'secret', args[5]!, '--ignore-not-found']); // another suite may have made it
    const created = kubectl(args);
    if (created.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${created.stderr}`);
  }
}, 180_000);

test('kubectl apply accepts every object of dist/, with no unexplained warning', () => {
  const unexplained = warningsSeen.filter((w) => !EXPECTED_WARNINGS.some((e) => e.pattern.test(w)));
  expect(unexplained).toEqual([]);
  for (const expected of EXPECTED_WARNINGS) expect(warningsSeen.some((w) => expected.pattern.test(w))).toBe(true);
});

test('every object of dist/ exists on the server afterwards', async () => {
  const missing: string[] = [];
  for (const o of DIST_OBJECTS) {
    if (!(await api().get(o.apiVersion, o.kind, o.metadata.name!, o.metadata.namespace)))
      missing.push(`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
  }
  expect(missing).toEqual([]);
});

/** Live pods of a workload from dist, found through owner references (not through labels). */
async function livePodsOf(workload: { kind: string; namespace: string; name: string }): Promise<LivePod[]> {
  const pods = await api().list<LivePod>('v1', 'Pod', workload.namespace);
  if (workload.kind === 'Pod') return pods.filter((p) => p.metadata.name === workload.name);
  if (workload.kind === 'StatefulSet')
    return pods.filter((p) => p.metadata.ownerReferences?.some((r) => r.kind === 'StatefulSet' && r.name === workload.name));
  if (workload.kind === 'Deployment') {
    const replicaSets = await api().list<LivePod>('apps/v1', 'ReplicaSet', workload.namespace);
    const ours = new Set(
      replicaSets
        .filter((rs) => rs.metadata.ownerReferences?.some((r) => r.kind === 'Deployment' && r.name === workload.name))
        .map((rs) => rs.metadata.name),
    );
    return pods.filter((p) => p.metadata.ownerReferences?.some((r) => r.kind === 'ReplicaSet' && ours.has(r.name)));
  }
  throw new Error(`no live-pod lookup for ${workload.kind}`);
}

const isReady = (pod: LivePod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const WORKLOADS = DIST_OBJECTS.filter((o) => ['Pod', 'Deployment', 'StatefulSet'].includes(o.kind)).map((o) => ({
  kind: o.kind,
  namespace: o.metadata.namespace!,
  name: o.metadata.name!,
  replicas: o.kind === 'Pod' ? 1 : Number((o.spec as { replicas?: number }).replicas ?? 1),
}));

test('every Pod, Deployment and StatefulSet of dist/ reaches Ready on the fake nodes', async () => {
  expect(WORKLOADS.length).toBeGreaterThan(8);
  await eventually(
    'every workload Ready',
    async () => {
      const notReady: string[] = [];
      for (const w of WORKLOADS) {
        const pods = (await livePodsOf(w)).filter(isReady);
        if (pods.length !== w.replicas) notReady.push(`${w.kind}/${w.namespace}/${w.name}: ${pods.length}/${w.replicas} ready`);
      }
      return { done: notReady.length === 0, state: notReady };
    },
    120_000,
  );
}, 150_000);

test('the real endpoint controllers select exactly the pods our graph says each Service selects', async () => {
  const graph = buildObjectGraph(DIST_OBJECTS as unknown as SynthesizedObject[]);
  const services = DIST_OBJECTS.filter((o) => o.kind === 'Service' && (o.spec as { selector?: object }).selector);
  expect(services.length).toBeGreaterThanOrEqual(5);
  for (const service of services) {
    const namespace = service.metadata.namespace!;
    const name = service.metadata.name!;
    const selected = graph.edges
      .filter((e) => e.label === 'selects' && e.from === `Service/${namespace}/${name}`)
      .map((e) => {
        const [kind = '', ns = '', workload = ''] = e.to.split('/');
        return { kind, namespace: ns, name: workload };
      });
    const expectedIps = (await Promise.all(selected.map(livePodsOf)))
      .flat()
      .map((p) => p.status?.podIP)
      .filter((ip): ip is string => !!ip)
      .sort();
    expect({ service: `${namespace}/${name}`, selectsSomething: expectedIps.length > 0 }).toEqual({
      service: `${namespace}/${name}`,
      selectsSomething: true,
    });
    const live = await eventually(
      `endpoints of ${namespace}/${name}`,
      async () => {
        const endpoints = await api().get<{ subsets?: { addresses?: { ip: string }[]; notReadyAddresses?: { ip: string }[] }[] }>(
          'v1',
          'Endpoints',
          name,
          namespace,
        );
        const slices = await api().list<{ endpoints?: { addresses: string[] }[] } & ApiObject>(
          'discovery.k8s.io/v1',
          'EndpointSlice',
          namespace,
          `kubernetes.io/service-name=${name}`,
        );
        const state = {
          endpoints: (endpoints?.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).sort(),
          slices: slices.flatMap((s) => (s.endpoints ?? []).flatMap((e) => e.addresses)).sort(),
        };
        return { done: state.endpoints.length === expectedIps.length && state.slices.length === expectedIps.length, state };
      },
      90_000,
    );
    expect(live).toEqual({ endpoints: expectedIps, slices: expectedIps });
  }
}, 600_000);

test('the controllers leave the hand-made SEP endpoints alone and mirror nothing', async () => {
  const sepService = DIST_OBJECTS.find((o) => o.kind === 'Service' && o.metadata.namespace === 'service-endpoints')!;
  const name = sepService.metadata.name!;
  const ours = DIST_OBJECTS.find(
    (o) => o.kind === 'Endpoints' && o.metadata.namespace === 'service-endpoints' && o.metadata.name === name,
  )!;
  // Give the endpoint, endpointslice and mirroring controllers time to act, if they were going to.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const live = await api().get<{ subsets: unknown }>('v1', 'Endpoints', name, 'service-endpoints');
  expect(live?.subsets).toEqual(ours.subsets);
  const slices = await api().list<ApiObject>('discovery.k8s.io/v1', 'EndpointSlice', 'service-endpoints');
  expect(slices.map((s) => s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'])).not.toContain(
    'endpointslicemirroring-controller.k8s.io',
  );
  expect(slices.map((s) => s.metadata.name).sort()).toEqual(
    DIST_OBJECTS.filter((o) => o.kind === 'EndpointSlice' && o.metadata.namespace === 'service-endpoints')
      .map((o) => o.metadata.name)
      .sort(),
  );
});

test('the real quota controller counts each namespace within its hard limits', async () => {
  const quotas = DIST_OBJECTS.filter((o) => o.kind === 'ResourceQuota');
  expect(quotas.map((q) => q.metadata.namespace).sort()).toEqual([...NAMESPACES].sort());
  for (const quota of quotas) {
    const status = await eventually(
      `status.used of ${quota.metadata.namespace}/${quota.metadata.name}`,
      async () => {
        const live = await api().get<{ status?: { hard?: Record<string, string>; used?: Record<string, string> } }>(
          'v1',
          'ResourceQuota',
          quota.metadata.name!,
          quota.metadata.namespace,
        );
        const hard = live?.status?.hard ?? {};
        const used = live?.status?.used ?? {};
        return { done: Object.keys(hard).length > 0 && Object.keys(hard).every((k) => k in used), state: { hard, used } };
      },
      60_000,
    );
    const over = Object.entries(status.hard).filter(
      ([resource, hard]) => compareQuantities(parseQuantity(status.used[resource])!, parseQuantity(hard)!) > 0,
    );
    expect({ quota: `${quota.metadata.namespace}/${quota.metadata.name}`, over }).toEqual({
      quota: `${quota.metadata.namespace}/${quota.metadata.name}`,
      over: [],
    });
  }
}, 120_000);

test('LimitRanger wrote exactly the container requests and limits our validator predicts', async () => {
  const items: ManifestObject[] = DIST_OBJECTS.map((object, document) => ({ file: 'dist', document, object }));
  const ctx = new RuleContext(items, SchemaValidator.shared());
  const shapes = podShapes(ctx).filter((s) => s.source === 'pod');
  expect(shapes.length).toBe(WORKLOADS.length);
  const differences: string[] = [];
  let compared = 0;
  for (const shape of shapes) {
    const o = shape.item.object as ApiObject;
    const pods = await livePodsOf({ kind: o.kind, namespace: o.metadata.namespace!, name: o.metadata.name! });
    expect(pods.length).toBeGreaterThan(0);
    const limits = limitsFor(ctx, shape);
    for (const pod of pods) {
      const liveContainers = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])];
      for (const container of shape.containers) {
        const name = container.label.replace(/^.*"(.*)"$/, '$1');
        const live = liveContainers.find((c) => c.name === name);
        for (const resource of COMPUTE_RESOURCES) {
          for (const [field, predicted] of [
            ['requests', effectiveRequest(container, resource, limits, 0)],
            ['limits', effectiveLimit(container, resource, limits)],
          ] as const) {
            const actual = live?.resources?.[field]?.[resource];
            compared++;
            const same =
              actual === undefined
                ? predicted === undefined
                : predicted !== undefined && compareQuantities(parseQuantity(actual)!, predicted.quantity) === 0;
            if (!same)
              differences.push(
                `${o.kind}/${o.metadata.namespace}/${o.metadata.name} ${container.label} ${field}.${resource}: API server ${actual ?? 'none'}, validator ${predicted?.quantity.text ?? 'none'}`,
              );
          }
        }
      }
    }
  }
  expect(compared).toBeGreaterThan(50);
  expect(differences).toEqual([]);
});
