import { Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { AllowIngressPolicy, Images, NOBODY_UID, Project, PropError, RunPod, podTargetOf } from '../../../lib';
import { KubeObject, emptyChart, only, synthWith } from '../../support/helpers';

describe('AllowIngressPolicy', () => {
  test('selects the target by its labels and allows the given clients on its port', () => {
    const objects = synthWith((chart) => {
      const web = new RunPod(chart, 'web', { name: 'web', portName: 'http' });
      new AllowIngressPolicy(chart, 'p', {
        name: 'web-from-clients',
        to: web,
        from: [{ podLabels: { access: 'web' } }, { namespace: 'monitoring' }],
      });
    });
    const policy = only(objects, 'NetworkPolicy');
    expect(policy.spec.podSelector).toEqual({ matchLabels: only(objects, 'Pod').metadata.labels });
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.ingress).toEqual([
      {
        from: [
          { podSelector: { matchLabels: { access: 'web' } } },
          { podSelector: {}, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
        ],
        ports: [{ port: 'http', protocol: 'TCP' }],
      },
    ]);
  });

  test('fromAnywhere allows every IPv4 and IPv6 source', () => {
    const policy = only(
      synthWith((chart) => {
        new AllowIngressPolicy(chart, 'p', {
          name: 'open',
          to: new RunPod(chart, 'web', { name: 'web' }),
          fromAnywhere: true,
          ports: [8080],
        });
      }),
      'NetworkPolicy',
    );
    expect(policy.spec.ingress[0].from).toEqual([{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }]);
    expect(policy.spec.ingress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
  });

  test.each([
    [{ from: [] }, /invalid from \[\]; expected at least one source, or fromAnywhere: true/],
    [{ fromAnywhere: true, from: [{ podLabels: { a: 'b' } }] }, /invalid from .*expected no sources together with fromAnywhere/],
    [{ from: [{ podLabels: { a: 'b' } }], ports: [9999] }, /invalid ports\[0\] 9999; expected a port the pod "web" declares: 8080/],
    [{ from: [{ namespace: 'Other' }] }, /invalid from\[0\].namespace "Other"/],
    [{ from: [{ podLabels: { 'a b': 'c' } }] }, /invalid from\[0\].podLabels key "a b"/],
    [{ name: 'Bad Name', from: [{}] }, /invalid name "Bad Name"/],
  ])('rejects %j', (extra, message) => {
    const chart = emptyChart();
    const web = new RunPod(chart, 'web', { name: 'web' });
    expect(() => new AllowIngressPolicy(chart, 'p', { name: 'p', to: web, ...(extra as any) })).toThrow(message);
  });

  test('a pod without ports cannot be the target without ports', () => {
    const chart = emptyChart();
    const box = new RunPod(chart, 'box', { name: 'box', image: Images.shell, runAsUser: NOBODY_UID });
    expect(() => new AllowIngressPolicy(chart, 'p', { name: 'p', to: box, fromAnywhere: true })).toThrow(
      /missing ports; expected at least one port; the pod "box" declares none/,
    );
  });
});

describe('AllowIngressPolicy across namespaces', () => {
  test('a policy in one project whose `to` is a pod of another project is refused with what to write instead', () => {
    const app = Testing.app();
    const a = new Project(app, 'a', { namespace: 'team-a' });
    const b = new Project(app, 'b', { namespace: 'team-b' });
    const web = new RunPod(a, 'web', { name: 'web' });
    let error: unknown;
    try {
      new AllowIngressPolicy(b, 'p', { name: 'web-from-b', to: web, from: [{ podLabels: { run: 'client' } }] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PropError);
    expect((error as PropError).field).toBe('to (a pod of namespace "team-a")');
    expect((error as Error).message).toBe(
      'b/p: invalid to (a pod of namespace "team-a") "web"; expected a pod of the policy\'s own namespace "team-b": ' +
        'a NetworkPolicy protects only pods of its own namespace, so in "team-b" this one would select nothing. ' +
        'Create the policy in the project of namespace "team-a" instead, and name the clients with from: [{ namespace: "team-b", podLabels: {...} }]',
    );
  });

  test('the same holds for a cdk8s-plus workload given through podTargetOf', () => {
    const app = Testing.app();
    const a = new Project(app, 'a', { namespace: 'team-a' });
    const b = new Project(app, 'b', { namespace: 'team-b' });
    const deployment = new plus.Deployment(a, 'api', { containers: [{ image: Images.web, portNumber: 8080 }] });
    expect(() => new AllowIngressPolicy(b, 'p', { name: 'p', to: podTargetOf(deployment), fromAnywhere: true })).toThrow(
      /^b\/p: invalid to \(a pod of namespace "team-a"\) .*expected a pod of the policy's own namespace "team-b"/,
    );
  });

  test("created in the pod's own project, naming the other namespace in `from`, it synthesizes", () => {
    const app = Testing.app();
    const a = new Project(app, 'a', { namespace: 'team-a' });
    new Project(app, 'b', { namespace: 'team-b' });
    const web = new RunPod(a, 'web', { name: 'web' });
    new AllowIngressPolicy(a, 'p', { name: 'web-from-b', to: web, from: [{ namespace: 'team-b', podLabels: { run: 'client' } }] });
    const policy = only(Testing.synth(a) as KubeObject[], 'NetworkPolicy', 'web-from-b');
    expect(policy.metadata.namespace).toBe('team-a');
  });
});
