/**
 * Props the API server would refuse: each is an Error naming the construct path,
 * the field, the value and what is allowed, before any YAML is written.
 */
import { Testing } from 'cdk8s';
import { Chart } from 'cdk8s';
import { ConfiguredPod } from '../../lib/constructs/pod/configured-pod';
import { RunPod } from '../../lib/constructs/pod/run-pod';
import { SharedProcessNamespacePod } from '../../lib/constructs/pod/shared-process-namespace-pod';
import { GogsServer } from '../../lib/constructs/gogs/gogs-server';
import { ImageRegistry } from '../../lib/constructs/registry/image-registry';
import { DeployImageTask } from '../../lib/constructs/tekton/deploy-image-task';
import { RegistryPushTrigger } from '../../lib/constructs/tekton/registry-push-trigger';
import { BuildPipeline } from '../../lib/constructs/tekton/build-pipeline';
import { GogsPushTrigger } from '../../lib/constructs/tekton/gogs-push-trigger';
import { EventListener, TriggerBinding } from '../../lib/constructs/tekton/triggers-types';
import { BRANCH_NAME_RULE, isGitBranchName, isGogsRepositoryName } from '../../lib/util/git-names';
import { Project } from '../../lib/constructs/project/project';
import { ServiceEndpoints } from '../../lib/constructs/service/service-endpoints';
import { emptyChart } from '../support/helpers';

describe('Project', () => {
  test.each(['default', 'kube-system', 'kube-public', 'kube-node-lease'])('refuses the namespace %s', (namespace) => {
    expect(() => new Project(Testing.app(), 'p', { namespace })).toThrow(
      new RegExp(`invalid namespace "${namespace}"; expected a namespace of its own`),
    );
  });
});

describe('RunPod runAsUser', () => {
  test.each([2147483648, 2 ** 32, Number.MAX_SAFE_INTEGER])(
    '%d (2^31 or more, beyond the int32 the API server keeps) is refused',
    (uid) => {
      expect(() => new RunPod(emptyChart(), 'p', { name: 'p', runAsUser: uid })).toThrow(
        new RegExp(`invalid runAsUser ${uid}; expected a positive integer up to 2147483647`),
      );
    },
  );
  test('2147483647 is accepted', () => {
    expect(() => new RunPod(emptyChart(), 'p', { name: 'p', runAsUser: 2147483647 })).not.toThrow();
  });
});

describe('RunPod writable paths', () => {
  test.each([['/tmp//x'], ['/tmp/.'], ['/tmp/./x'], ['/tmp/'], ['//tmp'], ['/tmp\n/x']])(
    '%j is refused: it names a folder in an unclean form',
    (path) => {
      expect(() => new RunPod(emptyChart(), 'p', { name: 'p', writablePaths: [path] })).toThrow(
        /invalid writablePaths .*not an absolute path below "\/" without "\.\.", "\/\/", "\/\."/,
      );
    },
  );

  test('/etc/x and /etc/x/ cannot both be asked for (one folder, two mounts)', () => {
    expect(() => new RunPod(emptyChart(), 'p', { name: 'p', writablePaths: ['/etc/x', '/etc/x/'] })).toThrow(/invalid writablePaths/);
  });
});

describe('ServiceEndpoints addresses, read as Go reads them', () => {
  const endpoints = (addresses: string[]) => () =>
    new ServiceEndpoints(emptyChart(), 'e', { name: 'db', addresses, ports: [{ port: 5432 }] });
  test.each(['0:0:0:0:0:0:0:1', '::0001', '::ffff:7f00:1', '::ffff:a9fe:101', 'fe80::1%eth0'])('%s is refused', (ip) => {
    expect(endpoints([ip])).toThrow(
      new RegExp(`invalid addresses\\[0\\] "${ip.replace(/[.%]/g, '\\$&')}"; expected an IPv4 or IPv6 address the API server accepts`),
    );
  });
  test('two ports with one port number and protocol are refused (the API server refuses such a Service); a null port is an Error', () => {
    expect(
      () =>
        new ServiceEndpoints(emptyChart(), 'e', {
          name: 'db',
          addresses: ['192.0.2.1'],
          ports: [
            { name: 'a', port: 9 },
            { name: 'b', port: 9 },
          ],
        }),
    ).toThrow(/invalid ports\[1\]\.port 9; expected a port and protocol no other port uses \(ports\[0\] is 9\/TCP\)/);
    expect(
      () =>
        new ServiceEndpoints(emptyChart(), 'e', {
          name: 'db',
          addresses: ['192.0.2.1'],
          ports: [
            { name: 'a', port: 9 },
            { name: 'b', port: 9, protocol: 'UDP' },
          ],
        }),
    ).not.toThrow();
    expect(() => new ServiceEndpoints(emptyChart(), 'e', { name: 'db', addresses: ['192.0.2.1'], ports: [null as any] })).toThrow(
      /invalid ports\[0\] null; expected a port object/,
    );
  });
  test('fe8::1 is accepted (fe08::1 is not link-local)', () => {
    expect(endpoints(['fe8::1'])).not.toThrow();
  });
  test('2001:db8::1 and 2001:0db8:0:0:0:0:0:1 are one address, so listing both is refused', () => {
    expect(endpoints(['2001:db8::1', '2001:0db8:0:0:0:0:0:1'])).toThrow(/each address once \(compared as IP addresses/);
  });
});

describe('ConfiguredPod', () => {
  const base = { name: 'env-demo', settings: { APP_MODE: 'practice' }, secret: { name: 'env-demo-secret', keys: ['DB_PASSWORD'] } };
  const make = (extra: object) => () => new ConfiguredPod(emptyChart(), 'c', { ...base, ...extra } as any);

  test.each(['POD_IP', 'NODE_NAME', 'POD_NAME', 'POD_NAMESPACE', 'NODE_INTERNAL_IP'])(
    'a setting named %s (a downward-API variable that would silently win) is refused',
    (key) => {
      expect(make({ settings: { [key]: 'x' } })).toThrow(
        new RegExp(`invalid settings key "${key}"; expected a name other than the downward-API variables`),
      );
      expect(make({ secret: { name: 's', keys: [key] } })).toThrow(/invalid secret.keys/);
    },
  );

  test('a key over 253 characters and values over 1 MiB are refused (the API server refuses such a ConfigMap)', () => {
    expect(make({ settings: { ['K'.repeat(254)]: 'x' } })).toThrow(
      /invalid settings key "K+"; expected an environment variable name of at most 253 characters/,
    );
    expect(make({ settings: { A: 'x'.repeat(600 * 1024), B: 'y'.repeat(600 * 1024) } })).toThrow(
      /invalid settings "1228800 bytes of values"; expected at most 1048576 bytes/,
    );
    expect(make({ settings: { ['K'.repeat(253)]: 'x'.repeat(1024 * 1024) } })).not.toThrow();
  });

  test.each([
    [
      { configMountPath: '/etc/x', secretMountPath: '/etc/x/' },
      /invalid secretMountPath "\/etc\/x\/"; expected an absolute path below \/ in clean form/,
    ],
    [{ configMountPath: '/etc//x' }, /invalid configMountPath/],
    [{ configMountPath: '/etc/./x' }, /invalid configMountPath/],
    [
      { configMountPath: '/etc/x', secretMountPath: '/etc/x/secret' },
      /invalid secretMountPath "\/etc\/x\/secret"; expected a path other than configMountPath "\/etc\/x", neither inside it nor containing it/,
    ],
    [{ configMountPath: '/etc/x/config', secretMountPath: '/etc/x' }, /neither inside it nor containing it/],
  ])('%j: read-only mounts on one folder or nested are refused', (extra, message) => {
    expect(make(extra)).toThrow(message);
  });
});

describe('null or wrongly shaped props are an Error naming the construct, never a TypeError', () => {
  const cases: [string, (props: any) => unknown][] = [
    ['GogsServer', (p) => new GogsServer(emptyChart(), 'g', p)],
    ['ImageRegistry', (p) => new ImageRegistry(emptyChart(), 'r', p)],
    ['SharedProcessNamespacePod', (p) => new SharedProcessNamespacePod(emptyChart(), 's', p)],
    ['EventListener', (p) => new EventListener(emptyChart(), 'e', p)],
    ['TriggerBinding', (p) => new TriggerBinding(emptyChart(), 'b', p)],
  ];
  test.each(cases.flatMap(([name, make]) => [null, 5, 'x', []].map((props) => [name, JSON.stringify(props), make, props] as const)))(
    '%s with props %s',
    (_name, _shown, make, props) => {
      let error: unknown;
      try {
        make(props);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(/invalid props .*; expected an object of props/);
    },
  );
});

describe('GogsServer and ImageRegistry sizes go through the one quantity parser', () => {
  const size = { cpuRequest: '100m', memoryRequest: '64Mi', cpuLimit: '1', memoryLimit: '256Mi' };
  test.each([
    ['GogsServer', (p: any) => new GogsServer(emptyChart(), 'g', p)],
    ['ImageRegistry', (p: any) => new ImageRegistry(emptyChart(), 'r', p)],
  ] as const)('%s: "1 Gi", "1Gb", "lots" and a non-object size are errors naming the field', (_name, make) => {
    expect(() => make({ size: { ...size, memoryLimit: '1 Gi' } })).toThrow(
      /invalid size\.memoryLimit "1 Gi"; expected a Kubernetes quantity/,
    );
    expect(() => make({ size: { ...size, memoryRequest: '1Gb' } })).toThrow(/invalid size\.memoryRequest "1Gb"/);
    expect(() => make({ size: { ...size, cpuRequest: 'lots' } })).toThrow(/invalid size\.cpuRequest "lots"/);
    expect(() => make({ size: 5 })).toThrow(/invalid size 5; expected a ContainerSize/);
    expect(() => make({ size })).not.toThrow();
  });
});

describe('Tekton triggers', () => {
  const chart = () => new Chart(Testing.app(), 'c');
  test.each([
    'a..b',
    'x.lock',
    'a/x.lock/b',
    '-x',
    'a\u0001b',
    'a\u007fb',
    'a b',
    '.hidden',
    'a/.b',
    'a/',
    '/a',
    'a//b',
    'a.',
    '@',
    'a@{b',
    'a\\b',
    'a~1',
    'a^',
    'a:b',
    'a?',
    'a*',
    'a[b',
    '',
  ])('branch %j, which git refuses, is refused', (branch) => {
    expect(isGitBranchName(branch)).toBe(false);
  });
  test.each(['master', 'feature/x-1', 'release-1.2', 'a.b/c', 'a@b', 'ünïcode'])('branch %j is accepted', (branch) => {
    expect(isGitBranchName(branch)).toBe(true);
  });
  test.each(['gitadmin/demo.git', 'gitadmin/Demo.GIT', 'gitadmin/demo.wiki', 'gitadmin/..', 'gitadmin/.'])(
    'repository %j, which Gogs refuses, is refused',
    (repository) => {
      expect(isGogsRepositoryName(repository)).toBe(false);
    },
  );
  test.each([
    ['branches', 'a..b'],
    ['branches', 'x.lock'],
    ['branches', '-x'],
    ['repositories', 'gitadmin/demo.git'],
  ])('GogsPushTrigger refuses %s %j', (field, value) => {
    const c = chart();
    expect(() => new GogsPushTrigger(c, 't', { pipeline: new BuildPipeline(c, 'p'), [field]: [value] } as any)).toThrow(
      new RegExp(`invalid ${field} "${value.replace(/[.]/g, '\\.')}"; expected`),
    );
  });
  test('GogsPushTrigger accepts branch feature/x-1 and repository gitadmin/demo-app', () => {
    const c = chart();
    expect(
      () =>
        new GogsPushTrigger(c, 't', {
          pipeline: new BuildPipeline(c, 'p'),
          branches: ['feature/x-1'],
          repositories: ['gitadmin/demo-app'],
        } as any),
    ).not.toThrow();
  });
  test('git names: the rule text names what is allowed', () => {
    expect(BRANCH_NAME_RULE).toMatch(/no "\.\.", "@\{", "\/\/"/);
    expect(isGogsRepositoryName('gitadmin/demo-app')).toBe(true);
  });
  test('a deployment name that makes the TaskRun generateName exceed 253 characters is refused', () => {
    const c = chart();
    const deployTask = new DeployImageTask(c, 'd');
    const deployment = Array(4).fill('a'.repeat(60)).join('.');
    expect(() => new RegistryPushTrigger(c, 'r', { deployTask, deployment, repository: 'demo-app' } as any)).toThrow(
      /invalid deployment "a+.*"; expected a name of at most \d+ characters, so the TaskRun generateName/,
    );
  });
});
