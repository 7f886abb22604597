/**
 * Our constructs against what kubectl 1.28 generates (test/fixtures/kubectl-1.28),
 * compared as parsed YAML on the fields that decide behaviour.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ExposeType, ExposedPod, RunPod } from '../../lib';
import { KubeObject, only, selects, synthWith } from '../support/helpers';
import { KUBECTL_FIXTURES } from '../support/fixture-paths';

const fixture = (file: string): KubeObject => parse(readFileSync(join(KUBECTL_FIXTURES, file), 'utf8'));

/** A port as kube-proxy sees it: number, protocol (TCP when omitted), target (port when omitted). */
const portSemantics = (p: any) => ({
  port: p.port,
  protocol: p.protocol ?? 'TCP',
  targetPort: p.targetPort ?? p.port,
  nodePort: p.nodePort,
});

describe('equivalence with kubectl 1.28 output', () => {
  test('RunPod equals `kubectl run nginx --image=nginx --port=80` on name, labels, container, policies', () => {
    const theirs = fixture('pod-run.yaml');
    const ours = only(
      synthWith((chart) => new RunPod(chart, 'p', { name: 'nginx', image: 'nginx', port: 80, podSecurity: 'baseline' })),
      'Pod',
    );
    expect(ours.metadata.name).toBe(theirs.metadata.name);
    expect(ours.metadata.labels).toEqual(theirs.metadata.labels);
    const [c1] = ours.spec.containers;
    const [c2] = theirs.spec.containers;
    expect({ name: c1.name, image: c1.image, ports: c1.ports }).toEqual({ name: c2.name, image: c2.image, ports: c2.ports });
    expect(ours.spec.restartPolicy).toBe(theirs.spec.restartPolicy);
    expect(ours.spec.dnsPolicy).toBe(theirs.spec.dnsPolicy);
  });

  // `kubectl create service TYPE nginx --tcp=80:80` labels the Service and selects `app: nginx`.
  test.each([
    ['ClusterIP', 'service-clusterip.yaml'],
    ['NodePort', 'service-nodeport.yaml'],
    ['LoadBalancer', 'service-loadbalancer.yaml'],
  ] as [ExposeType, string][])('%s Service equals %s on type, ports and selector', (type, file) => {
    const theirs = fixture(file);
    const objects = synthWith(
      (chart) =>
        new ExposedPod(chart, 'web', {
          name: 'nginx',
          image: 'nginx',
          port: 80,
          podSecurity: 'baseline',
          labels: { app: 'nginx' },
          type,
          servicePort: 80,
          targetPort: 80,
        }),
    );
    const ours = only(objects, 'Service');
    const pod = only(objects, 'Pod');
    expect(ours.metadata.name).toBe(theirs.metadata.name);
    expect(ours.spec.type).toBe(theirs.spec.type);
    expect(ours.spec.ports.map(portSemantics)).toEqual(theirs.spec.ports.map(portSemantics));
    expect(ours.spec.selector).toEqual(theirs.spec.selector);
    // selector semantics: both select our pod, and would select any pod the other selects
    expect(selects(theirs.spec.selector, pod.metadata.labels)).toBe(true);
    expect(selects(ours.spec.selector, pod.metadata.labels)).toBe(true);
  });

  test('the Service has the shape of `kubectl expose`: unnamed TCP port, labels copied from the pod', () => {
    const theirs = fixture('service-expose-deployment.yaml');
    const ours = only(
      synthWith(
        (chart) =>
          new ExposedPod(chart, 'web', {
            name: 'nginx',
            image: 'nginx',
            port: 80,
            podSecurity: 'baseline',
            labels: { app: 'nginx' },
            servicePort: 80,
          }),
      ),
      'Service',
    );
    expect(ours.spec.ports).toEqual(theirs.spec.ports);
    expect(ours.metadata.labels).toEqual(theirs.metadata.labels);
    expect(ours.spec.selector).toEqual(theirs.spec.selector);
    // kubectl expose leaves the type to the API server default, which is ClusterIP
    expect(theirs.spec.type ?? 'ClusterIP').toBe(ours.spec.type);
  });

  test('our NodePort exercise Service matches kubectl on type and selector semantics, plus the pinned nodePort', () => {
    const theirs = fixture('service-nodeport.yaml');
    const exposed = synthWith(
      (chart) =>
        new ExposedPod(chart, 'web', {
          name: 'nginx',
          labels: { app: 'nginx' },
          type: 'NodePort',
          servicePort: 80,
          targetPort: 8080,
          nodePort: 30080,
        }),
    );
    const ours = only(exposed, 'Service');
    expect(ours.spec.type).toBe(theirs.spec.type);
    expect(ours.spec.selector).toEqual(theirs.spec.selector);
    expect(portSemantics(ours.spec.ports[0])).toEqual({ port: 80, protocol: 'TCP', targetPort: 8080, nodePort: 30080 });
  });
});
