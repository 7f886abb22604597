/**
 * Rule-level tests: every Pod Security control, every reference source, and
 * the port and name checks the mutation suite does not reach.
 */
import { podTemplateOf } from '../../../lib/tooling/check/pod-templates';
import { podSecurityViolations, PodSecurityLevel } from '../../../lib/tooling/check/rules/pod-security-rules';
import { referencesOf } from '../../../lib/tooling/check/rules/reference-rules';
import { taskSecurityViolations } from '../../../lib/tooling/check/rules/tekton-security-rules';
import { validateYaml } from '../../../lib/tooling/check/validate';

/** Parsed YAML, read by path in tests (the validator's own KubeObject has `unknown` fields). */
type KubeObject = Record<string, any>;

/** A pod that passes `restricted`. */
function restrictedPod(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        { name: 'app', image: 'busybox', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } },
      ],
      volumes: [{ name: 'tmp', emptyDir: {} }],
    },
  };
}

function violations(pod: KubeObject, level: PodSecurityLevel): string[] {
  const template = podTemplateOf(pod);
  if (!template) throw new Error('not a pod');
  return podSecurityViolations(template, level).map((v) => `${v.control} ${v.path.join('.')}`);
}

describe('Pod Security Standards (Kubernetes 1.28)', () => {
  test('the restricted pod passes both levels; privileged checks nothing', () => {
    expect(violations(restrictedPod(), 'restricted')).toEqual([]);
    expect(violations(restrictedPod(), 'baseline')).toEqual([]);
    const pod = restrictedPod();
    pod.spec.hostPID = true;
    expect(violations(pod, 'privileged')).toEqual([]);
  });

  const baselineCases: Array<[string, (pod: KubeObject) => void, string]> = [
    [
      'hostProcess (pod)',
      (p) => {
        p.spec.securityContext.windowsOptions = { hostProcess: true };
      },
      'host-process spec.securityContext.windowsOptions.hostProcess',
    ],
    [
      'hostProcess (container)',
      (p) => {
        p.spec.containers[0].securityContext.windowsOptions = { hostProcess: true };
      },
      'host-process spec.containers.0.securityContext.windowsOptions.hostProcess',
    ],
    [
      'hostPID',
      (p) => {
        p.spec.hostPID = true;
      },
      'host-namespaces spec.hostPID',
    ],
    [
      'hostIPC',
      (p) => {
        p.spec.hostIPC = true;
      },
      'host-namespaces spec.hostIPC',
    ],
    [
      'privileged init container',
      (p) => {
        p.spec.initContainers = [
          {
            name: 'i',
            image: 'x',
            securityContext: { privileged: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          },
        ];
      },
      'privileged spec.initContainers.0.securityContext.privileged',
    ],
    [
      'capability outside the default set',
      (p) => {
        p.spec.containers[0].securityContext.capabilities.add = ['NET_ADMIN'];
      },
      'capabilities spec.containers.0.securityContext.capabilities.add.0',
    ],
    [
      'hostPath',
      (p) => {
        p.spec.volumes.push({ name: 'h', hostPath: { path: '/' } });
      },
      'host-path spec.volumes.1.hostPath',
    ],
    [
      'hostPort',
      (p) => {
        p.spec.containers[0].ports = [{ containerPort: 80, hostPort: 80 }];
      },
      'host-ports spec.containers.0.ports.0.hostPort',
    ],
    [
      'AppArmor unconfined',
      (p) => {
        p.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' };
      },
      'apparmor metadata.annotations.container.apparmor.security.beta.kubernetes.io/app',
    ],
    [
      'SELinux type',
      (p) => {
        p.spec.securityContext.seLinuxOptions = { type: 'spc_t' };
      },
      'selinux spec.securityContext.seLinuxOptions.type',
    ],
    [
      'SELinux user',
      (p) => {
        p.spec.containers[0].securityContext.seLinuxOptions = { user: 'root' };
      },
      'selinux spec.containers.0.securityContext.seLinuxOptions.user',
    ],
    [
      '/proc mount',
      (p) => {
        p.spec.containers[0].securityContext.procMount = 'Unmasked';
      },
      'proc-mount spec.containers.0.securityContext.procMount',
    ],
    [
      'seccomp Unconfined (pod)',
      (p) => {
        p.spec.securityContext.seccompProfile.type = 'Unconfined';
        p.spec.containers[0].securityContext.seccompProfile = { type: 'RuntimeDefault' };
      },
      'seccomp spec.securityContext.seccompProfile.type',
    ],
    [
      'unsafe sysctl',
      (p) => {
        p.spec.securityContext.sysctls = [
          { name: 'net.ipv4.ping_group_range', value: '0 1' },
          { name: 'vm.swappiness', value: '1' },
        ];
      },
      'sysctls spec.securityContext.sysctls.1.name',
    ],
  ];

  test.each(baselineCases)('baseline rejects %s (and so does restricted)', (_title, mutate, expected) => {
    const pod = restrictedPod();
    mutate(pod);
    expect(violations(pod, 'baseline')).toEqual([expected]);
    expect(violations(pod, 'restricted')).toContain(expected);
  });

  test('baseline allows what only restricted forbids', () => {
    const pod = restrictedPod();
    delete pod.spec.securityContext;
    pod.spec.containers[0].securityContext = { runAsUser: 0, capabilities: { add: ['CHOWN'] } };
    pod.spec.volumes.push({ name: 'nfs', nfs: { server: 'x', path: '/' } });
    pod.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'localhost/custom' };
    expect(violations(pod, 'baseline')).toEqual([]);
    expect(violations(pod, 'restricted')).toEqual([
      'volume-types spec.volumes.1.nfs',
      'run-as-non-root spec.containers.0.securityContext.runAsNonRoot',
      'run-as-user spec.containers.0.securityContext.runAsUser',
      'privilege-escalation spec.containers.0.securityContext.allowPrivilegeEscalation',
      'seccomp spec.containers.0.securityContext.seccompProfile.type',
      'capabilities spec.containers.0.securityContext.capabilities.drop',
      'capabilities spec.containers.0.securityContext.capabilities.add.0',
    ]);
  });

  test('restricted: seccomp may be set per container instead of on the pod; Localhost is allowed', () => {
    const pod = restrictedPod();
    delete pod.spec.securityContext.seccompProfile;
    pod.spec.containers[0].securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' };
    expect(violations(pod, 'restricted')).toEqual([]);
  });

  test('restricted: runAsNonRoot false on a container fails even when the pod sets true; pod runAsUser 0 fails', () => {
    const pod = restrictedPod();
    pod.spec.containers[0].securityContext.runAsNonRoot = false;
    pod.spec.securityContext.runAsUser = 0;
    expect(violations(pod, 'restricted')).toEqual([
      'run-as-user spec.securityContext.runAsUser',
      'run-as-non-root spec.containers.0.securityContext.runAsNonRoot',
    ]);
  });

  test('restricted: Windows pods are exempt from the Linux-only controls', () => {
    const pod = restrictedPod();
    pod.spec.os = { name: 'windows' };
    delete pod.spec.securityContext.seccompProfile;
    pod.spec.containers[0].securityContext = {};
    expect(violations(pod, 'restricted')).toEqual([]);
  });

  test('workload templates are checked at their template path (CronJob)', () => {
    const cronJob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'c' },
      spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { ...restrictedPod().spec, hostNetwork: true } } } } },
    };
    expect(violations(cronJob, 'baseline')).toEqual(['host-namespaces spec.jobTemplate.spec.template.spec.hostNetwork']);
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

describe('ports and names (through the whole validator)', () => {
  const findings = (yaml: string) => validateYaml(yaml, 'x.yaml').findings.map((f) => `${f.path} [${f.rule}]`);

  test('probe ports, NetworkPolicy ports and endPort, Ingress backends', () => {
    expect(
      findings(`
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
      'spec.defaultBackend.service.port.number [port-range]',
      'spec.ingress[0].ports[0].endPort [port-range]',
      'spec.ingress[0].ports[1].port [port-range]',
      'spec.containers[0].livenessProbe.httpGet.port [port-range]',
      'spec.containers[0].ports[1].name [port-name]',
      'spec.containers[0].readinessProbe.tcpSocket.port [port-name]',
    ]);
  });

  test('a Service with several ports must name them; names unique; ExternalName needs no pods', () => {
    expect(
      findings(`
apiVersion: v1
kind: Service
metadata: { name: s }
spec:
  type: ExternalName
  externalName: db.example.com
  ports: [{ port: 80 }, { port: 81, name: b }, { port: 82, name: b }]
`),
    ).toEqual(['spec.ports[0].name [port-name]', 'spec.ports[2].name [port-name]']);
  });

  test('names: namespace syntax, RBAC path segments, container and volume names, annotation keys, matchExpressions', () => {
    expect(
      findings(`
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
      containers: [{ name: App, image: 'x:1' }, { name: b, image: 'x:1' }, { name: b, image: 'z:1' }]
      volumes: [{ name: v.1, emptyDir: {} }]
`),
    ).toEqual([
      'metadata.annotations["bad key!"] [invalid-annotation]',
      'metadata.namespace [invalid-name]',
      'spec.selector.matchExpressions[0].key [invalid-label]',
      'spec.selector.matchExpressions[0].values[1] [invalid-label]',
      'spec.template.spec.containers[0].name [invalid-name]',
      'spec.template.spec.containers[2].name [invalid-name]',
      'spec.template.spec.volumes[0].name [invalid-name]',
    ]);
  });

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

describe('objects without metadata', () => {
  test('are reported (the API server refuses them: a name is required)', () => {
    const findings = validateYaml('apiVersion: v1\nkind: ConfigMap\ndata: {}\n').findings;
    expect(findings.map((f) => `${f.path} ${f.rule} ${f.severity}: ${f.message}`)).toContain(
      'metadata invalid-name error: missing metadata; every object needs metadata.name',
    );
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
