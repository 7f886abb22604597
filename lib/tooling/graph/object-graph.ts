import { podTemplateOf } from '../foundation/pod-templates';
import { asList, isObject, JsonObject } from '../foundation/json-value';
import { labelSelectorMatches, serviceSelectorSelects } from '../foundation/label-selector';
import { isBuiltinClusterScoped } from '../foundation/cluster-scoped-kinds';
import { effectiveNamespace } from '../foundation/namespaces';
import { referencesIn, ReferenceWalkOptions } from '../foundation/object-references';

/**
 * The relations between synthesized Kubernetes objects, computed from the
 * objects themselves (never written by hand): which pods a Service selects,
 * which pods a NetworkPolicy guards and admits traffic from, which
 * ConfigMaps, Secrets, PVCs and ServiceAccounts a workload uses, who
 * delivers webhooks to which Tekton EventListener, and so on.
 */

/** A synthesized object (plain JSON). */
export interface SynthesizedObject {
  /** `v1`, `apps/v1`, ... */
  readonly apiVersion: string;
  /** `Pod`, `Service`, ... */
  readonly kind: string;
  /** The name (required), namespace, labels and annotations the graph reads. */
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly [field: string]: unknown;
}

/** One edge: `from` relates to `to` (`label` says how). */
export interface GraphEdge {
  /** The object key ({@link objectKey}) of the object the edge starts at. */
  readonly from: string;
  /** The object key of the object it points at. */
  readonly to: string;
  /** How they relate: `selects`, `guards`, `admits from`, `mounts`, `runs as`, `webhook`, ... */
  readonly label: string;
}

/** Nodes (keyed by {@link objectKey}) and edges. */
export interface ObjectGraph {
  /** Every object, by object key, in input order. */
  readonly nodes: ReadonlyMap<string, SynthesizedObject>;
  /** The relations found, each once. */
  readonly edges: readonly GraphEdge[];
}

/** `Kind/namespace/name`, unique within one apply. */
export function objectKey(o: { kind: string; metadata: { name: string; namespace?: string } }): string {
  return `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** The pod spec of a Pod or workload (the validator's reading of pod templates). */
const podSpecOf = (o: SynthesizedObject): JsonObject | undefined => podTemplateOf(o)?.spec;
const podTemplateLabels = (o: SynthesizedObject): unknown => podTemplateOf(o)?.metadata.labels;

/** The table's fields the graph does not draw: image pull secrets, the deprecated `serviceAccount`, Ingress TLS and Tekton runs. */
const NOT_DRAWN: ReadonlySet<string> = new Set([
  'pod-service-account-deprecated',
  'pod-image-pull-secret',
  'service-account-image-pull-secret',
  'ingress-tls-secret',
  'taskrun-service-account',
  'taskrun-workspace-configmap',
  'taskrun-workspace-secret',
  'pipelinerun-service-account',
  'pipelinerun-template-service-account',
  'pipelinerun-task-service-account',
  'pipelinerun-workspace-configmap',
  'pipelinerun-workspace-secret',
]);

/**
 * How the graph walks the reference table: the fields it draws, init containers before the others
 * (ephemeral ones are not drawn), and objects matched by kind whatever their API group.
 */
const DRAWN_REFERENCES: ReferenceWalkOptions = {
  fields: (field) => !NOT_DRAWN.has(field.id),
  containerOrder: ['initContainers', 'containers'],
  anyGroup: true,
};

/** A list field, or none when the field is absent or not a list (hostile input: `volumes: 5`). */
const list = asList;
/** A mapping field, or an empty one when the field is absent or not a mapping. */
const obj = (value: unknown): JsonObject => (isObject(value) ? value : {});
/** A string field, or undefined. */
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Every string anywhere inside a value. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => strings(v, out));
  return out;
}

/** Whether a parsed document has the shape the graph reads: a string kind and metadata.name. */
export function isGraphable(o: unknown): o is SynthesizedObject {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return false;
  const { kind, metadata } = o as { kind?: unknown; metadata?: unknown };
  if (typeof kind !== 'string' || !metadata || typeof metadata !== 'object' || Array.isArray(metadata)) return false;
  const { name, namespace } = metadata as { name?: unknown; namespace?: unknown };
  return typeof name === 'string' && (namespace === undefined || typeof namespace === 'string');
}

/**
 * Builds the graph of a set of objects (one chart or a whole dist/). Throws an
 * Error naming the first object without a string kind and metadata.name.
 */
export function buildObjectGraph(objects: readonly SynthesizedObject[]): ObjectGraph {
  const bad = objects.findIndex((o) => !isGraphable(o));
  if (bad >= 0) {
    throw new Error(
      `object ${bad} (kind ${JSON.stringify((objects[bad] as { kind?: unknown } | null)?.kind)}) has no string kind and metadata.name; the graph needs both`,
    );
  }
  const nodes = new Map(objects.map((o) => [objectKey(o), o]));
  const edges: GraphEdge[] = [];
  /** Where an object lands (the validator's rule); a kind the graph cannot place (a CRD's) counts as namespaced. */
  const ns = (o: SynthesizedObject) => effectiveNamespace(o.metadata.namespace, isBuiltinClusterScoped(o.apiVersion, o.kind));
  /**
   * Object keys by `kind/namespace/name`, under the namespace as written and under the one it lands in,
   * so a reference finds an object written without a namespace both from `default` and from a
   * cluster-scoped object's `''` (a custom kind's scope is not known here).
   */
  const byPlace = new Map<string, string>();
  for (const [key, o] of nodes) {
    for (const namespace of [o.metadata.namespace ?? '', ns(o)]) {
      const place = `${o.kind}/${namespace}/${o.metadata.name}`;
      if (!byPlace.has(place)) byPlace.set(place, key);
    }
  }
  const find = (kind: string, namespace: string, name: string) => byPlace.get(`${kind}/${namespace}/${name}`);
  const link = (from: SynthesizedObject, kind: unknown, namespace: string, name: unknown, label: string) => {
    const to = typeof kind === 'string' && typeof name === 'string' && name ? find(kind, namespace, name) : undefined;
    if (to && !edges.some((e) => e.from === objectKey(from) && e.to === to && e.label === label))
      edges.push({ from: objectKey(from), to, label });
  };
  const selector = (value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, string>) : undefined;
  const namespaceObjects = objects.filter((o) => o.kind === 'Namespace');
  /** The Namespace objects a namespaceSelector picks (the API server labels each with its name). */
  const namespacesSelectedBy = (namespaceSelector: unknown) =>
    namespaceObjects.filter((n) =>
      labelSelectorMatches(namespaceSelector, { ...obj(n.metadata.labels), 'kubernetes.io/metadata.name': n.metadata.name }),
    );
  /**
   * Edges from a NetworkPolicy to the pods a podSelector picks in these namespaces. An empty (or
   * absent) podSelector picks every pod of a namespace: one edge to the Namespace object says so
   * (`wholeLabel`); without that object in the set, one edge per pod.
   */
  const podsOrNamespace = (
    policy: SynthesizedObject,
    namespaces: readonly string[],
    podSelector: unknown,
    label: string,
    wholeLabel: string,
  ) => {
    const s = obj(podSelector);
    const everyPod = Object.keys(obj(s.matchLabels)).length === 0 && list(s.matchExpressions).length === 0;
    for (const namespace of namespaces) {
      if (everyPod && find('Namespace', '', namespace)) {
        link(policy, 'Namespace', '', namespace, wholeLabel);
        continue;
      }
      for (const w of objects) {
        if (podSpecOf(w) && ns(w) === namespace && labelSelectorMatches(podSelector, podTemplateLabels(w)))
          link(policy, w.kind, ns(w), w.metadata.name, label);
      }
    }
  };

  for (const o of objects) {
    const spec = obj(o.spec);
    // Service -> the pods (or pod templates) its selector matches
    if (o.kind === 'Service' && selector(spec.selector)) {
      for (const w of objects) {
        if (podSpecOf(w) && ns(w) === ns(o) && serviceSelectorSelects(selector(spec.selector), podTemplateLabels(w)))
          link(o, w.kind, ns(w), w.metadata.name, 'selects');
      }
    }
    // Endpoints / EndpointSlice -> their Service
    if (o.kind === 'Endpoints') link(o, 'Service', ns(o), o.metadata.name, 'endpoints of');
    if (o.kind === 'EndpointSlice') link(o, 'Service', ns(o), obj(o.metadata.labels)['kubernetes.io/service-name'], 'endpoints of');
    // NetworkPolicy -> the pods it protects, and the pods and namespaces its ingress rules admit traffic from
    if (o.kind === 'NetworkPolicy') {
      podsOrNamespace(o, [ns(o)], spec.podSelector, 'guards', 'guards every pod of');
      for (const rule of list(spec.ingress)) {
        for (const peer of list(obj(rule).from)) {
          const p = obj(peer);
          // A peer without namespaceSelector means the policy's own namespace; an ipBlock has no object to point at.
          if (!isObject(p.namespaceSelector) && !isObject(p.podSelector)) continue;
          const namespaces = !isObject(p.namespaceSelector)
            ? [ns(o)]
            : namespacesSelectedBy(p.namespaceSelector).map((n) => n.metadata.name);
          podsOrNamespace(o, namespaces, p.podSelector, 'admits from', 'admits from every pod of');
        }
      }
    }
    // the table's references: workload -> ConfigMaps, Secrets, PVCs, ServiceAccount it uses; EventListener -> its
    // ServiceAccount; Pipeline -> its Tasks
    for (const ref of referencesIn(o, DRAWN_REFERENCES)) link(o, ref.field.target, ns(o), ref.name, ref.field.relation);
    // RoleBinding / ClusterRoleBinding -> subjects and role
    if (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') {
      for (const subject of list(o.subjects)) {
        const s = obj(subject);
        if (s.kind === 'ServiceAccount') link(o, 'ServiceAccount', str(s.namespace) ?? ns(o), s.name, 'binds');
      }
      const roleRef = obj(o.roleRef);
      link(o, roleRef.kind, roleRef.kind === 'Role' ? ns(o) : '', roleRef.name, 'grants');
    }
    // Tekton
    if (o.kind === 'EventListener') {
      for (const trigger of list(spec.triggers)) {
        const t = obj(trigger);
        for (const binding of list(t.bindings)) {
          const b = obj(binding);
          const cluster = b.kind === 'ClusterTriggerBinding';
          link(o, cluster ? 'ClusterTriggerBinding' : 'TriggerBinding', cluster ? '' : ns(o), b.ref, 'binds');
        }
        link(o, 'TriggerTemplate', ns(o), obj(t.template).ref, 'creates from');
      }
    }
    if (o.kind === 'TriggerTemplate') {
      for (const template of list(spec.resourcetemplates)) {
        const r = obj(template);
        const rspec = obj(r.spec);
        const runKind = str(r.kind) ?? 'run';
        link(o, 'Pipeline', ns(o), obj(rspec.pipelineRef).name, `creates ${runKind} of`);
        link(o, 'Task', ns(o), obj(rspec.taskRef).name, `creates ${runKind} of`);
        link(o, 'ServiceAccount', ns(o), rspec.serviceAccountName ?? obj(rspec.taskRunTemplate).serviceAccountName, 'runs as');
      }
    }
  }

  // Webhook senders -> EventListener: a workload whose env, or a ConfigMap it
  // mounts, names the listener's Service host (`el-<name>.<ns>.svc`).
  const listeners = objects.filter((o) => o.kind === 'EventListener');
  for (const w of objects.filter((o) => podSpecOf(o))) {
    const podSpec = podSpecOf(w) ?? {};
    const mounted = list(podSpec.volumes)
      .map((v) => obj(obj(v).configMap).name)
      .filter((name) => typeof name === 'string');
    const text = [
      ...strings(list(podSpec.containers).map((c) => obj(c).env ?? [])),
      ...objects
        .filter((o) => o.kind === 'ConfigMap' && ns(o) === ns(w) && mounted.includes(o.metadata.name))
        .flatMap((o) => strings(o.data ?? {})),
    ].join('\n');
    for (const el of listeners) {
      if (text.includes(`el-${el.metadata.name}.${ns(el)}.svc`)) link(w, 'EventListener', ns(el), el.metadata.name, 'webhook');
    }
  }
  return { nodes, edges };
}
