/**
 * RunDeployment (`kubectl create deployment` + `kubectl expose deployment`) and podTargetOf (a
 * cdk8s-plus workload as an IPodTarget): fields against kubectl 1.28's output, the hardening shared
 * with RunPod, prop errors, and a validator run on the result.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Size, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { parse } from 'yaml';
import {
  AllowIngressPolicy,
  BUILD_PROJECT_QUOTA,
  Images,
  NOBODY_UID,
  PodService,
  podTargetOf,
  Project,
  RunDeployment,
  RunDeploymentProps,
  RunPod,
} from '../../../lib';
import { compareObjects } from '../../../lib/check-api';
import { validateObjects } from '../../../lib/tooling/check/validate';
import { KubeObject, only, synthWith } from '../../support/helpers';
import { KUBECTL_FIXTURES } from '../../support/fixture-paths';

const fixture = (file: string): KubeObject => parse(readFileSync(join(KUBECTL_FIXTURES, file), 'utf8'));
const deployment = (props: RunDeploymentProps) =>
  only(
    synthWith((chart) => new RunDeployment(chart, 'd', props)),
    'Deployment',
  );

/** Validation errors of everything built in a Project. */
function projectErrors(build: (project: Project) => void, podSecurity: 'restricted' | 'baseline' = 'restricted'): string[] {
  const project = new Project(Testing.app(), 'p', { namespace: 'shop', podSecurity, quota: BUILD_PROJECT_QUOTA });
  build(project);
  const objects = Testing.synth(project) as any[];
  return validateObjects(objects.map((object, document) => ({ file: 'shop', document, object })))
    .findings.filter((f) => f.severity === 'error')
    .map((f) => `${f.rule}: ${f.message}`);
}

describe('RunDeployment against `kubectl create deployment nginx --image=nginx --port=80 --replicas=3`', () => {
  const props: RunDeploymentProps = { name: 'nginx', image: 'nginx', port: 80, replicas: 3, podSecurity: 'baseline' };

  test('differs only in the hardening kubectl does not add', () => {
    const result = compareObjects([deployment(props)], [fixture('deployment-port80-replicas3.yaml')]);
    const paths = result.objects[0].differences.map((d) => `${d.kind} ${d.path}`);
    expect(paths).toEqual([
      'only-in-a spec.template.spec.automountServiceAccountToken',
      'only-in-a spec.template.spec.containers[name=nginx].resources',
      'only-in-a spec.template.spec.containers[name=nginx].securityContext',
      'only-in-a spec.template.spec.securityContext',
    ]);
  });

  test('names the container after the image as kubectl does (no random suffix)', () => {
    expect(deployment({ name: 'web' }).spec.template.spec.containers[0].name).toBe('nginx-unprivileged');
    expect(
      deployment({ name: 'web', image: 'registry.local:5000/team/my_app.v2:1.0', runAsUser: 1000 }).spec.template.spec.containers[0].name,
    ).toBe('my-app-v2');
    expect(
      deployment({ name: 'web', image: `busybox@sha256:${'a'.repeat(64)}`, runAsUser: NOBODY_UID }).spec.template.spec.containers[0].name,
    ).toBe('busybox');
    expect(deployment({ name: 'web', containerName: 'server' }).spec.template.spec.containers[0].name).toBe('server');
  });
});

describe("RunDeployment shares RunPod's hardening", () => {
  test('the pod template has the same security contexts, resources and scratch volume as RunPod', () => {
    const template = deployment({ name: 'web' }).spec.template.spec;
    const pod = only(
      synthWith((chart) => new RunPod(chart, 'p', { name: 'web' })),
      'Pod',
    ).spec;
    expect(template.securityContext).toEqual(pod.securityContext);
    expect(template.containers[0].securityContext).toEqual(pod.containers[0].securityContext);
    expect(template.containers[0].resources).toEqual(pod.containers[0].resources);
    expect(template.volumes).toEqual(pod.volumes);
    expect(template.containers[0].ports).toEqual([{ containerPort: 8080 }]);
  });

  test('a known root image without runAsUser is refused, as in RunPod', () => {
    expect(() => deployment({ name: 'web', image: 'nginx' })).toThrow(
      /^test\/d: invalid image "nginx"; expected an image that runs as a non-root user/,
    );
  });

  test('podSecurity baseline in a restricted Project is a synth-time error', () => {
    expect(() => projectErrors((p) => new RunDeployment(p, 'd', { name: 'web', image: 'nginx', podSecurity: 'baseline' }))).toThrow(
      /^p\/d: invalid podSecurity "baseline"; expected "restricted"/,
    );
  });

  test.each([
    [{ replicas: -1 }, 'test/d: invalid replicas -1; expected a whole number from 0 to 2147483647'],
    [{ replicas: 1.5 }, 'test/d: invalid replicas 1.5; expected a whole number from 0 to 2147483647'],
    [{ labels: {} }, 'test/d: invalid labels {}; expected at least one label: the Deployment selects its pods by them'],
    [{ containerName: 'Web_1' }, 'test/d: invalid containerName "Web_1"; expected a DNS-1123 label'],
    [{ image: 'registry.local/APP:1' }, 'test/d: invalid containerName (from the image) "APP"; expected a DNS-1123 label'],
    [{ podAnnotations: { 'bad key!': 'x' } }, 'test/d: invalid podAnnotations key "bad key!"; expected a label key'],
  ] as [Partial<RunDeploymentProps>, string][])('%j is refused naming the field', (bad, message) => {
    expect(() => deployment({ name: 'web', ...bad })).toThrow(message);
  });
});

describe('`kubectl expose deployment`: PodService on a RunDeployment', () => {
  test("the Service selects the Deployment's labels, equals kubectl's on ports and selector, and validates clean in a Project", () => {
    const errors = projectErrors((p) => {
      const web = new RunDeployment(p, 'web', { name: 'nginx', replicas: 3 });
      new PodService(p, 'svc', { pod: web, servicePort: 80 });
    });
    expect(errors).toEqual([]);
    const objects = synthWith((chart) => {
      const web = new RunDeployment(chart, 'web', { name: 'nginx', image: 'nginx', port: 80, podSecurity: 'baseline' });
      new PodService(chart, 'svc', { pod: web, servicePort: 80 });
    });
    const ours = only(objects, 'Service');
    const theirs = fixture('service-expose-deployment.yaml');
    expect(compareObjects([ours], [{ ...theirs, spec: { type: 'ClusterIP', ...theirs.spec } }]).equal).toBe(true);
  });

  test('three replicas count against the quota: the validator catches a quota they exceed', () => {
    const project = new Project(Testing.app(), 'p', { namespace: 'shop' });
    new RunDeployment(project, 'web', { name: 'web', replicas: 11 });
    const objects = Testing.synth(project) as any[];
    const rules = validateObjects(objects.map((object, document) => ({ file: 'shop', document, object }))).findings.map((f) => f.rule);
    expect(rules).toContain('quota-exceeded');
  });
});

describe('podTargetOf: a cdk8s-plus workload as an IPodTarget', () => {
  test('a plus Deployment: PodService selects its matchLabels and targets its named port; validates clean', () => {
    let selector: Record<string, string> = {};
    const errors = projectErrors((p) => {
      const app = new plus.Deployment(p, 'app', {
        containers: [
          {
            image: Images.web,
            ports: [{ number: 8080, name: 'http' }],
            resources: {
              cpu: { request: plus.Cpu.millis(50), limit: plus.Cpu.millis(200) },
              memory: { request: Size.mebibytes(32), limit: Size.mebibytes(128) },
            },
          },
        ],
        securityContext: { ensureNonRoot: true },
        automountServiceAccountToken: false,
      });
      const target = podTargetOf(app);
      selector = target.labels as Record<string, string>;
      new PodService(p, 'svc', { pod: target, servicePort: 80, targetPort: 'http' });
      new AllowIngressPolicy(p, 'allow', { name: 'allow-web', to: target, fromAnywhere: true });
    }, 'baseline');
    expect(Object.keys(selector)).toEqual([plus.Pod.ADDRESS_LABEL]);
    expect(errors).toEqual([]);
  });

  test('ports are read when used: a port added after the call counts', () => {
    const chart = Testing.chart();
    const app = new plus.Deployment(chart, 'app', { containers: [{ image: Images.web }] });
    const target = podTargetOf(app);
    expect(target.ports).toEqual([]);
    app.containers[0].addPort({ number: 9090, name: 'metrics', protocol: plus.Protocol.UDP });
    expect(target.ports).toEqual([{ containerPort: 9090, name: 'metrics', protocol: 'UDP' }]);
    expect(target.name).toBe(app.name);
  });

  test('a bare plus Pod gives its labels', () => {
    const chart = Testing.chart();
    const pod = new plus.Pod(chart, 'pod', { containers: [{ image: Images.web, portNumber: 8080 }], metadata: { labels: { app: 'web' } } });
    expect(podTargetOf(pod).labels).toMatchObject({ app: 'web' });
    expect(podTargetOf(pod).ports).toEqual([{ containerPort: 8080, name: undefined, protocol: 'TCP' }]);
  });

  test('matchExpressions, no labels at all, or not a workload are refused with a clear error', () => {
    const chart = Testing.chart();
    const app = new plus.Deployment(chart, 'app', { containers: [{ image: Images.web }] });
    app.select(plus.LabelSelector.of({ expressions: [plus.LabelExpression.exists('tier')] }));
    expect(() => podTargetOf(app).labels).toThrow(
      /^test\/app: invalid matchExpressions .*; expected none: a Service selects pods by labels only/,
    );
    const bare = new plus.Deployment(chart, 'bare', { containers: [{ image: Images.web }], select: false });
    expect(() => podTargetOf(bare).labels).toThrow('test/bare: invalid matchLabels {}; expected at least one label');
    expect(() => podTargetOf({} as never)).toThrow(
      'podTargetOf: invalid workload [object Object]; expected a cdk8s-plus-28 Pod, Deployment, StatefulSet, DaemonSet or Job',
    );
  });
});
