/**
 * RBAC, Pod Security and NetworkPolicy of the Tekton wiring: least privilege
 * (each listener's own Role and ClusterRole, no Secret), every step admitted by
 * the Pod Security level the docs ask for, listeners reachable only by their senders.
 */
import { Chart, Testing } from 'cdk8s';
import { DeployImageTask } from '../../../lib/constructs/tekton/deploy-image-task';
import { ListenerNetworkPolicy } from '../../../lib/constructs/tekton/listener-network-policy';
import {
  EVENTLISTENER_CLUSTERROLES_CLUSTERROLE,
  EVENTLISTENER_ROLES_CLUSTERROLE,
  WebhookListener,
  eventListenerPodLabels,
} from '../../../lib/constructs/tekton/webhook-listener';
import { KubeObject, only, synthWith } from '../../support/helpers';
import { GOGS_POD_LABELS, REGISTRY_POD_LABELS, buildCiWiring } from './ci-chart';
import { BASELINE_CAPABILITIES } from '../../../lib/tooling/check/pod-security-controls';

const { objects } = buildCiWiring();
const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);

describe('RBAC', () => {
  test("no wildcard in any rule; the only ClusterRoles are the listeners' read of ClusterTriggerBindings and ClusterInterceptors", () => {
    for (const role of [...ofKind('Role'), ...ofKind('ClusterRole')]) {
      for (const rule of role.rules) {
        for (const field of ['verbs', 'resources', 'apiGroups', 'resourceNames']) {
          expect({ role: role.metadata.name, field, wildcard: (rule[field] ?? []).some((v: string) => v.includes('*')) }).toEqual({
            role: role.metadata.name,
            field,
            wildcard: false,
          });
        }
      }
    }
    expect(ofKind('ClusterRole').map((r) => [r.metadata.name, r.rules])).toEqual(
      ['ci.gogs-push-listener', 'ci.registry-push-listener'].map((name) => [
        name,
        [{ apiGroups: ['triggers.tekton.dev'], resources: ['clusterinterceptors', 'clustertriggerbindings'], verbs: ['list', 'watch'] }],
      ]),
    );
  });

  test("no rule grants anything on Secrets, and no binding points at the Triggers release's listener ClusterRoles (one reads every Secret)", () => {
    const rules = [...ofKind('Role'), ...ofKind('ClusterRole')].flatMap((r) => r.rules);
    expect(rules.filter((rule: any) => rule.resources.includes('secrets'))).toEqual([]);
    const refs = [...ofKind('RoleBinding'), ...ofKind('ClusterRoleBinding')].map((b) => b.roleRef.name);
    expect(refs.filter((name) => [EVENTLISTENER_ROLES_CLUSTERROLE, EVENTLISTENER_CLUSTERROLES_CLUSTERROLE].includes(name))).toEqual([]);
  });

  test.each([
    ['gogs-push', 'pipelineruns'],
    ['registry-push', 'taskruns'],
  ])('listener %s: its ServiceAccount is bound to a Role and a ClusterRole of its own, with exactly what the sink uses', (name, runs) => {
    const el = only(objects, 'EventListener', name);
    const sa = el.spec.serviceAccountName;
    only(objects, 'ServiceAccount', sa);
    const subject = { kind: 'ServiceAccount', name: sa, namespace: 'ci' };
    const roleBindings = ofKind('RoleBinding').filter((b) => b.subjects.some((s: any) => s.name === sa));
    expect(roleBindings.map((b) => [b.metadata.name, b.roleRef, b.subjects, b.metadata.namespace])).toEqual([
      [sa, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: sa }, [subject], 'ci'],
    ]);
    expect(only(objects, 'Role', sa).rules).toEqual([
      {
        apiGroups: ['triggers.tekton.dev'],
        resources: ['eventlisteners', 'interceptors', 'triggerbindings', 'triggers', 'triggertemplates'],
        verbs: ['list', 'watch'],
      },
      { apiGroups: ['tekton.dev'], resources: [runs], verbs: ['create'] },
    ]);
    const clusterBindings = ofKind('ClusterRoleBinding').filter((b) => b.subjects.some((s: any) => s.name === sa));
    // cluster-scoped names must not collide between projects: namespace "." ServiceAccount
    expect(clusterBindings.map((b) => [b.metadata.name, b.roleRef, b.subjects, b.metadata.namespace])).toEqual([
      [`ci.${sa}`, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `ci.${sa}` }, [subject], undefined],
    ]);
    expect(only(objects, 'ClusterRole', `ci.${sa}`).metadata.namespace).toBeUndefined();
  });

  test("the names of the Triggers release's listener ClusterRoles (not bound, kept for reference)", () => {
    expect([EVENTLISTENER_ROLES_CLUSTERROLE, EVENTLISTENER_CLUSTERROLES_CLUSTERROLE]).toEqual([
      'tekton-triggers-eventlistener-roles',
      'tekton-triggers-eventlistener-clusterroles',
    ]);
  });

  test('the deploy Task can only get and patch the named Deployment, and its runs use that ServiceAccount', () => {
    const role = only(objects, 'Role', 'deploy-image');
    expect(role.rules).toEqual([{ apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['demo-app'], verbs: ['get', 'patch'] }]);
    const binding = only(objects, 'RoleBinding', 'deploy-image');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deploy-image' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'deploy-image', namespace: 'ci' }]);
    only(objects, 'ServiceAccount', 'deploy-image');
    const run = only(objects, 'TriggerTemplate', 'registry-push-template').spec.resourcetemplates[0];
    expect(run.spec.serviceAccountName).toBe('deploy-image');
  });

  test('the build runs use a ServiceAccount without an API token', () => {
    const run = only(objects, 'TriggerTemplate', 'gogs-push-template').spec.resourcetemplates[0];
    const sa = only(objects, 'ServiceAccount', run.spec.taskRunTemplate.serviceAccountName);
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(ofKind('RoleBinding').filter((b) => b.subjects.some((s: any) => s.name === sa.metadata.name))).toEqual([]);
  });

  test('allowDeployment adds names sorted and deduplicated; a Role without any name is refused at synth', () => {
    const objectsWithMore = synthWith((chart) => {
      const task = new DeployImageTask(chart, 'd', { deployments: ['web', 'api'] });
      task.allowDeployment('web');
      task.allowDeployment('worker');
    });
    expect(only(objectsWithMore, 'Role').rules[0].resourceNames).toEqual(['api', 'web', 'worker']);
    expect(() => synthWith((chart) => new DeployImageTask(chart, 'lonely'))).toThrow(
      /lonely: invalid deployments \[\]; expected at least one Deployment name.*without resourceNames the Role would allow every Deployment/,
    );
    expect(() => new DeployImageTask(Testing.chart(), 'd', { deployments: ['Web'] })).toThrow(/d: invalid deployment "Web"/);
  });
});

describe('Pod Security', () => {
  const steps = ofKind('Task').flatMap((task) => task.spec.steps.map((step: any) => [`${task.metadata.name}/${step.name}`, step] as const));

  /** Violations of the `restricted` profile by one container securityContext (no pod-level context is set by the Tasks). */
  function restrictedViolations(sc: any): string[] {
    const v: string[] = [];
    if (sc?.allowPrivilegeEscalation !== false) v.push('allowPrivilegeEscalation must be false');
    if (!(sc?.capabilities?.drop ?? []).includes('ALL')) v.push('capabilities must drop ALL');
    if ((sc?.capabilities?.add ?? []).some((c: string) => c !== 'NET_BIND_SERVICE')) v.push('only NET_BIND_SERVICE may be added');
    if (sc?.runAsNonRoot !== true) v.push('runAsNonRoot must be true');
    if (sc?.runAsUser === 0) v.push('runAsUser must not be 0');
    if (!['RuntimeDefault', 'Localhost'].includes(sc?.seccompProfile?.type)) v.push('seccompProfile must be RuntimeDefault or Localhost');
    return v;
  }

  /** Violations of the `baseline` profile by one container securityContext. */
  function baselineViolations(sc: any): string[] {
    const v: string[] = [];
    if (sc?.privileged === true) v.push('privileged');
    for (const c of sc?.capabilities?.add ?? []) if (!BASELINE_CAPABILITIES.has(c)) v.push(`adds capability ${c}`);
    if (sc?.seccompProfile?.type === 'Unconfined') v.push('seccomp Unconfined');
    if (sc?.procMount !== undefined && sc.procMount !== 'Default') v.push('procMount');
    if (sc?.seLinuxOptions?.type !== undefined || sc?.seLinuxOptions?.user !== undefined) v.push('seLinuxOptions');
    if (sc?.windowsOptions?.hostProcess === true) v.push('hostProcess');
    return v;
  }

  test.each(steps)('step %s is admitted under baseline', (_name, step) => {
    expect(baselineViolations(step.securityContext)).toEqual([]);
  });

  test.each(steps.filter(([name]) => name !== 'kaniko/build-and-push'))('step %s is admitted under restricted', (_name, step) => {
    expect(restrictedViolations(step.securityContext)).toEqual([]);
    expect(step.securityContext.readOnlyRootFilesystem).toBe(true);
  });

  test('only the kaniko build step runs as root, and it is the step that keeps the namespace at baseline', () => {
    const kaniko = steps.find(([name]) => name === 'kaniko/build-and-push')![1];
    expect(kaniko.securityContext).toEqual({ runAsUser: 0 });
    expect(restrictedViolations(kaniko.securityContext)).toContain('runAsUser must not be 0');
    expect(steps.filter(([, s]) => s.securityContext?.runAsUser === 0).map(([n]) => n)).toEqual(['kaniko/build-and-push']);
  });

  test('the checks notice violations (so the tests above can fail)', () => {
    expect(baselineViolations({ privileged: true, capabilities: { add: ['SYS_ADMIN'] } })).toEqual([
      'privileged',
      'adds capability SYS_ADMIN',
    ]);
    expect(restrictedViolations({ runAsUser: 0 })).toEqual([
      'allowPrivilegeEscalation must be false',
      'capabilities must drop ALL',
      'runAsNonRoot must be true',
      'runAsUser must not be 0',
      'seccompProfile must be RuntimeDefault or Localhost',
    ]);
  });

  test('every step image is pinned to a tag', () => {
    for (const [name, step] of steps) {
      expect({ name, pinned: /^[^@\s]+:[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(step.image) && !step.image.endsWith(':latest') }).toEqual({
        name,
        pinned: true,
      });
    }
  });
});

describe('Listener NetworkPolicies', () => {
  test.each([
    ['gogs-push', GOGS_POD_LABELS],
    ['registry-push', REGISTRY_POD_LABELS],
  ])('only the senders reach listener %s, and only on 8080', (name, sender) => {
    const policy = only(objects, 'NetworkPolicy', `el-${name}-ingress`);
    const podLabels = eventListenerPodLabels(name);
    // the policy selects the listener pods by labels the Triggers controller sets on them
    expect(Object.entries(policy.spec.podSelector.matchLabels).every(([k, v]) => podLabels[k] === v)).toBe(true);
    expect(policy.spec.podSelector.matchLabels.eventlistener).toBe(name);
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: sender } }], ports: [{ protocol: 'TCP', port: 8080 }] }]);
  });

  test('the two policies select different listeners', () => {
    const selectors = ofKind('NetworkPolicy').map((p) => p.spec.podSelector.matchLabels.eventlistener);
    expect(selectors.sort()).toEqual(['gogs-push', 'registry-push']);
  });

  function policyFor(from: any[], chartNamespace = 'ci'): KubeObject[] {
    const chart = new Chart(Testing.app(), 'c', { namespace: chartNamespace });
    const listener = new WebhookListener(chart, 'l', { name: 'hooks', triggers: [{ triggerRef: 'x' }] });
    new ListenerNetworkPolicy(chart, 'p', { listener, from });
    return Testing.synth(chart) as KubeObject[];
  }

  test('a sender in another namespace is selected by namespace too', () => {
    const policy = only(policyFor([{ podLabels: { app: 'gogs' }, namespace: 'git' }]), 'NetworkPolicy');
    expect(policy.spec.ingress[0].from).toEqual([
      {
        podSelector: { matchLabels: { app: 'gogs' } },
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'git' } },
      },
    ]);
  });

  test.each([
    [[], /invalid from \[\]; expected at least one peer/],
    [[{ podLabels: {} }], /invalid from\[0\].podLabels \{\}; expected at least one label/],
    [[{ podLabels: { 'bad key!': 'x' } }], /invalid from\[0\].podLabels key "bad key!"/],
    [[{ podLabels: { app: 'x' }, namespace: 'Bad' }], /invalid from\[0\].namespace "Bad"/],
  ])('rejects from=%j', (from, message) => {
    expect(() => policyFor(from as any)).toThrow(message);
  });

  test('a listener is required', () => {
    expect(() => new (ListenerNetworkPolicy as any)(Testing.chart(), 'p', { from: [{ podLabels: { a: 'b' } }] })).toThrow(
      /p: missing listener; expected a WebhookListener/,
    );
  });
});
