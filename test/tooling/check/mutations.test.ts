/**
 * The mutation suite: a manifest set that passes every rule, broken one thing
 * at a time. Each broken copy must be rejected with exactly the expected rule
 * at exactly the expected field path, and nothing else.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { goodObjects, pick, run, brief, MUTATIONS, deployment, webContainer, tools } from './mutation-cases';

describe('the good manifest set', () => {
  test('passes every rule with no finding at all', () => {
    expect(brief(run(goodObjects()))).toEqual([]);
  });

  test('a copy run through the same pipeline is untouched by earlier runs (no shared state)', () => {
    run(goodObjects());
    expect(brief(run(goodObjects()))).toEqual([]);
  });
});

describe('mutation suite', () => {
  test('has at least 15 distinct mutations, each with its own title', () => {
    expect(MUTATIONS.length).toBeGreaterThanOrEqual(15);
    expect(new Set(MUTATIONS.map((m) => m.title)).size).toBe(MUTATIONS.length);
  });

  test.each(MUTATIONS.map((m) => [m.title, m] as const))('%s', (_title, mutation) => {
    const objects = goodObjects();
    mutation.mutate(objects);
    const findings = run(objects);
    expect(brief(findings)).toEqual([...mutation.expected].sort());
    for (const finding of findings) {
      expect(finding.file).toBe('good-app.yaml');
      expect(finding.message.length).toBeGreaterThan(10);
    }
    if (mutation.fix) {
      mutation.fix(objects);
      expect(brief(run(objects))).toEqual([]);
    }
  });
});

describe('finding messages', () => {
  test('say what is wrong and what is allowed', () => {
    const objects = goodObjects();
    webContainer(objects).ports[0].containerPort = 70000;
    pick(objects, 'Service', 'web').spec.ports[0].nodePort = 80;
    const messages = run(objects).map((f) => f.message);
    expect(messages).toContain('invalid containerPort 70000; expected an integer from 1 to 65535');
    expect(messages).toContain('invalid nodePort 80; expected an integer from 30000 to 32767 (the default --service-node-port-range)');
  });

  test('an unknown field suggests the closest known one', () => {
    const objects = goodObjects();
    webContainer(objects).imagePullPolicyy = 'Always';
    expect(run(objects)[0].message).toBe('unknown field "imagePullPolicyy"; did you mean "imagePullPolicy"?');
  });

  test('a bad enum lists the allowed values, deduplicated', () => {
    const objects = goodObjects();
    pick(objects, 'Service', 'web').spec.externalTrafficPolicy = 'Nearest';
    const [finding] = run(objects);
    expect(finding.rule).toBe('schema-enum');
    expect(finding.message).toBe('invalid value "Nearest"; expected one of "Cluster", "Local"');
  });

  test('a PSA finding names the namespace and level', () => {
    const objects = goodObjects();
    webContainer(objects).securityContext.privileged = true;
    expect(run(objects)[0].message).toBe('namespace "shop" enforces Pod Security "restricted": container "web" must not be privileged');
  });

  test('a missing reference says how to declare it external', () => {
    const objects = goodObjects();
    webContainer(objects).envFrom[0].configMapRef.name = 'web-cfg';
    expect(run(objects)[0].message).toBe(
      'ConfigMap "web-cfg" is not in the output; add it, or declare it created out of band with annotation k8s-practice.dev/external-refs: "ConfigMap/web-cfg"',
    );
  });
});

describe('rules that must not fire', () => {
  test('optional references may be missing', () => {
    const objects = goodObjects();
    webContainer(objects).envFrom[0].configMapRef = { name: 'maybe', optional: true };
    expect(brief(run(objects))).toEqual([]);
  });

  test('the default ServiceAccount always exists', () => {
    const objects = goodObjects();
    deployment(objects).spec.template.spec.serviceAccountName = 'default';
    expect(brief(run(objects))).toEqual([]);
  });

  test('a reference declared on the pod template counts as declared', () => {
    const objects = goodObjects();
    const template = deployment(objects).spec.template;
    template.metadata.annotations = deployment(objects).metadata.annotations;
    delete deployment(objects).metadata.annotations;
    expect(brief(run(objects))).toEqual([]);
  });

  test('a cross-namespace ServiceAccount can be declared as Kind/namespace/name', () => {
    const objects = goodObjects();
    const binding = pick(objects, 'ClusterRoleBinding', 'web-pod-reader');
    binding.subjects[0].namespace = 'tekton-pipelines';
    binding.metadata.annotations = { 'k8s-practice.dev/external-refs': 'ServiceAccount/tekton-pipelines/web' };
    expect(brief(run(objects))).toEqual([]);
  });

  test('pods in a namespace without a Namespace object (level unknown) are not PSA-checked', () => {
    const objects = goodObjects();
    tools(objects).metadata.namespace = 'elsewhere';
    tools(objects).spec.hostNetwork = true;
    expect(brief(run(objects))).toEqual([]);
  });

  test('a privileged namespace allows a privileged container', () => {
    const objects = goodObjects();
    pick(objects, 'Namespace', 'legacy').metadata.labels['pod-security.kubernetes.io/enforce'] = 'privileged';
    tools(objects).spec.containers[0].securityContext = { privileged: true };
    expect(brief(run(objects))).toEqual([]);
  });

  test('an EndpointSlice labelled with the Service name satisfies a selector-less Service', () => {
    const objects = goodObjects();
    const endpoints = pick(objects, 'Endpoints', 'db');
    objects.splice(objects.indexOf(endpoints), 1, {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'db-1', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'db' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['192.0.2.10'] }],
      ports: [{ name: 'pg', port: 5432 }],
    });
    expect(brief(run(objects))).toEqual([]);
  });
});

describe('docs/validator-vs-api-server.md (written by the real-engine suite)', () => {
  const table = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'validator-vs-api-server.md'), 'utf8');

  test('has a verdict for every mutation case, so a new case cannot skip the real API server', () => {
    const titled = (title: string) => table.includes(`| ${title.replace(/\|/g, '\\|')} |`) || table.includes(`- ${title}\n`);
    expect(MUTATIONS.map((m) => m.title).filter((title) => !titled(title))).toEqual([]);
  });

  test('reports no case that only the API server rejects', () => {
    expect(table).toMatch(/\| only the API server rejects \(validator bugs; must be 0\) \| 0 \|/);
  });
});
