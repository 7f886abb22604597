import { ENDPOINT_SLICE_MANAGER, ServiceEndpoints } from '../../../lib';
import { emptyChart, only, synthWith } from '../../support/helpers';

describe('ServiceEndpoints (SEP)', () => {
  const build = () =>
    synthWith(
      (chart) =>
        new ServiceEndpoints(chart, 'db', {
          name: 'external-db',
          addresses: ['192.0.2.10', '2001:db8::10'],
          ports: [
            { name: 'postgres', port: 5432 },
            { name: 'metrics', port: 9187, endpointPort: 9100, protocol: 'TCP' },
          ],
        }),
    );

  test('the Service has no selector, so the control plane does not manage its endpoints', () => {
    const svc = only(build(), 'Service', 'external-db');
    expect(svc.spec.selector).toBeUndefined();
    expect(svc.spec.ports).toEqual([
      { name: 'postgres', port: 5432, protocol: 'TCP', targetPort: 5432 },
      { name: 'metrics', port: 9187, protocol: 'TCP', targetPort: 9100 },
    ]);
  });

  test('Endpoints has the Service name, every address and port names that match the Service ports', () => {
    const objects = build();
    const svc = only(objects, 'Service', 'external-db');
    const ep = only(objects, 'Endpoints', 'external-db');
    expect(ep.metadata.name).toBe(svc.metadata.name);
    expect(ep.metadata.labels).toEqual({ 'endpointslice.kubernetes.io/skip-mirror': 'true' });
    expect(ep.subsets).toHaveLength(1);
    expect(ep.subsets[0].addresses).toEqual([{ ip: '192.0.2.10' }, { ip: '2001:db8::10' }]);
    expect(ep.subsets[0].ports.map((p: any) => p.name)).toEqual(svc.spec.ports.map((p: any) => p.name));
    // Endpoints ports are the ports on the addresses, i.e. the Service's targetPorts
    expect(ep.subsets[0].ports.map((p: any) => p.port)).toEqual(svc.spec.ports.map((p: any) => p.targetPort));
  });

  test('one EndpointSlice per IP family, labelled with the Service name and our manager', () => {
    const objects = build();
    const slices = objects.filter((o) => o.kind === 'EndpointSlice');
    expect(slices.map((s) => [s.metadata.name, s.addressType])).toEqual([
      ['external-db-ipv4', 'IPv4'],
      ['external-db-ipv6', 'IPv6'],
    ]);
    for (const slice of slices) {
      expect(slice.apiVersion).toBe('discovery.k8s.io/v1');
      expect(slice.metadata.labels?.['kubernetes.io/service-name']).toBe('external-db');
      expect(slice.metadata.labels?.['endpointslice.kubernetes.io/managed-by']).toBe(ENDPOINT_SLICE_MANAGER);
      expect(slice.ports).toEqual([
        { name: 'postgres', port: 5432, protocol: 'TCP' },
        { name: 'metrics', port: 9100, protocol: 'TCP' },
      ]);
    }
    expect(slices[0].endpoints).toEqual([{ addresses: ['192.0.2.10'], conditions: { ready: true } }]);
    expect(slices[1].endpoints).toEqual([{ addresses: ['2001:db8::10'], conditions: { ready: true } }]);
  });

  test('a single port may stay unnamed', () => {
    const objects = synthWith(
      (chart) => new ServiceEndpoints(chart, 'db', { name: 'db', addresses: ['10.1.2.3'], ports: [{ port: 3306 }] }),
    );
    expect(only(objects, 'Endpoints').subsets[0].ports).toEqual([{ port: 3306, protocol: 'TCP' }]);
  });

  test.each([
    [{ addresses: ['10.0.0.300'] }, /invalid addresses\[0\] "10.0.0.300".*is not an IPv4 or IPv6 address/],
    [{ addresses: ['db.example.com'] }, /invalid addresses\[0\] "db.example.com"/],
    [{ addresses: ['10.0.0.1', ' 10.0.0.2'] }, /invalid addresses\[1\] " 10.0.0.2"/],
    [{ addresses: ['127.0.0.1'] }, /loopback/],
    [{ addresses: ['169.254.169.254'] }, /link-local range 169.254.0.0\/16/],
    [{ addresses: ['0.0.0.0'] }, /unspecified/],
    [{ addresses: ['::1'] }, /loopback/],
    [{ addresses: ['fe80::1'] }, /link-local range fe80::\/10/],
    [{ addresses: ['224.0.0.5'] }, /link-local multicast/],
    [{ addresses: ['10.0.0.1', '10.0.0.1'] }, /invalid addresses "10.0.0.1"; expected each address once/],
    [{ addresses: [] }, /invalid addresses \[\]; expected a list of at least one IP address/],
    [{ ports: [] }, /invalid ports \[\]; expected a list of at least one port/],
    [{ ports: [{ name: 'a', port: 1 }, { port: 2 }] }, /missing ports\[1\].name; expected a name on every port/],
    [
      {
        ports: [
          { name: 'pg', port: 1 },
          { name: 'pg', port: 2 },
        ],
      },
      /invalid ports\[1\].name "pg"; expected a name no other port uses/,
    ],
    [{ ports: [{ name: 'PG', port: 5432 }] }, /invalid ports\[0\].name "PG"/],
    [{ ports: [{ port: 70000 }] }, /invalid ports\[0\].port 70000/],
    [{ ports: [{ port: 5432, endpointPort: 0 }] }, /invalid ports\[0\].endpointPort 0/],
    [{ ports: [{ port: 5432, protocol: 'HTTP' }] }, /invalid ports\[0\].protocol "HTTP"; expected one of "TCP", "UDP", "SCTP"/],
    [{ name: 'External_DB' }, /invalid name "External_DB"/],
  ])('rejects %j', (extra, message) => {
    const props = { name: 'db', addresses: ['10.0.0.1'], ports: [{ name: 'pg', port: 5432 }], ...(extra as any) };
    expect(() => new ServiceEndpoints(emptyChart(), 'bad', props)).toThrow(message);
  });
});

test('an IPv4-mapped address is read as the IPv4 address it carries, as Go does (here: loopback)', () => {
  expect(() => new ServiceEndpoints(emptyChart(), 'bad', { name: 'db', addresses: ['::ffff:127.0.0.1'], ports: [{ port: 1 }] })).toThrow(
    /invalid addresses\[0\] "::ffff:127.0.0.1".*loopback range 127.0.0.0\/8/,
  );
});
