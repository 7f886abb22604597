import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { ConfiguredPod, ExposedPod, ServiceEndpoints } from '../../../lib';
import { buildObjectGraph, SynthesizedObject, toMermaid } from '../../../lib/check-api';
import { exerciseGraphs, renderExerciseGraphs } from '../../../scripts/generate/exercise-graphs';

const graphOf = (build: (chart: any) => void) => {
  const chart = Testing.chart();
  build(chart);
  return buildObjectGraph(Testing.synth(chart) as SynthesizedObject[]);
};
const edgeList = (g: ReturnType<typeof buildObjectGraph>) => g.edges.map((e) => `${e.from} -${e.label}-> ${e.to}`);

describe('object graph', () => {
  test('Service -> Pod by selector; Endpoints and EndpointSlice -> Service', () => {
    const g = graphOf((chart) => {
      new ExposedPod(chart, 'web', { name: 'web' });
      new ServiceEndpoints(chart, 'db', { name: 'db', addresses: ['192.0.2.1'], ports: [{ port: 5432 }] });
    });
    expect(edgeList(g)).toEqual([
      'Service//web -selects-> Pod//web',
      'Endpoints//db -endpoints of-> Service//db',
      'EndpointSlice//db-ipv4 -endpoints of-> Service//db',
    ]);
  });

  test('workload -> ConfigMap it reads and mounts; an out-of-band Secret has no node, so no edge', () => {
    const g = graphOf((chart) => new ConfiguredPod(chart, 'c', { name: 'app', settings: { A: '1' }, secret: { name: 's', keys: ['B'] } }));
    expect(edgeList(g)).toEqual(['Pod//app -mounts-> ConfigMap//app-config', 'Pod//app -reads-> ConfigMap//app-config']);
  });

  test('RoleBinding, EventListener, TriggerTemplate, Pipeline and webhook edges come from the objects', () => {
    const API_VERSIONS: Record<string, string> = {
      StatefulSet: 'apps/v1',
      Deployment: 'apps/v1',
      RoleBinding: 'rbac.authorization.k8s.io/v1',
      EventListener: 'triggers.tekton.dev/v1beta1',
      TriggerBinding: 'triggers.tekton.dev/v1beta1',
      TriggerTemplate: 'triggers.tekton.dev/v1beta1',
      Pipeline: 'tekton.dev/v1',
      Task: 'tekton.dev/v1',
    };
    const o = (kind: string, name: string, rest: object = {}): SynthesizedObject => ({
      apiVersion: API_VERSIONS[kind] ?? 'v1',
      kind,
      metadata: { name, namespace: 'ci' },
      ...rest,
    });
    const g = buildObjectGraph([
      o('ServiceAccount', 'el'),
      o('RoleBinding', 'el', {
        subjects: [{ kind: 'ServiceAccount', name: 'el', namespace: 'ci' }],
        roleRef: { kind: 'ClusterRole', name: 'x' },
      }),
      o('EventListener', 'push', { spec: { serviceAccountName: 'el', triggers: [{ bindings: [{ ref: 'b' }], template: { ref: 't' } }] } }),
      o('TriggerBinding', 'b'),
      o('TriggerTemplate', 't', { spec: { resourcetemplates: [{ kind: 'PipelineRun', spec: { pipelineRef: { name: 'p' } } }] } }),
      o('Pipeline', 'p', { spec: { tasks: [{ name: 'one', taskRef: { name: 'clone' } }] } }),
      o('Task', 'clone'),
      o('ConfigMap', 'gogs', { data: { 'app.ini': 'LOCAL_NETWORK_ALLOWLIST = el-push.ci.svc.cluster.local' } }),
      o('StatefulSet', 'gogs', { spec: { template: { spec: { containers: [], volumes: [{ name: 'c', configMap: { name: 'gogs' } }] } } } }),
      o('Deployment', 'registry', {
        spec: {
          template: { spec: { containers: [{ env: [{ name: 'E', value: '[{"url":"http://el-push.ci.svc.cluster.local:8080"}]' }] }] } },
        },
      }),
    ]);
    expect(edgeList(g)).toEqual([
      'RoleBinding/ci/el -binds-> ServiceAccount/ci/el',
      'EventListener/ci/push -runs as-> ServiceAccount/ci/el',
      'EventListener/ci/push -binds-> TriggerBinding/ci/b',
      'EventListener/ci/push -creates from-> TriggerTemplate/ci/t',
      'TriggerTemplate/ci/t -creates PipelineRun of-> Pipeline/ci/p',
      'Pipeline/ci/p -runs-> Task/ci/clone',
      'StatefulSet/ci/gogs -mounts-> ConfigMap/ci/gogs',
      'StatefulSet/ci/gogs -webhook-> EventListener/ci/push',
      'Deployment/ci/registry -webhook-> EventListener/ci/push',
    ]);
  });

  test('Mermaid output names every node and edge', () => {
    const text = toMermaid(graphOf((chart) => new ExposedPod(chart, 'web', { name: 'web' })));
    expect(text.split('\n')).toEqual([
      'flowchart LR',
      '  Pod__web["Pod: web"]',
      '  Service__web["Service: web"]',
      '  Service__web -->|selects| Pod__web',
    ]);
  });

  test('the docs hold the exercise diagrams (run `npm run generate` when this fails)', () => {
    const page = readFileSync(join(__dirname, '..', '..', '..', exerciseGraphs.output), 'utf8');
    expect(page).toContain(renderExerciseGraphs());
  });
});

describe('k8s-practice graph', () => {
  test('prints one Mermaid block per file, computed from its objects', async () => {
    const { main } = await import('../../../bin/k8s-practice');
    const lines: string[] = [];
    const code = await main(['graph', 'dist/02-expose-clusterip.k8s.yaml'], {
      out: (l) => lines.push(l),
      err: (l) => lines.push(`ERR ${l}`),
    });
    expect(code).toBe(0);
    const text = lines.join('\n');
    expect(text).toContain('### dist/02-expose-clusterip.k8s.yaml');
    expect(text).toContain('Service_expose_clusterip_nginx -->|selects| Pod_expose_clusterip_nginx');
  });
});

describe('objects the graph cannot read', () => {
  test('an object without metadata is refused with a clear error, not a TypeError', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ok' } },
      { apiVersion: 'v1', kind: 'ConfigMap' },
    ];
    expect(() => buildObjectGraph(objects as SynthesizedObject[])).toThrow(
      'object 1 (kind "ConfigMap") has no string kind and metadata.name; the graph needs both',
    );
  });

  test('a NetworkPolicy selecting by matchExpressions guards the pods it selects, and only those', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', labels: { tier: 'web' } }, spec: { containers: [] } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b', labels: { tier: 'db' } }, spec: { containers: [] } },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'np' },
        spec: { podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] } },
      },
    ];
    expect(edgeList(buildObjectGraph(objects))).toEqual(['NetworkPolicy//np -guards-> Pod//a']);
  });
});

describe('NetworkPolicy edges: whom a policy guards, and whom it admits traffic from', () => {
  const namespace = (name: string, labels: Record<string, string> = {}): SynthesizedObject => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels },
  });
  const pod = (ns: string, name: string, labels: Record<string, string>): SynthesizedObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: { containers: [] },
  });
  const policy = (ns: string, name: string, spec: object): SynthesizedObject => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: ns },
    spec,
  });

  test('a namespace-wide policy (empty podSelector) guards every pod of its Namespace: one edge to the Namespace', () => {
    const g = buildObjectGraph([
      namespace('shop'),
      pod('shop', 'web', { run: 'web' }),
      policy('shop', 'default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] }),
      policy('shop', 'allow-same-namespace', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] }),
    ]);
    expect(edgeList(g)).toEqual([
      'NetworkPolicy/shop/default-deny-ingress -guards every pod of-> Namespace//shop',
      'NetworkPolicy/shop/allow-same-namespace -guards every pod of-> Namespace//shop',
      'NetworkPolicy/shop/allow-same-namespace -admits from every pod of-> Namespace//shop',
    ]);
  });

  test('without its Namespace object in the set, a namespace-wide policy points at each pod instead', () => {
    const g = buildObjectGraph([
      pod('shop', 'web', { run: 'web' }),
      pod('shop', 'db', { run: 'db' }),
      policy('shop', 'deny', { podSelector: {} }),
    ]);
    expect(edgeList(g)).toEqual(['NetworkPolicy/shop/deny -guards-> Pod/shop/web', 'NetworkPolicy/shop/deny -guards-> Pod/shop/db']);
  });

  test('`from` peers: pods of its own namespace, pods of selected namespaces, whole namespaces; an ipBlock draws nothing', () => {
    const g = buildObjectGraph([
      namespace('shop'),
      namespace('monitoring', { team: 'ops' }),
      namespace('other'),
      pod('shop', 'web', { run: 'web' }),
      pod('shop', 'client', { access: 'web' }),
      pod('shop', 'stranger', { run: 'stranger' }),
      pod('monitoring', 'prometheus', { app: 'prometheus' }),
      pod('other', 'prometheus', { app: 'prometheus' }),
      policy('shop', 'web-ingress', {
        podSelector: { matchLabels: { run: 'web' } },
        ingress: [
          { from: [{ podSelector: { matchLabels: { access: 'web' } } }, { ipBlock: { cidr: '192.0.2.0/24' } }] },
          { from: [{ namespaceSelector: { matchLabels: { team: 'ops' } }, podSelector: { matchLabels: { app: 'prometheus' } } }] },
          { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'other' } } }] },
          { ports: [{ port: 8080 }] },
        ],
      }),
    ]);
    expect(edgeList(g)).toEqual([
      'NetworkPolicy/shop/web-ingress -guards-> Pod/shop/web',
      'NetworkPolicy/shop/web-ingress -admits from-> Pod/shop/client',
      'NetworkPolicy/shop/web-ingress -admits from-> Pod/monitoring/prometheus',
      'NetworkPolicy/shop/web-ingress -admits from every pod of-> Namespace//other',
    ]);
  });

  test('exercise 7: the web policy guards web and admits allowed-client, not denied-client', async () => {
    const { main } = await import('../../../bin/k8s-practice');
    const lines: string[] = [];
    const code = await main(['graph', 'dist/07-network-policy.k8s.yaml'], {
      out: (l) => lines.push(l),
      err: (l) => lines.push(`ERR ${l}`),
    });
    expect(code).toBe(0);
    expect(
      lines
        .join('\n')
        .split('\n')
        .filter((l) => l.includes('NetworkPolicy') && l.includes('-->')),
    ).toEqual([
      '  NetworkPolicy_network_policy_default_deny_ingress -->|guards every pod of| Namespace__network_policy',
      '  NetworkPolicy_network_policy_web_allow_access_label -->|guards| Pod_network_policy_web',
      '  NetworkPolicy_network_policy_web_allow_access_label -->|admits from| Pod_network_policy_allowed_client',
    ]);
  });
});
