/**
 * Hostile input, property-based: every public construct, hundreds of
 * generated props each (valid, boundary, invalid). See synth-or-field-error.ts.
 */
import * as fc from 'fast-check';
import {
  AllowIngressPolicy,
  ConfiguredPod,
  ExposedPod,
  GogsServer,
  ImageRegistry,
  Project,
  RunPod,
  ServiceEndpoints,
  SharedProcessNamespacePod,
} from '../../lib';
import * as arb from '../support/arbitraries';
import { synthChartOrFieldError, synthOrFieldError, tally } from '../support/synth-or-field-error';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const check = (property: fc.IPropertyWithHooks<any> | fc.IProperty<any>) => fc.assert(property, { numRuns: RUNS });
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
/** Half the cases from `validProps`, half from `hostileProps`. */
const props = (validProps: fc.Arbitrary<object>, hostileProps: fc.Arbitrary<object>): fc.Arbitrary<object> =>
  fc.oneof(validProps, hostileProps);

afterAll(() => {
  const lines = Object.entries(tally).map(
    ([name, t]) =>
      `${name}: ${t.accepted + t.rejected} cases (${t.accepted} synthesized and validated, ${t.rejected} rejected with a field error)`,
  );
  console.log(`property cases\n${lines.join('\n')}`);
});

describe('every construct synthesizes valid YAML or names the bad field', () => {
  test('RunPod', () =>
    check(
      fc.property(
        props(
          fc.record({
            name: arb.valid.name,
            port: opt(arb.valid.port),
            labels: opt(arb.valid.labels),
            portName: opt(fc.constantFrom('http', 'web')),
          }),
          fc.record({
            name: arb.name,
            image: fc.option(arb.image, { nil: undefined }),
            port: fc.option(arb.port, { nil: undefined }),
            portName: fc.option(fc.constantFrom('http', 'HTTP', 'a-very-long-port-name', 'web'), { nil: undefined }),
            labels: fc.option(arb.labels, { nil: undefined }),
            runAsUser: fc.option(fc.constantFrom(0, 1000, -1, 1.5), { nil: undefined }),
            writablePaths: fc.option(fc.constantFrom(['/tmp'], [], ['tmp'], ['/var/cache/nginx', '/tmp']), { nil: undefined }),
          }),
        ),
        (p) =>
          synthOrFieldError(
            'RunPod',
            ['name', 'image', 'port', 'portName', 'labels', 'runAsUser', 'writablePaths'],
            (scope) => new RunPod(scope, 'pod', p as any),
          ),
      ),
    ));

  test('ExposedPod', () =>
    check(
      fc.property(
        props(
          fc
            .record({
              name: arb.valid.name,
              servicePort: opt(arb.valid.port),
              type: opt(fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer')),
              portName: opt(fc.constantFrom('http')),
            })
            .chain((p) =>
              p.type && p.type !== 'ClusterIP'
                ? fc.record({ nodePort: opt(arb.valid.nodePort) }).map((n) => ({ ...p, ...n }))
                : fc.constant(p),
            ),
          fc.record({
            name: arb.name,
            port: fc.option(arb.port, { nil: undefined }),
            servicePort: fc.option(arb.port, { nil: undefined }),
            targetPort: fc.option(fc.oneof(arb.port, fc.constantFrom('http', 'nope')), { nil: undefined }),
            type: fc.option(fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName', 'nodeport'), { nil: undefined }),
            nodePort: fc.option(arb.nodePort, { nil: undefined }),
            portName: fc.option(fc.constantFrom('http'), { nil: undefined }),
          }),
        ),
        (p) =>
          synthOrFieldError(
            'ExposedPod',
            ['name', 'port', 'portName', 'servicePort', 'targetPort', 'type', 'nodePort', 'serviceName'],
            (scope) => new ExposedPod(scope, 'web', p as any),
          ),
      ),
    ));

  test('ServiceEndpoints', () =>
    check(
      fc.property(
        props(
          fc.record({
            name: arb.valid.name,
            addresses: fc.uniqueArray(arb.valid.ipAddress, { minLength: 1, maxLength: 4 }),
            ports: fc.uniqueArray(fc.record({ name: arb.valid.name, port: arb.valid.port }), {
              minLength: 1,
              maxLength: 3,
              selector: (p) => p.name,
            }),
          }),
          fc.record({
            name: arb.name,
            addresses: fc.array(arb.ipAddress, { minLength: 0, maxLength: 4 }),
            ports: fc.array(
              fc.record({
                name: fc.option(fc.oneof(arb.dnsLabel, fc.constantFrom('PG', 'pg')), { nil: undefined }),
                port: arb.port,
                endpointPort: fc.option(arb.port, { nil: undefined }),
                protocol: fc.option(fc.constantFrom('TCP', 'UDP', 'SCTP', 'HTTP'), { nil: undefined }),
              }),
              { minLength: 0, maxLength: 3 },
            ),
          }),
        ),
        (p) =>
          synthOrFieldError('ServiceEndpoints', ['name', 'addresses', 'ports'], (scope) => new ServiceEndpoints(scope, 'sep', p as any)),
      ),
    ));

  test('SharedProcessNamespacePod', () =>
    check(
      fc.property(
        fc.record({
          name: fc.option(arb.name, { nil: undefined }),
          webImage: fc.option(arb.image, { nil: undefined }),
          shellImage: fc.option(arb.image, { nil: undefined }),
          labels: fc.option(arb.labels, { nil: undefined }),
        }),
        (p) =>
          synthOrFieldError(
            'SharedProcessNamespacePod',
            ['name', 'webImage', 'shellImage', 'labels', 'shellPtraceCapability'],
            (scope) => new SharedProcessNamespacePod(scope, 'spn', p as any),
          ),
      ),
    ));

  test('ConfiguredPod', () =>
    check(
      fc.property(
        props(
          fc.record({
            name: arb.valid.name,
            settings: fc.dictionary(fc.stringMatching(/^APP_[A-Z0-9_]{1,8}$/), fc.string({ maxLength: 20 }), { minKeys: 1, maxKeys: 3 }),
            secret: fc.record({
              name: arb.valid.name,
              keys: fc.uniqueArray(fc.stringMatching(/^DB_[A-Z0-9_]{1,8}$/), { minLength: 1, maxLength: 2 }),
            }),
          }),
          fc.record({
            name: arb.name,
            settings: fc.dictionary(
              fc.oneof(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,10}$/), fc.constantFrom('bad-key', '1X')),
              fc.string({ maxLength: 20 }),
              { maxKeys: 3 },
            ),
            secret: fc.record({
              name: arb.name,
              keys: fc.array(fc.oneof(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,10}$/), fc.constantFrom('bad key')), { maxLength: 2 }),
            }),
            configMountPath: fc.option(fc.constantFrom('/etc/config', 'etc', '/'), { nil: undefined }),
          }),
        ),
        (p) =>
          synthOrFieldError(
            'ConfiguredPod',
            ['name', 'settings', 'secret', 'image', 'configMountPath', 'secretMountPath'],
            (scope) => new ConfiguredPod(scope, 'cfg', p as any),
          ),
      ),
    ));

  test('AllowIngressPolicy', () =>
    check(
      fc.property(
        props(
          fc.record({
            name: arb.valid.name,
            ports: opt(fc.constantFrom([8080], ['http'])),
            from: fc.array(fc.record({ podLabels: opt(arb.valid.labels), namespace: opt(arb.valid.name) }), { minLength: 1, maxLength: 2 }),
          }),
          fc.record({
            name: arb.name,
            ports: fc.option(fc.array(fc.oneof(arb.port, fc.constantFrom('http', 'other')), { maxLength: 2 }), { nil: undefined }),
            from: fc.option(
              fc.array(
                fc.record({ podLabels: fc.option(arb.labels, { nil: undefined }), namespace: fc.option(arb.name, { nil: undefined }) }),
                { maxLength: 2 },
              ),
              { nil: undefined },
            ),
            fromAnywhere: fc.option(fc.boolean(), { nil: undefined }),
          }),
        ),
        (p) =>
          synthOrFieldError('AllowIngressPolicy', ['name', 'to', 'ports', 'from'], (scope) => {
            const web = new RunPod(scope, 'web', { name: 'web', portName: 'http' });
            new AllowIngressPolicy(scope, 'policy', { ...(p as any), to: web });
          }),
      ),
    ));

  test('Project', () =>
    check(
      fc.property(
        props(
          fc.record({ namespace: arb.valid.name, podSecurity: opt(fc.constantFrom('restricted', 'baseline', 'privileged')) }),
          fc.record({
            namespace: arb.name,
            podSecurity: fc.option(fc.constantFrom('restricted', 'baseline', 'privileged', 'strict'), { nil: undefined }),
            quota: fc.option(
              fc.record({
                requestsCpu: arb.quantity,
                requestsMemory: arb.quantity,
                limitsCpu: arb.quantity,
                limitsMemory: arb.quantity,
                pods: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constantFrom(-1, 1.5)),
              }),
              { nil: undefined },
            ),
          }),
        ),
        (p) =>
          synthChartOrFieldError('Project', ['namespace', 'podSecurity', 'podSecurityWarn', 'quota', 'containerDefaults'], (app) => {
            const project = new Project(app, 'props', p as any);
            new RunPod(project, 'pod', { name: 'nginx' });
            return project;
          }),
      ),
    ));

  test('GogsServer', () =>
    check(
      fc.property(
        props(
          fc.record({
            webhookUrls: opt(fc.array(arb.valid.url, { maxLength: 3 })),
            storageSize: opt(fc.constantFrom('1Gi', '500Mi', '10Gi')),
            serviceType: opt(fc.constantFrom('ClusterIP', 'NodePort')),
          }),
          fc.record({
            webhookUrls: fc.option(fc.array(arb.url, { maxLength: 3 }), { nil: undefined }),
            storageSize: fc.option(arb.quantity, { nil: undefined }),
            serviceType: fc.option(fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer'), { nil: undefined }),
            httpNodePort: fc.option(arb.nodePort, { nil: undefined }),
            serviceName: fc.option(arb.name, { nil: undefined }),
          }),
        ),
        (p) =>
          synthOrFieldError(
            'GogsServer',
            [
              'webhookUrls',
              'storageSize',
              'serviceType',
              'httpNodePort',
              'sshNodePort',
              'serviceName',
              'secretKey',
              'storageClassName',
              'clusterDomain',
              'image',
            ],
            (scope) => new GogsServer(scope, 'gogs', p as any),
          ),
      ),
    ));

  test('ImageRegistry', () =>
    check(
      fc.property(
        props(
          fc.record({
            storageSize: opt(fc.constantFrom('1Gi', '5Gi')),
            serviceType: opt(fc.constantFrom('ClusterIP', 'NodePort')),
            notificationEndpoints: opt(
              fc.uniqueArray(
                fc.record({
                  name: arb.valid.name,
                  url: arb.valid.url,
                  tokenSecret: fc.record({ name: arb.valid.name, key: fc.constant('token') }),
                }),
                { maxLength: 2, selector: (e) => e.name },
              ),
            ),
          }),
          fc.record({
            storageSize: fc.option(arb.quantity, { nil: undefined }),
            nodePort: fc.option(arb.nodePort, { nil: undefined }),
            serviceType: fc.option(fc.constantFrom('ClusterIP', 'NodePort'), { nil: undefined }),
            notificationEndpoints: fc.option(
              fc.array(
                fc.record({
                  name: arb.name,
                  url: arb.url,
                  tokenSecret: fc.record({ name: arb.name, key: fc.constantFrom('token', 'bad key') }),
                  timeout: fc.option(fc.constantFrom('2s', '500ms', '2', 'soon', '0s'), { nil: undefined }),
                  threshold: fc.option(fc.constantFrom(5, 0, -1, 1.5), { nil: undefined }),
                }),
                { maxLength: 2 },
              ),
              { nil: undefined },
            ),
          }),
        ),
        (p) =>
          synthOrFieldError(
            'ImageRegistry',
            [
              'storageSize',
              'nodePort',
              'serviceType',
              'notificationEndpoints',
              'serviceName',
              'storageClassName',
              'clusterDomain',
              'image',
              'deleteEnabled',
            ],
            (scope) => new ImageRegistry(scope, 'registry', p as any),
          ),
      ),
    ));
});
