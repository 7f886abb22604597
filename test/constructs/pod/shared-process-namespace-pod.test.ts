import { Images, SharedProcessNamespacePod, WEB_UID } from '../../../lib';
import { emptyChart, only, synthWith } from '../../support/helpers';

describe('SharedProcessNamespacePod', () => {
  test('a web server and a busybox shell sharing one process namespace', () => {
    const pod = only(
      synthWith((chart) => new SharedProcessNamespacePod(chart, 'spn')),
      'Pod',
    );
    expect(pod.metadata.name).toBe('nginx');
    expect(pod.spec.shareProcessNamespace).toBe(true);
    expect(pod.spec.containers.map((c: any) => [c.name, c.image])).toEqual([
      ['nginx', Images.web],
      ['shell', Images.shell],
    ]);
    const shell = pod.spec.containers[1];
    expect(shell.stdin).toBe(true);
    expect(shell.tty).toBe(true);
    // same uid as nginx-unprivileged, so `kill -HUP <nginx pid>` works without capabilities
    expect(shell.securityContext.runAsUser).toBe(WEB_UID);
    expect(shell.securityContext.capabilities).toEqual({ drop: ['ALL'] });
  });

  test('SYS_PTRACE for the shell is an explicit option', () => {
    const spn = new SharedProcessNamespacePod(emptyChart(), 'spn', { shellPtraceCapability: true });
    expect(spn.shellPtraceCapability).toBe(true);
    const pod = only(
      synthWith((chart) => new SharedProcessNamespacePod(chart, 'spn', { shellPtraceCapability: true })),
      'Pod',
    );
    expect(pod.spec.containers[1].securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['SYS_PTRACE'] });
    expect(pod.spec.containers[0].securityContext.capabilities).toEqual({ drop: ['ALL'] });
  });

  test.each([
    [{ name: 'NGINX' }, /invalid name "NGINX"/],
    [{ shellImage: '' }, /invalid shellImage ""/],
    [{ webImage: 'a b' }, /invalid webImage "a b"/],
    [{ shellPtraceCapability: 'yes' }, /invalid shellPtraceCapability "yes"; expected true or false/],
  ])('rejects %j', (props, message) => {
    expect(() => new SharedProcessNamespacePod(emptyChart(), 'bad', props as any)).toThrow(message);
  });
});
