/** The typed Triggers wrappers and the WebhookListener construct. */
import { Chart, Testing } from 'cdk8s';
import fc from 'fast-check';
import {
  EventListener,
  TRIGGERS_API_VERSION,
  Trigger,
  TriggerBinding,
  TriggerTemplate,
} from '../../../lib/constructs/tekton/triggers-types';
import {
  LISTENER_CLUSTER_ROLE_RULES,
  LISTENER_ROLE_RULES,
  WebhookListener,
  eventListenerPodLabels,
} from '../../../lib/constructs/tekton/webhook-listener';
import { EXTERNAL_REFS_ANNOTATION } from '../../../lib/util/external-refs';
import { KubeObject, only, synthWith } from '../../support/helpers';

describe('Triggers wrappers', () => {
  test('emit triggers.tekton.dev/v1beta1 objects with the spec as given', () => {
    const objects = synthWith((chart) => {
      new TriggerBinding(chart, 'b', { metadata: { name: 'b' }, spec: { params: [{ name: 'rev', value: '$(body.after)' }] } });
      new TriggerTemplate(chart, 't', {
        metadata: { name: 't' },
        spec: { params: [{ name: 'rev', default: 'main' }], resourcetemplates: [] },
      });
      new Trigger(chart, 'tr', { metadata: { name: 'tr' }, spec: { bindings: [{ ref: 'b' }], template: { ref: 't' } } });
      new EventListener(chart, 'el', { metadata: { name: 'el' }, spec: { triggers: [{ triggerRef: 'tr' }] } });
    });
    expect(objects.map((o) => [o.apiVersion, o.kind, o.metadata.name])).toEqual([
      [TRIGGERS_API_VERSION, 'TriggerBinding', 'b'],
      [TRIGGERS_API_VERSION, 'TriggerTemplate', 't'],
      [TRIGGERS_API_VERSION, 'Trigger', 'tr'],
      [TRIGGERS_API_VERSION, 'EventListener', 'el'],
    ]);
    expect(TRIGGERS_API_VERSION).toBe('triggers.tekton.dev/v1beta1');
    expect(only(objects, 'TriggerBinding').spec).toEqual({ params: [{ name: 'rev', value: '$(body.after)' }] });
    expect(only(objects, 'Trigger').spec).toEqual({ bindings: [{ ref: 'b' }], template: { ref: 't' } });
  });

  test('the spec stays readable on the wrapper', () => {
    const el = new EventListener(Testing.chart(), 'el', { spec: { serviceAccountName: 'sa' } });
    expect(el.spec.serviceAccountName).toBe('sa');
    expect(EventListener.GVK).toEqual({ apiVersion: 'triggers.tekton.dev/v1beta1', kind: 'EventListener' });
  });
});

describe('WebhookListener', () => {
  function build(namespace?: string, props: object = {}): { listener: WebhookListener; objects: KubeObject[] } {
    const chart = new Chart(Testing.app(), 'c', { namespace });
    const listener = new WebhookListener(chart, 'l', { name: 'hooks', triggers: [{ triggerRef: 'x' }], ...props });
    return { listener, objects: Testing.synth(chart) as KubeObject[] };
  }

  test('address: el-<name>.<namespace>.svc.cluster.local:8080', () => {
    const { listener } = build('ci');
    expect(listener.serviceName).toBe('el-hooks');
    expect(listener.hostname).toBe('el-hooks.ci.svc.cluster.local');
    expect(listener.port).toBe(8080);
    expect(listener.url).toBe('http://el-hooks.ci.svc.cluster.local:8080/');
    expect(new URL(listener.url).hostname).toBe(listener.hostname);
    expect(build(undefined).listener.hostname).toBe('el-hooks.default.svc.cluster.local');
  });

  test('pod labels are the ones the Triggers controller sets', () => {
    expect(build('ci').listener.podLabels).toEqual({
      'app.kubernetes.io/managed-by': 'EventListener',
      'app.kubernetes.io/part-of': 'Triggers',
      eventlistener: 'hooks',
    });
    expect(eventListenerPodLabels('x').eventlistener).toBe('x');
  });

  test('objects: ServiceAccount, Role + RoleBinding, ClusterRole + ClusterRoleBinding (no namespace), EventListener using the SA', () => {
    const { objects } = build('ci', { serviceAccountName: 'hooks-sa', externalRefs: [{ kind: 'Secret', name: 'tok' }] });
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}@${o.metadata.namespace ?? '-'}`)).toEqual([
      'ServiceAccount/hooks-sa@ci',
      'Role/hooks-sa@ci',
      'RoleBinding/hooks-sa@ci',
      'ClusterRole/ci.hooks-sa@-',
      'ClusterRoleBinding/ci.hooks-sa@-',
      'EventListener/hooks@ci',
    ]);
    expect(only(objects, 'RoleBinding').roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'hooks-sa' });
    expect(only(objects, 'ClusterRoleBinding').roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'ci.hooks-sa',
    });
    const el = only(objects, 'EventListener');
    expect(el.spec).toEqual({ serviceAccountName: 'hooks-sa', triggers: [{ triggerRef: 'x' }] });
    expect((el.metadata as any).annotations[EXTERNAL_REFS_ANNOTATION]).toBe('Secret/tok');
  });

  test('ClusterRole and ClusterRoleBinding names cannot collide across namespaces: a-b + c and a + b-c differ', () => {
    const bindingName = (namespace: string, serviceAccountName: string) =>
      only(build(namespace, { serviceAccountName }).objects, 'ClusterRoleBinding').metadata.name;
    expect(bindingName('a-b', 'c')).toBe('a-b.c');
    expect(bindingName('a', 'b-c')).toBe('a.b-c');
    expect(bindingName('a-b', 'c')).not.toBe(bindingName('a', 'b-c'));
    // the ServiceAccount may itself contain dots; the first dot still ends the namespace
    expect(bindingName('a', 'b.c')).toBe('a.b.c');
    expect(bindingName('a', 'b.c')).not.toBe(bindingName('a-b', 'c'));
  });

  test('every (namespace, ServiceAccount) pair gets its own binding name, and the namespace can be read back (property)', () => {
    const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,6}[a-z0-9])?$/);
    const subdomain = fc.array(label, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('.'));
    fc.assert(
      fc.property(label, subdomain, (namespace, sa) => {
        const name = only(build(namespace, { serviceAccountName: sa }).objects, 'ClusterRoleBinding').metadata.name;
        const dot = name.indexOf('.');
        return name.slice(0, dot) === namespace && name.slice(dot + 1) === sa;
      }),
      { numRuns: 50 },
    );
  });

  describe('RBAC: exactly what the Triggers v0.37.0 sink uses, and no Secret', () => {
    const INFORMERS = {
      apiGroups: ['triggers.tekton.dev'],
      resources: ['eventlisteners', 'interceptors', 'triggerbindings', 'triggers', 'triggertemplates'],
      verbs: ['list', 'watch'],
    };
    const rules = (props: object = {}) => only(build('ci', props).objects, 'Role').rules;

    test('by default: its informers in the namespace, and create on PipelineRuns and TaskRuns', () => {
      expect(rules()).toEqual([INFORMERS, { apiGroups: ['tekton.dev'], resources: ['pipelineruns', 'taskruns'], verbs: ['create'] }]);
      expect(LISTENER_ROLE_RULES).toEqual([INFORMERS]);
    });

    test('the ClusterRole reads ClusterTriggerBindings and ClusterInterceptors only', () => {
      expect(only(build('ci').objects, 'ClusterRole').rules).toEqual([
        { apiGroups: ['triggers.tekton.dev'], resources: ['clusterinterceptors', 'clustertriggerbindings'], verbs: ['list', 'watch'] },
      ]);
      expect(LISTENER_CLUSTER_ROLE_RULES).toEqual(only(build('ci').objects, 'ClusterRole').rules);
    });

    test('creates narrows the runs it may create', () => {
      expect(rules({ creates: ['TaskRun'] })[1]).toEqual({ apiGroups: ['tekton.dev'], resources: ['taskruns'], verbs: ['create'] });
      expect(rules({ creates: ['PipelineRun', 'PipelineRun'] })[1].resources).toEqual(['pipelineruns']);
    });

    test('impersonate only the ServiceAccounts inline triggers name, by name', () => {
      expect(rules()).toHaveLength(2);
      const triggers = [
        { name: 'a', serviceAccountName: 'runner-b', template: { ref: 't' } },
        { name: 'b', serviceAccountName: 'runner-a', template: { ref: 't' } },
        { name: 'c', template: { ref: 't' } },
      ];
      expect(rules({ triggers })[2]).toEqual({
        apiGroups: [''],
        resources: ['serviceaccounts'],
        resourceNames: ['runner-a', 'runner-b'],
        verbs: ['impersonate'],
      });
    });

    test('no rule of any listener touches Secrets, and the Triggers release ClusterRoles are not bound', () => {
      const { objects } = build('ci', { triggers: [{ name: 'a', serviceAccountName: 'runner', template: { ref: 't' } }] });
      const all = objects.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole').flatMap((o) => o.rules);
      expect(all.filter((r: any) => r.resources.includes('secrets'))).toEqual([]);
      expect(
        objects
          .filter((o) => o.kind.endsWith('Binding'))
          .map((o) => o.roleRef.name)
          .filter((n) => n.startsWith('tekton-triggers-')),
      ).toEqual([]);
    });

    test.each([
      [{ creates: [] }, /l: invalid creates \[\]; expected a non-empty list of "PipelineRun", "TaskRun"/],
      [{ creates: 'TaskRun' }, /l: invalid creates "TaskRun"/],
      [{ creates: ['Pod'] }, /l: invalid creates\[0\] "Pod"; expected one of "PipelineRun", "TaskRun"/],
      [{ triggers: [{ name: 'a', serviceAccountName: 'Bad SA' }] }, /l: invalid triggers\[0\].serviceAccountName "Bad SA"/],
    ])('rejects %j', (props, message) => {
      expect(() => build('ci', props)).toThrow(message);
    });
  });

  test('clusterDomain changes the address', () => {
    const { listener } = build('ci', { clusterDomain: 'k8s.internal' });
    expect(listener.hostname).toBe('el-hooks.ci.svc.k8s.internal');
    expect(listener.url).toBe('http://el-hooks.ci.svc.k8s.internal:8080/');
  });

  test.each([
    [{ clusterDomain: 'Cluster.Local' }, /l: invalid clusterDomain "Cluster.Local"; expected a DNS-1123 subdomain/],
    [{ clusterDomain: '' }, /l: invalid clusterDomain ""/],
    [{ name: '1hooks' }, /l: invalid name "1hooks"; expected a DNS-1035 label/],
    [{ name: 'a'.repeat(61) }, /at most 60 characters \(the Service is named "el-<name>"\)/],
    [{ triggers: [] }, /l: invalid triggers \[\]; expected at least one trigger/],
    [{ serviceAccountName: 'Bad SA' }, /l: invalid serviceAccountName "Bad SA"/],
  ])('rejects %j', (props, message) => {
    expect(() => build('ci', props)).toThrow(message);
  });

  test('a 60-character name is the longest accepted', () => {
    expect(build('ci', { name: 'a'.repeat(60) }).listener.serviceName).toHaveLength(63);
  });
});
