/**
 * Where pod specs live in workload objects, so rules can check every pod a
 * manifest will create, not only bare Pods.
 */
import { apiGroup } from './cluster-scoped-kinds';
import { PathSegment } from './field-path';
import { isObject } from './json-value';
import { KubeObject } from './manifest';

/** A pod spec found in an object. */
export interface PodTemplate {
  /** Path of the pod spec in the object, e.g. `['spec', 'template', 'spec']`. */
  readonly specPath: readonly PathSegment[];
  readonly spec: KubeObject;
  /** The pod's metadata (the object's own for a Pod, the template's otherwise). */
  readonly metadata: KubeObject;
  readonly metadataPath: readonly PathSegment[];
}

/** Kinds whose `spec.template` is a pod template. */
const TEMPLATE_KINDS: Record<string, string> = {
  Deployment: 'apps',
  StatefulSet: 'apps',
  DaemonSet: 'apps',
  ReplicaSet: 'apps',
  Job: 'batch',
  ReplicationController: '',
};

/** The pod spec of a Pod, PodTemplate, workload or CronJob; none for other kinds. */
export function podTemplateOf(object: KubeObject): PodTemplate | undefined {
  const kind = object?.kind;
  const group = apiGroup(typeof object?.apiVersion === 'string' ? object.apiVersion : '');
  if (kind === 'Pod' && group === '') {
    return isObject(object.spec)
      ? { specPath: ['spec'], spec: object.spec, metadata: isObject(object.metadata) ? object.metadata : {}, metadataPath: ['metadata'] }
      : undefined;
  }
  let templatePath: PathSegment[] | undefined;
  if (kind === 'PodTemplate' && group === '') templatePath = ['template'];
  else if (typeof kind === 'string' && kind in TEMPLATE_KINDS && TEMPLATE_KINDS[kind] === group) templatePath = ['spec', 'template'];
  else if (kind === 'CronJob' && group === 'batch') templatePath = ['spec', 'jobTemplate', 'spec', 'template'];
  if (!templatePath) return undefined;
  let template: unknown = object;
  for (const segment of templatePath) template = isObject(template) ? template[segment as string] : undefined;
  if (!isObject(template) || !isObject(template.spec)) return undefined;
  return {
    specPath: [...templatePath, 'spec'],
    spec: template.spec,
    metadata: isObject(template.metadata) ? template.metadata : {},
    metadataPath: [...templatePath, 'metadata'],
  };
}

/** The three container lists of a pod spec. */
export const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/** A container with its path in the object. */
export interface ContainerAt {
  readonly container: KubeObject;
  readonly path: readonly PathSegment[];
  readonly list: (typeof CONTAINER_LISTS)[number];
}

/** Every container (regular, init and ephemeral) of a pod spec. */
export function containersOf(template: PodTemplate): ContainerAt[] {
  const out: ContainerAt[] = [];
  for (const list of CONTAINER_LISTS) {
    const containers = template.spec[list];
    if (!Array.isArray(containers)) continue;
    containers.forEach((container, index) => {
      if (isObject(container)) out.push({ container, path: [...template.specPath, list, index], list });
    });
  }
  return out;
}
