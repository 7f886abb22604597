import { Testing } from 'cdk8s';
import { PROJECT_OBJECT_NAMES, PSA_ENFORCE_LABEL, Project, RunPod } from '../../../lib';
import { only } from '../../support/helpers';

const synthProject = (props: any, build?: (p: Project) => void) => {
  const project = new Project(Testing.app(), 'p', props);
  build?.(project);
  return Testing.synth(project) as any[];
};

describe('Project', () => {
  test('declares its namespace first, with PSA labels, and puts every other object in it', () => {
    const objects = synthProject({ namespace: 'team-a' }, (p) => new RunPod(p, 'pod', { name: 'nginx' }));
    expect(objects[0].kind).toBe('Namespace');
    expect(objects[0].metadata.name).toBe('team-a');
    expect(objects[0].metadata.namespace).toBeUndefined();
    expect(objects[0].metadata.labels).toEqual({
      [PSA_ENFORCE_LABEL]: 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.28',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
    for (const o of objects.slice(1)) expect([o.kind, o.metadata.namespace]).toEqual([o.kind, 'team-a']);
    expect(objects.map((o) => o.kind)).toEqual(['Namespace', 'ResourceQuota', 'LimitRange', 'NetworkPolicy', 'NetworkPolicy', 'Pod']);
  });

  test('a relaxed level is enforced while warn/audit stay restricted', () => {
    const ns = synthProject({ namespace: 'ci', podSecurity: 'baseline' })[0];
    expect(ns.metadata.labels[PSA_ENFORCE_LABEL]).toBe('baseline');
    expect(ns.metadata.labels['pod-security.kubernetes.io/warn']).toBe('restricted');
  });

  test('default-deny ingress plus allow-same-namespace, the latter optional', () => {
    const policies = synthProject({ namespace: 'a' }).filter((o) => o.kind === 'NetworkPolicy');
    expect(policies.map((p) => p.metadata.name)).toEqual([PROJECT_OBJECT_NAMES.denyIngress, PROJECT_OBJECT_NAMES.allowSameNamespace]);
    expect(policies[0].spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
    expect(policies[1].spec.ingress).toEqual([{ from: [{ podSelector: {} }] }]);
    const isolated = synthProject({ namespace: 'a', allowSameNamespace: false }).filter((o) => o.kind === 'NetworkPolicy');
    expect(isolated.map((p) => p.metadata.name)).toEqual([PROJECT_OBJECT_NAMES.denyIngress]);
  });

  test('quota with storage and the LimitRange defaults', () => {
    const objects = synthProject({
      namespace: 'ci',
      quota: {
        requestsCpu: '2',
        requestsMemory: '4Gi',
        limitsCpu: '4',
        limitsMemory: '8Gi',
        pods: 20,
        requestsStorage: '20Gi',
        persistentVolumeClaims: 5,
      },
      containerDefaults: { cpuRequest: '100m', memoryRequest: '128Mi', cpuLimit: '1', memoryLimit: '1Gi' },
    });
    expect(only(objects, 'ResourceQuota').spec.hard).toEqual({
      'requests.cpu': '2',
      'requests.memory': '4Gi',
      'limits.cpu': '4',
      'limits.memory': '8Gi',
      pods: '20',
      'requests.storage': '20Gi',
      persistentvolumeclaims: '5',
    });
    expect(only(objects, 'LimitRange').spec.limits).toEqual([
      {
        type: 'Container',
        defaultRequest: { cpu: '100m', memory: '128Mi' },
        default: { cpu: '1', memory: '1Gi' },
      },
    ]);
  });

  test('Project.find locates the project of a nested construct', () => {
    const project = new Project(Testing.app(), 'p', { namespace: 'a' });
    const pod = new RunPod(project, 'pod', { name: 'nginx' });
    expect(Project.find(pod)).toBe(project);
    expect(Project.find(Testing.chart())).toBeUndefined();
    expect(Project.isProject(project)).toBe(true);
    expect(Project.isProject(Testing.chart())).toBe(false);
  });

  test.each([
    [{ namespace: 'Team_A' }, /invalid namespace "Team_A"/],
    [{ namespace: 'a', podSecurity: 'strict' }, /invalid podSecurity "strict"; expected one of "privileged", "baseline", "restricted"/],
    [
      { namespace: 'a', quota: { requestsCpu: '1', requestsMemory: '1Gb', limitsCpu: '2', limitsMemory: '2Gi', pods: 5 } },
      /invalid quota.requestsMemory "1Gb"; expected a Kubernetes quantity/,
    ],
    [
      { namespace: 'a', quota: { requestsCpu: '1', requestsMemory: '1Gi', limitsCpu: '2', limitsMemory: '2Gi', pods: -1 } },
      /invalid quota.pods -1/,
    ],
    [
      { namespace: 'a', containerDefaults: { cpuRequest: '2', memoryRequest: '1Mi', cpuLimit: '1', memoryLimit: '1Mi' } },
      /invalid containerDefaults.cpuRequest "2"; expected at most the CPU limit 1/,
    ],
    // A quota smaller than one default container refuses every pod (checked against the real API server's quota admission in the cluster suites).
    [
      { namespace: 'a', quota: { requestsCpu: '1', requestsMemory: '1Gi', limitsCpu: '2', limitsMemory: '2Gi', pods: 0 } },
      /invalid quota.pods 0; expected at least 1/,
    ],
    [
      { namespace: 'a', quota: { requestsCpu: '1', requestsMemory: '1', limitsCpu: '2', limitsMemory: '2Gi', pods: 3 } },
      /invalid quota.requestsMemory "1"; expected at least containerDefaults.memoryRequest \(32Mi\)/,
    ],
    [
      { namespace: 'a', quota: { requestsCpu: '1', requestsMemory: '1Gi', limitsCpu: '100m', limitsMemory: '2Gi', pods: 3 } },
      /invalid quota.limitsCpu "100m"; expected at least containerDefaults.cpuLimit \(200m\)/,
    ],
  ])('rejects %j', (props, message) => {
    expect(() => new Project(Testing.app(), 'p', props as any)).toThrow(message);
  });
});

test('Project: a negative quota and missing props are refused with the standard error', () => {
  expect(
    () =>
      new Project(Testing.app(), 'p', {
        namespace: 'a',
        quota: { requestsCpu: '-1', requestsMemory: '1Gi', limitsCpu: '2', limitsMemory: '2Gi', pods: 1 },
      }),
  ).toThrow(/invalid quota.requestsCpu "-1".*not negative/);
  expect(() => new (Project as any)(Testing.app(), 'p', null)).toThrow(/invalid props null/);
});
