/**
 * Rule-level tests: the Pod Security controls for Tekton steps, every reference source, the
 * checks of custom resources' names, and (through the validation engine, as `validate` runs it)
 * the Pod Security, port and name checks the mutation suite does not reach, which our rules leave
 * to the API server's own code.
 */
import { stringify } from 'yaml';
import { referencesOf } from '../../../lib/tooling/check/rules/reference-rules';
import { taskSecurityViolations } from '../../../lib/tooling/check/rules/tekton-security-rules';
import { validateYaml } from '../../../lib/tooling/check/validate';
import { engineMissing } from './mutation-cases';
import { KubeObject } from '../../support/helpers';

const missing = engineMissing();
const describeWithEngine = missing ? describe.skip : describe;
if (missing) {
  test(`no validation engine is built: the tests through it are skipped (${missing})`, () => {
    console.warn(`skipped: tests through the validation engine: ${missing}`);
  });
}

/** `path [rule] (engine)` of each finding of `validate` (our rules and the engine) on the YAML. */
function judged(yaml: string): string[] {
  return validateYaml(yaml, 'x.yaml', { apiServer: 'auto' }).findings.map(
    (f) => `${f.path} [${f.rule}] (${f.engine ?? 'k8s-practice rule'})`,
  );
}

/** A pod that passes `restricted`, in namespace `locked`. */
function restrictedPod(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'locked' },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        { name: 'app', image: 'busybox:1.36', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } },
      ],
      volumes: [{ name: 'tmp', emptyDir: {} }],
    },
  };
}

/** The messages of `validate` on the pod in a namespace that enforces `level`. */
function podSecurity(pod: KubeObject, level: 'baseline' | 'restricted'): string[] {
  const namespace = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'locked', labels: { 'pod-security.kubernetes.io/enforce': level } },
  };
  const yaml = [namespace, pod].map((o) => stringify(o)).join('---\n');
  return validateYaml(yaml, 'x.yaml', { apiServer: 'auto' }).findings.map((f) => `(${f.engine}) ${f.message}`);
}

/** PodSecurity's refusal of pod `p` (the Pod Security Standards of Kubernetes 1.28), as kubectl prints it. */
const refused = (level: string, reasons: string) =>
  `(PodSecurity) Error from server (Forbidden): error when creating "x.yaml": pods "p" is forbidden: violates PodSecurity "${level}:latest": ${reasons}`;

describeWithEngine('Pod Security of pods: the PodSecurity admission plugin, through the engine', () => {
  test('the restricted pod passes both levels', () => {
    expect(podSecurity(restrictedPod(), 'restricted')).toEqual([]);
    expect(podSecurity(restrictedPod(), 'baseline')).toEqual([]);
  });

  const baselineCases: Array<[string, (pod: KubeObject) => void, string]> = [
    ['hostPID', (p) => (p.spec.hostPID = true), 'host namespaces (hostPID=true)'],
    ['hostIPC', (p) => (p.spec.hostIPC = true), 'host namespaces (hostIPC=true)'],
    [
      'capability outside the default set',
      (p) => (p.spec.containers[0].securityContext.capabilities.add = ['NET_ADMIN']),
      'non-default capabilities (container "app" must not include "NET_ADMIN" in securityContext.capabilities.add)',
    ],
    ['hostPath', (p) => p.spec.volumes.push({ name: 'h', hostPath: { path: '/' } }), 'hostPath volumes (volume "h")'],
    [
      'hostPort',
      (p) => (p.spec.containers[0].ports = [{ containerPort: 80, hostPort: 80 }]),
      'hostPort (container "app" uses hostPort 80)',
    ],
    [
      'AppArmor unconfined',
      (p) => (p.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' }),
      'forbidden AppArmor profile (container.apparmor.security.beta.kubernetes.io/app="unconfined")',
    ],
    [
      'SELinux type',
      (p) => (p.spec.securityContext.seLinuxOptions = { type: 'spc_t' }),
      'seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type "spc_t")',
    ],
    [
      'SELinux user',
      (p) => (p.spec.containers[0].securityContext.seLinuxOptions = { user: 'root' }),
      'seLinuxOptions (container "app" set forbidden securityContext.seLinuxOptions: user may not be set)',
    ],
    [
      'seccomp Unconfined (pod)',
      (p) => {
        p.spec.securityContext.seccompProfile.type = 'Unconfined';
        p.spec.containers[0].securityContext.seccompProfile = { type: 'RuntimeDefault' };
      },
      'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
    ],
    [
      'unsafe sysctl',
      (p) =>
        (p.spec.securityContext.sysctls = [
          { name: 'net.ipv4.ping_group_range', value: '0 1' },
          { name: 'vm.swappiness', value: '1' },
        ]),
      'forbidden sysctls (vm.swappiness)',
    ],
  ];

  test.each(baselineCases)('baseline refuses %s (and so does restricted)', (_title, mutate, reasons) => {
    const pod = restrictedPod();
    mutate(pod);
    expect(podSecurity(pod, 'baseline')).toEqual([refused('baseline', reasons)]);
    expect(podSecurity(pod, 'restricted')).toEqual([
      expect.stringMatching(/^\(PodSecurity\) .* violates PodSecurity "restricted:latest": /),
    ]);
  });

  test('a privileged init container; restricted names every control it breaks', () => {
    const pod = restrictedPod();
    pod.spec.initContainers = [
      { name: 'i', image: 'busybox:1.36', securityContext: { privileged: true, capabilities: { drop: ['ALL'] } } },
    ];
    expect(podSecurity(pod, 'baseline')).toEqual([
      refused('baseline', 'privileged (container "i" must not set securityContext.privileged=true)'),
    ]);
    expect(podSecurity(pod, 'restricted')).toEqual([
      refused(
        'restricted',
        'privileged (container "i" must not set securityContext.privileged=true), allowPrivilegeEscalation != false (container "i" must set securityContext.allowPrivilegeEscalation=false)',
      ),
    ]);
  });

  test('baseline allows what only restricted forbids', () => {
    const pod = restrictedPod();
    delete pod.spec.securityContext;
    pod.spec.containers[0].securityContext = { runAsUser: 0, capabilities: { add: ['CHOWN'] } };
    pod.spec.volumes.push({ name: 'nfs', nfs: { server: 'x', path: '/' } });
    pod.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'localhost/custom' };
    expect(podSecurity(pod, 'baseline')).toEqual([]);
    expect(podSecurity(pod, 'restricted')).toEqual([
      refused(
        'restricted',
        'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), ' +
          'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]; container "app" must not include "CHOWN" in securityContext.capabilities.add), ' +
          'restricted volume types (volume "nfs" uses restricted volume type "nfs"), ' +
          'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), ' +
          'runAsUser=0 (container "app" must not set runAsUser=0), ' +
          'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
      ),
    ]);
  });

  test('what the API server drops or refuses before PodSecurity looks: procMount (feature gate off in 1.28), hostProcess', () => {
    const proc = restrictedPod();
    proc.spec.containers[0].securityContext.procMount = 'Unmasked';
    expect(podSecurity(proc, 'baseline')).toEqual([]);
    const hostProcess = restrictedPod();
    hostProcess.spec.securityContext.windowsOptions = { hostProcess: true };
    expect(podSecurity(hostProcess, 'baseline')).toEqual([
      '(kube-apiserver 1.28.15 validation) The Pod "p" is invalid: spec.hostNetwork: Invalid value: false: hostNetwork must be true if pod contains any hostProcess containers',
    ]);
  });

  test('restricted: seccomp may be set per container instead of on the pod; Localhost is allowed', () => {
    const pod = restrictedPod();
    delete pod.spec.securityContext.seccompProfile;
    pod.spec.containers[0].securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' };
    expect(podSecurity(pod, 'restricted')).toEqual([]);
  });

  test('restricted: Windows pods are exempt from the Linux-only controls', () => {
    const pod = restrictedPod();
    pod.spec.os = { name: 'windows' };
    delete pod.spec.securityContext.seccompProfile;
    pod.spec.containers[0].securityContext = {};
    expect(podSecurity(pod, 'restricted')).toEqual([]);
  });

  test("a CronJob's pods are refused when its controllers would create them", () => {
    const cronJob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'c', namespace: 'locked' },
      spec: {
        schedule: '* * * * *',
        jobTemplate: { spec: { template: { spec: { ...restrictedPod().spec, restartPolicy: 'Never', hostNetwork: true } } } },
      },
    };
    expect(podSecurity(cronJob, 'baseline')).toEqual([
      expect.stringMatching(
        /^\(PodSecurity\) the Job controller's Pod c-\d+-xxxxx would be refused: .*violates PodSecurity "baseline:latest": host namespaces \(hostNetwork=true\)$/,
      ),
      // warnings: the Job the CronJob controller makes, and the CronJob itself
      '(PodSecurity) the CronJob controller\'s Job c-29430720: would violate PodSecurity "baseline:latest": host namespaces (hostNetwork=true)',
      '(PodSecurity) would violate PodSecurity "baseline:latest": host namespaces (hostNetwork=true)',
    ]);
  });
});

describe('Pod Security for Tekton steps', () => {
  const task = (spec: KubeObject) => taskSecurityViolations(spec, ['spec'], 'restricted').map((v) => `${v.control} ${v.path.join('.')}`);

  test('only explicit settings are checked; a step inherits the stepTemplate fields it does not set', () => {
    expect(task({ steps: [{ name: 'plain', image: 'x' }] })).toEqual([]);
    expect(
      task({
        stepTemplate: { securityContext: { runAsUser: 0, allowPrivilegeEscalation: true } },
        steps: [
          { name: 'a', image: 'x' },
          { name: 'b', image: 'x', securityContext: { runAsUser: 1000, allowPrivilegeEscalation: false } },
        ],
        sidecars: [{ name: 's', image: 'x', securityContext: { privileged: true, capabilities: { add: ['CHOWN'] } } }],
        volumes: [{ name: 'cache', nfs: { server: 'n', path: '/' } }],
      }),
    ).toEqual([
      'run-as-user spec.stepTemplate.securityContext.runAsUser',
      'privilege-escalation spec.stepTemplate.securityContext.allowPrivilegeEscalation',
      'privileged spec.sidecars.0.securityContext.privileged',
      'capabilities spec.sidecars.0.securityContext.capabilities.add.0',
      'volume-types spec.volumes.0.nfs',
    ]);
  });

  test('baseline allows a root step but not a privileged one', () => {
    const spec = {
      steps: [
        { name: 'a', image: 'x', securityContext: { runAsUser: 0 } },
        { name: 'b', image: 'x', securityContext: { privileged: true } },
      ],
    };
    expect(taskSecurityViolations(spec, ['spec'], 'baseline').map((v) => v.path.join('.'))).toEqual([
      'spec.steps.1.securityContext.privileged',
    ]);
  });
});

describe('references', () => {
  const refs = (object: KubeObject) => referencesOf(object, 'ns').map((r) => `${r.kind}/${r.namespace}/${r.name} ${r.path.join('.')}`);

  test('pod specs: service account, pull secrets, volumes, projected sources, env and envFrom of every container list', () => {
    const pod = restrictedPod();
    Object.assign(pod.spec, {
      serviceAccountName: 'sa',
      imagePullSecrets: [{ name: 'pull' }],
      volumes: [
        { name: 'c', configMap: { name: 'cm' } },
        { name: 's', secret: { secretName: 'sec' } },
        { name: 'o', secret: { secretName: 'maybe', optional: true } },
        {
          name: 'p',
          projected: { sources: [{ configMap: { name: 'pcm' } }, { secret: { name: 'psec' } }, { serviceAccountToken: { path: 't' } }] },
        },
      ],
      initContainers: [{ name: 'i', image: 'x', envFrom: [{ secretRef: { name: 'init-env' } }] }],
    });
    pod.spec.containers[0].env = [
      { name: 'A', valueFrom: { configMapKeyRef: { name: 'env-cm', key: 'a' } } },
      { name: 'B', value: 'b' },
    ];
    expect(refs(pod)).toEqual([
      'ServiceAccount/ns/sa spec.serviceAccountName',
      'Secret/ns/pull spec.imagePullSecrets.0.name',
      'ConfigMap/ns/cm spec.volumes.0.configMap.name',
      'Secret/ns/sec spec.volumes.1.secret.secretName',
      'ConfigMap/ns/pcm spec.volumes.3.projected.sources.0.configMap.name',
      'Secret/ns/psec spec.volumes.3.projected.sources.1.secret.name',
      'ConfigMap/ns/env-cm spec.containers.0.env.0.valueFrom.configMapKeyRef.name',
      'Secret/ns/init-env spec.initContainers.0.envFrom.0.secretRef.name',
    ]);
  });

  test('Tekton: PipelineRun v1 taskRunTemplate, workspaces, EventListener, TriggerTemplate resource templates', () => {
    expect(
      refs({
        apiVersion: 'tekton.dev/v1',
        kind: 'PipelineRun',
        metadata: { name: 'r' },
        spec: {
          taskRunTemplate: { serviceAccountName: 'builder' },
          workspaces: [
            { name: 'cfg', configMap: { name: 'pipeline-cfg' } },
            { name: 'creds', secret: { secretName: 'docker' } },
          ],
        },
      }),
    ).toEqual([
      'ServiceAccount/ns/builder spec.taskRunTemplate.serviceAccountName',
      'ConfigMap/ns/pipeline-cfg spec.workspaces.0.configMap.name',
      'Secret/ns/docker spec.workspaces.1.secret.secretName',
    ]);
    expect(
      refs({
        apiVersion: 'triggers.tekton.dev/v1beta1',
        kind: 'EventListener',
        metadata: { name: 'el' },
        spec: { serviceAccountName: 'el-sa' },
      }),
    ).toEqual(['ServiceAccount/ns/el-sa spec.serviceAccountName']);
    expect(
      refs({
        apiVersion: 'triggers.tekton.dev/v1beta1',
        kind: 'TriggerTemplate',
        metadata: { name: 'tt' },
        spec: {
          resourcetemplates: [
            {
              apiVersion: 'tekton.dev/v1',
              kind: 'TaskRun',
              metadata: { generateName: 'x-' },
              spec: { serviceAccountName: 'runner', workspaces: [{ name: 'w', secret: { secretName: '$(tt.params.secret)' } }] },
            },
          ],
        },
      }),
    ).toEqual(['ServiceAccount/ns/runner spec.resourcetemplates.0.spec.serviceAccountName']);
  });

  test('RoleBinding subjects default to the binding namespace; ClusterRoleBinding subjects use their own', () => {
    expect(
      refs({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'b' },
        subjects: [
          { kind: 'ServiceAccount', name: 'a' },
          { kind: 'User', name: 'u' },
          { kind: 'ServiceAccount', name: 'b', namespace: 'other' },
        ],
      }),
    ).toEqual(['ServiceAccount/ns/a subjects.0.name', 'ServiceAccount/other/b subjects.2.name']);
  });
});

describeWithEngine("ports and names of built-in objects: the API server's own validation, through the engine", () => {
  test('probe ports, NetworkPolicy ports and endPort, Ingress backends', () => {
    expect(
      judged(`
apiVersion: v1
kind: Pod
metadata: { name: p }
spec:
  containers:
    - name: a
      image: x:1
      ports: [{ name: http, containerPort: 8080 }, { name: http, containerPort: 8081 }]
      readinessProbe: { tcpSocket: { port: Http_Port } }
      livenessProbe: { httpGet: { port: 0 } }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: np }
spec:
  podSelector: {}
  ingress: [{ ports: [{ port: 9000, endPort: 8000 }, { port: 70000 }] }]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: i }
spec:
  defaultBackend: { service: { name: s, port: { number: 0 } } }
`),
    ).toEqual([
      'spec.defaultBackend [api-server] (kube-apiserver 1.28.15 validation)',
      'spec.ingress[0].ports[0].endPort [api-server] (kube-apiserver 1.28.15 validation)',
      'spec.ingress[0].ports[1].port [api-server] (kube-apiserver 1.28.15 validation)',
      'spec.containers[0].livenessProbe.httpGet.port [api-server] (kube-apiserver 1.28.15 validation)',
      'spec.containers[0].ports[1].name [api-server] (kube-apiserver 1.28.15 validation)',
      'spec.containers[0].readinessProbe.tcpSocket.port [api-server] (kube-apiserver 1.28.15 validation)',
    ]);
  });

  test('a Service with several ports must name them; names unique; ExternalName needs no pods', () => {
    expect(
      judged(`
apiVersion: v1
kind: Service
metadata: { name: s }
spec:
  type: ExternalName
  externalName: db.example.com
  ports: [{ port: 80 }, { port: 81, name: b }, { port: 82, name: b }]
`),
    ).toEqual([
      'spec.ports[0].name [api-server] (kube-apiserver 1.28.15 validation)',
      'spec.ports[2].name [api-server] (kube-apiserver 1.28.15 validation)',
    ]);
  });

  test('names: namespace syntax, RBAC path segments, annotation keys, selector expressions', () => {
    expect(
      judged(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: "system:reader" }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: c, namespace: Bad_NS, annotations: { "bad key!": x } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: d }
spec:
  selector:
    matchLabels: { app: d }
    matchExpressions: [{ key: "-bad", operator: NotIn, values: [ok, "not ok"] }]
  template:
    metadata: { labels: { app: d } }
    spec:
      containers: [{ name: a, image: 'x:1' }]
`),
    ).toEqual([
      'metadata.annotations [api-server] (kube-apiserver 1.28.15 validation)',
      'metadata.namespace [api-server] (kube-apiserver 1.28.15 validation)',
      'spec.selector [api-server] (kube-apiserver 1.28.15 validation)',
      'spec.selector.matchExpressions[0].key [api-server] (kube-apiserver 1.28.15 validation)',
      'spec.selector.matchExpressions[0].values[1] [api-server] (kube-apiserver 1.28.15 validation)',
    ]);
  });

  test('container and volume names (checked once the selector is valid, as the API server does)', () => {
    expect(
      judged(`
apiVersion: apps/v1
kind: Deployment
metadata: { name: d }
spec:
  selector: { matchLabels: { app: d } }
  template:
    metadata: { labels: { app: d } }
    spec:
      containers: [{ name: App, image: 'x:1' }, { name: b, image: 'x:1' }, { name: b, image: 'z:1' }]
      volumes: [{ name: v.1, emptyDir: {} }]
`),
    ).toEqual([
      'spec.template.spec.containers[0].name [api-server] (kube-apiserver 1.28.15 validation)',
      'spec.template.spec.containers[2].name [api-server] (kube-apiserver 1.28.15 validation)',
      'spec.template.spec.volumes[0].name [api-server] (kube-apiserver 1.28.15 validation)',
    ]);
  });

  test('an object without a name, and one with only a generateName (kubectl apply cannot create it)', () => {
    expect(judged('apiVersion: v1\nkind: ConfigMap\ndata: {}\n')).toEqual([
      'metadata.name [api-server] (kube-apiserver 1.28.15 validation)',
    ]);
    expect(judged('apiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: a-}\n')).toEqual([' [api-server] (kubectl 1.28 (apply))']);
  });
});

describe('names of custom resources: our rule (the engine does not judge them)', () => {
  const findings = (yaml: string) => validateYaml(yaml, 'x.yaml').findings.map((f) => `${f.path} [${f.rule}]: ${f.message}`);

  test('name, namespace, labels, annotations and selectors, as the API server checks every object', () => {
    expect(
      findings(`apiVersion: tekton.dev/v1
kind: Task
metadata: {name: Bad_Task, namespace: Bad_NS, labels: {app: "web app"}, annotations: {"bad key!": x}}
spec:
  steps: [{name: s, image: 'busybox:1.36'}]
`),
    ).toEqual([
      'metadata.annotations["bad key!"] [invalid-annotation]: invalid annotation key "bad key!"; expected a label key: an optional DNS-1123 subdomain prefix and "/", then at most 63 characters of A-Z, a-z, 0-9, "-", "_" and ".", starting and ending with a letter or digit',
      'metadata.labels.app [invalid-label]: invalid label value "web app"; expected a label value: empty, or at most 63 characters of A-Z, a-z, 0-9, "-", "_" and ".", starting and ending with a letter or digit',
      'metadata.name [invalid-name]: invalid name "Bad_Task"; expected a DNS-1123 subdomain: dot-separated DNS-1123 labels, at most 253 characters',
      'metadata.namespace [invalid-name]: invalid namespace "Bad_NS"; expected a DNS-1123 label: at most 63 characters of a-z, 0-9 and "-", starting and ending with a letter or digit',
    ]);
  });

  test('missing metadata, or a missing name, is reported; a generateName is left to kubectl apply (the engine)', () => {
    expect(findings('apiVersion: tekton.dev/v1\nkind: Task\nspec: {steps: [{name: s, image: "busybox:1.36"}]}\n')).toEqual([
      'metadata [invalid-name]: missing metadata; every object needs metadata.name',
    ]);
    expect(
      findings('apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {namespace: ci}\nspec: {steps: [{name: s, image: "busybox:1.36"}]}\n'),
    ).toEqual(['metadata.name [invalid-name]: missing metadata.name']);
    expect(
      findings('apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {generateName: t-}\nspec: {steps: [{name: s, image: "busybox:1.36"}]}\n'),
    ).toEqual([]);
  });

  test("labels of a TriggerTemplate's resource templates are checked, its $(tt.params) placeholders are not", () => {
    expect(
      findings(`apiVersion: triggers.tekton.dev/v1beta1
kind: TriggerTemplate
metadata: {name: tt, namespace: ci}
spec:
  resourcetemplates:
  - apiVersion: tekton.dev/v1
    kind: TaskRun
    metadata: {generateName: run-, labels: {revision: $(tt.params.revision), team: "a b"}}
    spec: {taskRef: {name: t}}
`),
    ).toEqual([
      'spec.resourcetemplates[0].metadata.labels.team [invalid-label]: invalid label value "a b"; expected a label value: empty, or at most 63 characters of A-Z, a-z, 0-9, "-", "_" and ".", starting and ending with a letter or digit',
    ]);
  });

  test('built-in objects are left to the engine', () => {
    expect(findings('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}\n')).toEqual([]);
  });
});

describe('YAML as kubectl reads it, and documents that are not objects (our reader)', () => {
  const findings = (yaml: string) => validateYaml(yaml, 'x.yaml').findings.map((f) => `${f.path} [${f.rule}]`);

  test('YAML is read the way kubectl reads it (1.1): an unquoted yes is a boolean', () => {
    expect(
      findings(`
apiVersion: v1
kind: ConfigMap
metadata: { name: c }
data: { quoted: "yes", plain: yes }
`),
    ).toEqual(['data.plain [schema-type]']);
  });

  test('YAML syntax errors and documents that are not objects are findings too', () => {
    // These findings concern a whole document, so their path is empty.
    expect(findings('a: [1, 2\n')).toEqual([' [yaml-parse]']);
    expect(findings('- just\n- a list\n')).toEqual([' [not-an-object]']);
    expect(findings('kind: Pod\nmetadata: { name: p }\n')).toEqual(['apiVersion [missing-kind]']);
  });
});

describe('network-policies: a policy protects pods of its own namespace', () => {
  const pod = (namespace: string, labels: string) =>
    `apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: ${namespace}, labels: ${labels}}\nspec:\n  containers: [{name: c, image: busybox:1.36}]\n`;
  const policy = (namespace: string, podSelector: string) =>
    `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: ${namespace}}\nspec:\n  podSelector: ${podSelector}\n  policyTypes: [Ingress]\n`;
  const codes = (...docs: string[]) =>
    validateYaml(docs.join('---\n'), 'x.yaml')
      .findings.filter((f) => f.rule === 'policy-selects-other-namespace')
      .map((f) => `${f.namespace}/${f.name} ${f.path}: ${f.message}`);

  test('a policy matching only a pod of another namespace is reported, with what to write instead', () => {
    expect(codes(pod('a', '{app: web}'), policy('b', '{matchLabels: {app: web}}'))).toEqual([
      'b/p spec.podSelector: podSelector {"matchLabels":{"app":"web"}} selects no pod template in namespace "b", but matches Pod/web in namespace "a"; ' +
        'a NetworkPolicy protects only pods of its own namespace, so this one selects nothing. Create it in namespace "a" instead, ' +
        'and name the clients of "b" in "from" with namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: b}}',
    ]);
  });

  test('matchExpressions are matched too', () => {
    expect(codes(pod('a', '{app: web}'), policy('b', '{matchExpressions: [{key: app, operator: In, values: [web]}]}'))).toHaveLength(1);
  });

  test('not reported: a pod of its own namespace matches, the selector is empty, or nothing matches anywhere', () => {
    expect(codes(pod('a', '{app: web}'), pod('b', '{app: web}'), policy('b', '{matchLabels: {app: web}}'))).toEqual([]);
    expect(codes(pod('a', '{app: web}'), policy('b', '{}'))).toEqual([]);
    expect(codes(pod('a', '{app: web}'), policy('b', '{matchLabels: {app: api}}'))).toEqual([]);
  });
});

describe('images: an unpinned image is a warning', () => {
  const pinning = (yaml: string) =>
    validateYaml(yaml, 'x.yaml')
      .findings.filter((f) => f.rule === 'image-not-pinned')
      .map((f) => `${f.kind}/${f.name} ${f.path} ${f.severity}: ${f.message}`);

  test('untagged and :latest images of pods, workloads and Tekton steps; tags, digests and $(params) pass', () => {
    const yaml = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers: [{name: i, image: "busybox:latest"}]
  containers: [{name: a, image: nginx}, {name: b, image: "nginx:1.27"}, {name: c, image: "nginx@sha256:${'a'.repeat(64)}"}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}}
    spec: {containers: [{name: a, image: "localhost:5000/app"}]}
---
apiVersion: tekton.dev/v1
kind: Task
metadata: {name: t}
spec:
  stepTemplate: {image: alpine}
  steps: [{name: s, image: "$(params.image)"}, {name: u, image: "docker.io/library/busybox:1.36"}]
  sidecars: [{name: side, image: "redis:latest"}]
`;
    expect(pinning(yaml)).toEqual([
      'Deployment/d spec.template.spec.containers[0].image warning: image "localhost:5000/app" is not pinned (no tag, so "latest"): each pull may get another image; give a tag such as "nginx:1.27" or a digest (@sha256:...)',
      'Pod/p spec.containers[0].image warning: image "nginx" is not pinned (no tag, so "latest"): each pull may get another image; give a tag such as "nginx:1.27" or a digest (@sha256:...)',
      'Pod/p spec.initContainers[0].image warning: image "busybox:latest" is not pinned (the "latest" tag): each pull may get another image; give a tag such as "nginx:1.27" or a digest (@sha256:...)',
      'Task/t spec.sidecars[0].image warning: image "redis:latest" is not pinned (the "latest" tag): each pull may get another image; give a tag such as "nginx:1.27" or a digest (@sha256:...)',
      'Task/t spec.stepTemplate.image warning: image "alpine" is not pinned (no tag, so "latest"): each pull may get another image; give a tag such as "nginx:1.27" or a digest (@sha256:...)',
    ]);
  });
});
