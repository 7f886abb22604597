/**
 * The paths pinned by golden files in `test/tooling/explain/golden/`: what
 * `kubectl explain` 1.28 prints (exit code, stdout, stderr) for each.
 * Regenerate with `UPDATE_GOLDEN=1 npx jest test/tooling/explain/golden.test.ts` and
 * review the diff.
 */
export interface GoldenCase {
  /** Golden file name, without `.txt`. */
  readonly name: string;
  /** What kind of path this pins. */
  readonly covers: 'kind' | 'deep' | 'array' | 'map' | 'int-or-string' | 'enum' | 'tekton' | 'recursive' | 'name-form' | 'error';
  readonly args: readonly string[];
}

export const GOLDEN_CASES: readonly GoldenCase[] = [
  // top-level kinds
  { name: 'pods', covers: 'kind', args: ['pods'] },
  { name: 'svc', covers: 'kind', args: ['svc'] },
  { name: 'deployments.apps', covers: 'kind', args: ['deployments.apps'] },
  { name: 'namespace', covers: 'kind', args: ['namespace'] },
  { name: 'netpol', covers: 'kind', args: ['netpol'] },
  { name: 'endpointslices', covers: 'kind', args: ['endpointslices'] },
  // deep fields
  {
    name: 'pods.spec.containers.securityContext.seccompProfile',
    covers: 'deep',
    args: ['pods.spec.containers.securityContext.seccompProfile'],
  },
  {
    name: 'deploy.spec.template.spec.containers.livenessProbe.httpGet',
    covers: 'deep',
    args: ['deploy.spec.template.spec.containers.livenessProbe.httpGet'],
  },
  { name: 'netpol.spec.ingress.from.podSelector', covers: 'deep', args: ['netpol.spec.ingress.from.podSelector'] },
  { name: 'pod.spec.shareProcessNamespace', covers: 'deep', args: ['pod.spec.shareProcessNamespace'] },
  { name: 'pods.spec.volumes.configMap.items', covers: 'deep', args: ['pods.spec.volumes.configMap.items'] },
  // arrays of objects
  { name: 'pods.spec.containers', covers: 'array', args: ['pods.spec.containers'] },
  { name: 'svc.spec.ports', covers: 'array', args: ['svc.spec.ports'] },
  { name: 'ep.subsets', covers: 'array', args: ['ep.subsets'] },
  { name: 'pods.spec.containers.env.valueFrom', covers: 'array', args: ['pods.spec.containers.env.valueFrom'] },
  // maps
  { name: 'pods.metadata.labels', covers: 'map', args: ['pods.metadata.labels'] },
  { name: 'cm.data', covers: 'map', args: ['cm.data'] },
  { name: 'pods.spec.containers.resources.limits', covers: 'map', args: ['pods.spec.containers.resources.limits'] },
  { name: 'quota.spec.hard', covers: 'map', args: ['quota.spec.hard'] },
  // int-or-string
  { name: 'svc.spec.ports.targetPort', covers: 'int-or-string', args: ['svc.spec.ports.targetPort'] },
  {
    name: 'deployments.spec.strategy.rollingUpdate.maxSurge',
    covers: 'int-or-string',
    args: ['deployments.spec.strategy.rollingUpdate.maxSurge'],
  },
  // enums
  { name: 'svc.spec.type', covers: 'enum', args: ['svc.spec.type'] },
  { name: 'pods.spec.restartPolicy', covers: 'enum', args: ['pods.spec.restartPolicy'] },
  { name: 'pods.spec.containers.imagePullPolicy', covers: 'enum', args: ['pods.spec.containers.imagePullPolicy'] },
  { name: 'svc.spec.ports.protocol', covers: 'enum', args: ['svc.spec.ports.protocol'] },
  // Tekton CRDs
  { name: 'pipelines.tekton.dev', covers: 'tekton', args: ['pipelines.tekton.dev'] },
  { name: 'pr.spec.pipelineRef', covers: 'tekton', args: ['pr.spec.pipelineRef'] },
  { name: 'tasks.spec.steps.securityContext.runAsNonRoot', covers: 'tekton', args: ['tasks.spec.steps.securityContext.runAsNonRoot'] },
  { name: 'pipelines.spec.tasks.taskRef', covers: 'tekton', args: ['pipelines.spec.tasks.taskRef'] },
  { name: 'eventlisteners', covers: 'tekton', args: ['eventlisteners'] },
  {
    name: 'pr.spec.timeouts--api-version=tekton.dev_v1beta1',
    covers: 'tekton',
    args: ['pr.spec.timeouts', '--api-version=tekton.dev/v1beta1'],
  },
  // --recursive on small types
  { name: 'pods.spec.containers.ports--recursive', covers: 'recursive', args: ['pods.spec.containers.ports', '--recursive'] },
  { name: 'netpol.spec--recursive', covers: 'recursive', args: ['netpol.spec', '--recursive'] },
  { name: 'limitranges.spec--recursive', covers: 'recursive', args: ['limitranges.spec', '--recursive'] },
  // resource name forms
  { name: 'Pod.spec.hostname', covers: 'name-form', args: ['Pod.spec.hostname'] },
  { name: 'events.events.k8s.io.note', covers: 'name-form', args: ['events.events.k8s.io.note'] },
  { name: 'hpa.spec.maxReplicas', covers: 'name-form', args: ['hpa.spec.maxReplicas'] },
  {
    name: 'hpa.spec.maxReplicas--api-version=autoscaling_v1',
    covers: 'name-form',
    args: ['hpa.spec.maxReplicas', '--api-version=autoscaling/v1'],
  },
  // kubectl's errors
  { name: 'error-pods.spec.foo', covers: 'error', args: ['pods.spec.foo'] },
  { name: 'error-foo', covers: 'error', args: ['foo'] },
  { name: 'error-deployment.apps.spec', covers: 'error', args: ['deployment.apps.spec'] },
  { name: 'error-deployments--api-version=v1', covers: 'error', args: ['deployments', '--api-version=v1'] },
  { name: 'error-pods--api-version=apps_v2', covers: 'error', args: ['pods', '--api-version=apps/v2'] },
  { name: 'error-SVC', covers: 'error', args: ['SVC'] },
  { name: 'error-empty', covers: 'error', args: [''] },
];
