/**
 * The kwok nodes stay healthy past the node lifecycle controller's grace period (40 s): kwok
 * renews their Leases, so the controller never marks them, or their pods, NotReady. Runs last,
 * long after the cluster started; waits out the rest of the period if the run was short.
 */
import { kubectl } from './support';

const GRACE_PERIOD_MS = 40_000;

interface Condition {
  type: string;
  status: string;
}

test('nodes and the pods on them are still Ready after the grace period', async () => {
  const nodes = JSON.parse(kubectl(['get', 'nodes', '-o', 'json']).stdout) as {
    items: { metadata: { name: string; creationTimestamp: string }; status: { conditions: Condition[] } }[];
  };
  const created = Math.max(...nodes.items.map((n) => Date.parse(n.metadata.creationTimestamp)));
  const wait = created + GRACE_PERIOD_MS + 10_000 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));

  const leases = JSON.parse(kubectl(['get', 'leases', '-n', 'kube-node-lease', '-o', 'json']).stdout) as {
    items: { metadata: { name: string }; spec: { renewTime: string } }[];
  };
  for (const node of nodes.items) {
    const lease = leases.items.find((l) => l.metadata.name === node.metadata.name);
    expect({ node: node.metadata.name, renewedRecently: Date.now() - Date.parse(lease?.spec.renewTime ?? '0') < GRACE_PERIOD_MS }).toEqual({
      node: node.metadata.name,
      renewedRecently: true,
    });
  }
  const events = kubectl(['get', 'events', '-A', '--field-selector', 'reason=NodeNotReady', '-o', 'name']);
  expect(events.stdout).toBe('');
  const pods = JSON.parse(kubectl(['get', 'pods', '-A', '-o', 'json']).stdout) as {
    items: { metadata: { namespace: string; name: string }; status: { phase: string; conditions?: Condition[] } }[];
  };
  const running = pods.items.filter((p) => p.status.phase === 'Running');
  expect(running.length).toBeGreaterThan(0);
  const notReady = running.filter((p) => !p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  expect(notReady.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual([]);
}, 120_000);
