/**
 * The mutation suite: a manifest set that passes every check, broken one thing at a time. Each
 * broken copy must be rejected with exactly the expected rule, by the expected engine (our rules
 * or the API server's code), at exactly the expected field path, and nothing else: judged as
 * `k8s-practice validate` judges by default, our rules and the validation engine (native when
 * built, else WebAssembly; without either, the suite is skipped and says how to build one).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Finding } from '../../../lib/tooling/check/finding';
import { errorRules, GOOD_SET, recordedVerdicts, renderTable, Verdict } from '../../cluster/validator-table';
import { validateObjects } from '../../../lib/tooling/check/validate';
import { goodObjects, pick, run, brief, MUTATIONS, deployment, webContainer, tools, engineMissing } from './mutation-cases';
import { expectGeneratedFile } from '../../support/generated-file';
import { KubeObject } from '../../support/helpers';

/** Our rules alone (the library's default, and `validate --api-server none`). */
function ours(objects: KubeObject[]): Finding[] {
  return [...validateObjects(objects.map((object, document) => ({ file: 'good-app.yaml', document, object }))).findings];
}

const missing = engineMissing();
if (missing) {
  test(`no validation engine is built: the mutation suite is skipped (${missing})`, () => {
    console.warn(`skipped: the mutation suite needs the validation engine: ${missing}`);
  });
}
const describeWithEngine = missing ? describe.skip : describe;

describeWithEngine('the good manifest set', () => {
  test('passes every rule with no finding at all', () => {
    expect(brief(run(goodObjects()))).toEqual([]);
  });

  test('a copy run through the same pipeline is untouched by earlier runs (no shared state)', () => {
    run(goodObjects());
    expect(brief(run(goodObjects()))).toEqual([]);
  });
});

describeWithEngine('mutation suite', () => {
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

describeWithEngine('finding messages', () => {
  test("the API server's checks say it in kubectl's words, naming the engine", () => {
    const objects = goodObjects();
    webContainer(objects).ports[0].containerPort = 70000;
    pick(objects, 'Service', 'web').spec.ports[0].nodePort = 80;
    expect(run(objects).map((f) => `(${f.engine}) ${f.message}`)).toEqual([
      '(kube-apiserver 1.28.15 validation) The Deployment "web" is invalid: spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      '(kube-apiserver 1.28.15 Service allocation) The Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767',
    ]);
  });

  test('an unknown field: our schema suggests the closest known one; with the engine, its refusal names our rule', () => {
    const objects = goodObjects();
    webContainer(objects).imagePullPolicyy = 'Always';
    expect(ours(objects).map((f) => f.message)).toEqual(['unknown field "imagePullPolicyy"; did you mean "imagePullPolicy"?']);
    expect(run(objects).map((f) => f.message)).toEqual([
      'Error from server (BadRequest): error when creating "good-app.yaml": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].imagePullPolicyy" (also found by k8s-practice rule schema-unknown-field)',
    ]);
  });

  test('a bad enum: our schema lists the allowed values, deduplicated', () => {
    const objects = goodObjects();
    pick(objects, 'Service', 'web').spec.externalTrafficPolicy = 'Nearest';
    const [finding] = ours(objects);
    expect(finding!.rule).toBe('schema-enum');
    expect(finding!.message).toBe('invalid value "Nearest"; expected one of "Cluster", "Local"');
  });

  test("a Pod Security refusal of a workload's pods is PodSecurity's, on the workload", () => {
    const objects = goodObjects();
    webContainer(objects).securityContext.runAsUser = 0;
    const refusal = run(objects).find((f) => f.rule === 'api-server-later')!;
    expect(refusal).toMatchObject({ kind: 'Deployment', name: 'web', engine: 'PodSecurity', severity: 'error' });
    expect(refusal.message).toMatch(
      /^the ReplicaSet controller's Pod web-[a-z0-9]+-xxxxx would be refused: Error creating: pods "web-[a-z0-9]+-xxxxx" is forbidden: violates PodSecurity "restricted:latest": runAsUser=0 \(container "web" must not set runAsUser=0\)$/,
    );
  });

  test('a Tekton step: our Pod Security rule names the namespace and level', () => {
    const objects = goodObjects();
    pick(objects, 'Task', 'hello').spec.steps[0].securityContext = { privileged: true };
    expect(run(objects).map((f) => `${f.rule} (${f.engine ?? 'k8s-practice rule'}): ${f.message}`)).toEqual([
      'psa-privileged (k8s-practice rule): namespace "shop" enforces Pod Security "restricted" on the TaskRun pods: step "say" must not be privileged',
    ]);
  });

  test('a missing reference says how to declare it external', () => {
    const objects = goodObjects();
    webContainer(objects).envFrom[0].configMapRef.name = 'web-cfg';
    expect(run(objects)[0]!.message).toBe(
      'ConfigMap "web-cfg" is not in the output; add it, or declare it created out of band with annotation k8s-practice.dev/external-refs: "ConfigMap/web-cfg"',
    );
  });
});

describeWithEngine('checks that must not fire', () => {
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

  test('pods in a namespace without a Namespace object (assumed to exist, without Pod Security labels) are not PSA-checked', () => {
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
  const file = join(__dirname, '..', '..', '..', 'docs', 'validator-vs-api-server.md');
  const table = readFileSync(file, 'utf8');

  test('has a verdict for every mutation case, so a new case cannot skip the real API server', () => {
    const titled = (title: string) => table.includes(`| ${title.replace(/\|/g, '\\|')} |`) || table.includes(`- ${title}\n`);
    expect(MUTATIONS.map((m) => m.title).filter((title) => !titled(title))).toEqual([]);
  });

  test('reports no case that only the API server rejects', () => {
    expect(table).toMatch(/\| only the API server rejects \(validator bugs; must be 0\) \| 0 \|/);
  });

  // The validator's column is what `validate` finds today; the API server's is the one the
  // real-engine suite recorded. UPDATE_GENERATED=1 rewrites the file from them (the real-engine
  // suite measures the API server's column again).
  (missing ? test.skip : test)(
    "its validator column is what validate finds today (our rules and the engine), beside the recorded API server's",
    () => {
      const recorded = recordedVerdicts(table);
      const cases = [
        { title: GOOD_SET, objects: goodObjects(), stricterBecause: undefined as string | undefined },
        ...MUTATIONS.map((m) => {
          const objects = goodObjects();
          m.mutate(objects);
          return { title: m.title, objects, stricterBecause: m.apiServerAccepts };
        }),
      ];
      const verdicts: Verdict[] = cases.map((c) => ({
        title: c.title,
        ours: errorRules(run(c.objects)),
        theirs: recorded.get(c.title),
        stricterBecause: c.stricterBecause,
      }));
      const rendered = renderTable(verdicts);
      expectGeneratedFile(file, rendered);
    },
  );
});
