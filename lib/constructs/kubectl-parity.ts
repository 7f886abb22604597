/**
 * Every flag of `kubectl run` and `kubectl expose` (kubectl 1.28): the prop
 * of RunPod / ExposedPod that does the same, or why there is none. Flags
 * that only steer kubectl itself (output, dry run, field manager, ...) are
 * listed with the reason "kubectl only". `test/constructs/kubectl-parity.test.ts` checks
 * that the table names every flag of the 1.28 help text and compares each
 * prop with what kubectl 1.28 generated for its flag
 * (test/fixtures/kubectl-1.28/).
 */
export interface KubectlFlag {
  /** `run` or `expose`. */
  readonly command: 'run' | 'expose';
  /** The flag, without its value (`--image`, `--labels`). */
  readonly flag: string;
  /** The field of the object the flag sets, or `-` when it sets none. */
  readonly field: string;
  /** The prop that sets the same field (`RunPod.image`), when there is one. */
  readonly prop?: string;
  /** Why there is no prop, or what differs. */
  readonly note?: string;
}

const KUBECTL_ONLY = 'kubectl only: steers the command, sets no field of the object';

export const KUBECTL_FLAGS: readonly KubectlFlag[] = [
  { command: 'run', flag: 'NAME', field: 'metadata.name, containers[0].name', prop: 'RunPod.name' },
  { command: 'run', flag: '--image', field: 'containers[0].image', prop: 'RunPod.image', note: 'default: a non-root nginx (Images.web)' },
  { command: 'run', flag: '--port', field: 'containers[0].ports[0].containerPort', prop: 'RunPod.port', note: 'RunPod.portName names it' },
  { command: 'run', flag: '--labels', field: 'metadata.labels', prop: 'RunPod.labels' },
  { command: 'run', flag: '--annotations', field: 'metadata.annotations', prop: 'RunPod.annotations' },
  { command: 'run', flag: '--env', field: 'containers[0].env', prop: 'RunPod.env' },
  { command: 'run', flag: '--image-pull-policy', field: 'containers[0].imagePullPolicy', prop: 'RunPod.imagePullPolicy' },
  { command: 'run', flag: '--restart', field: 'spec.restartPolicy', prop: 'RunPod.restartPolicy' },
  {
    command: 'run',
    flag: '--command',
    field: 'containers[0].command',
    prop: 'RunPod.command',
    note: 'with --command the words after -- are the command',
  },
  { command: 'run', flag: '-- ARGS', field: 'containers[0].args', prop: 'RunPod.args' },
  {
    command: 'run',
    flag: '--privileged',
    field: 'containers[0].securityContext.privileged',
    note: 'not offered: every Pod Security level below privileged refuses it, and the exercises enforce restricted or baseline',
  },
  {
    command: 'run',
    flag: '--stdin',
    field: 'containers[0].stdin',
    note: 'not offered: an interactive container is for `kubectl run -it` sessions, not manifests; use `kubectl attach`/`exec` on a pod from the library',
  },
  { command: 'run', flag: '--tty', field: 'containers[0].tty', note: 'not offered, as --stdin' },
  { command: 'run', flag: '--leave-stdin-open', field: 'containers[0].stdinOnce', note: 'not offered, as --stdin' },
  {
    command: 'run',
    flag: '--overrides',
    field: 'any',
    note: 'the escape hatch: `pod.apiObject.addJsonPatch(JsonPatch.add(...))` (see docs on IntOrString below)',
  },
  { command: 'run', flag: '--override-type', field: '-', note: 'the kind of JSON patch; cdk8s JsonPatch is RFC 6902' },
  {
    command: 'run',
    flag: '--expose',
    field: 'a Service',
    prop: 'ExposedPod',
    note: 'ExposedPod is `kubectl run --expose`: a pod and its Service',
  },
  ...[
    '--attach',
    '--rm',
    '--pod-running-timeout',
    '--quiet',
    '--dry-run',
    '--output',
    '--template',
    '--allow-missing-template-keys',
    '--show-managed-fields',
    '--field-manager',
    '--save-config',
  ].map((flag): KubectlFlag => ({ command: 'run', flag, field: '-', note: KUBECTL_ONLY })),

  {
    command: 'expose',
    flag: 'pod NAME',
    field: 'metadata.name, spec.selector',
    prop: 'PodService.pod',
    note: "the selector is always the pod's labels",
  },
  {
    command: 'expose',
    flag: '--port',
    field: 'spec.ports[0].port',
    prop: 'ExposeOptions.servicePort',
    note: 'ExposeOptions.ports for several ports',
  },
  {
    command: 'expose',
    flag: '--target-port',
    field: 'spec.ports[0].targetPort',
    prop: 'ExposeOptions.targetPort',
    note: 'checked against the ports the pod declares',
  },
  {
    command: 'expose',
    flag: '--type',
    field: 'spec.type',
    prop: 'ExposeOptions.type',
    note: 'ExternalName is not offered (the notes do not use it)',
  },
  { command: 'expose', flag: '--name', field: 'metadata.name', prop: 'ExposeOptions.serviceName' },
  { command: 'expose', flag: '--labels', field: 'metadata.labels', prop: 'ExposeOptions.serviceLabels' },
  { command: 'expose', flag: '--session-affinity', field: 'spec.sessionAffinity', prop: 'ExposeOptions.sessionAffinity' },
  {
    command: 'expose',
    flag: '--protocol',
    field: 'spec.ports[0].protocol',
    note: "taken from the pod's declared port, so Service and container always agree (RunPod declares TCP ports)",
  },
  {
    command: 'expose',
    flag: '--selector',
    field: 'spec.selector',
    note: 'not offered: the Service selects exactly the pod it exposes; a Service selecting other pods is a different construct',
  },
  {
    command: 'expose',
    flag: '--external-ip',
    field: 'spec.externalIPs',
    note: 'not offered: lets a Service capture traffic to any IP (CVE-2020-8554); clusters often block it with the DenyServiceExternalIPs admission plugin',
  },
  {
    command: 'expose',
    flag: '--load-balancer-ip',
    field: 'spec.loadBalancerIP',
    note: "not offered: deprecated since Kubernetes 1.24 and ignored by many providers; use the provider's annotation",
  },
  {
    command: 'expose',
    flag: '--cluster-ip',
    field: 'spec.clusterIP',
    note: 'not offered: a fixed IP collides easily; `None` (headless) is for StatefulSets, which the notes do not use',
  },
  { command: 'expose', flag: '--overrides', field: 'any', note: 'the escape hatch: `service.apiObject.addJsonPatch(...)`' },
  { command: 'expose', flag: '--override-type', field: '-', note: 'the kind of JSON patch; cdk8s JsonPatch is RFC 6902' },
  ...[
    '--filename',
    '--kustomize',
    '--recursive',
    '--dry-run',
    '--output',
    '--template',
    '--allow-missing-template-keys',
    '--show-managed-fields',
    '--field-manager',
    '--save-config',
  ].map((flag): KubectlFlag => ({ command: 'expose', flag, field: '-', note: KUBECTL_ONLY })),
  {
    command: 'expose',
    flag: '(no flag) externalTrafficPolicy',
    field: 'spec.externalTrafficPolicy',
    prop: 'ExposeOptions.externalTrafficPolicy',
    note: 'no kubectl flag; NodePort and LoadBalancer only',
  },
];

/** The table as Markdown, for docs/generated/kubectl-parity.md. */
export function kubectlParityMarkdown(): string {
  const rows = KUBECTL_FLAGS.map(
    (f) =>
      `| \`kubectl ${f.command}\` | \`${f.flag}\` | ${f.field === '-' ? '-' : `\`${f.field}\``} | ${f.prop ? `\`${f.prop}\`` : '-'} | ${f.note ?? ''} |`,
  );
  return ['| command | flag | field | prop | note |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}
