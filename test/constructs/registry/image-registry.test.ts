import { Chart, Testing } from 'cdk8s';
import { parse as parseYaml } from 'yaml';
import { REGISTRY_IMAGE } from '../../../lib/constructs/images';
import { ImageRegistry, ImageRegistryProps } from '../../../lib/constructs/registry/image-registry';
import { RegistryNotificationEndpoint } from '../../../lib/constructs/registry/registry-config';
import { EXTERNAL_REFS_ANNOTATION, parseExternalRefs } from '../../../lib/util/external-refs';
import { KubeObject, emptyChart, only, selects } from '../../support/helpers';
import { resolvePort, restrictedViolations } from '../gogs/restricted-pod';

/** The object's annotations (the helpers' KubeObject type does not list them). */
function annotationsOf(object: KubeObject): Record<string, string> {
  return (object.metadata as { annotations?: Record<string, string> }).annotations ?? {};
}

const TEKTON: RegistryNotificationEndpoint = {
  name: 'tekton',
  url: 'http://el-registry-push.ci.svc.cluster.local:8080/',
  tokenSecret: { name: 'registry-webhook-token', key: 'token' },
};

function build(props: ImageRegistryProps = {}): { registry: ImageRegistry; objects: KubeObject[] } {
  const chart = new Chart(Testing.app(), 'ci', { namespace: 'ci' });
  const registry = new ImageRegistry(chart, 'registry', props);
  return { registry, objects: Testing.synth(chart) as KubeObject[] };
}

function container(objects: KubeObject[]): any {
  return only(objects, 'Deployment').spec.template.spec.containers[0];
}

/**
 * What the kubelet does with `$(NAME)` in an env value: replaces it with the
 * value of a variable defined EARLIER in the list (later or unknown ones stay
 * as they are). Secret values come from `secrets` (`name/key` -> value).
 */
function kubeletEnv(env: any[], secrets: Record<string, string>): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const variable of env) {
    const value = variable.valueFrom?.secretKeyRef
      ? secrets[`${variable.valueFrom.secretKeyRef.name}/${variable.valueFrom.secretKeyRef.key}`]
      : String(variable.value).replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (ref, name) => (name in resolved ? resolved[name] : ref));
    resolved[variable.name] = value;
  }
  return resolved;
}

describe('ImageRegistry config.yml', () => {
  test('is a complete registry config: version, filesystem root, :5000, storage health check', () => {
    const { registry, objects } = build();
    const text = only(objects, 'ConfigMap', 'registry-config').data['config.yml'];
    expect(text).toBe(registry.configYaml);
    const config = parseYaml(text);
    expect(config.version).toBe('0.1');
    expect(config.storage.filesystem).toEqual({ rootdirectory: '/var/lib/registry' });
    expect(config.storage.delete).toEqual({ enabled: false });
    expect(config.http.addr).toBe(':5000');
    expect(config.health.storagedriver).toMatchObject({ enabled: true });
    expect(config.notifications).toBeUndefined();
    // At info the registry logs every endpoint with its headers, i.e. the expanded tokens.
    expect(config.log.level).toBe('warn');
  });

  test('deleting through the API can be enabled', () => {
    expect(parseYaml(build({ deleteEnabled: true }).registry.configYaml).storage.delete).toEqual({ enabled: true });
  });

  test('is mounted where the image reads it', () => {
    const { objects } = build();
    const pod = only(objects, 'Deployment').spec.template.spec;
    const mount = pod.containers[0].volumeMounts.find((m: any) => m.name === 'config');
    expect(`${mount.mountPath}/config.yml`).toBe('/etc/docker/registry/config.yml');
    expect(mount.readOnly).toBe(true);
    expect(pod.volumes).toContainEqual({ name: 'config', configMap: { name: 'registry-config' } });
  });
});

describe('ImageRegistry notifications', () => {
  test('endpoints reach the registry as JSON in REGISTRY_NOTIFICATIONS_ENDPOINTS, only manifest pushes notify', () => {
    const { registry, objects } = build({ notificationEndpoints: [TEKTON] });
    const env = container(objects).env;
    const endpointsVar = env.find((e: any) => e.name === 'REGISTRY_NOTIFICATIONS_ENDPOINTS');
    const endpoints = JSON.parse(endpointsVar.value);
    // The registry YAML-decodes the variable; JSON text must mean the same as YAML.
    expect(parseYaml(endpointsVar.value)).toEqual(endpoints);
    expect(endpoints).toEqual(registry.effectiveEndpoints());
    expect(endpoints).toEqual([
      {
        name: 'tekton',
        url: 'http://el-registry-push.ci.svc.cluster.local:8080/',
        headers: { 'X-Registry-Token': ['$(ENDPOINT_TOKEN_0)'] },
        timeout: '2s',
        threshold: 5,
        backoff: '1s',
        ignoredmediatypes: ['application/octet-stream'],
        ignore: { actions: ['pull'] },
      },
    ]);
    expect(parseYaml(registry.configYaml).notifications).toEqual({ events: { includereferences: true } });
    expect(parseYaml(registry.configYaml).notifications.endpoints).toBeUndefined();
  });

  test('each token header is a $(VAR) defined earlier in the env list from the right secretKeyRef', () => {
    const endpoints: RegistryNotificationEndpoint[] = [
      TEKTON,
      {
        name: 'audit',
        url: 'https://audit.example.com/events',
        tokenSecret: { name: 'audit-token', key: 'value' },
        header: 'Authorization',
      },
    ];
    const { registry, objects } = build({ notificationEndpoints: endpoints });
    const env: any[] = container(objects).env;
    const names = env.map((e) => e.name);
    const endpointsIndex = names.indexOf('REGISTRY_NOTIFICATIONS_ENDPOINTS');
    registry.effectiveEndpoints().forEach((endpoint, i) => {
      const [headerValue] = Object.values(endpoint.headers).flat();
      const reference = /^\$\(([A-Z0-9_]+)\)$/.exec(headerValue);
      expect(reference).not.toBeNull();
      const tokenIndex = names.indexOf(reference![1]);
      expect(tokenIndex).toBeGreaterThanOrEqual(0);
      expect(tokenIndex).toBeLessThan(endpointsIndex);
      expect(env[tokenIndex].valueFrom).toEqual({ secretKeyRef: endpoints[i].tokenSecret });
      expect(reference![1]).not.toMatch(/^REGISTRY_/);
    });
    expect(registry.effectiveEndpoints()[1].headers).toEqual({ Authorization: ['$(ENDPOINT_TOKEN_1)'] });
  });

  test('after the kubelet expands the env, the registry sees the tokens; the manifests never contain them', () => {
    const endpoints = [TEKTON, { ...TEKTON, name: 'second', tokenSecret: { name: 'other', key: 'token' } }];
    const { objects } = build({ notificationEndpoints: endpoints });
    const secrets = { 'registry-webhook-token/token': 'c0ffee0123456789', 'other/token': 'deadbeef9876543210' };
    const resolved = kubeletEnv(container(objects).env, secrets);
    const seen = JSON.parse(resolved.REGISTRY_NOTIFICATIONS_ENDPOINTS);
    expect(seen.map((e: any) => e.headers['X-Registry-Token'])).toEqual([['c0ffee0123456789'], ['deadbeef9876543210']]);
    const text = JSON.stringify(objects);
    for (const token of Object.values(secrets)) expect(text).not.toContain(token);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('the token Secrets are declared as external references, once each', () => {
    const endpoints = [TEKTON, { ...TEKTON, name: 'again' }, { ...TEKTON, name: 'third', tokenSecret: { name: 'b-token', key: 'token' } }];
    const deployment = only(build({ notificationEndpoints: endpoints }).objects, 'Deployment');
    expect(parseExternalRefs(annotationsOf(deployment)[EXTERNAL_REFS_ANNOTATION])).toEqual([
      { kind: 'Secret', name: 'b-token' },
      { kind: 'Secret', name: 'registry-webhook-token' },
    ]);
  });

  test('timeout, threshold, backoff and header can be set', () => {
    const { registry } = build({
      notificationEndpoints: [{ ...TEKTON, timeout: '500ms', threshold: 10, backoff: '30s', header: 'X-Token' }],
    });
    expect(registry.effectiveEndpoints()[0]).toMatchObject({
      timeout: '500ms',
      threshold: 10,
      backoff: '30s',
      headers: { 'X-Token': ['$(ENDPOINT_TOKEN_0)'] },
    });
  });

  test('without endpoints there is no env and no notifications section', () => {
    const { registry, objects } = build();
    expect(container(objects).env).toBeUndefined();
    expect(registry.effectiveEndpoints()).toEqual([]);
    expect((only(objects, 'Deployment').metadata as { annotations?: object }).annotations).toBeUndefined();
  });

  test('a change of endpoints changes the pod template, so the pod restarts with it', () => {
    const hash = (objects: KubeObject[]) =>
      only(objects, 'Deployment').spec.template.metadata.annotations['k8s-practice.dev/config-sha256'];
    expect(hash(build({ notificationEndpoints: [TEKTON] }).objects)).not.toBe(
      hash(build({ notificationEndpoints: [{ ...TEKTON, timeout: '3s' }] }).objects),
    );
    expect(JSON.stringify(build({ notificationEndpoints: [TEKTON] }).objects)).toBe(
      JSON.stringify(build({ notificationEndpoints: [TEKTON] }).objects),
    );
  });
});

describe('ImageRegistry workload and Service', () => {
  test('a Recreate Deployment of registry:2.8.3 with its data on a PersistentVolumeClaim', () => {
    const { objects } = build({ storageSize: '20Gi', storageClassName: 'standard' });
    const deployment = only(objects, 'Deployment', 'registry');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    const pod = deployment.spec.template.spec;
    expect(pod.containers[0].image).toBe(REGISTRY_IMAGE);
    expect(REGISTRY_IMAGE).toMatch(/registry:2\.\d+\.\d+$/);
    const pvc = only(objects, 'PersistentVolumeClaim', 'registry-data');
    expect(pvc.spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'standard',
      resources: { requests: { storage: '20Gi' } },
    });
    const dataVolume = pod.volumes.find((v: any) => v.persistentVolumeClaim?.claimName === 'registry-data');
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: dataVolume.name, mountPath: '/var/lib/registry' });
    expect(selects(deployment.spec.selector.matchLabels, deployment.spec.template.metadata.labels)).toBe(true);
  });

  test('runs as a non-root user under the restricted Pod Security Standard, volume writable through fsGroup', () => {
    const pod = only(build({ notificationEndpoints: [TEKTON] }).objects, 'Deployment').spec.template.spec;
    expect(restrictedViolations(pod)).toEqual([]);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
    expect(pod.containers[0].securityContext).toMatchObject({
      runAsUser: 1000,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    expect(pod.enableServiceLinks).toBe(false);
  });

  test('readiness and liveness GET / on port 5000', () => {
    const c = container(build().objects);
    for (const probe of ['readinessProbe', 'livenessProbe']) {
      expect(c[probe].httpGet.path).toBe('/');
      expect(resolvePort(c, c[probe].httpGet.port)).toBe(5000);
    }
  });

  test('ClusterIP Service on 5000 by default; NodePort with a fixed port on request', () => {
    const { registry, objects } = build();
    const service = only(objects, 'Service', 'registry');
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.ports.map((p: any) => [p.name, p.port, resolvePort(container(objects), p.targetPort), p.nodePort])).toEqual([
      ['http', 5000, 5000, undefined],
    ]);
    expect(registry.address).toBe('registry.ci.svc.cluster.local:5000');
    const nodePort = only(build({ serviceType: 'NodePort', nodePort: 30500 }).objects, 'Service');
    expect(nodePort.spec).toMatchObject({ type: 'NodePort', ports: [{ port: 5000, nodePort: 30500 }] });
  });

  test('imageRef names images in the cluster', () => {
    const { registry } = build();
    expect(registry.imageRef('app', 'v1')).toBe('registry.ci.svc.cluster.local:5000/app:v1');
    expect(registry.imageRef('team/app')).toBe('registry.ci.svc.cluster.local:5000/team/app');
    expect(() => registry.imageRef('App')).toThrow(/invalid repository "App"/);
    expect(() => registry.imageRef('app', '-x')).toThrow(/invalid tag "-x"/);
  });

  test('containerdHostsToml mirrors the cluster name to the node port', () => {
    const { registry } = build({ serviceType: 'NodePort', nodePort: 30500 });
    const toml = registry.containerdHostsToml();
    expect(toml).toContain('# /etc/containerd/certs.d/registry.ci.svc.cluster.local:5000/hosts.toml');
    expect(toml).toContain('server = "http://registry.ci.svc.cluster.local:5000"');
    expect(toml).toContain('[host."http://localhost:30500"]');
    expect(toml).toContain('capabilities = ["pull", "resolve"]');
    expect(registry.containerdHostsToml('http://192.168.49.2:30500/')).toContain('[host."http://192.168.49.2:30500"]');
    expect(() => build().registry.containerdHostsToml()).toThrow(/missing mirror; expected a mirror URL, because no nodePort is fixed/);
    expect(() => registry.containerdHostsToml('localhost:30500')).toThrow(/invalid mirror "localhost:30500"/);
  });
});

describe('ImageRegistry invalid props', () => {
  const endpoint = (patch: object) => ({ notificationEndpoints: [{ ...TEKTON, ...patch }] });
  test.each([
    [endpoint({ url: 'not-a-url' }), /invalid notificationEndpoints\[0\]\.url "not-a-url".*not an absolute URL/],
    [endpoint({ url: 'ftp://x.ci.svc/' }), /invalid notificationEndpoints\[0\]\.url .*scheme "ftp"/],
    [endpoint({ url: 'http:///path' }), /invalid notificationEndpoints\[0\]\.url/],
    [endpoint({ url: 'http://bad_host/' }), /invalid notificationEndpoints\[0\]\.url .*not a DNS name/],
    [endpoint({ timeout: '2' }), /invalid notificationEndpoints\[0\]\.timeout "2"; expected a positive Go duration/],
    [endpoint({ timeout: '2 s' }), /invalid notificationEndpoints\[0\]\.timeout "2 s"/],
    [endpoint({ backoff: '0s' }), /invalid notificationEndpoints\[0\]\.backoff "0s"/],
    [endpoint({ backoff: '1d' }), /invalid notificationEndpoints\[0\]\.backoff "1d"/],
    [endpoint({ threshold: 0 }), /invalid notificationEndpoints\[0\]\.threshold 0; expected a positive integer/],
    [endpoint({ threshold: 1.5 }), /invalid notificationEndpoints\[0\]\.threshold 1.5/],
    [endpoint({ header: 'X Token' }), /invalid notificationEndpoints\[0\]\.header "X Token"/],
    [endpoint({ name: '' }), /invalid notificationEndpoints\[0\]\.name ""/],
    [endpoint({ tokenSecret: { name: 'tok', key: 'a b' } }), /invalid notificationEndpoints\[0\]\.tokenSecret\.key "a b"/],
    [endpoint({ tokenSecret: undefined }), /missing notificationEndpoints\[0\]\.tokenSecret; expected an object/],
    [
      { notificationEndpoints: [TEKTON, TEKTON] },
      /invalid notificationEndpoints\[1\]\.name "tekton"; expected a name no other endpoint uses/,
    ],
    [{ notificationEndpoints: TEKTON }, /invalid notificationEndpoints .*expected a list of endpoints/],
    [{ storageSize: '1Gb' }, /invalid storageSize "1Gb"; expected a Kubernetes quantity/],
    [{ storageSize: '5GiB' }, /invalid storageSize "5GiB"/],
    [{ storageClassName: 'Bad Class' }, /invalid storageClassName "Bad Class"/],
    [{ nodePort: 30500 }, /invalid nodePort 30500; expected no nodePort unless serviceType is "NodePort"/],
    [{ serviceType: 'NodePort', nodePort: 5000 }, /invalid nodePort 5000; expected an integer from 30000 to 32767/],
    [{ serviceType: 'ExternalName' }, /invalid serviceType "ExternalName"/],
    [{ serviceName: 'Registry' }, /invalid serviceName "Registry"/],
    [{ deleteEnabled: 'true' }, /invalid deleteEnabled "true"; expected true or false/],
  ])('rejects %j', (props, message) => {
    expect(() => new ImageRegistry(emptyChart(), 'registry', props as any)).toThrow(message);
  });

  test('errors name the construct path', () => {
    expect(() => new ImageRegistry(emptyChart(), 'reg', endpoint({ timeout: 'soon' }))).toThrow(
      /^test\/reg: invalid notificationEndpoints\[0\]\.timeout "soon"/,
    );
  });
});
