/**
 * The validation engine (tools/engines/validation: kube-apiserver 1.28.15's create and update
 * path, offline), native and WebAssembly, on cases with the exact text kubectl prints. Every
 * case of one build goes in one request (one process: the WebAssembly start-up is paid once).
 *
 * `npm test` builds both (scripts/test/test.js) when Go is installed. Without Go, or with a build
 * missing, that build's tests are skipped, with a line saying which and how to build it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  EngineKind,
  EngineResult,
  EngineRunResult,
  judgeSync,
  nativeEnginePath,
  wasmEnginePath,
} from '../../../lib/tooling/check/api-server-engine';
import { recordedVerdicts } from '../../cluster/validator-table';
import { goodObjects, MUTATIONS } from './mutation-cases';

const BUILDS: { kind: EngineKind; path: string; build: string }[] = [
  { kind: 'native', path: nativeEnginePath(), build: 'npm run engines:build -- validation' },
  { kind: 'wasm', path: wasmEnginePath(), build: 'npm run engines:build -- validation-wasm' },
];

/** Go prints pointers in some values (`(*int64)(0xc000123)`); they change from run to run. */
const normalize = (text: string) => text.replace(/\(0x[0-9a-f]+\)/g, '(0x…)');

interface Case {
  readonly title: string;
  readonly yaml: string;
  /** Objects as the cluster holds them: the case's objects found there are updates. */
  readonly previous?: string;
  /** `Kind/name` of the object the case is about. */
  readonly object: string;
  readonly verdict: 'accepted' | 'refused' | 'not judged';
  readonly operation?: 'create' | 'update' | 'unchanged' | 'none';
  readonly engine?: string;
  /** kubectl's text, exactly (pointers normalized). */
  readonly message?: string;
  /** For objects a controller makes: `Kind/name`, its verdict and the controller's event text. */
  readonly later?: {
    readonly object: string;
    readonly verdict: 'accepted' | 'refused';
    readonly engine?: string;
    readonly message?: string;
  };
}

const pod = (name: string, spec: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: default}\nspec:\n${spec.replace(/^/gm, '  ')}\n`;

const CASES: Case[] = [
  {
    title: 'probe without a handler',
    yaml: pod('probe', 'containers:\n- {name: app, image: nginx:1.27, readinessProbe: {periodSeconds: 5}}'),
    object: 'Pod/probe',
    verdict: 'refused',
    engine: 'kube-apiserver 1.28.15 validation',
    message: 'The Pod "probe" is invalid: spec.containers[0].readinessProbe: Required value: must specify a handler type',
  },
  {
    title: 'subPath with ..',
    yaml: pod(
      'subpath',
      'volumes: [{name: data, emptyDir: {}}]\ncontainers:\n- {name: app, image: nginx:1.27, volumeMounts: [{name: data, mountPath: /data, subPath: ../etc}]}',
    ),
    object: 'Pod/subpath',
    verdict: 'refused',
    message: 'The Pod "subpath" is invalid: spec.containers[0].volumeMounts.subPath: Invalid value: "../etc": must not contain \'..\'',
  },
  {
    title: 'two sources in one volume',
    yaml: pod('volumes', 'volumes: [{name: data, emptyDir: {}, configMap: {name: cfg}}]\ncontainers: [{name: app, image: nginx:1.27}]'),
    object: 'Pod/volumes',
    verdict: 'refused',
    message: 'The Pod "volumes" is invalid: spec.volumes[0].configMap: Forbidden: may not specify more than 1 volume type',
  },
  {
    title: 'env with both value and valueFrom',
    yaml: pod(
      'env',
      'containers:\n- name: app\n  image: nginx:1.27\n  env: [{name: A, value: x, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]',
    ),
    object: 'Pod/env',
    verdict: 'refused',
    message:
      'The Pod "env" is invalid: spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
  },
  {
    title: 'tolerations: a value with Exists, tolerationSeconds with NoSchedule',
    yaml: pod(
      'tolerations',
      'tolerations:\n- {key: k, operator: Exists, value: v}\n- {key: k2, operator: Equal, value: v, effect: NoSchedule, tolerationSeconds: 30}\ncontainers: [{name: app, image: nginx:1.27}]',
    ),
    object: 'Pod/tolerations',
    verdict: 'refused',
    message: [
      'The Pod "tolerations" is invalid: ',
      '* spec.tolerations[0].operator: Invalid value: core.Toleration{Key:"k", Operator:"Exists", Value:"v", Effect:"", TolerationSeconds:(*int64)(nil)}: value must be empty when `operator` is \'Exists\'',
      '* spec.tolerations[1].effect: Invalid value: "NoSchedule": effect must be \'NoExecute\' when `tolerationSeconds` is set',
    ].join('\n'),
  },
  {
    title: 'CronJob schedule with four fields',
    yaml: [
      'apiVersion: batch/v1',
      'kind: CronJob',
      'metadata: {name: nightly, namespace: default}',
      'spec:',
      '  schedule: "*/5 * * *"',
      '  jobTemplate: {spec: {template: {spec: {restartPolicy: OnFailure, containers: [{name: app, image: busybox:1.36}]}}}}',
    ].join('\n'),
    object: 'CronJob/nightly',
    verdict: 'refused',
    message: 'The CronJob "nightly" is invalid: spec.schedule: Invalid value: "*/5 * * *": expected exactly 5 fields, found 4: [*/5 * * *]',
  },
  {
    title: 'CronJob with timeZone Etc/UTC (the engine carries its own zoneinfo)',
    yaml: [
      'apiVersion: batch/v1',
      'kind: CronJob',
      'metadata: {name: utc, namespace: default}',
      'spec:',
      '  schedule: "0 3 * * *"',
      '  timeZone: Etc/UTC',
      '  jobTemplate: {spec: {template: {spec: {restartPolicy: OnFailure, containers: [{name: app, image: busybox:1.36}]}}}}',
    ].join('\n'),
    object: 'CronJob/utc',
    verdict: 'accepted',
    later: { object: 'Pod/utc-29430720-xxxxx', verdict: 'accepted' },
  },
  {
    title: 'PodDisruptionBudget with minAvailable and maxUnavailable',
    yaml: [
      'apiVersion: policy/v1',
      'kind: PodDisruptionBudget',
      'metadata: {name: both, namespace: default}',
      'spec: {minAvailable: 1, maxUnavailable: 1, selector: {matchLabels: {app: web}}}',
    ].join('\n'),
    object: 'PodDisruptionBudget/both',
    verdict: 'refused',
    message:
      'The PodDisruptionBudget "both" is invalid: spec: Invalid value: policy.PodDisruptionBudgetSpec{MinAvailable:(*intstr.IntOrString)(0x…), Selector:(*v1.LabelSelector)(0x…), MaxUnavailable:(*intstr.IntOrString)(0x…), UnhealthyPodEvictionPolicy:(*policy.UnhealthyPodEvictionPolicyType)(nil)}: minAvailable and maxUnavailable cannot be both set',
  },
  {
    title: 'RoleBinding whose roleRef is a ServiceAccount',
    yaml: [
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: RoleBinding',
      'metadata: {name: rb, namespace: default}',
      'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ServiceAccount, name: x}',
      'subjects: [{kind: ServiceAccount, name: default, namespace: default}]',
    ].join('\n'),
    object: 'RoleBinding/rb',
    verdict: 'refused',
    message: 'The RoleBinding "rb" is invalid: roleRef.kind: Unsupported value: "ServiceAccount": supported values: "Role", "ClusterRole"',
  },
  {
    title: 'ClusterRoleBinding whose roleRef is a Role',
    yaml: [
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: ClusterRoleBinding',
      'metadata: {name: crb}',
      'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: x}',
      'subjects: [{kind: ServiceAccount, name: default, namespace: default}]',
    ].join('\n'),
    object: 'ClusterRoleBinding/crb',
    verdict: 'refused',
    message: 'The ClusterRoleBinding "crb" is invalid: roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
  },
  {
    title: 'headless NodePort Service (the allocation step runs before validation)',
    yaml: [
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: headless, namespace: default}',
      'spec: {type: NodePort, clusterIP: None, selector: {app: web}, ports: [{port: 80}]}',
    ].join('\n'),
    object: 'Service/headless',
    verdict: 'refused',
    message:
      'The Service "headless" is invalid: spec.clusterIPs[0]: Invalid value: "None": may not be set to \'None\' for NodePort services',
  },
  {
    title: 'ClusterIP outside the service CIDR',
    yaml: [
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: outside, namespace: default}',
      'spec: {clusterIP: 10.0.0.10, selector: {app: web}, ports: [{port: 80}]}',
    ].join('\n'),
    object: 'Service/outside',
    verdict: 'refused',
    engine: 'kube-apiserver 1.28.15 Service allocation',
    message:
      'The Service "outside" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.10"}: failed to allocate IP 10.0.0.10: the provided IP (10.0.0.10) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
  },
  {
    title: 'the first address of the range belongs to the kubernetes Service',
    yaml: [
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: first, namespace: default}',
      'spec: {clusterIP: 10.96.0.1, selector: {app: web}, ports: [{port: 80}]}',
    ].join('\n'),
    object: 'Service/first',
    verdict: 'refused',
    engine: 'kube-apiserver 1.28.15 Service allocation',
    message:
      'The Service "first" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.1"}: failed to allocate IP 10.96.0.1: provided IP is already allocated',
  },
  {
    title: 'StatefulSet claim template without accessModes: refused when the controller creates the claim',
    yaml: [
      'apiVersion: apps/v1',
      'kind: StatefulSet',
      'metadata: {name: db, namespace: default}',
      'spec:',
      '  serviceName: db',
      '  selector: {matchLabels: {app: db}}',
      '  template: {metadata: {labels: {app: db}}, spec: {containers: [{name: db, image: postgres:16}]}}',
      '  volumeClaimTemplates: [{metadata: {name: data}, spec: {resources: {requests: {storage: 1Gi}}}}]',
    ].join('\n'),
    object: 'StatefulSet/db',
    verdict: 'accepted',
    later: {
      object: 'PersistentVolumeClaim/data-db-0',
      verdict: 'refused',
      message:
        'create Claim data-db-0 for Pod db-0 in StatefulSet db failed error: PersistentVolumeClaim "data-db-0" is invalid: spec.accessModes: Required value: at least 1 access mode is required',
    },
  },
  {
    title: 'priorityClassName that does not exist (Priority admission)',
    yaml: pod('urgent', 'priorityClassName: nope\ncontainers: [{name: app, image: nginx:1.27}]'),
    object: 'Pod/urgent',
    verdict: 'refused',
    engine: 'Priority admission',
    message:
      'Error from server (Forbidden): error when creating "case.yaml": pods "urgent" is forbidden: no PriorityClass with name nope was found',
  },
  {
    title: 'a built-in PriorityClass is known',
    yaml: pod('critical', 'priorityClassName: system-cluster-critical\ncontainers: [{name: app, image: nginx:1.27}]'),
    object: 'Pod/critical',
    verdict: 'accepted',
  },
  {
    title: 'ServiceAccount that does not exist (ServiceAccount admission)',
    yaml: pod('sa', 'serviceAccountName: builder\ncontainers: [{name: app, image: nginx:1.27}]'),
    object: 'Pod/sa',
    verdict: 'refused',
    engine: 'ServiceAccount admission',
    message:
      'Error from server (Forbidden): error when creating "case.yaml": pods "sa" is forbidden: error looking up service account default/builder: serviceaccount "builder" not found',
  },
  {
    title: 'unknown field (strict decoding)',
    yaml: pod('typo', 'containers: [{name: app, image: nginx:1.27, imagePullPolicyy: Always}]'),
    object: 'Pod/typo',
    verdict: 'refused',
    message:
      'Error from server (BadRequest): error when creating "case.yaml": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagePullPolicyy"',
  },
  // Updates: the object is in --previous, so kubectl apply patches it.
  ...[
    {
      title: 'RoleBinding roleRef changed',
      old: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb, namespace: default}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects: [{kind: ServiceAccount, name: default, namespace: default}]',
      yaml: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb, namespace: default}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}\nsubjects: [{kind: ServiceAccount, name: default, namespace: default}]',
      object: 'RoleBinding/rb',
      message:
        'The RoleBinding "rb" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef',
    },
    {
      title: 'Service clusterIP changed',
      old: 'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\nspec: {clusterIP: 10.96.0.10, selector: {app: web}, ports: [{port: 80}]}',
      yaml: 'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\nspec: {clusterIP: 10.96.0.20, selector: {app: web}, ports: [{port: 80}]}',
      object: 'Service/web',
      message: 'The Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.0.20"}: may not change once set',
    },
    {
      title: 'Deployment selector changed',
      old: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default}\nspec: {selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: nginx:1.27}]}}}',
      yaml: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default}\nspec: {selector: {matchLabels: {app: web2}}, template: {metadata: {labels: {app: web2}}, spec: {containers: [{name: web, image: nginx:1.27}]}}}',
      object: 'Deployment/web',
      message:
        'The Deployment "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    },
    {
      title: 'data of an immutable Secret changed',
      old: 'apiVersion: v1\nkind: Secret\nmetadata: {name: frozen, namespace: default}\nimmutable: true\ndata: {token: YQ==}',
      yaml: 'apiVersion: v1\nkind: Secret\nmetadata: {name: frozen, namespace: default}\nimmutable: true\ndata: {token: Yg==}',
      object: 'Secret/frozen',
      message: 'The Secret "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set',
    },
    {
      title: 'Secret type changed',
      old: 'apiVersion: v1\nkind: Secret\nmetadata: {name: typed, namespace: default}\ntype: Opaque\ndata: {token: YQ==}',
      yaml: 'apiVersion: v1\nkind: Secret\nmetadata: {name: typed, namespace: default}\ntype: kubernetes.io/basic-auth\ndata: {username: YQ==, password: Yg==}',
      object: 'Secret/typed',
      message: 'The Secret "typed" is invalid: type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
    },
  ].map((u): Case => ({
    title: u.title,
    yaml: u.yaml,
    previous: u.old,
    object: u.object,
    verdict: 'refused',
    operation: 'update',
    message: u.message,
  })),
  {
    title: "a Pod's spec changed beyond its image (only the first line: a diff follows)",
    previous: pod('tools', 'containers: [{name: shell, image: busybox:1.36, command: [sleep, infinity]}]'),
    yaml: pod('tools', 'containers: [{name: shell, image: busybox:1.37, command: [sleep, infinity], ports: [{containerPort: 80}]}]'),
    object: 'Pod/tools',
    verdict: 'refused',
    operation: 'update',
  },
  {
    title: 'an object as it already is: kubectl apply sends nothing',
    previous: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: same, namespace: default}\ndata: {a: b}',
    yaml: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: same, namespace: default}\ndata: {a: b}',
    object: 'ConfigMap/same',
    verdict: 'accepted',
    operation: 'unchanged',
  },
  {
    title: 'a CustomResource is not judged',
    yaml: 'apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: t, namespace: default}\nspec: {steps: [{name: s, image: busybox:1.36}]}',
    object: 'Task/t',
    verdict: 'not judged',
    operation: 'none',
  },
];

/** The API server's first refusal of each mutation case, as docs/validator-vs-api-server.md records it (generated by the real-engine suite). */
function recordedRefusals(): Map<string, string | undefined> {
  return recordedVerdicts(readFileSync(join(__dirname, '..', '..', '..', 'docs', 'validator-vs-api-server.md'), 'utf8'));
}

/**
 * The mutation cases where the engine does not say what the recorded server said, and why:
 * each is a limit written down in docs/validator-vs-api-server.md.
 */
const KNOWN_DIFFERENCES: Record<string, string> = {
  'duplicate object': 'kubectl apply patches the first object with the second (the recording used create)',
  'unknown kind': 'a group that is not built in may be a CRD: not judged',
  'unknown field in a Tekton Task step (CRD schema)': 'Tekton kinds are not judged by this engine',
};

/** Cases the recorded server accepted (it was sent a create) that kubectl apply refuses, with kubectl's text. */
const APPLY_REFUSES: Record<string, string> = {
  'generateName only (kubectl apply cannot create it)': 'TaskRun/hello-run-: from hello-run-: cannot use generate name with apply',
};

/** The engine's first refusal in a run, written as the real-engine suite writes the server's. */
function firstRefusal(run: EngineRunResult): string | undefined {
  const refusedObject = run.results.find((r) => r.verdict === 'refused');
  if (refusedObject) return `${refusedObject.kind}/${refusedObject.name}: ${normalize(refusedObject.status!.message)}`;
  for (const r of run.results) {
    const pod = (r.later ?? []).find((l) => l.verdict === 'refused' && l.kind === 'Pod');
    if (pod) {
      const owner = r.kind === 'Deployment' ? 'ReplicaSet' : r.kind;
      const message = pod
        .message!.replace(/pods "[^"]+" is forbidden: /, 'pods are forbidden: ')
        .replace(/"([a-z0-9-]+?)-[a-z0-9]{8,10}-[a-z0-9]{5}"/g, '"$1-…"');
      return `${owner} pods: ${normalize(message)}`;
    }
  }
  return undefined;
}

const find = (run: EngineRunResult, object: string): EngineResult | undefined => run.results.find((r) => `${r.kind}/${r.name}` === object);

for (const build of BUILDS) {
  const built = existsSync(build.path);
  const describeBuild = built ? describe : describe.skip;
  if (!built) {
    test(`the ${build.kind} validation engine is not built (${build.path}): its tests are skipped; build it with \`${build.build}\` (needs Go)`, () => {
      console.warn(`skipped: the ${build.kind} validation engine is not built; \`${build.build}\` builds it (needs Go)`);
    });
  }
  describeBuild(`validation engine, ${build.kind}`, () => {
    let cases: readonly EngineRunResult[] = [];
    let mutations: readonly EngineRunResult[] = [];
    beforeAll(() => {
      const mutated = MUTATIONS.map((m) => {
        const objects = goodObjects();
        m.mutate(objects);
        return { name: m.title, files: [{ name: 'good-app.yaml', text: objects.map((o) => stringify(o)).join('---\n') }] };
      });
      const answer = judgeSync(
        {
          runs: [
            ...CASES.map((c) => ({
              name: c.title,
              files: [{ name: 'case.yaml', text: c.yaml }],
              previous: c.previous ? [{ name: 'previous.yaml', text: c.previous }] : [],
            })),
            {
              name: 'the good set',
              files: [
                {
                  name: 'good-app.yaml',
                  text: goodObjects()
                    .map((o) => stringify(o))
                    .join('---\n'),
                },
              ],
            },
            ...mutated,
          ],
        },
        build.kind,
      );
      if ('unavailable' in answer) throw new Error(answer.unavailable);
      cases = answer.runs.slice(0, CASES.length);
      mutations = answer.runs.slice(CASES.length);
    }, 120_000);

    test.each(CASES.map((c, i) => [c.title, i] as const))('%s', (_title, i) => {
      const c = CASES[i]!;
      const result = find(cases[i]!, c.object);
      expect(result).toBeDefined();
      expect(result!.verdict).toBe(c.verdict);
      expect(result!.operation).toBe(c.operation ?? 'create');
      if (c.engine) expect(result!.engine).toBe(c.engine);
      if (c.message) expect(normalize(result!.message ?? '')).toBe(c.message);
      if (c.title.startsWith("a Pod's spec changed"))
        expect(result!.message!.split('\n')[0]).toBe(
          'The Pod "tools" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
        );
      if (c.later) {
        const later = (result!.later ?? []).find((l) => `${l.kind}/${l.name}` === c.later!.object);
        expect(later).toBeDefined();
        expect(later!.verdict).toBe(c.later.verdict);
        if (c.later.message) expect(later!.message).toBe(c.later.message);
      }
    });

    test('the good set: every built-in object accepted, the controllers too', () => {
      const good = mutations[0]!;
      const refused = good.results.filter((r) => r.verdict === 'refused' || (r.later ?? []).some((l) => l.verdict === 'refused'));
      expect(refused).toEqual([]);
      expect(good.results.filter((r) => r.verdict === 'not judged').map((r) => r.kind)).toEqual(['Task', 'TaskRun']);
    });

    const recorded = recordedRefusals();
    test.each(MUTATIONS.map((m, i) => [m.title, i] as const))('mutation case as the real API server judged it: %s', (title, i) => {
      const ours = firstRefusal(mutations[i + 1]!);
      if (title in KNOWN_DIFFERENCES) {
        expect(ours).toBeUndefined(); // see KNOWN_DIFFERENCES for why
        return;
      }
      if (title in APPLY_REFUSES) {
        expect(ours).toBe(APPLY_REFUSES[title]);
        return;
      }
      // A case the server accepts (not in "Both reject") is one the engine accepts too.
      expect(ours).toBe(recorded.get(title));
    });
  });
}
