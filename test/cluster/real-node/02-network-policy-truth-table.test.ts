/**
 * NetworkPolicy, enforced for real (kube-router's firewall on the real node), against our own
 * model (test/network-policy-model.ts, the semantics `AllowIngressPolicy` and the validator
 * assume): for every pair of exercise pods, on every port the server declares, a connection is
 * tried from inside the client pod. The matrix is printed; every cell must agree.
 */
import { ingressAllowed } from '../../network-policy-model';
import { KubeObject } from '../../helpers';
import { DIST_DIR, EXERCISE_FILES, applyExercises, objectsOf, onNode, sh } from './support';
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
function connects(client: RunningPod, ip: string, port: number): boolean {
  const result = sh(
    `kubectl exec -n ${client.object.metadata.namespace} ${client.object.metadata.name} -c ${client.container} -- wget -q -O /dev/null -T 3 http://${ip}:${port}/`,
  );
  return result.status === 0;
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

test('every pod pair on every declared port: the enforcer and our model agree', () => {
  const servers = running.filter((pod) => (pod.object.spec.containers as { ports?: unknown[] }[]).some((c) => (c.ports ?? []).length > 0));
  const rows: string[] = [];
  const disagreements: string[] = [];
  let cells = 0;
  for (const server of servers) {
    for (const container of server.object.spec.containers as { ports?: { containerPort: number }[] }[]) {
      for (const { containerPort } of container.ports ?? []) {
        for (const client of running) {
          if (client === server) continue;
          const predicted = ingressAllowed(objects, client.object, server.object, containerPort);
          const actual = connects(client, server.ip, containerPort);
          cells++;
          const mark = `${actual ? 'open   ' : 'blocked'}${actual === predicted ? '' : `  <- model says ${predicted ? 'open' : 'blocked'}`}`;
          rows.push(`${label(client.object).padEnd(34)} -> ${`${label(server.object)}:${containerPort}`.padEnd(34)} ${mark}`);
          if (actual !== predicted) disagreements.push(rows[rows.length - 1]!);
        }
      }
    }
  }
  console.log(`NetworkPolicy truth table (${cells} cells, kube-router vs our model):\n${rows.join('\n')}`);
  expect(cells).toBeGreaterThan(20);
  expect(disagreements).toEqual([]);
});

test('the node itself reaches every pod (kube-router admits the node, for kubelet probes)', () => {
  // Not a NetworkPolicy rule: the API leaves node traffic to the implementation. Our model
  // does not cover it; the README says so.
  const reached = running
    .filter((pod) => (pod.object.spec.containers as { ports?: unknown[] }[]).some((c) => (c.ports ?? []).length > 0))
    .map((pod) => [
      label(pod.object),
      onNode('/usr/bin/curl', ['-fsS', '-o', '/dev/null', '--max-time', '3', `http://${pod.ip}:8080/`]).status === 0,
    ]);
  console.log(`node -> pods: ${reached.map(([pod, ok]) => `${String(pod)} ${ok ? 'open' : 'blocked'}`).join(', ')}`);
  expect(reached.every(([, ok]) => ok)).toBe(true);
});
