/**
 * What every cross-object rule sees: all objects of one validation run, their
 * effective namespaces, an index by kind and name, and a findings sink.
 */
import { apiGroup, isBuiltinClusterScoped } from '../foundation/cluster-scoped-kinds';
import { fieldPath, PathSegment } from '../foundation/field-path';
import { DEFAULT_KUBERNETES_VERSION, KubernetesVersion } from '../foundation/kubernetes-versions';
import { DEFAULT_NAMESPACE, effectiveNamespace } from '../foundation/namespaces';
import { Finding, Severity } from '../foundation/finding';
import { KubeObject, ManifestObject } from '../foundation/manifest';
import { field, isObject, objectField, textOf } from '../foundation/json-value';
import { selectorMatches } from '../foundation/label-selector';
import { podTemplateOf, PodTemplate } from '../foundation/pod-templates';
import { SchemaValidator } from './schema-validator';

/** A pod template and the object that holds it. */
export interface PodTemplateAt {
  readonly item: ManifestObject;
  readonly template: PodTemplate;
}

export class RuleContext {
  public readonly findings: Finding[] = [];
  private readonly index = new Map<string, ManifestObject[]>();
  private podTemplateCache?: PodTemplateAt[];
  /** Pod templates by `namespace\0` and by `namespace\0label\0value`, in document order. */
  private templatesByLabel?: Map<string, PodTemplateAt[]>;
  private readonly namespaces = new Map<ManifestObject, string>();

  constructor(
    public readonly objects: readonly ManifestObject[],
    public readonly schemas: SchemaValidator,
    /** The Kubernetes release the objects are judged for (`validate --kubernetes-version`), for messages that name it. */
    public readonly kubernetesVersion: KubernetesVersion = DEFAULT_KUBERNETES_VERSION,
  ) {
    for (const item of objects) {
      const key = this.key(
        apiGroup(textOf(item.object.apiVersion ?? '')),
        textOf(item.object.kind ?? ''),
        this.namespaceOf(item),
        nameOf(item.object),
      );
      const list = this.index.get(key) ?? [];
      list.push(item);
      this.index.set(key, list);
    }
  }

  /** Records a finding about an object. */
  public report(item: ManifestObject, path: readonly PathSegment[], code: string, severity: Severity, message: string): void {
    this.reportAt(item, fieldPath(path), code, severity, message);
  }

  /** Records a finding whose field path is already rendered. */
  public reportAt(item: ManifestObject, path: string, code: string, severity: Severity, message: string): void {
    const metadata = objectField(item.object, 'metadata') ?? {};
    this.findings.push({
      file: item.file,
      kind: textOf(item.object.kind ?? ''),
      name: nameOf(item.object),
      namespace: typeof metadata.namespace === 'string' ? metadata.namespace : '',
      path,
      code,
      severity,
      message,
    });
  }

  /** Whether the object's kind is cluster-scoped (built-in list or the CRD's scope). Unknown kinds count as namespaced. */
  public isClusterScoped(object: KubeObject): boolean {
    const apiVersion = textOf(object.apiVersion ?? '');
    const kind = textOf(object.kind ?? '');
    return this.schemas.isClusterScoped(apiVersion, kind) ?? isBuiltinClusterScoped(apiVersion, kind);
  }

  /**
   * Whether the object is a custom resource (its kind comes from a CRD): the validation engine
   * does not judge those, so our rules make the API server's generic checks of them.
   */
  public isCustomResource(object: KubeObject): boolean {
    return this.schemas.lookup(textOf(object.apiVersion ?? ''), textOf(object.kind ?? ''))?.source === 'crd';
  }

  /** The namespace the object ends up in: its own, `default` when unset, `''` for cluster-scoped kinds. */
  public namespaceOf(item: ManifestObject): string {
    let namespace = this.namespaces.get(item);
    if (namespace === undefined) {
      namespace = effectiveNamespace(field(item.object.metadata, 'namespace'), this.isClusterScoped(item.object));
      this.namespaces.set(item, namespace);
    }
    return namespace;
  }

  /** Objects of this API group and kind with this namespace and name. */
  public find(group: string, kind: string, namespace: string, name: string): ManifestObject[] {
    return this.index.get(this.key(group, kind, namespace, name)) ?? [];
  }

  /** Objects of one API group and kind, in any namespace. */
  public ofKind(group: string, kind: string): ManifestObject[] {
    return this.objects.filter((item) => item.object.kind === kind && apiGroup(textOf(item.object.apiVersion ?? '')) === group);
  }

  /** Every pod template in the run (Pods, workloads, CronJobs). */
  public podTemplates(): PodTemplateAt[] {
    this.podTemplateCache ??= this.objects.flatMap((item) => {
      const template = podTemplateOf(item.object);
      return template ? [{ item, template }] : [];
    });
    return this.podTemplateCache;
  }

  /**
   * The pod templates in `namespace` that `selector` matches (selectorMatches), in document
   * order. Looked up by one of the selector's labels, not by scanning every template: with
   * thousands of Services and pods a scan per Service made validation quadratic.
   */
  public podTemplatesSelectedBy(namespace: string, selector: Record<string, unknown>): PodTemplateAt[] {
    if (!this.templatesByLabel) {
      const index = new Map<string, PodTemplateAt[]>();
      const add = (key: string, at: PodTemplateAt) => {
        const list = index.get(key);
        if (list) list.push(at);
        else index.set(key, [at]);
      };
      for (const at of this.podTemplates()) {
        const ns = this.namespaceOf(at.item);
        add(`${ns}\0`, at);
        const labels = at.template.metadata.labels;
        if (isObject(labels))
          for (const [key, value] of Object.entries(labels)) if (typeof value === 'string') add(`${ns}\0${key}\0${value}`, at);
      }
      this.templatesByLabel = index;
    }
    // Only string label values are indexed; a selector value of another type is matched by the filter below.
    const first = Object.entries(selector).find(([, value]) => typeof value === 'string');
    const candidates = this.templatesByLabel.get(first ? `${namespace}\0${first[0]}\0${String(first[1])}` : `${namespace}\0`) ?? [];
    return candidates.filter(({ template }) => selectorMatches(selector, template.metadata.labels));
  }

  private key(group: string, kind: string, namespace: string, name: string): string {
    return JSON.stringify([group, kind, namespace, name]);
  }
}

/** The object's name, or its `generateName`, or `''`. */
export function nameOf(object: KubeObject): string {
  const metadata = objectField(object, 'metadata') ?? {};
  if (typeof metadata.name === 'string') return metadata.name;
  if (typeof metadata.generateName === 'string') return metadata.generateName;
  return '';
}

/** `Kind/name` for messages, plus ` in namespace "ns"` when it is not `default`. */
export function describeObject(ctx: RuleContext, item: ManifestObject): string {
  const namespace = ctx.namespaceOf(item);
  return `${String(item.object.kind)}/${nameOf(item.object)}${namespace && namespace !== DEFAULT_NAMESPACE ? ` in namespace "${namespace}"` : ''}`;
}
