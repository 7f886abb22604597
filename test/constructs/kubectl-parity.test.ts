/**
 * kubectl parity: every flag of `kubectl run` / `kubectl expose` 1.28 has a
 * prop or a documented reason (lib/constructs/kubectl-parity.ts), and each prop sets the
 * same field to the same value as kubectl 1.28 did for its flag
 * (test/fixtures/kubectl-1.28/kubectl-*.yaml, made by generate.sh there).
 * Objects are compared with the library's `compare`; our hardening
 * (security contexts, resources, scratch volumes) is the only other difference.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { parse } from 'yaml';
import { ExposedPod, ExposedPodProps, PodService, RunPod, RunPodProps } from '../../lib';
import { compareObjects } from '../../lib/check-api';
import { KUBECTL_FLAGS, kubectlParityMarkdown } from '../../lib/constructs/kubectl-parity';
import { KubeObject, only, synthWith } from '../support/helpers';
import { KUBECTL_FIXTURES } from '../support/fixture-paths';

const FIXTURES = KUBECTL_FIXTURES;
const fixture = (file: string): KubeObject => parse(readFileSync(join(FIXTURES, file), 'utf8'));

/** The long flags of a `kubectl ... --help` text. */
function helpFlags(file: string): string[] {
  const text = readFileSync(join(FIXTURES, file), 'utf8');
  return [...text.matchAll(/^\s+(?:-\w, )?(--[a-z-]+)=/gm)].map((m) => m[1]);
}

/** Field paths where ours and kubectl's differ, minus what the hardening adds and kubectl's empty fields. */
function differences(ours: KubeObject, theirs: KubeObject): string[] {
  const result = compareObjects([ours], [theirs]);
  return result.objects
    .flatMap((o) => o.differences.map((d) => d.path))
    .filter((path) => !/securityContext|resources|volumeMounts|volumes|automountServiceAccountToken|creationTimestamp|^status/.test(path));
}

const pod = (props: RunPodProps) =>
  only(
    synthWith((chart) => new RunPod(chart, 'p', props)),
    'Pod',
  );
const service = (props: ExposedPodProps) =>
  only(
    synthWith((chart) => new ExposedPod(chart, 'e', props)),
    'Service',
  );
// The stock nginx starts as root, so it needs the baseline hardening (restricted is a synth error for it).
const base: RunPodProps = { name: 'web', image: 'nginx:1.27', port: 8080, podSecurity: 'baseline' };
const noPort: RunPodProps = { name: 'web', image: 'nginx:1.27', podSecurity: 'baseline' };

describe('the parity table', () => {
  test.each([
    ['run', 'kubectl-run-help.txt'],
    ['expose', 'kubectl-expose-help.txt'],
  ] as const)('lists every flag of kubectl %s 1.28, and no other', (command, file) => {
    const flags = helpFlags(file);
    expect(flags.length).toBeGreaterThan(15);
    const listed = KUBECTL_FLAGS.filter((f) => f.command === command && /^--[a-z]/.test(f.flag)).map((f) => f.flag);
    expect([...listed].sort()).toEqual([...flags].sort());
  });

  test('each row has a prop or a note saying why not', () => {
    for (const row of KUBECTL_FLAGS) expect(Boolean(row.prop) || Boolean(row.note)).toBe(true);
  });

  test('the docs show the table as generated', () => {
    expect(readFileSync(join(__dirname, '..', '..', 'docs', 'generated', 'kubectl-parity.md'), 'utf8')).toContain(kubectlParityMarkdown());
  });
});

describe('each prop against kubectl 1.28 output for its flag', () => {
  test.each<[string, RunPodProps]>([
    ['kubectl-run-basic.yaml', base],
    ['kubectl-run-env.yaml', { ...noPort, env: { APP_COLOR: 'blue', APP_MODE: 'practice' } }],
    [
      'kubectl-run-labels-annotations.yaml',
      { ...noPort, labels: { app: 'web', tier: 'front' }, annotations: { team: 'blue', owner: 'kim' } },
    ],
    ['kubectl-run-image-pull-policy.yaml', { ...noPort, imagePullPolicy: 'IfNotPresent' }],
    ['kubectl-run-restart-never.yaml', { ...noPort, restartPolicy: 'Never' }],
    ['kubectl-run-restart-onfailure.yaml', { ...noPort, restartPolicy: 'OnFailure' }],
    ['kubectl-run-command.yaml', { name: 'shell', image: 'busybox:1.36', command: ['sleep', '3600'], runAsUser: 65534, writablePaths: [] }],
    ['kubectl-run-args.yaml', { name: 'shell', image: 'busybox:1.36', args: ['sleep', '3600'], runAsUser: 65534, writablePaths: [] }],
  ])('RunPod equals %s', (file, props) => {
    expect(differences(pod(props), fixture(file))).toEqual([]);
  });

  test('--privileged sets a field RunPod never sets (documented as not offered)', () => {
    expect(differences(pod(noPort), fixture('kubectl-run-privileged.yaml'))).toEqual([]);
    expect(fixture('kubectl-run-privileged.yaml').spec.containers[0].securityContext).toEqual({ privileged: true });
    expect(pod(noPort).spec.containers[0].securityContext.privileged).toBeUndefined();
  });

  test.each<[string, ExposedPodProps]>([
    ['kubectl-expose-basic.yaml', { ...base, servicePort: 80, targetPort: 8080 }],
    ['kubectl-expose-nodeport.yaml', { ...base, type: 'NodePort', servicePort: 80, targetPort: 8080 }],
    ['kubectl-expose-session-affinity.yaml', { ...base, servicePort: 80, targetPort: 8080, sessionAffinity: 'ClientIP' }],
    [
      'kubectl-expose-name-labels.yaml',
      { ...base, servicePort: 80, targetPort: 8080, serviceName: 'web-svc', serviceLabels: { tier: 'front' } },
    ],
  ])('ExposedPod equals %s', (file, props) => {
    // kubectl expose leaves `type` to the API server's default, ClusterIP
    const theirs = fixture(file);
    expect(differences(service(props), { ...theirs, spec: { type: 'ClusterIP', ...theirs.spec } })).toEqual([]);
  });

  test('PodService with ports equals `kubectl expose` of a pod with two ports (named port-1, port-2)', () => {
    const target = {
      name: 'web',
      labels: { run: 'web' },
      ports: [
        { containerPort: 8080, protocol: 'TCP' as const },
        { containerPort: 9090, protocol: 'TCP' as const },
      ],
    };
    const ours = only(
      synthWith((chart) => new PodService(chart, 's', { pod: target, ports: [{ port: 8080 }, { port: 9090 }] })),
      'Service',
    );
    const theirs = fixture('kubectl-expose-two-ports.yaml');
    expect(differences(ours, { ...theirs, spec: { type: 'ClusterIP', ...theirs.spec } })).toEqual([]);
  });

  test.each([
    ['kubectl-expose-loadbalancer.yaml', 'spec.loadBalancerIP', '--load-balancer-ip'],
    ['kubectl-expose-external-ip.yaml', 'spec.externalIPs', '--external-ip'],
    ['kubectl-expose-cluster-ip.yaml', 'spec.clusterIP', '--cluster-ip'],
    ['kubectl-expose-selector.yaml', 'spec.selector', '--selector'],
    ['kubectl-expose-protocol-udp.yaml', 'spec.ports', '--protocol'],
  ])('%s sets %s, which the table documents as not offered', (file, field, flag) => {
    const ours = service({
      ...base,
      type: file.includes('loadbalancer') ? 'LoadBalancer' : 'ClusterIP',
      servicePort: file.includes('udp') ? 53 : 80,
      targetPort: 8080,
    });
    const theirs = fixture(file);
    expect(
      differences(ours, { ...theirs, spec: { type: 'ClusterIP', ...theirs.spec } }).some((p) =>
        p.startsWith(field.replace('spec.ports', 'spec.ports[')),
      ),
    ).toBe(true);
    expect(KUBECTL_FLAGS.find((f) => f.command === 'expose' && f.flag === flag)?.note).toMatch(/not offered|taken from the pod/);
  });
});

describe('the addJsonPatch IntOrString pitfall the docs document', () => {
  const patched = (targetPort: unknown) => {
    const objects = synthWith((chart) => {
      const web = new ExposedPod(chart, 'e', { name: 'web', servicePort: 80 });
      web.service.apiObject.addJsonPatch(JsonPatch.add('/spec/ports/-', { name: 'alt', port: 81, targetPort }));
    });
    return only(objects, 'Service').spec.ports[1];
  };

  test('a plain number is dropped from the output', () => {
    expect(patched(8080)).toEqual({ name: 'alt', port: 81 });
  });

  test('k8s.IntOrString.fromNumber / fromString is kept', () => {
    expect(patched(k8s.IntOrString.fromNumber(8080))).toEqual({ name: 'alt', port: 81, targetPort: 8080 });
    expect(patched(k8s.IntOrString.fromString('http'))).toEqual({ name: 'alt', port: 81, targetPort: 'http' });
  });
});
