/**
 * The mutation cases: a manifest set that passes every check (fixtures/good-app.yaml), broken one
 * thing at a time. Used twice: by the offline mutation suite (mutations.test.ts: exactly the
 * expected findings) and by the real-engine suite (test/cluster/validator-vs-api-server), which
 * sends every case to the real API server and compares the verdicts.
 *
 * Each case is judged as `k8s-practice validate` judges by default: our rules and kube-apiserver
 * 1.28.15's own checks (the validation engine), so the expected findings of the API server's
 * single-object checks are the engine's (`[api-server]`, `[api-server-later]`) and ours are
 * what the API server does not check on one object.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { locateEngine } from '../../../lib/tooling/check/api-server-engine';
import { engineOf, Finding } from '../../../lib/tooling/check/finding';
import { ManifestObject, parseManifestText } from '../../../lib/tooling/check/manifest';
import { validateObjects } from '../../../lib/tooling/check/validate';
import { KubeObject } from '../../support/helpers';

export const FILE = join(__dirname, 'fixtures', 'good-app.yaml');
const GOOD = parseManifestText(readFileSync(FILE, 'utf8'), 'good-app.yaml').objects;

/** A fresh, deep copy of the good objects. */
export function goodObjects(): KubeObject[] {
  return GOOD.map((item) => structuredClone(item.object));
}

export function pick(objects: KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && (o.metadata?.name ?? o.metadata?.generateName) === name);
  if (!found) throw new Error(`fixture has no ${kind}/${name}`);
  return found;
}

/** Why `run()` cannot judge here (no build of the validation engine), or undefined when it can. */
export function engineMissing(): string | undefined {
  const located = locateEngine('auto');
  return 'unavailable' in located ? located.unavailable : undefined;
}

/** The findings of `k8s-practice validate` on the objects (as good-app.yaml): our rules and the engine (native when built, else WebAssembly). */
export function run(objects: KubeObject[]): Finding[] {
  const items: ManifestObject[] = objects.map((object, document) => ({ file: 'good-app.yaml', document, object }));
  const result = validateObjects(items, { apiServer: 'auto' });
  const judged = result.apiServer;
  if ('unavailable' in judged) throw new Error(`the mutation cases need the validation engine: ${judged.unavailable}`);
  if ('errors' in judged && judged.errors.length > 0)
    throw new Error(`the validation engine could not read the case: ${judged.errors.join('; ')}`);
  return [...result.findings];
}

/** `Kind/name path [rule] severity (engine)` of each finding, for exact comparisons. */
export function brief(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.kind}/${f.name} ${f.path} [${f.rule}] ${f.severity} (${engineOf(f)})`).sort();
}

export interface Mutation {
  readonly title: string;
  readonly mutate: (objects: KubeObject[]) => void;
  /** Every finding expected, as `Kind/name path [rule] severity (engine)`. */
  readonly expected: readonly string[];
  /** Repairs the broken copy another way than undoing the mutation; the result must pass with no finding. */
  readonly fix?: (objects: KubeObject[]) => void;
  /**
   * Set when the real API server accepts this case although the validator rejects it: why we
   * are stricter on purpose. The cluster suite checks this against the real API server.
   */
  readonly apiServerAccepts?: string;
}

export const deployment = (o: KubeObject[]) => pick(o, 'Deployment', 'web');
export const webContainer = (o: KubeObject[]) => deployment(o).spec.template.spec.containers[0];
export const tools = (o: KubeObject[]) => pick(o, 'Pod', 'tools');
export const C0 = 'spec.template.spec.containers[0]';
export const helloStep = (o: KubeObject[]) => pick(o, 'Task', 'hello').spec.steps[0];
export const limitRange = (o: KubeObject[]) => pick(o, 'LimitRange', 'container-defaults');
export const quota = (o: KubeObject[]) => pick(o, 'ResourceQuota', 'quota');
export const S0 = 'spec.steps[0].computeResources';

export const MUTATIONS: readonly Mutation[] = [
  {
    title: 'unknown field in a container',
    mutate: (o) => {
      webContainer(o).imagePullPolicyy = 'Always';
    },
    expected: [`Deployment/web ${C0}.imagePullPolicyy [api-server] error (kube-apiserver 1.28.15 validation)`],
  },
  {
    title: 'wrong type: replicas as a string',
    mutate: (o) => {
      deployment(o).spec.replicas = '2';
    },
    expected: ['Deployment/web  [api-server] error (kube-apiserver 1.28.15 validation)'],
  },
  {
    title: 'bad enum value: restartPolicy',
    mutate: (o) => {
      tools(o).spec.restartPolicy = 'Sometimes';
    },
    expected: ['Pod/tools spec.restartPolicy [api-server] error (kube-apiserver 1.28.15 validation)'],
  },
  {
    title: 'missing required field: container name',
    mutate: (o) => {
      delete tools(o).spec.containers[0].name;
    },
    expected: ['Pod/tools spec.containers[0].name [api-server] error (kube-apiserver 1.28.15 validation)'],
  },
  {
    title: 'containerPort 70000',
    mutate: (o) => {
      webContainer(o).ports[0].containerPort = 70000;
    },
    expected: [`Deployment/web ${C0}.ports[0].containerPort [api-server] error (kube-apiserver 1.28.15 validation)`],
  },
  {
    title: 'nodePort 80',
    mutate: (o) => {
      pick(o, 'Service', 'web').spec.ports[0].nodePort = 80;
    },
    expected: ['Service/web spec.ports[0].nodePort [api-server] error (kube-apiserver 1.28.15 Service allocation)'],
  },
  {
    title: 'the same nodePort on two Services',
    mutate: (o) => {
      const copy = structuredClone(pick(o, 'Service', 'web'));
      copy.metadata.name = 'web-copy';
      o.splice(o.indexOf(pick(o, 'Service', 'web')) + 1, 0, copy);
    },
    expected: ['Service/web-copy spec.ports[0].nodePort [api-server] error (kube-apiserver 1.28.15 Service allocation)'],
  },
  {
    title: 'nodePort on a ClusterIP Service',
    mutate: (o) => {
      pick(o, 'Service', 'web').spec.type = 'ClusterIP';
    },
    expected: ['Service/web spec.ports[0].nodePort [api-server] error (kube-apiserver 1.28.15 validation)'],
  },
  {
    title: 'bad name: upper case and underscore',
    mutate: (o) => {
      tools(o).metadata.name = 'Tools_1';
    },
    expected: ['Pod/Tools_1 metadata.name [api-server] error (kube-apiserver 1.28.15 validation)'],
  },
  {
    title: 'Service name that is not a DNS-1035 label',
    mutate: (o) => {
      pick(o, 'Service', 'db').metadata.name = '1db';
      pick(o, 'Endpoints', 'db').metadata.name = '1db';
    },
    expected: ['Service/1db metadata.name [api-server] error (kube-apiserver 1.28.15 validation)'],
  },
  {
    title: 'bad label value',
    mutate: (o) => {
      deployment(o).metadata.labels.app = 'web app';
    },
    expected: ['Deployment/web metadata.labels [api-server] error (kube-apiserver 1.28.15 validation)'],
  },
  {
    title: 'Deployment selector that does not select its own template',
    mutate: (o) => {
      deployment(o).spec.selector = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] };
    },
    expected: ['Deployment/web spec.template.metadata.labels [api-server] error (kube-apiserver 1.28.15 validation)'],
  },
  {
    title: 'selector matching no pod template',
    mutate: (o) => {
      pick(o, 'Service', 'web').spec.selector = { app: 'wbe' };
    },
    expected: ['Service/web spec.selector [service-selector-no-match] error (k8s-practice rule)'],
    apiServerAccepts: 'a Service may select nothing; it just has no endpoints, which is never what an exercise means',
  },
  {
    title: 'selector matching a pod in another namespace only',
    mutate: (o) => {
      pick(o, 'Service', 'web').spec.selector = { run: 'tools' };
    },
    expected: ['Service/web spec.selector [service-selector-no-match] error (k8s-practice rule)'],
    apiServerAccepts: 'a Service selects pods of its own namespace only, so it has no endpoints; the API server does not look',
  },
  {
    title: 'selector-less Service without Endpoints',
    mutate: (o) => {
      o.splice(o.indexOf(pick(o, 'Endpoints', 'db')), 1);
    },
    expected: ['Service/db spec.selector [service-no-endpoints] error (k8s-practice rule)'],
    apiServerAccepts: 'a selector-less Service without Endpoints is valid but routes nowhere',
  },
  {
    title: 'Endpoints port name that does not match the Service port',
    mutate: (o) => {
      pick(o, 'Endpoints', 'db').subsets[0].ports[0].name = 'postgres';
    },
    expected: ['Service/db spec.ports[0].name [endpoints-port-mismatch] error (k8s-practice rule)'],
    apiServerAccepts: 'kube-proxy matches Endpoints ports to Service ports by name; a mismatch is stored but never routed',
  },
  {
    title: 'named targetPort the pods do not declare',
    mutate: (o) => {
      pick(o, 'Service', 'web').spec.ports[0].targetPort = 'web';
    },
    expected: ['Service/web spec.ports[0].targetPort [target-port-not-declared] error (k8s-practice rule)'],
    apiServerAccepts: 'the endpoints controller leaves the Service without endpoints; the API server does not compare Services with pods',
  },
  {
    title: 'numeric targetPort no container declares (warning only)',
    mutate: (o) => {
      pick(o, 'Service', 'web').spec.ports[0].targetPort = 9090;
    },
    expected: ['Service/web spec.ports[0].targetPort [target-port-not-declared] warning (k8s-practice rule)'],
  },
  {
    title: 'missing ConfigMap',
    mutate: (o) => {
      webContainer(o).envFrom[0].configMapRef.name = 'web-cfg';
    },
    expected: [`Deployment/web ${C0}.envFrom[0].configMapRef.name [missing-reference] error (k8s-practice rule)`],
    apiServerAccepts: 'the API server stores the pod; the kubelet then cannot start it (CreateContainerConfigError)',
  },
  {
    title: 'Secret not declared external',
    mutate: (o) => {
      delete deployment(o).metadata.annotations;
    },
    expected: [`Deployment/web ${C0}.env[0].valueFrom.secretKeyRef.name [missing-reference] error (k8s-practice rule)`],
    apiServerAccepts:
      'the API server stores the pod; the kubelet cannot start it until the Secret exists (out-of-band Secrets must be declared)',
  },
  {
    title: 'missing ServiceAccount',
    mutate: (o) => {
      deployment(o).spec.template.spec.serviceAccountName = 'builder';
    },
    expected: ['Deployment/web  [api-server-later] error (ServiceAccount admission)'],
  },
  {
    title: 'ClusterRoleBinding subject ServiceAccount missing',
    mutate: (o) => {
      pick(o, 'ClusterRoleBinding', 'web-pod-reader').subjects[0].namespace = 'other';
    },
    expected: ['ClusterRoleBinding/web-pod-reader subjects[0].name [missing-reference] error (k8s-practice rule)'],
    apiServerAccepts: 'RBAC bindings may name subjects that do not exist; the grant then reaches nobody',
  },
  {
    title: 'Tekton TaskRun ServiceAccount missing',
    mutate: (o) => {
      pick(o, 'TaskRun', 'hello-run').spec.serviceAccountName = 'pipeline';
    },
    expected: ['TaskRun/hello-run spec.serviceAccountName [missing-reference] error (k8s-practice rule)'],
    apiServerAccepts:
      "the API server sees only the Task/TaskRun; the pod it would refuse is created later by Tekton's controller, which this comparison does not run",
  },
  {
    title: 'generateName only (kubectl apply cannot create it)',
    mutate: (o) => {
      pick(o, 'TaskRun', 'hello-run').metadata = { generateName: 'hello-run-', namespace: 'shop' };
    },
    expected: ['TaskRun/hello-run-  [api-server] error (kubectl 1.28 (apply))'],
    apiServerAccepts: '`kubectl apply` refuses objects with only generateName; a plain create (what this comparison sends) accepts them',
  },
  {
    title: 'duplicate object',
    mutate: (o) => {
      o.push(structuredClone(pick(o, 'ConfigMap', 'web-config')));
    },
    expected: ['ConfigMap/web-config metadata.name [duplicate-object] error (k8s-practice rule)'],
  },
  {
    title: 'cluster-scoped object with a namespace',
    mutate: (o) => {
      pick(o, 'ClusterRole', 'pod-reader').metadata.namespace = 'shop';
    },
    expected: ['ClusterRole/pod-reader metadata.namespace [cluster-scoped-namespace] error (k8s-practice rule)'],
    apiServerAccepts:
      'the API server silently drops metadata.namespace of a cluster-scoped object; the manifest then says something it does not do',
  },
  {
    title: 'unknown kind',
    mutate: (o) => {
      o.push({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'shop' } });
    },
    expected: ['Widget/w kind [unknown-kind] error (k8s-practice rule)'],
  },
  {
    title: 'known kind under an apiVersion that does not serve it',
    mutate: (o) => {
      deployment(o).apiVersion = 'apps/v1beta1';
    },
    expected: ['Deployment/web  [api-server] error (kubectl 1.28 (REST mapping))'],
  },
  {
    title: 'unknown field in a Tekton Task step (CRD schema)',
    mutate: (o) => {
      pick(o, 'Task', 'hello').spec.steps[0].scirpt = 'echo typo';
    },
    expected: ['Task/hello spec.steps[0].scirpt [schema-unknown-field] error (k8s-practice rule)'],
  },
  {
    title: 'privileged container in a restricted namespace',
    mutate: (o) => {
      webContainer(o).securityContext.privileged = true;
    },
    expected: [`Deployment/web ${C0}.securityContext [api-server] error (kube-apiserver 1.28.15 validation)`],
  },
  {
    title: 'missing seccomp profile in a restricted namespace',
    mutate: (o) => {
      delete deployment(o).spec.template.spec.securityContext.seccompProfile;
    },
    expected: [
      'Deployment/web  [api-server-later] error (PodSecurity)',
      'Deployment/web  [api-server-warning] warning (PodSecurity)',
      'Deployment/web  [api-server-warning] warning (PodSecurity)',
    ],
  },
  {
    title: 'runAsUser 0 in a restricted namespace',
    mutate: (o) => {
      webContainer(o).securityContext.runAsUser = 0;
    },
    expected: [
      'Deployment/web  [api-server-later] error (PodSecurity)',
      'Deployment/web  [api-server-warning] warning (PodSecurity)',
      'Deployment/web  [api-server-warning] warning (PodSecurity)',
    ],
  },
  {
    title: 'privilege escalation not disabled in a restricted namespace',
    mutate: (o) => {
      delete webContainer(o).securityContext.allowPrivilegeEscalation;
    },
    expected: [
      'Deployment/web  [api-server-later] error (PodSecurity)',
      'Deployment/web  [api-server-warning] warning (PodSecurity)',
      'Deployment/web  [api-server-warning] warning (PodSecurity)',
    ],
  },
  {
    title: 'capabilities not dropped in a restricted namespace',
    mutate: (o) => {
      webContainer(o).securityContext.capabilities = { add: ['NET_BIND_SERVICE'] };
    },
    expected: [
      'Deployment/web  [api-server-later] error (PodSecurity)',
      'Deployment/web  [api-server-warning] warning (PodSecurity)',
      'Deployment/web  [api-server-warning] warning (PodSecurity)',
    ],
  },
  {
    title: 'init container without runAsNonRoot when the pod does not set it (restricted)',
    mutate: (o) => {
      const spec = deployment(o).spec.template.spec;
      delete spec.securityContext.runAsNonRoot;
      webContainer(o).securityContext.runAsNonRoot = true;
      spec.initContainers = [
        {
          name: 'init',
          image: 'docker.io/library/busybox:1.36',
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        },
      ];
    },
    expected: [
      'Deployment/web  [api-server-later] error (PodSecurity)',
      'Deployment/web  [api-server-warning] warning (PodSecurity)',
      'Deployment/web  [api-server-warning] warning (PodSecurity)',
    ],
  },
  {
    title: 'Tekton Task step running as root in a restricted namespace',
    mutate: (o) => {
      pick(o, 'Task', 'hello').spec.steps[0].securityContext = { runAsUser: 0 };
    },
    expected: ['Task/hello spec.steps[0].securityContext.runAsUser [psa-run-as-user] error (k8s-practice rule)'],
    apiServerAccepts:
      "the API server sees only the Task/TaskRun; the pod it would refuse is created later by Tekton's controller, which this comparison does not run",
  },
  {
    title: 'hostPath volume in a baseline namespace',
    mutate: (o) => {
      tools(o).spec.volumes = [{ name: 'host', hostPath: { path: '/var/run' } }];
    },
    expected: ['Pod/tools  [api-server] error (PodSecurity)'],
  },
  {
    title: 'hostNetwork in a baseline namespace',
    mutate: (o) => {
      tools(o).spec.hostNetwork = true;
    },
    expected: ['Pod/tools  [api-server] error (PodSecurity)'],
  },
  {
    title: 'capability outside the baseline set',
    mutate: (o) => {
      tools(o).spec.containers[0].securityContext = { capabilities: { add: ['SYS_ADMIN'] } };
    },
    expected: ['Pod/tools  [api-server] error (PodSecurity)'],
  },
  {
    title: 'hostPort in a baseline namespace',
    mutate: (o) => {
      tools(o).spec.containers[0].ports = [{ containerPort: 8080, hostPort: 8080 }];
    },
    expected: ['Pod/tools  [api-server] error (PodSecurity)'],
  },
  {
    title: 'unsafe sysctl in a baseline namespace',
    mutate: (o) => {
      tools(o).spec.securityContext = { sysctls: [{ name: 'kernel.msgmax', value: '65536' }] };
    },
    expected: ['Pod/tools  [api-server] error (PodSecurity)'],
  },
  {
    title: 'privileged ephemeral container in a baseline namespace',
    mutate: (o) => {
      tools(o).spec.ephemeralContainers = [
        { name: 'debug', image: 'docker.io/library/busybox:1.36', securityContext: { privileged: true } },
      ];
    },
    expected: ['Pod/tools spec.ephemeralContainers [api-server] error (kube-apiserver 1.28.15 validation)'],
  },
  {
    title: 'container requesting more CPU than its own limit',
    mutate: (o) => {
      webContainer(o).resources.requests.cpu = '250m';
    },
    expected: [`Deployment/web ${C0}.resources.requests [api-server] error (kube-apiserver 1.28.15 validation)`],
    fix: (o) => {
      webContainer(o).resources.limits.cpu = '500m';
    },
  },
  {
    title: 'Tekton step requesting more memory than its own limit',
    mutate: (o) => {
      helloStep(o).computeResources = { requests: { memory: '256Mi' }, limits: { memory: '128Mi' } };
    },
    expected: [`Task/hello ${S0}.requests.memory [resources-request-over-limit] error (k8s-practice rule)`],
    fix: (o) => {
      helloStep(o).computeResources.limits.memory = '0.25Gi';
    },
    apiServerAccepts:
      "the API server sees only the Task/TaskRun; the pod it would refuse is created later by Tekton's controller, which this comparison does not run",
  },
  {
    title: 'Tekton step requesting more than the LimitRange default limits, without limits (the kaniko case)',
    mutate: (o) => {
      helloStep(o).computeResources = { requests: { cpu: '250m', memory: '256Mi' } };
    },
    expected: [
      `Task/hello ${S0}.limits.cpu [limit-range-default-below-request] error (k8s-practice rule)`,
      `Task/hello ${S0}.limits.memory [limit-range-default-below-request] error (k8s-practice rule)`,
    ],
    fix: (o) => {
      helloStep(o).computeResources.limits = { cpu: '500m', memory: '256Mi' };
    },
    apiServerAccepts:
      "the API server sees only the Task/TaskRun; the pod it would refuse is created later by Tekton's controller, which this comparison does not run",
  },
  {
    title: 'container requesting more memory than the LimitRange default, without a memory limit',
    mutate: (o) => {
      delete webContainer(o).resources.limits.memory;
      webContainer(o).resources.requests.memory = '200Mi';
    },
    expected: [`Deployment/web ${C0}.resources.requests [api-server-later] error (kube-apiserver 1.28.15 validation)`],
    fix: (o) => {
      limitRange(o).spec.limits[0].default.memory = '256Mi';
    },
  },
  {
    title: 'Tekton step with a CPU limit below the defaultRequest Tekton gives it',
    mutate: (o) => {
      helloStep(o).computeResources = { limits: { cpu: '10m' } };
    },
    expected: [`Task/hello ${S0}.requests.cpu [limit-range-default-below-request] error (k8s-practice rule)`],
    fix: (o) => {
      helloStep(o).computeResources.requests = { cpu: '10m' };
    },
    apiServerAccepts:
      "the API server sees only the Task/TaskRun; the pod it would refuse is created later by Tekton's controller, which this comparison does not run",
  },
  {
    title: 'LimitRange defaultRequest above its default',
    mutate: (o) => {
      limitRange(o).spec.limits[0].defaultRequest.cpu = '500m';
    },
    expected: ['LimitRange/container-defaults spec.limits[0].defaultRequest[cpu] [api-server] error (kube-apiserver 1.28.15 validation)'],
    fix: (o) => {
      limitRange(o).spec.limits[0].default.cpu = '1';
    },
  },
  {
    title: 'LimitRange default above its max',
    mutate: (o) => {
      limitRange(o).spec.limits[0].max.memory = '100Mi';
    },
    // The refused LimitRange is not stored, so it bounds no pod (as on a cluster).
    expected: ['LimitRange/container-defaults spec.limits[0].default[memory] [api-server] error (kube-apiserver 1.28.15 validation)'],
    fix: (o) => {
      // A default within max, and a container limit within max too (LimitRanger refuses a pod above it).
      limitRange(o).spec.limits[0].default.memory = '100Mi';
      webContainer(o).resources.limits.memory = '100Mi';
    },
  },
  {
    title: 'negative ResourceQuota hard value',
    mutate: (o) => {
      quota(o).spec.hard.pods = '-1';
    },
    expected: ['ResourceQuota/quota spec.hard[pods] [api-server] error (kube-apiserver 1.28.15 validation)'],
    fix: (o) => {
      quota(o).spec.hard.pods = '20';
    },
  },
  {
    title: 'negative LimitRange max',
    mutate: (o) => {
      limitRange(o).spec.limits[0].max.memory = -1;
    },
    expected: [
      'LimitRange/container-defaults spec.limits[0].defaultRequest[memory] [api-server] error (kube-apiserver 1.28.15 validation)',
      'LimitRange/container-defaults spec.limits[0].default[memory] [api-server] error (kube-apiserver 1.28.15 validation)',
      'LimitRange/container-defaults spec.limits[0].max.memory [negative-quantity] error (k8s-practice rule)',
    ],
    fix: (o) => {
      limitRange(o).spec.limits[0].max.memory = '1Gi';
    },
  },
  {
    title: 'negative container request',
    mutate: (o) => {
      webContainer(o).resources.requests.memory = '-64Mi';
    },
    expected: [`Deployment/web ${C0}.resources.requests[memory] [api-server] error (kube-apiserver 1.28.15 validation)`],
    fix: (o) => {
      webContainer(o).resources.requests.memory = '64Mi';
    },
  },
  {
    title: 'negative Tekton stepTemplate limit (reported once, not per step)',
    mutate: (o) => {
      const task = pick(o, 'Task', 'hello');
      task.spec.stepTemplate = { computeResources: { limits: { cpu: '-1' } } };
      task.spec.steps.push({ name: 'again', image: 'docker.io/library/busybox:1.36', script: 'echo again' });
    },
    expected: ['Task/hello spec.stepTemplate.computeResources.limits.cpu [negative-quantity] error (k8s-practice rule)'],
    fix: (o) => {
      pick(o, 'Task', 'hello').spec.stepTemplate.computeResources.limits.cpu = '1';
    },
    apiServerAccepts:
      "the Tekton CRD schema does not check quantities (Tekton's webhook would); the API server sees only the Task/TaskRun; the pod it would refuse is created later by Tekton's controller, which this comparison does not run",
  },
  {
    title: 'replicas beyond the pods quota',
    mutate: (o) => {
      deployment(o).spec.replicas = 12;
    },
    expected: [
      'Deployment/web  [api-server-later] error (ResourceQuota admission)',
      'ResourceQuota/quota spec.hard.pods [quota-exceeded] error (k8s-practice rule)',
    ],
    fix: (o) => {
      quota(o).spec.hard.pods = '13';
    },
  },
  {
    title: 'CPU requests beyond the quota',
    mutate: (o) => {
      Object.assign(webContainer(o).resources, { requests: { cpu: '1', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } });
    },
    expected: ['ResourceQuota/quota spec.hard["requests.cpu"] [quota-exceeded] error (k8s-practice rule)'],
    fix: (o) => {
      quota(o).spec.hard['requests.cpu'] = '2050m';
    },
    apiServerAccepts:
      "the Deployment alone fits (2 of 2 CPUs); the pod of TaskRun hello-run that Tekton's controller creates later would not, and this comparison does not run Tekton",
  },
  {
    title: 'quota on cpu and memory without LimitRange defaults for a container that sets none',
    mutate: (o) => {
      o.splice(o.indexOf(limitRange(o)), 1);
    },
    expected: [`Task/hello ${S0} [quota-missing-resource] error (k8s-practice rule)`],
    fix: (o) => {
      helloStep(o).computeResources = { limits: { cpu: '100m', memory: '64Mi' } };
    },
    apiServerAccepts:
      "the API server sees only the Task/TaskRun; the pod it would refuse is created later by Tekton's controller, which this comparison does not run",
  },
  // Refusals of the API server's own validation that no schema expresses (found by sending
  // cases to the real API server; each needed a rule of its own until the validation engine judged them).
  {
    title: 'two containers with the same name',
    mutate: (o) => {
      tools(o).spec.containers.push({ ...structuredClone(tools(o).spec.containers[0]) });
    },
    expected: ['Pod/tools spec.containers[1].name [api-server] error (kube-apiserver 1.28.15 validation)'],
  },
  {
    title: 'two volumes with the same name',
    mutate: (o) => {
      deployment(o).spec.template.spec.volumes.push({ name: 'tmp', emptyDir: {} });
    },
    expected: ['Deployment/web spec.template.spec.volumes[1].name [api-server] error (kube-apiserver 1.28.15 validation)'],
  },
  {
    title: 'volumeMount of an undeclared volume',
    mutate: (o) => {
      webContainer(o).volumeMounts[0].name = 'scratch';
    },
    expected: [`Deployment/web ${C0}.volumeMounts[0].name [api-server] error (kube-apiserver 1.28.15 validation)`],
  },
  {
    title: 'environment variable name starting with a digit',
    mutate: (o) => {
      webContainer(o).env[0].name = '1TOKEN';
    },
    expected: [`Deployment/web ${C0}.env[0].name [api-server] error (kube-apiserver 1.28.15 validation)`],
  },
  {
    title: 'ConfigMap key with a space',
    mutate: (o) => {
      pick(o, 'ConfigMap', 'web-config').data['run mode'] = 'x';
    },
    expected: ['ConfigMap/web-config data[run mode] [api-server] error (kube-apiserver 1.28.15 validation)'],
  },
  {
    title: 'label value of 64 characters',
    mutate: (o) => {
      tools(o).metadata.labels.run = 'x'.repeat(64);
    },
    expected: ['Pod/tools metadata.labels [api-server] error (kube-apiserver 1.28.15 validation)'],
  },
  {
    title: 'label key with an upper-case prefix',
    mutate: (o) => {
      tools(o).metadata.labels['Example.com/team'] = 'a';
    },
    expected: ['Pod/tools metadata.labels [api-server] error (kube-apiserver 1.28.15 validation)'],
  },
  {
    title: 'Service name of 64 characters',
    mutate: (o) => {
      pick(o, 'Service', 'db').metadata.name = `d${'b'.repeat(63)}`;
      pick(o, 'Endpoints', 'db').metadata.name = `d${'b'.repeat(63)}`;
    },
    expected: [
      'Service/dbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb metadata.name [api-server] error (kube-apiserver 1.28.15 validation)',
    ],
  },
  {
    title: 'Endpoints address in the loopback range',
    mutate: (o) => {
      pick(o, 'Endpoints', 'db').subsets[0].addresses[0].ip = '127.0.0.1';
    },
    expected: ['Endpoints/db subsets[0].addresses[0].ip [api-server] error (kube-apiserver 1.28.15 validation)'],
  },
  {
    title: 'Endpoints address that is link-local',
    mutate: (o) => {
      pick(o, 'Endpoints', 'db').subsets[0].addresses[0].ip = '169.254.10.1';
    },
    expected: ['Endpoints/db subsets[0].addresses[0].ip [api-server] error (kube-apiserver 1.28.15 validation)'],
  },
  {
    title: 'Endpoints address that is multicast',
    mutate: (o) => {
      pick(o, 'Endpoints', 'db').subsets[0].addresses[0].ip = '224.0.0.5';
    },
    expected: ['Endpoints/db subsets[0].addresses[0].ip [api-server] error (kube-apiserver 1.28.15 validation)'],
  },
  {
    title: 'Endpoints address that is not an IP',
    mutate: (o) => {
      pick(o, 'Endpoints', 'db').subsets[0].addresses[0].ip = 'db.example.com';
    },
    expected: [
      'Endpoints/db subsets[0].addresses[0].ip [api-server] error (kube-apiserver 1.28.15 validation)',
      'Endpoints/db subsets[0].addresses[0].ip [api-server] error (kube-apiserver 1.28.15 validation)',
    ],
  },
  {
    title: 'two Service ports with the same port and protocol',
    mutate: (o) => {
      pick(o, 'Service', 'db').spec.ports.push({ name: 'pg2', port: 5432 });
    },
    // Our endpoints-port-mismatch at spec.ports[1].name (the Endpoints have no port pg2) is merged
    // into the engine's refusal of spec.ports[1], one level up, which names it.
    expected: ['Service/db spec.ports[1] [api-server] error (kube-apiserver 1.28.15 validation)'],
  },
  {
    title: 'restartPolicy Never in a Deployment template',
    mutate: (o) => {
      deployment(o).spec.template.spec.restartPolicy = 'Never';
    },
    expected: ['Deployment/web spec.template.spec.restartPolicy [api-server] error (kube-apiserver 1.28.15 validation)'],
  },
  {
    title: 'negative replicas',
    mutate: (o) => {
      deployment(o).spec.replicas = -1;
    },
    expected: ['Deployment/web spec.replicas [api-server] error (kube-apiserver 1.28.15 validation)'],
  },
  {
    title: 'rolling update with maxSurge 0 and maxUnavailable 0',
    mutate: (o) => {
      deployment(o).spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } };
    },
    expected: ['Deployment/web spec.strategy.rollingUpdate.maxUnavailable [api-server] error (kube-apiserver 1.28.15 validation)'],
  },
  {
    title: 'runAsUser of 2^31',
    mutate: (o) => {
      webContainer(o).securityContext.runAsUser = 2147483648;
    },
    expected: [`Deployment/web ${C0}.securityContext.runAsUser [api-server] error (kube-apiserver 1.28.15 validation)`],
  },
  {
    title: 'probe with two handlers',
    mutate: (o) => {
      webContainer(o).readinessProbe.exec = { command: ['true'] };
    },
    expected: [`Deployment/web ${C0}.readinessProbe.httpGet [api-server] error (kube-apiserver 1.28.15 validation)`],
  },
  {
    title: 'container without an image in a Deployment template',
    mutate: (o) => {
      delete webContainer(o).image;
    },
    expected: [`Deployment/web ${C0}.image [api-server] error (kube-apiserver 1.28.15 validation)`],
  },
  {
    title: 'progressDeadlineSeconds not above minReadySeconds',
    mutate: (o) => {
      Object.assign(deployment(o).spec, { minReadySeconds: 30, progressDeadlineSeconds: 30 });
    },
    expected: ['Deployment/web spec.progressDeadlineSeconds [api-server] error (kube-apiserver 1.28.15 validation)'],
  },
  {
    title: 'session affinity timeout of 0',
    mutate: (o) => {
      Object.assign(pick(o, 'Service', 'db').spec, {
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } },
      });
    },
    expected: ['Service/db spec.sessionAffinityConfig.clientIP.timeoutSeconds [api-server] error (kube-apiserver 1.28.15 validation)'],
  },
  {
    title: 'cpu request that is not a quantity',
    mutate: (o) => {
      webContainer(o).resources.requests.cpu = 'lots';
    },
    expected: ['Deployment/web  [api-server] error (kube-apiserver 1.28.15 validation)'],
  },
  {
    title: 'memory limit with a space before the suffix',
    mutate: (o) => {
      webContainer(o).resources.limits.memory = '1 Gi';
    },
    expected: ['Deployment/web  [api-server] error (kube-apiserver 1.28.15 validation)'],
  },
  {
    title: 'quota pods written as a word',
    mutate: (o) => {
      quota(o).spec.hard.pods = 'ten';
    },
    expected: ['ResourceQuota/quota  [api-server] error (kube-apiserver 1.28.15 validation)'],
  },
  {
    title: 'Endpoints address ::1 written in full (0:0:0:0:0:0:0:1)',
    mutate: (o) => {
      pick(o, 'Endpoints', 'db').subsets[0].addresses[0].ip = '0:0:0:0:0:0:0:1';
    },
    expected: ['Endpoints/db subsets[0].addresses[0].ip [api-server] error (kube-apiserver 1.28.15 validation)'],
  },
  // Issue "hostile input, round two": statements that the API server refuses, checked against it.
  {
    title: 'ConfigMap key of 254 characters',
    mutate: (o) => {
      pick(o, 'ConfigMap', 'web-config').data['k'.repeat(254)] = 'x';
    },
    expected: [`ConfigMap/web-config data[${'k'.repeat(254)}] [api-server] error (kube-apiserver 1.28.15 validation)`],
  },
  {
    title: 'ConfigMap larger than 1 MiB',
    mutate: (o) => {
      pick(o, 'ConfigMap', 'web-config').data.BIG = 'x'.repeat(1024 * 1024 + 1);
    },
    expected: ['ConfigMap/web-config  [api-server] error (kube-apiserver 1.28.15 validation)'],
  },
  {
    title: 'two volumeMounts at the same path',
    mutate: (o) => {
      webContainer(o).volumeMounts.push({ name: 'tmp', mountPath: '/tmp' });
    },
    expected: [`Deployment/web ${C0}.volumeMounts[1].mountPath [api-server] error (kube-apiserver 1.28.15 validation)`],
  },

  {
    title: 'NodePort Service whose pods a default-deny policy isolates, with nothing admitted from outside',
    mutate: (o) => {
      o.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'default-deny-ingress', namespace: 'shop' },
        spec: { podSelector: {}, policyTypes: ['Ingress'] },
      });
      o.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'same-namespace', namespace: 'shop' },
        spec: { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] },
      });
    },
    expected: ['Service/web spec.type [node-port-unreachable] error (k8s-practice rule)'],
    fix: (o) => {
      o.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'web-from-anywhere', namespace: 'shop' },
        spec: {
          podSelector: { matchLabels: { app: 'web' } },
          ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 'http' }] }],
        },
      });
    },
    apiServerAccepts:
      'the API server stores NetworkPolicies and Services without relating them; on a cluster that enforces NetworkPolicy, node-port clients time out',
  },
  {
    title: "NetworkPolicy in one namespace whose podSelector matches only another namespace's pods",
    mutate: (o) => {
      o.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'web-from-tools', namespace: 'legacy' },
        spec: {
          podSelector: { matchLabels: { app: 'web' } },
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ podSelector: { matchLabels: { run: 'tools' } } }], ports: [{ port: 'http' }] }],
        },
      });
    },
    expected: ['NetworkPolicy/web-from-tools spec.podSelector [policy-selects-other-namespace] error (k8s-practice rule)'],
    fix: (o) => {
      // The policy belongs with the pods it protects; the clients' namespace becomes a source.
      const policy = pick(o, 'NetworkPolicy', 'web-from-tools');
      policy.metadata.namespace = 'shop';
      policy.spec.ingress[0].from[0].namespaceSelector = { matchLabels: { 'kubernetes.io/metadata.name': 'legacy' } };
    },
    apiServerAccepts:
      'the API server stores a NetworkPolicy whatever it selects; this one selects no pod in its namespace and protects nothing',
  },
];
