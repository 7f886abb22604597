import { podTemplateOf } from '../check/pod-templates';
import { selectorMatches } from '../check/rules/service-rules';

/**
 * The relations between synthesized Kubernetes objects, computed from the
 * objects themselves (never written by hand): which pods a Service selects,
 * which ConfigMaps, Secrets, PVCs and ServiceAccounts a workload uses, who
 * delivers webhooks to which Tekton EventListener, and so on.
 */

/** A synthesized object (plain JSON). */
export interface SynthesizedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly [field: string]: any;
}

/** One edge: `from` relates to `to` (`label` says how). */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
}

/** Nodes (keyed by {@link objectKey}) and edges. */
export interface ObjectGraph {
  readonly nodes: ReadonlyMap<string, SynthesizedObject>;
  readonly edges: readonly GraphEdge[];
}

/** `Kind/namespace/name`, unique within one apply. */
export function objectKey(o: { kind: string; metadata: { name: string; namespace?: string } }): string {
  return `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** The pod spec of a Pod or workload (the validator's reading of pod templates). */
const podSpecOf = (o: SynthesizedObject): any => podTemplateOf(o)?.spec;
const podTemplateLabels = (o: SynthesizedObject): unknown => podTemplateOf(o)?.metadata.labels;

/** A selector selects when it is non-empty and every pair matches (an empty one would select everything). */
const selects = (selector: Record<string, string> | undefined, labels: unknown) =>
  !!selector && Object.keys(selector).length > 0 && selectorMatches(selector, labels);

/** Every string anywhere inside a value. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => strings(v, out));
  return out;
}

/** Builds the graph of a set of objects (one chart or a whole dist/). */
export function buildObjectGraph(objects: readonly SynthesizedObject[]): ObjectGraph {
  const nodes = new Map(objects.map((o) => [objectKey(o), o]));
  const edges: GraphEdge[] = [];
  const ns = (o: SynthesizedObject) => o.metadata.namespace ?? '';
  const find = (kind: string, namespace: string, name: string) => {
    const key = `${kind}/${namespace}/${name}`;
    return nodes.has(key) ? key : undefined;
  };
  const link = (from: SynthesizedObject, kind: string, namespace: string, name: string | undefined, label: string) => {
    const to = name ? find(kind, namespace, name) : undefined;
    if (to && !edges.some((e) => e.from === objectKey(from) && e.to === to && e.label === label)) edges.push({ from: objectKey(from), to, label });
  };

  for (const o of objects) {
    // Service -> the pods (or pod templates) its selector matches
    if (o.kind === 'Service' && o.spec?.selector) {
      for (const w of objects) {
        if (podSpecOf(w) && ns(w) === ns(o) && selects(o.spec.selector, podTemplateLabels(w))) link(o, w.kind, ns(w), w.metadata.name, 'selects');
      }
    }
    // Endpoints / EndpointSlice -> their Service
    if (o.kind === 'Endpoints') link(o, 'Service', ns(o), o.metadata.name, 'endpoints of');
    if (o.kind === 'EndpointSlice') link(o, 'Service', ns(o), o.metadata.labels?.['kubernetes.io/service-name'], 'endpoints of');
    // NetworkPolicy -> the pods it protects
    if (o.kind === 'NetworkPolicy' && o.spec?.podSelector?.matchLabels) {
      for (const w of objects) {
        if (podSpecOf(w) && ns(w) === ns(o) && selects(o.spec.podSelector.matchLabels, podTemplateLabels(w))) link(o, w.kind, ns(w), w.metadata.name, 'guards');
      }
    }
    // workload -> ConfigMaps, Secrets, PVCs, ServiceAccount it uses
    const spec = podSpecOf(o);
    if (spec) {
      link(o, 'ServiceAccount', ns(o), spec.serviceAccountName, 'runs as');
      for (const v of spec.volumes ?? []) {
        link(o, 'ConfigMap', ns(o), v.configMap?.name, 'mounts');
        link(o, 'Secret', ns(o), v.secret?.secretName, 'mounts');
        link(o, 'PersistentVolumeClaim', ns(o), v.persistentVolumeClaim?.claimName, 'mounts');
        for (const source of v.projected?.sources ?? []) {
          link(o, 'ConfigMap', ns(o), source.configMap?.name, 'mounts');
          link(o, 'Secret', ns(o), source.secret?.name, 'mounts');
        }
      }
      for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
        for (const e of c.env ?? []) {
          link(o, 'ConfigMap', ns(o), e.valueFrom?.configMapKeyRef?.name, 'reads');
          link(o, 'Secret', ns(o), e.valueFrom?.secretKeyRef?.name, 'reads');
        }
        for (const e of c.envFrom ?? []) {
          link(o, 'ConfigMap', ns(o), e.configMapRef?.name, 'reads');
          link(o, 'Secret', ns(o), e.secretRef?.name, 'reads');
        }
      }
    }
    // RoleBinding / ClusterRoleBinding -> subjects and role
    if (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') {
      for (const s of o.subjects ?? []) {
        if (s.kind === 'ServiceAccount') link(o, 'ServiceAccount', s.namespace ?? ns(o), s.name, 'binds');
      }
      link(o, o.roleRef?.kind, o.roleRef?.kind === 'Role' ? ns(o) : '', o.roleRef?.name, 'grants');
    }
    // Tekton
    if (o.kind === 'EventListener') {
      link(o, 'ServiceAccount', ns(o), o.spec?.serviceAccountName, 'runs as');
      for (const t of o.spec?.triggers ?? []) {
        for (const b of t.bindings ?? []) link(o, b.kind === 'ClusterTriggerBinding' ? 'ClusterTriggerBinding' : 'TriggerBinding', b.kind === 'ClusterTriggerBinding' ? '' : ns(o), b.ref, 'binds');
        link(o, 'TriggerTemplate', ns(o), t.template?.ref, 'creates from');
      }
    }
    if (o.kind === 'TriggerTemplate') {
      for (const r of o.spec?.resourcetemplates ?? []) {
        link(o, 'Pipeline', ns(o), r.spec?.pipelineRef?.name, `creates ${r.kind ?? 'run'} of`);
        link(o, 'Task', ns(o), r.spec?.taskRef?.name, `creates ${r.kind ?? 'run'} of`);
        link(o, 'ServiceAccount', ns(o), r.spec?.serviceAccountName ?? r.spec?.taskRunTemplate?.serviceAccountName, 'runs as');
      }
    }
    if (o.kind === 'Pipeline') {
      for (const t of [...(o.spec?.tasks ?? []), ...(o.spec?.finally ?? [])]) link(o, 'Task', ns(o), t.taskRef?.name, 'runs');
    }
  }

  // Webhook senders -> EventListener: a workload whose env, or a ConfigMap it
  // mounts, names the listener's Service host (`el-<name>.<ns>.svc`).
  const listeners = objects.filter((o) => o.kind === 'EventListener');
  for (const w of objects.filter((o) => podSpecOf(o))) {
    const spec = podSpecOf(w);
    const mounted = (spec.volumes ?? []).map((v: any) => v.configMap?.name).filter(Boolean);
    const text = [
      ...strings((spec.containers ?? []).map((c: any) => c.env ?? [])),
      ...objects.filter((o) => o.kind === 'ConfigMap' && ns(o) === ns(w) && mounted.includes(o.metadata.name)).flatMap((o) => strings(o.data ?? {})),
    ].join('\n');
    for (const el of listeners) {
      if (text.includes(`el-${el.metadata.name}.${ns(el)}.svc`)) link(w, 'EventListener', ns(el), el.metadata.name, 'webhook');
    }
  }
  return { nodes, edges };
}
