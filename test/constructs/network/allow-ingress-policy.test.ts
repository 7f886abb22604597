import { AllowIngressPolicy, Images, NOBODY_UID, RunPod } from '../../../lib';
import { emptyChart, only, synthWith } from '../../helpers';

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
      /invalid ports undefined; expected at least one port; the pod "box" declares none/,
    );
  });
});
