import { Images, RunPod, WEB_PORT } from '../../../lib';
import { emptyChart, only, synthWith } from '../../support/helpers';

describe('RunPod', () => {
  test('looks like `kubectl run NAME --image --port`: name, run label, one container named NAME', () => {
    const pod = only(
      synthWith((chart) => new RunPod(chart, 'p', { name: 'nginx' })),
      'Pod',
    );
    expect(pod.metadata).toEqual({ name: 'nginx', labels: { run: 'nginx' } });
    expect(pod.spec.containers).toHaveLength(1);
    const [container] = pod.spec.containers;
    expect(container.name).toBe('nginx');
    expect(container.image).toBe(Images.web);
    expect(container.ports).toEqual([{ containerPort: WEB_PORT }]);
    expect(pod.spec.restartPolicy).toBe('Always');
    expect(pod.spec.dnsPolicy).toBe('ClusterFirst');
  });

  test('is hardened for the restricted Pod Security Standard', () => {
    const pod = only(
      synthWith((chart) => new RunPod(chart, 'p', { name: 'nginx' })),
      'Pod',
    );
    const sc = pod.spec.containers[0].securityContext;
    expect(sc).toMatchObject({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.spec.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    // read-only root filesystem: nginx still needs a writable /tmp
    expect(pod.spec.containers[0].volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.spec.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
    expect(pod.spec.containers[0].resources.requests).toEqual({ cpu: '50m', memory: '32Mi' });
  });

  test('another image has no port unless given, and may run as a chosen uid', () => {
    const pod = only(
      synthWith(
        (chart) =>
          new RunPod(chart, 'p', {
            name: 'box',
            image: Images.shell,
            command: ['sleep', '3600'],
            runAsUser: 65534,
            writablePaths: [],
          }),
      ),
      'Pod',
    );
    const [container] = pod.spec.containers;
    expect(container.ports).toBeUndefined();
    expect(container.command).toEqual(['sleep', '3600']);
    expect(container.securityContext.runAsUser).toBe(65534);
    expect(pod.spec.volumes).toBeUndefined();
  });

  test('custom labels replace run=NAME and a named port is declared', () => {
    const run = new RunPod(emptyChart(), 'p', { name: 'api', labels: { app: 'api', tier: 'backend' }, port: 9000, portName: 'grpc' });
    expect(run.labels).toEqual({ app: 'api', tier: 'backend' });
    expect(run.ports).toEqual([{ containerPort: 9000, name: 'grpc', protocol: 'TCP' }]);
  });

  test.each([
    [{ name: 'Nginx' }, /invalid name "Nginx".*DNS-1123 label/],
    [{ name: 'a'.repeat(64) }, /invalid name "a{64}".*at most 63/],
    [{ name: 'web.v1' }, /invalid name "web.v1"/],
    [{ name: '' }, /invalid name ""/],
    [{ name: 'web', port: 0 }, /invalid port 0; expected an integer from 1 to 65535/],
    [{ name: 'web', port: 65536 }, /invalid port 65536; expected an integer from 1 to 65535/],
    [{ name: 'web', port: Number.NaN }, /invalid port NaN/],
    [{ name: 'web', port: 80.5 }, /invalid port 80.5/],
    [{ name: 'web', image: '' }, /invalid image ""; expected a non-empty image reference/],
    [{ name: 'web', image: 'nginx latest' }, /invalid image "nginx latest"/],
    [{ name: 'web', portName: 'HTTP' }, /invalid portName "HTTP".*IANA service name/],
    [{ name: 'web', portName: 'http-port-number-1' }, /invalid portName/],
    [
      { name: 'web', image: Images.shell, portName: 'http' },
      /invalid portName "http"; expected no portName, because the pod declares no port/,
    ],
    [{ name: 'web', labels: { 'bad key!': 'x' } }, /invalid labels key "bad key!"/],
    [{ name: 'web', labels: { app: '-x' } }, /invalid labels\["app"\] "-x"/],
    [{ name: 'web', writablePaths: ['tmp'] }, /invalid writablePaths \["tmp"\]; expected absolute paths/],
    [{ name: 'web', runAsUser: 0 }, /invalid runAsUser 0; expected a positive integer/],
  ])('rejects %j', (props, message) => {
    expect(() => new RunPod(emptyChart(), 'bad', props as any)).toThrow(message);
  });

  test('errors name the construct path', () => {
    expect(() => new RunPod(emptyChart(), 'bad', { name: 'X' })).toThrow(/^test\/bad: invalid name "X"/);
  });

  test('a JavaScript caller without props gets a clear error, not a TypeError', () => {
    expect(() => new (RunPod as any)(emptyChart(), 'bad')).toThrow(/missing name/);
  });
});

describe('RunPod: inputs the API server would refuse', () => {
  test.each([
    [{ writablePaths: ['/'] }, /invalid writablePaths \["\/"\].*not an absolute path below "\/"/],
    [{ writablePaths: ['/tmp/../etc'] }, /without "\.\."/],
    [{ writablePaths: ['/tmp', '/tmp'] }, /"\/tmp" and "\/tmp" would share the volume name "tmp"/],
    [{ writablePaths: ['/var/cache', '/var-cache'] }, /would share the volume name "var-cache"/],
    [{ command: 'sleep 3600' }, /invalid command "sleep 3600"; expected a list of strings/],
    [{ args: [1] }, /invalid args \[1\]/],
    [
      { size: { cpuRequest: '1', memoryRequest: '1Mi', cpuLimit: '500m', memoryLimit: '1Mi' } },
      /invalid size.cpuRequest "1"; expected at most the CPU limit 500m/,
    ],
    [{ size: { cpuRequest: '-1', memoryRequest: '1Mi', cpuLimit: '1', memoryLimit: '1Mi' } }, /invalid size.cpuRequest "-1".*not negative/],
  ])('rejects %j', (extra, message) => {
    expect(() => new RunPod(emptyChart(), 'bad', { name: 'web', ...(extra as any) })).toThrow(message);
  });
});

test('RunPod: a request equal to its limit in another notation is accepted (700m = 0.7)', () => {
  const pod = new RunPod(emptyChart(), 'ok', {
    name: 'web',
    size: { cpuRequest: '700m', cpuLimit: '0.7', memoryRequest: '1Gi', memoryLimit: '1024Mi' },
  });
  expect(pod.name).toBe('web');
});
