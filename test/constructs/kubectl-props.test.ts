/**
 * The kubectl-parity props of RunPod and ExposedPod/PodService: output
 * validated with the library's validator, and errors naming field, value
 * and what is allowed.
 */
import { Chart, Testing } from 'cdk8s';
import { ExposedPod, ExposedPodProps, Project, RunPod, RunPodProps } from '../../lib';
import { validateObjects } from '../../lib/check-api';
import { KubeObject, emptyChart, only } from '../support/helpers';

/** Synthesizes inside a Project (namespace, quota, limits) and expects no validator finding. */
function valid(build: (chart: Chart) => void): KubeObject[] {
  const project = new Project(Testing.app(), 'p', { namespace: 'parity' });
  build(project);
  const objects = project.toJson() as KubeObject[];
  const result = validateObjects(objects.map((object, document) => ({ file: 'parity.yaml', document, object })));
  expect(result.findings.map((f) => `${f.kind}/${f.name} ${f.path}: ${f.message}`)).toEqual([]);
  return objects;
}
const pod = (props: Partial<RunPodProps>) =>
  only(
    valid((c) => new RunPod(c, 'r', { name: 'web', ...props })),
    'Pod',
  );
const service = (props: Partial<ExposedPodProps>) =>
  only(
    valid((c) => new ExposedPod(c, 'e', { name: 'web', ...props })),
    'Service',
  );
const refuse = (props: Partial<RunPodProps>) => () => new RunPod(emptyChart(), 'r', { name: 'web', ...props });
const refuseService = (props: Partial<ExposedPodProps>) => () => new ExposedPod(emptyChart(), 'e', { name: 'web', ...props });

describe('RunPod kubectl-run props', () => {
  test('env, annotations, imagePullPolicy, restartPolicy', () => {
    const p = pod({
      env: { B: '2', A: '1' },
      annotations: { 'example.com/owner': 'kim' },
      imagePullPolicy: 'Always',
      restartPolicy: 'OnFailure',
    });
    expect(p.spec.containers[0].env).toEqual([
      { name: 'B', value: '2' },
      { name: 'A', value: '1' },
    ]);
    expect(p.metadata.annotations).toEqual({ 'example.com/owner': 'kim' });
    expect(p.spec.containers[0].imagePullPolicy).toBe('Always');
    expect(p.spec.restartPolicy).toBe('OnFailure');
  });

  test('probes of each kind, by port number and declared name', () => {
    const p = pod({
      portName: 'http',
      readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 5 },
      livenessProbe: { tcpSocket: { port: 8080 }, failureThreshold: 4 },
      startupProbe: { exec: { command: ['cat', '/tmp/ready'] }, initialDelaySeconds: 0 },
    });
    expect(p.spec.containers[0]).toMatchObject({
      readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 5 },
      livenessProbe: { tcpSocket: { port: 8080 }, failureThreshold: 4 },
      startupProbe: { exec: { command: ['cat', '/tmp/ready'] }, initialDelaySeconds: 0 },
    });
  });

  test.each<[string, Partial<RunPodProps>, RegExp]>([
    ['env name', { env: { '1BAD': 'x' } }, /r: invalid env key "1BAD"; expected a variable name/],
    ['env value', { env: { A: 1 as unknown as string } }, /invalid env \{"A":1\}; expected an object of name to string value/],
    ['annotation key', { annotations: { 'bad key': 'x' } }, /invalid annotations key "bad key"; expected/],
    [
      'imagePullPolicy',
      { imagePullPolicy: 'Sometimes' as any },
      /invalid imagePullPolicy "Sometimes"; expected one of "Always", "IfNotPresent", "Never"/,
    ],
    ['restartPolicy', { restartPolicy: 'Maybe' as any }, /invalid restartPolicy "Maybe"; expected one of "Always", "OnFailure", "Never"/],
    [
      'two probe handlers',
      { readinessProbe: { httpGet: { path: '/', port: 8080 }, tcpSocket: { port: 8080 } } },
      /invalid readinessProbe .*exactly one of httpGet, tcpSocket or exec \(found httpGet, tcpSocket\)/,
    ],
    [
      'an undeclared named port',
      { readinessProbe: { tcpSocket: { port: 'metrics' } } },
      /invalid readinessProbe.tcpSocket.port "metrics"; expected a port number or the name of a port the pod declares: 8080/,
    ],
    [
      'a relative path',
      { readinessProbe: { httpGet: { path: 'health', port: 8080 } } },
      /invalid readinessProbe.httpGet.path "health"; expected an absolute URL path/,
    ],
    [
      'a zero period',
      { livenessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 0 } },
      /invalid livenessProbe.periodSeconds 0; expected an integer of at least 1/,
    ],
    [
      'a liveness probe on a pod that never restarts',
      { restartPolicy: 'Never', livenessProbe: { tcpSocket: { port: 8080 } } },
      /invalid livenessProbe .*no liveness or startup probe with restartPolicy "Never"/,
    ],
  ])('refuses %s', (_what, props, message) => {
    expect(refuse(props)).toThrow(message);
  });
});

describe('ExposedPod kubectl-expose props', () => {
  test('session affinity, external traffic policy, service labels', () => {
    const s = service({
      type: 'NodePort',
      servicePort: 80,
      sessionAffinity: 'ClientIP',
      externalTrafficPolicy: 'Local',
      serviceLabels: { tier: 'front' },
    });
    expect(s.spec).toMatchObject({
      type: 'NodePort',
      sessionAffinity: 'ClientIP',
      externalTrafficPolicy: 'Local',
      selector: { run: 'web' },
    });
    expect(s.metadata.labels).toEqual({ tier: 'front' });
  });

  test("several ports to the pod's port, named port-N by default, with node ports", () => {
    const s = service({
      type: 'NodePort',
      ports: [
        { port: 80, targetPort: 8080, nodePort: 30081 },
        { port: 8080, nodePort: 30082 },
      ],
    });
    expect(s.spec.ports).toEqual([
      { name: 'port-1', port: 80, protocol: 'TCP', targetPort: 8080, nodePort: 30081 },
      { name: 'port-2', port: 8080, protocol: 'TCP', targetPort: 8080, nodePort: 30082 },
    ]);
  });

  test.each<[string, Partial<ExposedPodProps>, RegExp]>([
    [
      'externalTrafficPolicy on ClusterIP',
      { externalTrafficPolicy: 'Local' },
      /invalid externalTrafficPolicy "Local"; expected no externalTrafficPolicy for type "ClusterIP"/,
    ],
    [
      'an unknown session affinity',
      { sessionAffinity: 'Sticky' as any },
      /invalid sessionAffinity "Sticky"; expected one of "None", "ClientIP"/,
    ],
    [
      'servicePort together with ports',
      { servicePort: 80, ports: [{ port: 80 }] },
      /invalid servicePort 80; expected no servicePort together with ports/,
    ],
    ['an empty ports list', { ports: [] }, /invalid ports \[\]; expected a non-empty list/],
    [
      'a duplicate port',
      {
        ports: [
          { port: 80, targetPort: 8080 },
          { port: 80, targetPort: 8080 },
        ],
      },
      /invalid ports\[1\]\.port 80; expected a port not used by ports\[0\]/,
    ],
    [
      'an undeclared target',
      { ports: [{ port: 80, targetPort: 9090 }] },
      /invalid ports\[0\]\.targetPort 9090; expected a port the pod "web" declares: 8080/,
    ],
    [
      'a nodePort on ClusterIP',
      { ports: [{ port: 80, targetPort: 8080, nodePort: 30001 }] },
      /invalid ports\[0\]\.nodePort 30001; expected no nodePort for type "ClusterIP"/,
    ],
    ['bad service labels', { serviceLabels: { 'a b': 'x' } }, /invalid serviceLabels key "a b"/],
  ])('refuses %s', (_what, props, message) => {
    expect(refuseService(props)).toThrow(message);
  });
});
