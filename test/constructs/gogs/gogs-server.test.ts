import { App, Chart, Testing } from 'cdk8s';
import { parse } from 'ini';
import { GOGS_IMAGE } from '../../../lib/constructs/images';
import { GogsServer, GogsServerProps } from '../../../lib/constructs/gogs/gogs-server';
import { GOGS_SECRET_KEY_ENV } from '../../../lib/constructs/gogs/gogs-app-ini';
import { EXTERNAL_REFS_ANNOTATION, parseExternalRefs } from '../../../lib/util/external-refs';
import { isStorageSize } from '../../../lib/util/resource-quantity';
import { KubeObject, emptyChart, only, selects } from '../../support/helpers';
import { resolvePort, restrictedViolations } from './restricted-pod';

/** The object's annotations (the helpers' KubeObject type does not list them). */
function annotationsOf(object: KubeObject): Record<string, string> {
  return (object.metadata as { annotations?: Record<string, string> }).annotations ?? {};
}

const LISTENER = 'http://el-gogs-push.ci.svc.cluster.local:8080/';

/** Builds a GogsServer in a chart whose namespace is `ci` (as in the `ci` project); `null` for a chart without namespace. */
function build(props: GogsServerProps = {}, namespace: string | null = 'ci'): { gogs: GogsServer; objects: KubeObject[] } {
  const chart = new Chart(Testing.app(), 'ci', { namespace: namespace ?? undefined });
  const gogs = new GogsServer(chart, 'gogs', props);
  return { gogs, objects: Testing.synth(chart) as KubeObject[] };
}

/** The parsed app.ini of the synthesized ConfigMap. */
function appIni(objects: KubeObject[]): Record<string, any> {
  return parse(only(objects, 'ConfigMap').data['app.ini']);
}

/** Scalar keys of a section; `ini` nests dotted section names (`repository.upload`). */
function section(parsed: Record<string, any>, name: string): Record<string, unknown> {
  const value = name.split('.').reduce((node, part) => node?.[part], parsed);
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => typeof v !== 'object' || v === null));
}

function allSections(parsed: Record<string, any>, prefix = ''): Record<string, Record<string, unknown>> {
  const result: Record<string, Record<string, unknown>> = { [prefix || 'DEFAULT']: {} };
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'object' && value !== null) Object.assign(result, allSections(value, prefix ? `${prefix}.${key}` : key));
    else result[prefix || 'DEFAULT'][key] = value;
  }
  return result;
}

describe('GogsServer app.ini', () => {
  test('starts without the install wizard: run user, mode, install lock, sqlite at an absolute path', () => {
    const ini = appIni(build().objects);
    expect(ini.RUN_USER).toBe('git');
    expect(ini.RUN_MODE).toBe('prod');
    expect(section(ini, 'security')).toMatchObject({ INSTALL_LOCK: true });
    expect(section(ini, 'database')).toEqual({ TYPE: 'sqlite3', PATH: '/data/gogs/data/gogs.db' });
    expect(section(ini, 'repository')).toEqual({ ROOT: '/data/git/gogs-repositories' });
  });

  test('the server is described by its in-cluster name', () => {
    const { gogs, objects } = build();
    const server = section(appIni(objects), 'server');
    expect(server).toMatchObject({
      DOMAIN: 'gogs.ci.svc.cluster.local',
      HTTP_PORT: '3000',
      EXTERNAL_URL: 'http://gogs.ci.svc.cluster.local:3000/',
      OFFLINE_MODE: true,
      START_SSH_SERVER: true,
      SSH_PORT: '2222',
      SSH_LISTEN_PORT: '2222',
    });
    expect(gogs.externalUrl).toBe(server.EXTERNAL_URL);
    expect(gogs.host).toBe('gogs.ci.svc.cluster.local');
    expect(section(appIni(objects), 'picture')).toMatchObject({ DISABLE_GRAVATAR: true });
  });

  test('every path Gogs writes to is absolute and on the /data volume (the root filesystem is read-only)', () => {
    const sections = allSections(appIni(build().objects));
    const paths = Object.entries(sections).flatMap(([name, keys]) =>
      Object.entries(keys)
        .filter(([key]) => /(PATH|ROOT)$/.test(key) && !/URL/.test(key))
        .map(([key, value]) => [`[${name}] ${key}`, value] as const),
    );
    expect(paths.map(([where]) => where)).toEqual(
      expect.arrayContaining([
        '[server] APP_DATA_PATH',
        '[database] PATH',
        '[repository] ROOT',
        '[repository.upload] TEMP_PATH',
        '[picture] AVATAR_UPLOAD_PATH',
        '[attachment] PATH',
        '[lfs] OBJECTS_PATH',
        '[log] ROOT_PATH',
      ]),
    );
    for (const [where, value] of paths) expect([where, value]).toEqual([where, expect.stringMatching(/^\/data\//)]);
  });

  test('the namespace of the chart goes into every URL; without one it is "default"', () => {
    expect(build({}, 'tools').gogs.externalUrl).toBe('http://gogs.tools.svc.cluster.local:3000/');
    expect(build({}, null).gogs.externalUrl).toBe('http://gogs.default.svc.cluster.local:3000/');
    expect(build({ serviceName: 'git', clusterDomain: 'k8s.internal' }).gogs.externalUrl).toBe('http://git.ci.svc.k8s.internal:3000/');
  });

  test('every allowlisted hostname is the host of a given webhook URL, and every URL host is allowlisted', () => {
    const webhookUrls = [
      `${LISTENER}?token=secret-token-in-query`,
      'http://el-registry-push.ci.svc.cluster.local:8080/',
      'https://el-gogs-push.ci.svc.cluster.local/again',
    ];
    const { gogs, objects } = build({ webhookUrls });
    const allowlist = String(section(appIni(objects), 'security').LOCAL_NETWORK_ALLOWLIST).split(',');
    const urlHosts = webhookUrls.map((url) => new URL(url).hostname);
    for (const host of allowlist) expect(urlHosts).toContain(host);
    for (const host of urlHosts) expect(allowlist).toContain(host);
    expect(allowlist).toEqual(['el-gogs-push.ci.svc.cluster.local', 'el-registry-push.ci.svc.cluster.local']);
    expect(gogs.allowlistedHosts).toEqual(allowlist);
    // Only hostnames are written: the query token of a hook URL stays out of the config.
    expect(JSON.stringify(objects)).not.toContain('secret-token-in-query');
  });

  test('without webhook URLs there is no allowlist at all (Gogs blocks every cluster address)', () => {
    const { gogs, objects } = build();
    expect(section(appIni(objects), 'security')).not.toHaveProperty('LOCAL_NETWORK_ALLOWLIST');
    expect(gogs.allowlistedHosts).toEqual([]);
  });

  test('sign-up can be turned off', () => {
    expect(section(appIni(build().objects), 'auth')).toMatchObject({ DISABLE_REGISTRATION: false });
    expect(section(appIni(build({ disableRegistration: true }).objects), 'auth')).toMatchObject({ DISABLE_REGISTRATION: true });
  });
});

describe('GogsServer secret key', () => {
  test('SECRET_KEY is an environment reference filled from a Secret that is declared, never emitted', () => {
    const { gogs, objects } = build({ secretKey: { name: 'gogs-key', key: 'key' } });
    expect(section(appIni(objects), 'security').SECRET_KEY).toBe(`\${${GOGS_SECRET_KEY_ENV}}`);
    const sts = only(objects, 'StatefulSet');
    const env = sts.spec.template.spec.containers[0].env;
    const secretEnv = env.find((e: any) => e.name === GOGS_SECRET_KEY_ENV);
    expect(secretEnv).toEqual({ name: GOGS_SECRET_KEY_ENV, valueFrom: { secretKeyRef: { name: 'gogs-key', key: 'key' } } });
    expect(parseExternalRefs(annotationsOf(sts)[EXTERNAL_REFS_ANNOTATION])).toEqual([{ kind: 'Secret', name: 'gogs-key' }]);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(gogs.secretKey).toEqual({ name: 'gogs-key', key: 'key' });
  });

  test('the default Secret is gogs-secret-key / secret-key', () => {
    const env = only(build().objects, 'StatefulSet').spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: GOGS_SECRET_KEY_ENV, valueFrom: { secretKeyRef: { name: 'gogs-secret-key', key: 'secret-key' } } });
  });

  test('no literal secret-looking value appears anywhere in the output', () => {
    const text = JSON.stringify(build({ webhookUrls: [LISTENER] }).objects);
    expect(text).not.toMatch(/SECRET_KEY = (?!\$\{GOGS_SECRET_KEY\})/);
    expect(text).not.toMatch(/"value":"[0-9a-f]{32,}"/);
  });
});

describe('GogsServer workload', () => {
  test('a one-replica StatefulSet of the next image whose volume holds /data', () => {
    const { objects } = build({ storageSize: '10Gi', storageClassName: 'standard' });
    const sts = only(objects, 'StatefulSet', 'gogs');
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.serviceName).toBe('gogs');
    const pod = sts.spec.template.spec;
    const [container] = pod.containers;
    expect(container.image).toBe(GOGS_IMAGE);
    expect(sts.spec.volumeClaimTemplates).toEqual([
      {
        metadata: { name: 'data', labels: { app: 'gogs' } },
        spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'standard', resources: { requests: { storage: '10Gi' } } },
      },
    ]);
    expect(container.volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
    expect(sts.spec.selector.matchLabels).toEqual(sts.spec.template.metadata.labels);
  });

  test('Gogs reads the ConfigMap directly: mounted at /etc/gogs and passed with --config', () => {
    const { gogs, objects } = build();
    const configMap = only(objects, 'ConfigMap', 'gogs-config');
    expect(configMap.data['app.ini']).toBe(gogs.appIni);
    const pod = only(objects, 'StatefulSet').spec.template.spec;
    const [container] = pod.containers;
    const mount = container.volumeMounts.find((m: any) => m.mountPath === '/etc/gogs');
    expect(mount).toEqual({ name: 'config', mountPath: '/etc/gogs', readOnly: true });
    expect(pod.volumes).toContainEqual({ name: 'config', configMap: { name: 'gogs-config' } });
    expect(container.command.join(' ')).toMatch(/exec \/app\/gogs\/gogs web --config \/etc\/gogs\/app\.ini$/);
    expect(container.env).toEqual(
      expect.arrayContaining([
        { name: 'USER', value: 'git' },
        { name: 'GOGS_CUSTOM', value: '/data/gogs' },
      ]),
    );
  });

  test('a config change changes the pod template (rolls the pod); the same props give identical output', () => {
    const hash = (objects: KubeObject[]) =>
      only(objects, 'StatefulSet').spec.template.metadata.annotations['k8s-practice.dev/config-sha256'];
    expect(hash(build().objects)).toMatch(/^[0-9a-f]{64}$/);
    expect(hash(build({ webhookUrls: [LISTENER] }).objects)).not.toBe(hash(build().objects));
    expect(JSON.stringify(build({ webhookUrls: [LISTENER] }).objects)).toBe(JSON.stringify(build({ webhookUrls: [LISTENER] }).objects));
  });

  test('fits the restricted Pod Security Standard as uid/gid 1000 with fsGroup 1000 and a read-only root', () => {
    const pod = only(build().objects, 'StatefulSet').spec.template.spec;
    expect(restrictedViolations(pod)).toEqual([]);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
    const sc = pod.containers[0].securityContext;
    expect(sc).toMatchObject({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      readOnlyRootFilesystem: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  test('readiness, liveness and startup probes GET /healthcheck on port 3000', () => {
    const [container] = only(build().objects, 'StatefulSet').spec.template.spec.containers;
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      expect(container[probe].httpGet.path).toBe('/healthcheck');
      expect(resolvePort(container, container[probe].httpGet.port)).toBe(3000);
    }
  });
});

describe('GogsServer Service', () => {
  test('ClusterIP by default, http 3000 and ssh 2222 reaching the pod', () => {
    const { gogs, objects } = build();
    const service = only(objects, 'Service', 'gogs');
    expect(service.spec.type).toBe('ClusterIP');
    const pod = only(objects, 'StatefulSet').spec.template;
    expect(selects(service.spec.selector, pod.metadata.labels)).toBe(true);
    const container = pod.spec.containers[0];
    expect(service.spec.ports.map((p: any) => [p.name, p.port, resolvePort(container, p.targetPort)])).toEqual([
      ['http', 3000, 3000],
      ['ssh', 2222, 2222],
    ]);
    expect(service.spec.ports.every((p: any) => p.nodePort === undefined)).toBe(true);
    expect(gogs.service.name).toBe('gogs');
    expect(gogs.statefulSet.name).toBe('gogs');
    expect(gogs.configMap.name).toBe('gogs-config');
  });

  test('NodePort with fixed node ports for the learner', () => {
    const service = only(build({ serviceType: 'NodePort', httpNodePort: 30300, sshNodePort: 30022 }).objects, 'Service');
    expect(service.spec.type).toBe('NodePort');
    expect(service.spec.ports.map((p: any) => p.nodePort)).toEqual([30300, 30022]);
  });
});

describe('GogsServer.cloneUrlFor', () => {
  test('is what Gogs puts in repository.clone_url: EXTERNAL_URL + owner/repo.git', () => {
    expect(build().gogs.cloneUrlFor('gogs-admin', 'app')).toBe('http://gogs.ci.svc.cluster.local:3000/gogs-admin/app.git');
  });

  test.each([
    ['', 'app', /invalid owner ""/],
    ['a/b', 'app', /invalid owner "a\/b"/],
    ['me', '..', /invalid repo "\.\."/],
    ['me', 'app.git', /invalid repo "app.git"; expected a repository name without the ".git" suffix/],
  ])('rejects %j / %j', (owner, repo, message) => {
    expect(() => build().gogs.cloneUrlFor(owner, repo)).toThrow(message);
  });
});

describe('GogsServer invalid props', () => {
  test.each([
    [{ webhookUrls: ['ftp://el.ci.svc/'] }, /invalid webhookUrls\[0\] "ftp:\/\/el.ci.svc\/".*it has scheme "ftp"/],
    [{ webhookUrls: [LISTENER, 'not-a-url'] }, /invalid webhookUrls\[1\] "not-a-url".*not an absolute URL/],
    [{ webhookUrls: ['http://EL-Gogs.ci.svc/'] }, /invalid webhookUrls\[0\].*lower-case/],
    [{ webhookUrls: ['http://bad_host.ci.svc/'] }, /invalid webhookUrls\[0\].*not a DNS name/],
    [{ webhookUrls: ['http://u:p@el.ci.svc/'] }, /invalid webhookUrls\[0\].*credentials/],
    [{ webhookUrls: 'http://el.ci.svc/' }, /invalid webhookUrls "http:\/\/el.ci.svc\/"; expected a list of URLs/],
    [{ storageSize: '1Gb' }, /invalid storageSize "1Gb"; expected a Kubernetes quantity/],
    [{ storageSize: '10 Gi' }, /invalid storageSize "10 Gi"/],
    [{ storageSize: '0' }, /invalid storageSize "0"/],
    [{ storageClassName: 'Fast SSD' }, /invalid storageClassName "Fast SSD"/],
    [{ serviceName: 'Gogs' }, /invalid serviceName "Gogs".*DNS-1035/],
    [{ serviceName: '1gogs' }, /invalid serviceName "1gogs"/],
    [{ serviceType: 'LoadBalancer' }, /invalid serviceType "LoadBalancer"; expected one of "ClusterIP", "NodePort"/],
    [{ httpNodePort: 30300 }, /invalid httpNodePort 30300; expected no httpNodePort unless serviceType is "NodePort"/],
    [{ serviceType: 'NodePort', httpNodePort: 80 }, /invalid httpNodePort 80; expected an integer from 30000 to 32767/],
    [{ serviceType: 'NodePort', sshNodePort: 40000 }, /invalid sshNodePort 40000/],
    [{ serviceType: 'NodePort', httpNodePort: 30300, sshNodePort: 30300 }, /invalid sshNodePort 30300; expected a node port different/],
    [{ secretKey: { name: 'Bad_Name', key: 'k' } }, /invalid secretKey.name "Bad_Name"/],
    [{ secretKey: { name: 'gogs', key: 'a/b' } }, /invalid secretKey.key "a\/b"; expected a Secret data key/],
    [{ secretKey: 'gogs' }, /invalid secretKey "gogs"; expected an object/],
    [{ clusterDomain: 'Cluster.Local' }, /invalid clusterDomain/],
    [{ image: '' }, /invalid image ""/],
    [{ disableRegistration: 'yes' }, /invalid disableRegistration "yes"; expected true or false/],
  ])('rejects %j', (props, message) => {
    expect(() => new GogsServer(emptyChart(), 'gogs', props as any)).toThrow(message);
  });

  test('errors name the construct path', () => {
    expect(() => new GogsServer(emptyChart(), 'git', { storageSize: '1Gb' })).toThrow(/^test\/git: invalid storageSize/);
  });

  test('storage sizes: quantities of at least one byte', () => {
    for (const ok of ['1Gi', '10Gi', '512Mi', '1G', '1e9', '1.5Gi']) expect(isStorageSize(ok)).toBe(true);
    for (const bad of ['1Gb', '1 Gi', '', 'Gi', '0', '-1Gi', '500m', 10]) expect(isStorageSize(bad)).toBe(false);
  });

  test('a chart without props gets all defaults', () => {
    const gogs = new GogsServer(new Chart(new App(), 'c'), 'gogs');
    expect(gogs.name).toBe('gogs');
    expect(gogs.namespace).toBe('default');
  });
});
