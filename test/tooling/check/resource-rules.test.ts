/**
 * The resource rules beyond the mutation suite: exact quantity arithmetic, every place a Tekton
 * step's requests and limits live, LimitRange defaulting as the API server and Tekton do it for
 * steps, negative LimitRange values and quota sums. The same checks of built-in pods, workloads
 * and LimitRanges are the API server's own (validation and LimitRanger admission), run by the
 * validation engine: tested through it here.
 */
import { stringify } from 'yaml';
import { compareQuantities, parseQuantity } from '../../../lib/util/exact-quantity';
import { Finding } from '../../../lib/tooling/check/finding';
import { validateYaml } from '../../../lib/tooling/check/validate';
import { engineMissing } from './mutation-cases';
import { KubeObject } from '../../support/helpers';

/** Findings of the resource rules only, as `Kind/name path [rule]`. */
function check(...objects: KubeObject[]): string[] {
  return findings(...objects).map((f) => `${f.kind}/${f.name} ${f.path} [${f.rule}]`);
}

const RESOURCE_RULES = new Set([
  'resources-request-over-limit',
  'limit-range-default-below-request',
  'negative-quantity',
  'quota-exceeded',
  'quota-missing-resource',
]);

function findings(...objects: KubeObject[]): Finding[] {
  const text = objects.map((o) => stringify(o)).join('---\n');
  return validateYaml(text, 'test.yaml').findings.filter((f) => RESOURCE_RULES.has(f.rule));
}

/** What `validate` (our rules and the validation engine) finds, as `Kind/name path [rule] (engine)`. */
function judged(...objects: KubeObject[]): string[] {
  const text = objects.map((o) => stringify(o)).join('---\n');
  return validateYaml(text, 'test.yaml', { apiServer: 'auto' })
    .findings.filter((f) => f.rule !== 'image-not-pinned') // the containers here name an unpinned busybox
    .map((f) => `${f.kind}/${f.name} ${f.path} [${f.rule}] (${f.engine ?? 'k8s-practice rule'})`);
}

const missing = engineMissing();
const describeWithEngine = missing ? describe.skip : describe;
if (missing) {
  test(`no validation engine is built: the tests through it are skipped (${missing})`, () => {
    console.warn(`skipped: tests through the validation engine: ${missing}`);
  });
}
const VALIDATION = 'kube-apiserver 1.28.15 validation';

const NS = 'ci';
const limitRange = (limits: KubeObject, name = 'container-defaults', namespace = NS): KubeObject => ({
  apiVersion: 'v1',
  kind: 'LimitRange',
  metadata: { name, namespace },
  spec: { limits: [{ type: 'Container', ...limits }] },
});
const DEFAULTS = limitRange({ default: { cpu: '200m', memory: '128Mi' }, defaultRequest: { cpu: '50m', memory: '32Mi' } });
const container = (name: string, resources?: KubeObject): KubeObject => ({ name, image: 'busybox', ...(resources ? { resources } : {}) });
const pod = (containers: KubeObject[], extra: KubeObject = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: NS },
  spec: { containers, ...extra },
});
const task = (spec: KubeObject, apiVersion = 'tekton.dev/v1'): KubeObject => ({
  apiVersion,
  kind: 'Task',
  metadata: { name: 't', namespace: NS },
  spec,
});
const step = (name: string, computeResources?: KubeObject): KubeObject => ({
  name,
  image: 'busybox',
  script: 'true',
  ...(computeResources ? { computeResources } : {}),
});

describe('exact quantities', () => {
  test.each([
    ['700m', '0.7', 0],
    ['1Gi', '1073741824', 0],
    ['1k', '1e3', 0],
    ['1.5Gi', '1536Mi', 0],
    ['100m', '0.1', 0],
    ['1M', '1Mi', -1],
    ['250m', '200m', 1],
    ['1', 1, 0],
    [0.5, '500m', 0],
    ['-1', '0', -1],
    ['1n', '0', 1],
  ] as Array<[string | number, string | number, number]>)('%s vs %s', (a, b, expected) => {
    expect(compareQuantities(parseQuantity(a)!, parseQuantity(b)!)).toBe(expected);
  });

  test('what is not a quantity parses to nothing', () => {
    for (const bad of ['1Gb', '10 Gi', '', 'abc', null, undefined, NaN, {}]) expect(parseQuantity(bad)).toBeUndefined();
  });
});

describeWithEngine('built-in pods and workloads: the API server refuses a request above the limit (through the engine)', () => {
  const over = { requests: { cpu: '250m' }, limits: { cpu: '200m' } };

  test('in every pod template kind and container list, at the requests', () => {
    const cronJob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'c', namespace: NS },
      spec: {
        schedule: '* * * * *',
        jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [container('a', over)] } } } },
      },
    };
    const statefulSet = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 's', namespace: NS },
      spec: {
        serviceName: 's',
        selector: { matchLabels: { app: 's' } },
        template: {
          metadata: { labels: { app: 's' } },
          spec: {
            initContainers: [container('init', { requests: { 'ephemeral-storage': '2Gi' }, limits: { 'ephemeral-storage': '1Gi' } })],
            containers: [container('a')],
          },
        },
      },
    };
    expect(
      judged(cronJob, statefulSet, pod([container('ok'), container('a', { requests: { memory: '1Gi' }, limits: { memory: '1000Mi' } })])),
    ).toEqual([
      `CronJob/c spec.jobTemplate.spec.template.spec.containers[0].resources.requests [api-server] (${VALIDATION})`,
      `Pod/p spec.containers[1].resources.requests [api-server] (${VALIDATION})`,
      `StatefulSet/s spec.template.spec.initContainers[0].resources.requests [api-server-later] (${VALIDATION})`,
    ]);
  });

  test('equal values written differently pass', () => {
    expect(judged(pod([container('a', { requests: { cpu: '700m', memory: '1Gi' }, limits: { cpu: 0.7, memory: '1073741824' } })]))).toEqual(
      [],
    );
  });
});

describe('resources-request-over-limit: Tekton steps and sidecars (our rule)', () => {
  const over = { requests: { cpu: '250m' }, limits: { cpu: '200m' } };

  test('built-in pods are left to the engine', () => {
    expect(check(pod([container('web', over)]))).toEqual([]);
  });

  test('Tekton: steps and sidecars, inline taskSpecs of TaskRuns and Pipelines, v1beta1 `resources`', () => {
    const taskRun = {
      apiVersion: 'tekton.dev/v1',
      kind: 'TaskRun',
      metadata: { name: 'r', namespace: NS },
      spec: { taskSpec: { steps: [step('s', over)] } },
    };
    const pipeline = {
      apiVersion: 'tekton.dev/v1',
      kind: 'Pipeline',
      metadata: { name: 'pl', namespace: NS },
      spec: { tasks: [{ name: 'a', taskSpec: { steps: [step('s')] } }], finally: [{ name: 'b', taskSpec: { steps: [step('s', over)] } }] },
    };
    const sidecar = { name: 'side', image: 'busybox', computeResources: over };
    const beta = task({ steps: [{ name: 's', image: 'busybox', script: 'true', resources: over }] }, 'tekton.dev/v1beta1');
    beta.metadata.name = 'beta';
    expect(check(taskRun, pipeline, task({ steps: [step('s')], sidecars: [sidecar] }), beta)).toEqual([
      'Pipeline/pl spec.finally[0].taskSpec.steps[0].computeResources.requests.cpu [resources-request-over-limit]',
      'Task/beta spec.steps[0].resources.requests.cpu [resources-request-over-limit]',
      'Task/t spec.sidecars[0].computeResources.requests.cpu [resources-request-over-limit]',
      'TaskRun/r spec.taskSpec.steps[0].computeResources.requests.cpu [resources-request-over-limit]',
    ]);
  });

  test('a step merges its values over stepTemplate, resource by resource; a template value is reported once', () => {
    const inherited = task({
      stepTemplate: { computeResources: { requests: { cpu: '1' }, limits: { memory: '64Mi' } } },
      steps: [
        step('a', { limits: { cpu: '500m' } }),
        step('b', { limits: { cpu: '2' }, requests: { memory: '128Mi' } }),
        step('c', { limits: { cpu: '2' } }),
      ],
    });
    const result = findings(inherited);
    expect(result.map((f) => `${f.path} [${f.rule}]`)).toEqual([
      'spec.steps[0].computeResources.limits.cpu [resources-request-over-limit]',
      'spec.steps[1].computeResources.requests.memory [resources-request-over-limit]',
    ]);
    expect(result[0].message).toBe(
      'step "a" requests cpu 1 (from stepTemplate), more than its cpu limit 500m; ' +
        'a request must not exceed the limit, so the API server refuses the TaskRun pods of this Task',
    );
    const both = task({ stepTemplate: { computeResources: over }, steps: [step('a'), step('b')] });
    expect(check(both)).toEqual(['Task/t spec.stepTemplate.computeResources.requests.cpu [resources-request-over-limit]']);
  });
});

describe('limit-range-default-below-request', () => {
  const kaniko = task({ steps: [step('build-and-push', { requests: { cpu: '250m', memory: '256Mi' } }), step('write-url')] });

  test('the kaniko regression: requests above the namespace default limits, no limits', () => {
    const result = findings(DEFAULTS, kaniko);
    expect(result.map((f) => `${f.path} [${f.rule}] ${f.severity}`)).toEqual([
      'spec.steps[0].computeResources.limits.cpu [limit-range-default-below-request] error',
      'spec.steps[0].computeResources.limits.memory [limit-range-default-below-request] error',
    ]);
    expect(result[1].message).toBe(
      'step "build-and-push" requests memory 256Mi but sets no memory limit, so LimitRange "container-defaults" ' +
        'default 128Mi becomes its limit, below the request; the API server refuses the TaskRun pods of this Task. ' +
        'Set a memory limit of at least 256Mi, or request at most 128Mi',
    );
  });

  test('no LimitRange, or one in another namespace, or a default at least the request: nothing to report', () => {
    const elsewhere = limitRange({ default: { cpu: '200m', memory: '128Mi' } }, 'other', 'elsewhere');
    const generous = limitRange({ default: { cpu: '250m', memory: '1Gi' } });
    expect(check(kaniko)).toEqual([]);
    expect(check(elsewhere, kaniko)).toEqual([]);
    expect(check(generous, kaniko)).toEqual([]);
  });

  test('a default the API server derives from max counts, and the message says so', () => {
    const onlyMax = limitRange({ max: { memory: '128Mi' } });
    const result = findings(onlyMax, task({ steps: [step('build', { requests: { memory: '256Mi' } })] }));
    expect(result.map((f) => `${f.path} [${f.rule}]`)).toEqual([
      'spec.steps[0].computeResources.limits.memory [limit-range-default-below-request]',
    ]);
    expect(result[0].message).toContain('LimitRange "container-defaults" default 128Mi (its max, as it sets no default) becomes its limit');
    expect(result[0].message).toContain('the API server refuses the TaskRun pods of this Task.');
  });

  test('any of several LimitRanges with a lower default is reported (which one LimitRanger applies first is not known offline)', () => {
    const low = limitRange({ default: { cpu: '100m' } }, 'low');
    expect(check(limitRange({ default: { cpu: '1' } }, 'high'), low, task({ steps: [step('a', { requests: { cpu: '500m' } })] }))).toEqual([
      'Task/t spec.steps[0].computeResources.limits.cpu [limit-range-default-below-request]',
    ]);
  });

  test('built-in pods are left to the engine: LimitRanger admission', () => {
    const onlyMax = limitRange({ max: { memory: '128Mi' } });
    const hungry = pod([container('web', { requests: { memory: '256Mi' } })]);
    expect(check(onlyMax, hungry)).toEqual([]);
    if (missing) return;
    expect(judged(onlyMax, hungry)).toEqual([`Pod/p spec.containers[0].resources.requests [api-server] (${VALIDATION})`]);
    // A container with a limit but no request gets a request equal to its limit (not the defaultRequest).
    expect(judged(DEFAULTS, pod([container('a', { limits: { cpu: '10m' } })]))).toEqual([]);
  });

  test('Tekton shares the defaultRequest among the steps and raises it to the min', () => {
    const shared = limitRange({ default: { cpu: '1' }, defaultRequest: { cpu: '300m' } });
    const threeSteps = (limit: string) => task({ steps: [step('a', { limits: { cpu: limit } }), step('b'), step('c')] });
    expect(check(shared, threeSteps('100m'))).toEqual([]); // 300m / 3 = 100m
    expect(check(shared, threeSteps('99m'))).toEqual([
      'Task/t spec.steps[0].computeResources.requests.cpu [limit-range-default-below-request]',
    ]);
    const withMin = limitRange({ default: { cpu: '1' }, defaultRequest: { cpu: '300m' }, min: { cpu: '150m' } });
    const result = findings(withMin, threeSteps('120m'));
    expect(result.map((f) => f.rule)).toEqual(['limit-range-default-below-request']);
    expect(result[0].message).toBe(
      'step "a" sets a cpu limit of 120m but no request, so Tekton gives it a request of 150m ' +
        '(LimitRange "container-defaults" min 150m), above the limit; the API server refuses the TaskRun pods of this Task. Set a cpu request of at most 120m',
    );
    // A sidecar is not a step: it gets a request equal to its limit.
    expect(
      check(
        shared,
        task({ steps: [step('a')], sidecars: [{ name: 's', image: 'busybox', computeResources: { limits: { cpu: '10m' } } }] }),
      ),
    ).toEqual([]);
  });
});

describeWithEngine('LimitRange bounds out of order: the API server refuses the LimitRange (through the engine)', () => {
  test.each([
    ['defaultRequest above default', { default: { cpu: '200m' }, defaultRequest: { cpu: '250m' } }, ['spec.limits[0].defaultRequest[cpu]']],
    [
      'min above max (and above the default and defaultRequest derived from max)',
      { min: { cpu: '2' }, max: { cpu: '1' } },
      ['spec.limits[0].defaultRequest[cpu]', 'spec.limits[0].default[cpu]', 'spec.limits[0].min[cpu]'],
    ],
    [
      'min above default (and above the defaultRequest derived from it)',
      { min: { memory: '1Gi' }, default: { memory: '512Mi' } },
      ['spec.limits[0].defaultRequest[memory]', 'spec.limits[0].default[memory]'],
    ],
    [
      'defaultRequest above max (and above the default derived from max)',
      { max: { cpu: '1' }, defaultRequest: { cpu: '2' } },
      ['spec.limits[0].defaultRequest[cpu]', 'spec.limits[0].defaultRequest[cpu]'],
    ],
    ['ratio below 1', { maxLimitRequestRatio: { cpu: '0.5' } }, ['spec.limits[0].maxLimitRequestRatio[cpu]']],
    [
      'ratio above max / min',
      { min: { cpu: '100m' }, max: { cpu: '1' }, maxLimitRequestRatio: { cpu: '11' } },
      ['spec.limits[0].maxLimitRequestRatio[cpu]'],
    ],
  ])('%s', (_title, limits, paths) => {
    expect(judged(limitRange(limits))).toEqual(paths.map((path) => `LimitRange/container-defaults ${path} [api-server] (${VALIDATION})`));
  });

  test('a consistent chain passes, Pod-type items are checked too', () => {
    const chain = {
      min: { cpu: '10m' },
      defaultRequest: { cpu: '50m' },
      default: { cpu: '200m' },
      max: { cpu: '1' },
      maxLimitRequestRatio: { cpu: '100' },
    };
    expect(judged(limitRange(chain))).toEqual([]);
    const podItem = {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'pods', namespace: NS },
      spec: { limits: [{ type: 'Pod', min: { memory: '2Gi' }, max: { memory: '1Gi' } }] },
    };
    expect(judged(podItem)).toEqual([`LimitRange/pods spec.limits[0].min[memory] [api-server] (${VALIDATION})`]);
  });
});

describe('negative-quantity', () => {
  const quota = {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: 'q', namespace: NS },
    spec: { hard: { 'requests.cpu': '-1', 'count/jobs.batch': '-2', pods: '3' } },
  };
  const lr = limitRange({ default: { cpu: '-100m' }, min: { memory: '-1' } });
  const negativePod = pod([container('a', { requests: { cpu: '1' }, limits: { cpu: '-1', 'example.com/gpu': -1 } })]);

  test('ours: LimitRange values (which the API server accepts) and Tekton steps; other resource rules skip negative values', () => {
    const negativeStep = task({ steps: [step('s', { requests: { cpu: '1' }, limits: { cpu: '-1' } })] });
    expect(check(quota, lr, negativePod, negativeStep)).toEqual([
      'LimitRange/container-defaults spec.limits[0].default.cpu [negative-quantity]',
      'LimitRange/container-defaults spec.limits[0].min.memory [negative-quantity]',
      'Task/t spec.steps[0].computeResources.limits.cpu [negative-quantity]',
    ]);
  });

  (missing ? test.skip : test)('the API server refuses negative quota and container values itself (through the engine)', () => {
    expect(judged(quota, negativePod)).toEqual([
      `Pod/p spec.containers[0].resources.limits[cpu] [api-server] (${VALIDATION})`,
      `Pod/p spec.containers[0].resources.limits[example.com/gpu] [api-server] (${VALIDATION})`,
      `Pod/p spec.containers[0].resources.requests [api-server] (${VALIDATION})`,
      `Pod/p spec.containers[0].resources.requests[example.com/gpu] [api-server] (${VALIDATION})`,
      `ResourceQuota/q spec.hard[count/jobs.batch] [api-server] (${VALIDATION})`,
      `ResourceQuota/q spec.hard[requests.cpu] [api-server] (${VALIDATION})`,
    ]);
  });

  test('zero is not negative', () => {
    const quota = {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'q', namespace: NS },
      spec: { hard: { pods: '0', 'requests.storage': 0 } },
    };
    expect(check(quota)).toEqual([]);
  });
});

describe('quotas', () => {
  const quota = (hard: KubeObject, extra: KubeObject = {}): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: 'q', namespace: NS },
    spec: { hard, ...extra },
  });
  const deployment = (replicas: number | undefined, resources: KubeObject): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: NS },
    spec: {
      ...(replicas === undefined ? {} : { replicas }),
      selector: { matchLabels: { app: 'd' } },
      template: { metadata: { labels: { app: 'd' } }, spec: { containers: [container('a', resources)] } },
    },
  });
  const job = (parallelism: number, completions: number): KubeObject => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'j', namespace: NS },
    spec: {
      parallelism,
      completions,
      template: { spec: { restartPolicy: 'Never', containers: [container('a', { requests: { cpu: '1' }, limits: { cpu: '1' } })] } },
    },
  });

  test('replicas (default 1), Job parallelism capped by completions, LimitRange defaults, the largest Task pod once', () => {
    const steps = task({ steps: [step('a', { requests: { cpu: '300m' }, limits: { cpu: '1' } }), step('b')] });
    const result = findings(
      quota({ 'requests.cpu': '4' }),
      DEFAULTS,
      deployment(3, { requests: { cpu: '500m' }, limits: { cpu: '1' } }),
      job(5, 2),
      steps,
    );
    // 3 × 500m + 2 × 1 + (300m + 50m / 2 steps = 25m) = 3825m: fits
    expect(result).toEqual([]);
    const tight = findings(
      quota({ 'requests.cpu': '3800m' }),
      DEFAULTS,
      deployment(3, { requests: { cpu: '500m' }, limits: { cpu: '1' } }),
      job(5, 2),
      steps,
    );
    expect(tight.map((f) => `${f.path} [${f.rule}] ${f.severity}`)).toEqual(['spec.hard["requests.cpu"] [quota-exceeded] error']);
    expect(tight[0].message).toBe(
      'the pods of namespace "ci" in the output request 3825m cpu in total ' +
        '(2 × Job/j (1 each), 3 × Deployment/d (500m each), Task/t (largest TaskRun pod, 325m)), more than ResourceQuota "q" hard requests.cpu 3800m; ' +
        'the API server refuses the pods that do not fit ("exceeded quota")',
    );
    expect(check(quota({ pods: '1' }), deployment(undefined, {}))).toEqual([]);
  });

  test('a pod counts the larger of its containers and its largest init container', () => {
    const withInit = pod([container('a', { requests: { memory: '100Mi' } })], {
      initContainers: [container('i', { requests: { memory: '1Gi' } })],
    });
    expect(check(quota({ memory: '1Gi' }), withInit)).toEqual([]);
    expect(check(quota({ memory: '1000Mi' }), withInit)).toEqual(['ResourceQuota/q spec.hard.memory [quota-exceeded]']);
  });

  test('scoped quotas are skipped', () => {
    expect(check(quota({ pods: '0', 'limits.cpu': '1' }, { scopes: ['NotBestEffort'] }), pod([container('a')]))).toEqual([]);
  });

  test('quota-missing-resource: cpu/memory quotas need every container to state them (LimitRange defaults count)', () => {
    const result = findings(
      quota({ 'limits.cpu': '4', 'requests.memory': '1Gi', 'requests.storage': '1Gi' }),
      pod([container('a', { limits: { cpu: '1', memory: '64Mi' } }), container('b', { requests: { memory: '64Mi' } })]),
    );
    expect(result.map((f) => `${f.path} [${f.rule}]`)).toEqual(['spec.containers[1].resources [quota-missing-resource]']);
    expect(result[0].message).toBe(
      'container "b" has no cpu limit (none of its own, and no LimitRange default in namespace "ci"), ' +
        'but ResourceQuota "q" tracks limits.cpu; the API server refuses the pod ("must specify limits.cpu")',
    );
    expect(check(quota({ 'limits.cpu': '4' }), DEFAULTS, pod([container('b')]))).toEqual([]);
  });
});
