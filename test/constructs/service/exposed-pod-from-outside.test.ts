/**
 * ExposedPod inside a Project: node-port and load-balancer clients come from outside the
 * namespace, which the project's default-deny-ingress policy shuts out, so ExposedPod admits them
 * by default (and the validator's node-port-unreachable rule agrees with the result).
 */
import { Chart, Testing } from 'cdk8s';
import { validateObjects } from '../../../lib/tooling/check/validate';
import { Project } from '../../../lib/constructs/project/project';
import { ExposedPod, ExposedPodProps } from '../../../lib/constructs/service/exposed-pod';

function synth(props: Partial<ExposedPodProps>, inProject = true) {
  const chart = inProject ? new Project(Testing.app(), 'p', { namespace: 'web' }) : new Chart(Testing.app(), 'c', { namespace: 'web' });
  const exposed = new ExposedPod(chart, 'web', { name: 'web', servicePort: 80, ...props });
  const objects = Testing.synth(chart) as any[];
  const errors = validateObjects(objects.map((object, document) => ({ file: 'web', document, object }))).findings.filter(
    (f) => f.severity === 'error',
  );
  return { exposed, objects, errors: errors.map((f) => `${f.code}: ${f.message}`) };
}

const policies = (objects: any[]) =>
  objects
    .filter((o) => o.kind === 'NetworkPolicy')
    .map((o) => o.metadata.name)
    .sort();

test.each(['NodePort', 'LoadBalancer'] as const)('a %s Service in a Project gets web-from-anywhere, and validates clean', (type) => {
  const { exposed, objects, errors } = synth({ type });
  expect(policies(objects)).toEqual(['allow-same-namespace', 'default-deny-ingress', 'web-from-anywhere']);
  const policy = objects.find((o) => o.metadata.name === 'web-from-anywhere');
  expect(policy.spec.podSelector.matchLabels).toEqual({ run: 'web' });
  expect(policy.spec.ingress[0].from).toEqual([{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }]);
  expect(exposed.fromOutside).toBeDefined();
  expect(errors).toEqual([]);
});

test('allowFromOutside: false leaves it out, and the validator says the node port would time out', () => {
  const { objects, errors } = synth({ type: 'NodePort', allowFromOutside: false });
  expect(policies(objects)).toEqual(['allow-same-namespace', 'default-deny-ingress']);
  expect(errors.join('\n')).toMatch(
    /^node-port-unreachable: NodePort Service selects Pod\/web, which NetworkPolicy "default-deny-ingress" isolates/,
  );
});

test('a ClusterIP Service, or a NodePort outside any Project, gets no such policy', () => {
  expect(policies(synth({}).objects)).toEqual(['allow-same-namespace', 'default-deny-ingress']);
  expect(policies(synth({ type: 'NodePort' }, false).objects)).toEqual([]);
});

test('allowFromOutside must be a boolean', () => {
  expect(() => synth({ type: 'NodePort', allowFromOutside: 'yes' as any })).toThrow(
    /invalid allowFromOutside "yes"; expected true or false/,
  );
});

test('GogsServer and ImageRegistry on node ports inside a Project admit outside clients on their ports too', async () => {
  const { GogsServer } = await import('../../../lib/constructs/gogs/gogs-server');
  const { ImageRegistry } = await import('../../../lib/constructs/registry/image-registry');
  const project = new Project(Testing.app(), 'p', { namespace: 'ci' });
  const gogs = new GogsServer(project, 'gogs', { serviceType: 'NodePort' });
  const registry = new ImageRegistry(project, 'registry', { serviceType: 'NodePort' });
  const objects = Testing.synth(project) as any[];
  const policy = (name: string) => objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === name);
  expect(policy('gogs-from-anywhere').spec).toEqual({
    podSelector: { matchLabels: gogs.labels },
    policyTypes: ['Ingress'],
    ingress: [
      {
        from: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }],
        ports: [
          { protocol: 'TCP', port: 'http' },
          { protocol: 'TCP', port: 'ssh' },
        ],
      },
    ],
  });
  expect(policy('registry-from-anywhere').spec.podSelector.matchLabels).toEqual(registry.labels);
  const errors = validateObjects(objects.map((object, document) => ({ file: 'ci', document, object }))).findings.filter(
    (f) => f.code === 'node-port-unreachable',
  );
  expect(errors).toEqual([]);
  // ClusterIP (the default) adds nothing.
  const plain = new Project(Testing.app(), 'q', { namespace: 'ci' });
  new GogsServer(plain, 'gogs');
  expect((Testing.synth(plain) as any[]).filter((o) => o.metadata.name === 'gogs-from-anywhere')).toEqual([]);
});
