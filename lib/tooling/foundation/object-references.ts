/**
 * Which object refers to which: one table of the fields that name another object (a ConfigMap,
 * Secret, PersistentVolumeClaim, ServiceAccount, Task, ...), and one walker that finds them in an
 * object. `validate` (rule `missing-reference`) and `graph` both read it; each selects the entries
 * it judges or draws and filters what it finds (optional references, `$(` placeholders).
 */
import { apiGroup } from './cluster-scoped-kinds';
import { PathSegment } from './field-path';
import { isList, isObject } from './json-value';
import { KubeObject } from './manifest';
import { CONTAINER_LISTS, podTemplateOf, PodTemplate } from './pod-templates';

/** A path segment meaning every element of a list. */
export const EACH = '*';
/** A path segment of a pod spec meaning every container, in the container order the walker is given. */
export const EACH_CONTAINER = '#containers';

/** One field that names another object. */
export interface ReferenceField {
  /** A short unique name, e.g. `pod-volume-configmap`. */
  readonly id: string;
  /**
   * Where the field is: `pod-spec` for every pod spec (Pod, PodTemplate, the workloads, CronJob;
   * see {@link podTemplateOf}), or the API group and kinds of the objects that hold it.
   */
  readonly in: 'pod-spec' | { readonly group: string; readonly kinds: readonly string[] };
  /** The field's path from the pod spec or the object, with {@link EACH} and {@link EACH_CONTAINER}. */
  readonly path: readonly string[];
  /** The kind of the object named. */
  readonly target: string;
  /** Whether `optional: true` beside the name may mark the object as allowed to be missing. */
  readonly optional?: true;
  /**
   * Read only when this sibling field is absent or null (the deprecated `serviceAccount`, read when
   * `serviceAccountName` is not set). A null sibling keeps the reference at the sibling's path.
   */
  readonly fallbackFor?: string;
  /** How the referrer uses the object (the graph's edge label): `runs as`, `mounts`, `reads`, ... */
  readonly relation: string;
}

const TEKTON = 'tekton.dev';
const TRIGGERS = 'triggers.tekton.dev';

/** Tekton's workspace bindings (TaskRun and PipelineRun `spec.workspaces`). */
const workspaces = (kind: string): ReferenceField[] => [
  {
    id: `${kind.toLowerCase()}-workspace-configmap`,
    in: { group: TEKTON, kinds: [kind] },
    path: ['spec', 'workspaces', EACH, 'configMap', 'name'],
    target: 'ConfigMap',
    optional: true,
    relation: 'mounts',
  },
  {
    id: `${kind.toLowerCase()}-workspace-secret`,
    in: { group: TEKTON, kinds: [kind] },
    path: ['spec', 'workspaces', EACH, 'secret', 'secretName'],
    target: 'Secret',
    optional: true,
    relation: 'mounts',
  },
];

/**
 * Every field that names another object, in the order the walker visits them at each place (an
 * object's fields interleave: volume 0's, then volume 1's, ...).
 */
export const OBJECT_REFERENCES: readonly ReferenceField[] = [
  // pod specs
  { id: 'pod-service-account', in: 'pod-spec', path: ['serviceAccountName'], target: 'ServiceAccount', relation: 'runs as' },
  {
    id: 'pod-service-account-deprecated',
    in: 'pod-spec',
    path: ['serviceAccount'],
    target: 'ServiceAccount',
    fallbackFor: 'serviceAccountName',
    relation: 'runs as',
  },
  { id: 'pod-image-pull-secret', in: 'pod-spec', path: ['imagePullSecrets', EACH, 'name'], target: 'Secret', relation: 'pulls with' },
  {
    id: 'pod-volume-configmap',
    in: 'pod-spec',
    path: ['volumes', EACH, 'configMap', 'name'],
    target: 'ConfigMap',
    optional: true,
    relation: 'mounts',
  },
  {
    id: 'pod-volume-secret',
    in: 'pod-spec',
    path: ['volumes', EACH, 'secret', 'secretName'],
    target: 'Secret',
    optional: true,
    relation: 'mounts',
  },
  {
    id: 'pod-volume-pvc',
    in: 'pod-spec',
    path: ['volumes', EACH, 'persistentVolumeClaim', 'claimName'],
    target: 'PersistentVolumeClaim',
    relation: 'mounts',
  },
  {
    id: 'pod-projected-configmap',
    in: 'pod-spec',
    path: ['volumes', EACH, 'projected', 'sources', EACH, 'configMap', 'name'],
    target: 'ConfigMap',
    optional: true,
    relation: 'mounts',
  },
  {
    id: 'pod-projected-secret',
    in: 'pod-spec',
    path: ['volumes', EACH, 'projected', 'sources', EACH, 'secret', 'name'],
    target: 'Secret',
    optional: true,
    relation: 'mounts',
  },
  {
    id: 'container-env-configmap',
    in: 'pod-spec',
    path: [EACH_CONTAINER, 'env', EACH, 'valueFrom', 'configMapKeyRef', 'name'],
    target: 'ConfigMap',
    optional: true,
    relation: 'reads',
  },
  {
    id: 'container-env-secret',
    in: 'pod-spec',
    path: [EACH_CONTAINER, 'env', EACH, 'valueFrom', 'secretKeyRef', 'name'],
    target: 'Secret',
    optional: true,
    relation: 'reads',
  },
  {
    id: 'container-envfrom-configmap',
    in: 'pod-spec',
    path: [EACH_CONTAINER, 'envFrom', EACH, 'configMapRef', 'name'],
    target: 'ConfigMap',
    optional: true,
    relation: 'reads',
  },
  {
    id: 'container-envfrom-secret',
    in: 'pod-spec',
    path: [EACH_CONTAINER, 'envFrom', EACH, 'secretRef', 'name'],
    target: 'Secret',
    optional: true,
    relation: 'reads',
  },
  // other kinds
  {
    id: 'service-account-image-pull-secret',
    in: { group: '', kinds: ['ServiceAccount'] },
    path: ['imagePullSecrets', EACH, 'name'],
    target: 'Secret',
    relation: 'pulls with',
  },
  {
    id: 'ingress-tls-secret',
    in: { group: 'networking.k8s.io', kinds: ['Ingress'] },
    path: ['spec', 'tls', EACH, 'secretName'],
    target: 'Secret',
    relation: 'serves TLS with',
  },
  {
    id: 'taskrun-service-account',
    in: { group: TEKTON, kinds: ['TaskRun'] },
    path: ['spec', 'serviceAccountName'],
    target: 'ServiceAccount',
    relation: 'runs as',
  },
  ...workspaces('TaskRun'),
  {
    id: 'pipelinerun-service-account',
    in: { group: TEKTON, kinds: ['PipelineRun'] },
    path: ['spec', 'serviceAccountName'], // v1beta1
    target: 'ServiceAccount',
    relation: 'runs as',
  },
  {
    id: 'pipelinerun-template-service-account',
    in: { group: TEKTON, kinds: ['PipelineRun'] },
    path: ['spec', 'taskRunTemplate', 'serviceAccountName'], // v1
    target: 'ServiceAccount',
    relation: 'runs as',
  },
  {
    id: 'pipelinerun-task-service-account',
    in: { group: TEKTON, kinds: ['PipelineRun'] },
    path: ['spec', 'taskRunSpecs', EACH, 'serviceAccountName'],
    target: 'ServiceAccount',
    relation: 'runs as',
  },
  ...workspaces('PipelineRun'),
  {
    id: 'pipeline-task',
    in: { group: TEKTON, kinds: ['Pipeline'] },
    path: ['spec', 'tasks', EACH, 'taskRef', 'name'],
    target: 'Task',
    relation: 'runs',
  },
  {
    id: 'pipeline-finally-task',
    in: { group: TEKTON, kinds: ['Pipeline'] },
    path: ['spec', 'finally', EACH, 'taskRef', 'name'],
    target: 'Task',
    relation: 'runs',
  },
  {
    id: 'eventlistener-service-account',
    in: { group: TRIGGERS, kinds: ['EventListener'] },
    path: ['spec', 'serviceAccountName'],
    target: 'ServiceAccount',
    relation: 'runs as',
  },
];

/** Objects that hold whole objects, whose references count as their own: a TriggerTemplate's resource templates. */
export const NESTED_OBJECTS: readonly { readonly group: string; readonly kind: string; readonly path: readonly string[] }[] = [
  { group: TRIGGERS, kind: 'TriggerTemplate', path: ['spec', 'resourcetemplates'] },
];

/** One reference found in an object: a non-empty name in a field of the table. */
export interface FoundReference {
  readonly field: ReferenceField;
  readonly name: string;
  readonly path: readonly PathSegment[];
  /** `optional: true` stands beside the name (only for fields that take it). */
  readonly optional: boolean;
  /** The name holds a Tekton `$(...)` placeholder, substituted at run time. */
  readonly placeholder: boolean;
  /** The pod template the field is in, for a pod-spec field. */
  readonly template?: PodTemplate;
}

export interface ReferenceWalkOptions {
  /** The fields looked for. @default every entry of {@link OBJECT_REFERENCES} */
  readonly fields?: (field: ReferenceField) => boolean;
  /** The container lists of a pod spec, in the order visited. @default {@link CONTAINER_LISTS} */
  readonly containerOrder?: readonly (typeof CONTAINER_LISTS)[number][];
  /** Match an object's kind only, whatever its API group (the pod specs are matched by group all the same). */
  readonly anyGroup?: boolean;
}

/** The fields a walk looks for, as a tree of path segments (siblings in table order). */
interface FieldTree {
  readonly children: Map<string, FieldTree>;
  readonly fields: ReferenceField[];
}

function fieldTree(fields: readonly ReferenceField[]): FieldTree {
  const root: FieldTree = { children: new Map(), fields: [] };
  for (const field of fields) {
    let node = root;
    for (const segment of field.path) {
      let child = node.children.get(segment);
      if (!child) {
        child = { children: new Map(), fields: [] };
        node.children.set(segment, child);
      }
      node = child;
    }
    node.fields.push(field);
  }
  return root;
}

interface Walk {
  readonly out: FoundReference[];
  readonly containerOrder: readonly string[];
  readonly template?: PodTemplate;
}

/** The references under `node`, `value` being the value at `path` and `parent` the mapping holding it. */
function walkTree(walk: Walk, node: FieldTree, value: unknown, parent: unknown, path: readonly PathSegment[]): void {
  for (const field of node.fields) {
    let at = path;
    if (field.fallbackFor !== undefined) {
      const primary = isObject(parent) ? parent[field.fallbackFor] : undefined;
      if (primary !== undefined && primary !== null) continue;
      if (primary === null) at = [...path.slice(0, -1), field.fallbackFor];
    }
    if (typeof value !== 'string' || value === '') continue;
    walk.out.push({
      field,
      name: value,
      path: at,
      optional: field.optional === true && isObject(parent) && parent.optional === true,
      placeholder: value.includes('$('),
      ...(walk.template ? { template: walk.template } : {}),
    });
  }
  for (const [segment, child] of node.children) {
    if (segment === EACH) {
      if (isList(value)) value.forEach((item, i) => isObject(item) && walkTree(walk, child, item, value, [...path, i]));
    } else if (segment === EACH_CONTAINER) {
      for (const list of walk.containerOrder) {
        const containers = isObject(value) ? value[list] : undefined;
        if (isList(containers))
          containers.forEach((container, i) => isObject(container) && walkTree(walk, child, container, containers, [...path, list, i]));
      }
    } else if (isObject(value)) {
      walkTree(walk, child, value[segment], value, [...path, segment]);
    }
  }
}

/** The API group of an object, '' for the core group. */
const groupOf = (object: KubeObject): string => apiGroup(typeof object.apiVersion === 'string' ? object.apiVersion : '');

/**
 * Every reference `object` makes through the fields of {@link OBJECT_REFERENCES}: its pod spec's
 * first, then its own, each place's fields interleaved in document order. `prefix` places a
 * nested object ({@link nestedObjects}).
 */
export function referencesIn(
  object: KubeObject,
  options: ReferenceWalkOptions = {},
  prefix: readonly PathSegment[] = [],
): FoundReference[] {
  const selected = OBJECT_REFERENCES.filter(options.fields ?? (() => true));
  const containerOrder = options.containerOrder ?? CONTAINER_LISTS;
  const out: FoundReference[] = [];
  const template = podTemplateOf(object);
  if (template) {
    const placed = { ...template, specPath: [...prefix, ...template.specPath] };
    const tree = fieldTree(selected.filter((f) => f.in === 'pod-spec'));
    walkTree({ out, containerOrder, template: placed }, tree, template.spec, undefined, placed.specPath);
  }
  const group = groupOf(object);
  const own = selected.filter(
    (f) => f.in !== 'pod-spec' && f.in.kinds.includes(object.kind as string) && (options.anyGroup === true || f.in.group === group),
  );
  if (own.length > 0) walkTree({ out, containerOrder }, fieldTree(own), object, undefined, prefix);
  return out;
}

/** The objects `object` holds ({@link NESTED_OBJECTS}), each with its path (under `prefix`). */
export function nestedObjects(object: KubeObject, prefix: readonly PathSegment[] = []): { object: KubeObject; path: PathSegment[] }[] {
  const out: { object: KubeObject; path: PathSegment[] }[] = [];
  for (const nesting of NESTED_OBJECTS) {
    if (object.kind !== nesting.kind || groupOf(object) !== nesting.group) continue;
    let list: unknown = object;
    for (const segment of nesting.path) list = isObject(list) ? list[segment] : undefined;
    if (isList(list)) list.forEach((item, i) => isObject(item) && out.push({ object: item, path: [...prefix, ...nesting.path, i] }));
  }
  return out;
}
