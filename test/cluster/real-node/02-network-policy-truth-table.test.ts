/**
 * NetworkPolicy, enforced for real (kube-router's firewall on the real node), against our own
 * model (test/support/network-policy-model.ts, the semantics `AllowIngressPolicy` and the validator
 * assume): for every pair of exercise pods, on every port the server declares, a connection is
 * tried from inside the client pod. The matrix is printed; every cell must agree.
 */
import { ingressAllowed } from '../../support/network-policy-model';
import { KubeObject } from '../../support/helpers';
import { DIST_DIR, EXERCISE_FILES, applyExercises, objectsOf, onNode, sh, shAsync } from './support';
import { join } from 'node:path';

interface RunningPod {
  readonly object: KubeObject;
  readonly ip: string;
  /** A container of the pod that has busybox's wget (every image of exercises 1-7 has). */
  readonly container: string;
}

const objects = objectsOf(EXERCISE_FILES.filter((f) => !f.startsWith('04-')).map((f) => join(DIST_DIR, f))) as unknown as KubeObject[];
const pods = objects.filter((o) => o.kind === 'Pod');
const label = (pod: KubeObject) => `${pod.metadata.namespace}/${pod.metadata.name}`;

/** Can `client` open `http://ip:port` within 3 s (busybox wget in the client's container)? */
function connects(client: RunningPod, ip: string, port: number): Promise<boolean> {
  return shAsync(
    `kubectl exec -n ${client.object.metadata.namespace} ${client.object.metadata.name} -c ${client.container} -- wget -q -O /dev/null -T 3 http://${ip}:${port}/`,
  ).then((status) => status === 0);
}

/** Runs `tasks` with at most `limit` at a time (each a `kubectl exec`: mostly waiting). */
async function inBatches<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < tasks.length; i += limit) results.push(...(await Promise.all(tasks.slice(i, i + limit).map((task) => task()))));
  return results;
}

let running: RunningPod[] = [];

beforeAll(async () => {
  await applyExercises();
  running = pods.map((object) => {
    const ip = sh(`kubectl get pod ${object.metadata.name} -n ${object.metadata.namespace} -o jsonpath={.status.podIP}`).stdout;
    const containers = object.spec.containers as { name: string; image: string }[];
    const container = (containers.find((c) => c.image.includes('busybox')) ?? containers[0])!.name;
    return { object, ip, container };
  });
}, 300_000);

test('every pod pair on every declared port: the enforcer and our model agree', async () => {
  const servers = running.filter((pod) => (pod.object.spec.containers as { ports?: unknown[] }[]).some((c) => (c.ports ?? []).length > 0));
  const cells: { client: RunningPod; server: RunningPod; port: number; predicted: boolean }[] = [];
  for (const server of servers) {
    for (const container of server.object.spec.containers as { ports?: { containerPort: number }[] }[]) {
      for (const { containerPort } of container.ports ?? []) {
        for (const client of running) {
          if (client !== server)
            cells.push({
              client,
              server,
              port: containerPort,
              predicted: ingressAllowed(objects, client.object, server.object, containerPort),
            });
        }
      }
    }
  }
  const actual = await inBatches(
    cells.map((cell) => () => connects(cell.client, cell.server.ip, cell.port)),
    4,
  );
  const rows = cells.map((cell, i) => {
    const open = actual[i]!;
    const mark = `${open ? 'open   ' : 'blocked'}${open === cell.predicted ? '' : `  <- model says ${cell.predicted ? 'open' : 'blocked'}`}`;
    return `${label(cell.client.object).padEnd(34)} -> ${`${label(cell.server.object)}:${cell.port}`.padEnd(34)} ${mark}`;
  });
  console.log(`NetworkPolicy truth table (${cells.length} cells, kube-router vs our model):\n${rows.join('\n')}`);
  expect(cells.length).toBeGreaterThan(20);
  expect(rows.filter((row) => row.includes('<- model says'))).toEqual([]);
});

test('the node itself reaches every pod (kube-router admits the node, for kubelet probes)', () => {
  // Not a NetworkPolicy rule: the API leaves node traffic to the implementation. Our model
  // does not cover it; the docs say so.
  const reached = running
    .filter((pod) => (pod.object.spec.containers as { ports?: unknown[] }[]).some((c) => (c.ports ?? []).length > 0))
    .map((pod) => [
      label(pod.object),
      onNode('/usr/bin/curl', ['-fsS', '-o', '/dev/null', '--max-time', '3', `http://${pod.ip}:8080/`]).status === 0,
    ]);
  console.log(`node -> pods: ${reached.map(([pod, ok]) => `${String(pod)} ${ok ? 'open' : 'blocked'}`).join(', ')}`);
  expect(reached.every(([, ok]) => ok)).toBe(true);
});
