/**
 * The notes' questions about the node, answered by experiment on the real node (the docs'
 * "Concepts from the notes" quotes these commands and what they print):
 * - the infra container: the runtime holds one `pause` sandbox per pod, from the pause image;
 * - `table ip nat` / `table ip filter`: the rules kube-proxy wrote for exercises 2 and 3 and
 *   those the NetworkPolicy enforcer wrote for exercise 7;
 * - start order: what the kubelet does while the API server is down, and after;
 * - "when containerd dies, do the containers die?": no — the shims keep them; the kubelet
 *   reconciles when it is back.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { containerdPaths } from '../../../tools/cluster/containerd';
import { readClusterState, startClusterProcessAgain, stopClusterProcess } from '../../../tools/cluster/local-cluster';
import { NODE_NAME } from '../../../tools/cluster/node-network';
import { PAUSE_IMAGE, readImageIndex } from '../../../tools/cluster/containerd';
import { IMAGES_DIR } from '../../../tools/cluster/paths';
import { applyExercises, onNode, sh, until } from './support';

const nodeDir = () => readClusterState()!.realNode!.dir;
const ctr = (...args: string[]) => sh(`ctr --address ${containerdPaths(nodeDir()).socket} --namespace k8s.io ${args.join(' ')}`);
const podIp = (namespace: string, name: string) => sh(`kubectl get pod ${name} -n ${namespace} -o jsonpath={.status.podIP}`).stdout;
const serves = (ip: string) => onNode('/usr/bin/curl', ['-fsS', '-o', '/dev/null', '--max-time', '3', `http://${ip}:8080/`]).status === 0;
const show = (command: string, output: string) => console.log(`$ ${command}\n${output.trimEnd()}`);

beforeAll(async () => {
  await applyExercises();
}, 300_000);

test('the node starts with the stand-in images and nothing else, as a fresh import leaves it (the images kept from the last node included)', () => {
  // No suite before this one pulls; exercise 8's suite, after it, pulls from the in-cluster registry.
  const archives = new Set(readImageIndex(IMAGES_DIR).map((image) => image.reference));
  const names = ctr('images', 'ls', '-q')
    .stdout.split('\n')
    .filter((reference) => reference !== '' && !reference.startsWith('sha256:'));
  expect(names.sort()).toEqual([...archives].sort());
});

test('the runtime holds one pause sandbox per pod (the infra container), from the pause image', () => {
  const images = ctr('images', 'ls', '-q');
  show(
    'ctr -n k8s.io images ls -q | grep pause   # the notes: podman images | grep pause',
    images.stdout
      .split('\n')
      .filter((l) => l.includes('pause'))
      .join('\n'),
  );
  expect(images.stdout.split('\n')).toContain(PAUSE_IMAGE);
  const containers = ctr('containers', 'ls');
  const sandboxes = containers.stdout.split('\n').filter((line) => line.includes(PAUSE_IMAGE));
  const pods = JSON.parse(sh('kubectl get pods -A -o json').stdout) as { items: unknown[] };
  show('ctr -n k8s.io containers ls | grep pause', sandboxes.join('\n'));
  // One sandbox per pod that runs (and none left of deleted ones).
  expect(sandboxes.length).toBe(pods.items.length);
});

test('nft list tables shows table ip nat and table ip filter, with the Services and policies of the exercises', () => {
  const tables = onNode('/usr/sbin/nft', ['list', 'tables']);
  show('ip netns exec k8s-practice-node nft list tables', tables.stdout);
  expect(tables.stdout).toContain('table ip nat');
  expect(tables.stdout).toContain('table ip filter');

  const nat = onNode('/usr/sbin/iptables', ['-t', 'nat', '-S']).stdout;
  const services = nat.split('\n').filter((l) => l.startsWith('-A KUBE-SERVICES') && /expose-(clusterip|nodeport)\/nginx/.test(l));
  const nodePorts = nat.split('\n').filter((l) => l.startsWith('-A KUBE-NODEPORTS') && l.includes('--dport 30080'));
  show(
    'ip netns exec k8s-practice-node iptables -t nat -S | grep -E "KUBE-(SERVICES|NODEPORTS).*expose-"',
    [...services, ...nodePorts].join('\n'),
  );
  expect(services.length).toBeGreaterThanOrEqual(2); // exercise 2's ClusterIP, exercise 3's ClusterIP
  expect(nodePorts.length).toBeGreaterThanOrEqual(1); // exercise 3's node port

  const filter = onNode('/usr/sbin/iptables', ['-t', 'filter', '-S']).stdout;
  const policies = filter.split('\n').filter((l) => l.includes('KUBE-NWPLCY') && l.includes('network-policy'));
  show('ip netns exec k8s-practice-node iptables -t filter -S | grep KUBE-NWPLCY | grep network-policy', policies.slice(0, 8).join('\n'));
  expect(policies.length).toBeGreaterThan(0);
});

test('while the API server is down the kubelet keeps the pods running; when it is back the node reports again', async () => {
  const ip = podIp('pod-basics', 'nginx');
  expect(serves(ip)).toBe(true);
  const kubeletLog = join(readClusterState()!.processes.find((p) => p.name === 'kubelet')!.launch!.logFile);
  const logLength = readFileSync(kubeletLog, 'utf8').length;
  await stopClusterProcess('kube-apiserver');
  try {
    // The pod does not depend on the control plane: it keeps serving.
    await new Promise((resolve) => setTimeout(resolve, 6000));
    expect(serves(ip)).toBe(true);
    const complaints = readFileSync(kubeletLog, 'utf8').slice(logLength);
    show('kubelet log while the API server is down (last lines)', complaints.trimEnd().split('\n').slice(-3).join('\n'));
    expect(complaints).toMatch(/connection refused|failed to update node|Error updating node status/i);
  } finally {
    startClusterProcessAgain('kube-apiserver');
  }
  const heartbeat = () =>
    (JSON.parse(sh(`kubectl get lease ${NODE_NAME} -n kube-node-lease -o json`).stdout || '{}') as { spec?: { renewTime?: string } }).spec
      ?.renewTime;
  const renewedAfter = new Date().toISOString();
  const renewed = await until(
    "the kubelet's next heartbeat",
    () => {
      const time = heartbeat();
      return time && time > renewedAfter ? time : undefined;
    },
    90_000,
  );
  show(`kubectl get lease ${NODE_NAME} -n kube-node-lease -o jsonpath={.spec.renewTime}`, renewed);
  expect(serves(ip)).toBe(true);
}, 180_000);

test('when containerd dies the containers keep running (the shims hold them); when it is back the kubelet reconciles', async () => {
  const ip = podIp('pod-basics', 'nginx');
  await stopClusterProcess('containerd');
  try {
    expect(serves(ip)).toBe(true);
    const shims = sh('pgrep -f containerd-shim-runc-v2 | wc -l').stdout.trim();
    show('pgrep -f containerd-shim-runc-v2 | wc -l   # containerd stopped', shims);
    expect(Number(shims)).toBeGreaterThan(0);
    // Without the runtime the kubelet cannot exec into a container.
    expect(sh('kubectl exec -n pod-basics nginx -- true').status).not.toBe(0);
  } finally {
    startClusterProcessAgain('containerd');
  }
  await until('kubectl exec to work again', () => (sh('kubectl exec -n pod-basics nginx -- true').status === 0 ? true : undefined), 60_000);
  expect(serves(ip)).toBe(true);
  // The same container: containerd found it again, it was not restarted.
  const restarts = sh('kubectl get pod nginx -n pod-basics -o jsonpath={.status.containerStatuses[0].restartCount}').stdout;
  expect(restarts).toBe('0');
}, 180_000);
