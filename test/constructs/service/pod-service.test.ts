import {
  AllowIngressPolicy,
  EXPOSE_TYPES,
  ExposedPod,
  Images,
  NOBODY_UID,
  PodService,
  RunPod,
  SharedProcessNamespacePod,
} from '../../../lib';
import { emptyChart, only, selects, synthWith } from '../../support/helpers';

describe('ExposedPod / PodService', () => {
  test.each(EXPOSE_TYPES)('type %s: selector equals the pod labels, ports as given', (type) => {
    const objects = synthWith(
      (chart) =>
        new ExposedPod(chart, 'web', {
          name: 'web',
          type,
          servicePort: 80,
          targetPort: 8080,
          nodePort: type === 'ClusterIP' ? undefined : 31000,
        }),
    );
    const pod = only(objects, 'Pod', 'web');
    const svc = only(objects, 'Service', 'web');
    expect(svc.spec.selector).toEqual(pod.metadata.labels);
    expect(selects(svc.spec.selector, pod.metadata.labels)).toBe(true);
    expect(svc.spec.type).toBe(type);
    expect(svc.spec.ports).toEqual([
      {
        port: 80,
        targetPort: 8080,
        protocol: 'TCP',
        ...(type === 'ClusterIP' ? {} : { nodePort: 31000 }),
      },
    ]);
    // the target port is one the pod's container declares
    expect(pod.spec.containers[0].ports.map((p: any) => p.containerPort)).toContain(svc.spec.ports[0].targetPort);
  });

  test('defaults: ClusterIP, service port and target port = the container port, named after the pod', () => {
    const exposed = new ExposedPod(emptyChart(), 'web', { name: 'nginx' });
    expect(exposed.service.name).toBe('nginx');
    expect(exposed.service.type).toBe('ClusterIP');
    expect(exposed.service.port).toBe(8080);
    expect(exposed.service.targetPort).toBe(8080);
    expect(exposed.service.nodePort).toBeUndefined();
  });

  test('a named target port resolves against the declared port names', () => {
    const objects = synthWith(
      (chart) => new ExposedPod(chart, 'web', { name: 'web', portName: 'http', servicePort: 80, targetPort: 'http' }),
    );
    expect(only(objects, 'Service').spec.ports[0].targetPort).toBe('http');
  });

  test('PodService exposes other pods too, e.g. the shared-process-namespace pod by port name', () => {
    const chart = emptyChart();
    const pod = new SharedProcessNamespacePod(chart, 'spn');
    const svc = new PodService(chart, 'svc', { pod, targetPort: 'http', servicePort: 80 });
    expect(svc.selector).toEqual(pod.labels);
  });

  test.each([
    [{ type: 'ExternalName' }, /invalid type "ExternalName"; expected one of "ClusterIP", "NodePort", "LoadBalancer"/],
    [{ type: 'nodeport' }, /invalid type "nodeport"/],
    [{ servicePort: 0 }, /invalid servicePort 0; expected an integer from 1 to 65535/],
    [{ servicePort: 70000 }, /invalid servicePort 70000/],
    [{ targetPort: 9090 }, /invalid targetPort 9090; expected a port the pod "web" declares: 8080/],
    [{ targetPort: 'metrics' }, /invalid targetPort "metrics"; expected a port the pod "web" declares: 8080/],
    [{ targetPort: 0 }, /invalid targetPort 0; expected an integer from 1 to 65535/],
    [{ type: 'NodePort', nodePort: 80 }, /invalid nodePort 80; expected an integer from 30000 to 32767/],
    [{ type: 'NodePort', nodePort: 32768 }, /invalid nodePort 32768/],
    [{ nodePort: 30080 }, /invalid nodePort 30080; expected no nodePort for type "ClusterIP"/],
    [{ serviceName: '1web' }, /invalid serviceName "1web".*DNS-1035 label/],
  ])('rejects %j', (extra, message) => {
    expect(() => new ExposedPod(emptyChart(), 'bad', { name: 'web', ...(extra as any) })).toThrow(message);
  });

  test('a pod name that is no valid Service name is refused by the Service', () => {
    // "1web" is a valid pod name (DNS-1123) but not a Service name (DNS-1035)
    expect(() => new ExposedPod(emptyChart(), 'bad', { name: '1web' })).toThrow(/bad\/Service: invalid serviceName "1web"/);
  });

  test('a pod that declares no port cannot be exposed', () => {
    const chart = emptyChart();
    const pod = new RunPod(chart, 'box', { name: 'box', image: Images.shell, runAsUser: NOBODY_UID });
    expect(() => new PodService(chart, 'svc', { pod })).toThrow(
      /missing targetPort; expected a port the pod "box" declares; it declares none/,
    );
    expect(() => new PodService(chart, 'svc2', { pod, servicePort: 80, targetPort: 80 })).toThrow(
      /expected a port the pod "box" declares: none/,
    );
  });

  test('a JavaScript caller without a pod gets a clear error', () => {
    expect(() => new (PodService as any)(emptyChart(), 'svc', {})).toThrow(/missing pod; expected a pod construct/);
  });
});

test('Service and policy ports carry the protocol the pod declares', () => {
  const target = { name: 'dns', labels: { app: 'dns' }, ports: [{ containerPort: 53, name: 'dns', protocol: 'UDP' as const }] };
  const objects = synthWith((chart) => {
    new PodService(chart, 'svc', { pod: target, servicePort: 53 });
    new AllowIngressPolicy(chart, 'p', { name: 'dns', to: target, fromAnywhere: true });
  });
  expect(only(objects, 'Service').spec.ports[0].protocol).toBe('UDP');
  expect(only(objects, 'NetworkPolicy').spec.ingress[0].ports).toEqual([{ port: 'dns', protocol: 'UDP' }]);
});
