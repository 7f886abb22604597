/** Cross-object checks over every exercise chart. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { DIST_DIR } from '../../main';
import { EXERCISES, Project } from '../../lib';
import { quantityToNumber } from '../../lib/util/resource-quantity';
import { KubeObject, only } from '../support/helpers';
import { ingressAllowed } from '../support/network-policy-model';

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'PersistentVolume',
  'StorageClass',
  'CustomResourceDefinition',
]);

const synthExercise = (id: string): { project: Project; objects: KubeObject[] } => {
  const exercise = EXERCISES.find((e) => e.id === id)!;
  const project = exercise.build(Testing.app(), exercise.id);
  return { project, objects: Testing.synth(project) as KubeObject[] };
};

/** Pod specs with how many pods each stands for (a Deployment's replicas, 1 for a Pod). */
const podSpecs = (objects: KubeObject[]): { spec: any; count: number }[] =>
  objects.flatMap((o) => {
    if (o.kind === 'Pod') return [{ spec: o.spec, count: 1 }];
    if (['Deployment', 'StatefulSet', 'ReplicaSet'].includes(o.kind)) return [{ spec: o.spec.template.spec, count: o.spec.replicas ?? 1 }];
    return [];
  });

describe.each(EXERCISES.map((e) => [e.id]))('exercise %s', (id) => {
  const { project, objects } = synthExercise(id);

  test('lives in its own project namespace, declared first', () => {
    expect(objects[0]).toMatchObject({ kind: 'Namespace', metadata: { name: project.namespaceName } });
    for (const o of objects) {
      const expected = CLUSTER_SCOPED.has(o.kind) ? undefined : project.namespaceName;
      expect(`${o.kind}/${o.metadata.name} in ${o.metadata.namespace}`).toBe(`${o.kind}/${o.metadata.name} in ${expected}`);
    }
  });

  test('its pods fit the quota, counting LimitRange defaults for containers without resources', () => {
    const quota = only(objects, 'ResourceQuota').spec.hard;
    const defaults = only(objects, 'LimitRange').spec.limits.find((l: any) => l.type === 'Container');
    const total = { 'requests.cpu': 0, 'requests.memory': 0, 'limits.cpu': 0, 'limits.memory': 0 };
    let pods = 0;
    for (const { spec, count } of podSpecs(objects)) {
      pods += count;
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
        const requests = c.resources?.requests ?? defaults.defaultRequest;
        const limits = c.resources?.limits ?? defaults.default;
        expect(quantityToNumber(requests.cpu)).toBeLessThanOrEqual(quantityToNumber(limits.cpu));
        expect(quantityToNumber(requests.memory)).toBeLessThanOrEqual(quantityToNumber(limits.memory));
        total['requests.cpu'] += count * quantityToNumber(requests.cpu);
        total['requests.memory'] += count * quantityToNumber(requests.memory);
        total['limits.cpu'] += count * quantityToNumber(limits.cpu);
        total['limits.memory'] += count * quantityToNumber(limits.memory);
      }
    }
    expect(pods).toBeLessThanOrEqual(Number(quota.pods));
    for (const [key, used] of Object.entries(total)) {
      expect({ key, fits: used <= quantityToNumber(quota[key]) }).toEqual({ key, fits: true });
    }
  });

  test('enforces the strictest Pod Security level its workloads allow', () => {
    // kaniko builds as root (no privilege, no added capabilities): baseline, the only exception
    expect(project.podSecurity).toBe(id === '08-ci-pipeline' ? 'baseline' : 'restricted');
  });
});

describe('NetworkPolicy exercise', () => {
  const { objects } = synthExercise('07-network-policy');
  const pod = (name: string) => only(objects, 'Pod', name);

  test('the labelled client may reach the web pod, the other client may not', () => {
    expect(ingressAllowed(objects, pod('allowed-client'), pod('web'), 8080)).toBe(true);
    expect(ingressAllowed(objects, pod('denied-client'), pod('web'), 8080)).toBe(false);
  });

  test('only the declared port is opened, and the clients themselves accept nothing', () => {
    expect(ingressAllowed(objects, pod('allowed-client'), pod('web'), 9090)).toBe(false);
    expect(ingressAllowed(objects, pod('web'), pod('allowed-client'), 8080)).toBe(false);
  });

  test('the access label comes from one constant on both the client and the policy', () => {
    const policy = only(objects, 'NetworkPolicy', 'web-allow-access-label');
    expect(policy.spec.ingress[0].from[0].podSelector.matchLabels).toEqual(
      Object.fromEntries(Object.entries(pod('allowed-client').metadata.labels!).filter(([k]) => k !== 'run')),
    );
  });
});

describe('reachability in the other exercises', () => {
  test('ClusterIP: pods of the same namespace reach nginx, pods of other namespaces do not', () => {
    const { objects } = synthExercise('02-expose-clusterip');
    const nginx = only(objects, 'Pod', 'nginx');
    const neighbour = { ...nginx, metadata: { ...nginx.metadata, name: 'tmp', labels: { run: 'tmp' } } };
    const stranger = { ...neighbour, metadata: { ...neighbour.metadata, namespace: 'default' } };
    expect(ingressAllowed(objects, neighbour, nginx, 8080)).toBe(true);
    expect(ingressAllowed(objects, stranger, nginx, 8080)).toBe(false);
  });

  test('NodePort: traffic from outside the namespace reaches nginx on 8080', () => {
    const { objects } = synthExercise('03-expose-nodeport');
    const nginx = only(objects, 'Pod', 'nginx');
    const outsider = { ...nginx, metadata: { name: 'x', namespace: 'kube-system', labels: {} } };
    expect(ingressAllowed(objects, outsider, nginx, 8080)).toBe(true);
  });
});

describe('dist/ holds no secret values', () => {
  const docs = readdirSync(DIST_DIR).flatMap((file) =>
    parseAllDocuments(readFileSync(join(DIST_DIR, file), 'utf8')).map((d) => ({ file, object: d.toJS() as KubeObject })),
  );

  test('no Secret object, and no data/stringData carrying a secret', () => {
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.filter((d) => d.object.kind === 'Secret').map((d) => `${d.file}: ${d.object.metadata.name}`)).toEqual([]);
  });

  test('the environment exercise references its Secret by name only', () => {
    const pod = docs.find((d) => d.object.kind === 'Pod' && d.object.metadata.name === 'env-demo')!.object;
    const secretRefs = pod.spec.containers[0].env
      .filter((e: any) => e.valueFrom?.secretKeyRef)
      .map((e: any) => e.valueFrom.secretKeyRef.name);
    expect(secretRefs).toEqual(['env-demo-secret']);
  });
});

describe('CI pipeline exercise', () => {
  const { objects } = synthExercise('08-ci-pipeline');
  const workloadPod = (kind: string, name: string): KubeObject => {
    const w = only(objects, kind, name);
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: w.metadata.namespace, labels: w.spec.template.metadata.labels },
      spec: w.spec.template.spec,
    };
  };
  // EventListener pods are made by the Triggers controller, with these labels (pkg/reconciler/eventlistener).
  const listenerPod = (name: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `el-${name}-x`, namespace: 'ci', labels: { eventlistener: name, 'app.kubernetes.io/managed-by': 'EventListener' } },
    spec: { containers: [{ name: 'event-listener', ports: [{ containerPort: 8080, name: 'http-listener' }] }] },
  });
  const gogs = workloadPod('StatefulSet', 'gogs');
  const registry = workloadPod('Deployment', 'registry');
  const app = workloadPod('Deployment', 'demo-app');
  const taskPod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'build-and-push-x-clone-pod', namespace: 'ci', labels: { 'app.kubernetes.io/managed-by': 'tekton-pipelines' } },
    spec: { containers: [] },
  };

  test('only Gogs reaches the Gogs listener, only the registry reaches the registry listener', () => {
    expect(ingressAllowed(objects, gogs, listenerPod('gogs-push'), 8080)).toBe(true);
    expect(ingressAllowed(objects, registry, listenerPod('registry-push'), 8080)).toBe(true);
    expect(ingressAllowed(objects, registry, listenerPod('gogs-push'), 8080)).toBe(false);
    expect(ingressAllowed(objects, gogs, listenerPod('registry-push'), 8080)).toBe(false);
    expect(ingressAllowed(objects, app, listenerPod('gogs-push'), 8080)).toBe(false);
    expect(ingressAllowed(objects, taskPod, listenerPod('registry-push'), 8080)).toBe(false);
  });

  test('pipeline pods reach Gogs (clone) and the registry (push)', () => {
    expect(ingressAllowed(objects, taskPod, gogs, 3000)).toBe(true);
    expect(ingressAllowed(objects, taskPod, registry, 5000)).toBe(true);
  });

  test('Gogs allowlists exactly the host of the listener URL it delivers to', () => {
    const ini = only(objects, 'ConfigMap', 'gogs-config').data['app.ini'];
    const listener = only(objects, 'EventListener', 'gogs-push');
    const host = `el-${listener.metadata.name}.${listener.metadata.namespace}.svc.cluster.local`;
    expect(ini).toMatch(new RegExp(`^LOCAL_NETWORK_ALLOWLIST *= *${host.replace(/\./g, '\\.')}$`, 'm'));
  });

  test('the registry notifies the registry listener, and the deploy Role may patch only the demo app', () => {
    const env = only(objects, 'Deployment', 'registry').spec.template.spec.containers[0].env;
    const endpoints = JSON.parse(env.find((e: any) => e.name === 'REGISTRY_NOTIFICATIONS_ENDPOINTS').value);
    expect(endpoints.map((e: any) => new URL(e.url).hostname)).toEqual(['el-registry-push.ci.svc.cluster.local']);
    const role = only(objects, 'Role', 'deploy-image');
    expect(role.rules).toEqual([expect.objectContaining({ resources: ['deployments'], resourceNames: ['demo-app'] })]);
  });
});
