/**
 * Rule `missing-reference`: ConfigMaps, Secrets and ServiceAccounts that an
 * object refers to must be in the output too, or be declared as created out
 * of band in the referencing object's `k8s-practice.dev/external-refs`
 * annotation (`Kind/name`, or `Kind/namespace/name` for another namespace).
 * The ServiceAccount `default` exists in every namespace. References marked
 * `optional: true` may be missing.
 */
import { declaredRefKeys, EXTERNAL_REFS_ANNOTATION } from '../../../util/external-refs';
import { apiGroup } from '../../foundation/cluster-scoped-kinds';
import { PathSegment } from '../../foundation/field-path';
import { each, field, isObject, textOf } from '../../foundation/json-value';
import { KubeObject } from '../../foundation/manifest';
import { DEFAULT_NAMESPACE } from '../../foundation/namespaces';
import { containersOf, podTemplateOf, PodTemplate } from '../../foundation/pod-templates';
import { RuleContext } from '../rule-context';
import { RuleDefinition } from '../rule-definition';

type RefKind = 'ConfigMap' | 'Secret' | 'ServiceAccount';

/** One reference from an object to a ConfigMap, Secret or ServiceAccount. */
export interface ObjectReference {
  readonly kind: RefKind;
  readonly name: string;
  /** Namespace of the referenced object (the referrer's unless the field says otherwise). */
  readonly namespace: string;
  readonly path: readonly PathSegment[];
  /** Extra annotation maps that may declare it external (e.g. the pod template's). */
  readonly annotationSources: readonly unknown[];
}

class ReferenceCollector {
  public readonly refs: ObjectReference[] = [];
  constructor(private readonly namespace: string) {}

  add(
    kind: RefKind,
    name: unknown,
    path: PathSegment[],
    options: { optional?: unknown; namespace?: string; annotations?: unknown[] } = {},
  ): void {
    if (typeof name !== 'string' || name === '' || options.optional === true) return;
    if (name.includes('$(')) return; // a Tekton placeholder, substituted at run time
    this.refs.push({ kind, name, namespace: options.namespace ?? this.namespace, path, annotationSources: options.annotations ?? [] });
  }

  podSpec(template: PodTemplate): void {
    const spec = template.spec;
    const at = template.specPath;
    const annotations = [template.metadata.annotations];
    const account = spec.serviceAccountName ?? spec.serviceAccount;
    this.add('ServiceAccount', account, [...at, spec.serviceAccountName !== undefined ? 'serviceAccountName' : 'serviceAccount'], {
      annotations,
    });
    each(spec.imagePullSecrets, (ref, i) => this.add('Secret', ref.name, [...at, 'imagePullSecrets', i, 'name'], { annotations }));
    each(spec.volumes, (volume, v) => {
      const vAt = [...at, 'volumes', v];
      if (isObject(volume.configMap))
        this.add('ConfigMap', volume.configMap.name, [...vAt, 'configMap', 'name'], { optional: volume.configMap.optional, annotations });
      if (isObject(volume.secret))
        this.add('Secret', volume.secret.secretName, [...vAt, 'secret', 'secretName'], { optional: volume.secret.optional, annotations });
      if (isObject(volume.projected)) {
        each(volume.projected.sources, (source, s) => {
          const sAt = [...vAt, 'projected', 'sources', s];
          if (isObject(source.configMap))
            this.add('ConfigMap', source.configMap.name, [...sAt, 'configMap', 'name'], {
              optional: source.configMap.optional,
              annotations,
            });
          if (isObject(source.secret))
            this.add('Secret', source.secret.name, [...sAt, 'secret', 'name'], { optional: source.secret.optional, annotations });
        });
      }
    });
    for (const { container, path } of containersOf(template)) {
      each(container.env, (env, e) => {
        const from = env.valueFrom;
        if (!isObject(from)) return;
        const eAt = [...path, 'env', e, 'valueFrom'];
        if (isObject(from.configMapKeyRef))
          this.add('ConfigMap', from.configMapKeyRef.name, [...eAt, 'configMapKeyRef', 'name'], {
            optional: from.configMapKeyRef.optional,
            annotations,
          });
        if (isObject(from.secretKeyRef))
          this.add('Secret', from.secretKeyRef.name, [...eAt, 'secretKeyRef', 'name'], {
            optional: from.secretKeyRef.optional,
            annotations,
          });
      });
      each(container.envFrom, (source, e) => {
        const eAt = [...path, 'envFrom', e];
        if (isObject(source.configMapRef))
          this.add('ConfigMap', source.configMapRef.name, [...eAt, 'configMapRef', 'name'], {
            optional: source.configMapRef.optional,
            annotations,
          });
        if (isObject(source.secretRef))
          this.add('Secret', source.secretRef.name, [...eAt, 'secretRef', 'name'], { optional: source.secretRef.optional, annotations });
      });
    }
  }

  /** Tekton workspace bindings (TaskRun/PipelineRun `spec.workspaces`). */
  workspaces(list: unknown, path: PathSegment[]): void {
    each(list, (workspace, w) => {
      if (isObject(workspace.configMap))
        this.add('ConfigMap', workspace.configMap.name, [...path, w, 'configMap', 'name'], { optional: workspace.configMap.optional });
      if (isObject(workspace.secret))
        this.add('Secret', workspace.secret.secretName, [...path, w, 'secret', 'secretName'], { optional: workspace.secret.optional });
    });
  }

  /** Everything an object refers to; `prefix` places a nested object (a TriggerTemplate resource template). */
  object(object: KubeObject, prefix: PathSegment[] = []): void {
    const group = apiGroup(textOf(object.apiVersion ?? ''));
    const kind = object.kind;
    const spec = isObject(object.spec) ? object.spec : {};
    const template = podTemplateOf(object);
    if (template) {
      this.podSpec({ ...template, specPath: [...prefix, ...template.specPath] });
    }
    if (group === '' && kind === 'ServiceAccount') {
      each(object.imagePullSecrets, (ref, i) => this.add('Secret', ref.name, [...prefix, 'imagePullSecrets', i, 'name']));
    }
    if (group === 'rbac.authorization.k8s.io' && (kind === 'RoleBinding' || kind === 'ClusterRoleBinding')) {
      each(object.subjects, (subject, s) => {
        if (subject.kind !== 'ServiceAccount') return;
        const namespace =
          typeof subject.namespace === 'string' && subject.namespace !== ''
            ? subject.namespace
            : kind === 'RoleBinding'
              ? this.namespace
              : undefined;
        if (namespace === undefined) return; // the schema/API requires a namespace here; nothing to resolve
        this.add('ServiceAccount', subject.name, [...prefix, 'subjects', s, 'name'], { namespace });
      });
    }
    if (group === 'networking.k8s.io' && kind === 'Ingress') {
      each(spec.tls, (tls, t) => this.add('Secret', tls.secretName, [...prefix, 'spec', 'tls', t, 'secretName']));
    }
    if (group === 'tekton.dev' && kind === 'TaskRun') {
      this.add('ServiceAccount', spec.serviceAccountName, [...prefix, 'spec', 'serviceAccountName']);
      this.workspaces(spec.workspaces, [...prefix, 'spec', 'workspaces']);
    }
    if (group === 'tekton.dev' && kind === 'PipelineRun') {
      this.add('ServiceAccount', spec.serviceAccountName, [...prefix, 'spec', 'serviceAccountName']); // v1beta1
      if (isObject(spec.taskRunTemplate)) {
        this.add('ServiceAccount', spec.taskRunTemplate.serviceAccountName, [...prefix, 'spec', 'taskRunTemplate', 'serviceAccountName']); // v1
      }
      each(spec.taskRunSpecs, (taskRunSpec, i) => {
        this.add('ServiceAccount', taskRunSpec.serviceAccountName, [...prefix, 'spec', 'taskRunSpecs', i, 'serviceAccountName']);
      });
      this.workspaces(spec.workspaces, [...prefix, 'spec', 'workspaces']);
    }
    if (group === 'triggers.tekton.dev' && kind === 'EventListener') {
      this.add('ServiceAccount', spec.serviceAccountName, [...prefix, 'spec', 'serviceAccountName']);
    }
    if (group === 'triggers.tekton.dev' && kind === 'TriggerTemplate') {
      each(spec.resourcetemplates, (resource, r) => this.object(resource, [...prefix, 'spec', 'resourcetemplates', r]));
    }
  }
}

/** The references an object makes, resolved against its (effective) namespace. */
export function referencesOf(object: KubeObject, namespace: string): ObjectReference[] {
  const collector = new ReferenceCollector(namespace);
  collector.object(object);
  return collector.refs;
}

export function checkReferences(ctx: RuleContext): void {
  for (const item of ctx.objects) {
    const namespace = ctx.namespaceOf(item) || DEFAULT_NAMESPACE;
    const refs = referencesOf(item.object, namespace);
    if (refs.length === 0) continue;
    const ownDeclared = declaredRefKeys(field(item.object.metadata, 'annotations', EXTERNAL_REFS_ANNOTATION), namespace);
    for (const ref of refs) {
      if (ref.kind === 'ServiceAccount' && ref.name === 'default') continue;
      if (ctx.find('', ref.kind, ref.namespace, ref.name).length > 0) continue;
      const key = `${ref.kind}/${ref.namespace}/${ref.name}`;
      if (ownDeclared.has(key)) continue;
      if (
        ref.annotationSources.some(
          (annotations) => isObject(annotations) && declaredRefKeys(annotations[EXTERNAL_REFS_ANNOTATION], namespace).has(key),
        )
      )
        continue;
      const where = ref.namespace === namespace ? '' : ` in namespace "${ref.namespace}"`;
      const declare = ref.namespace === namespace ? `${ref.kind}/${ref.name}` : `${ref.kind}/${ref.namespace}/${ref.name}`;
      ctx.report(
        item,
        ref.path,
        'missing-reference',
        'error',
        `${ref.kind} "${ref.name}"${where} is not in the output; add it, or declare it created out of band with annotation ${EXTERNAL_REFS_ANNOTATION}: "${declare}"`,
      );
    }
  }
}

export const referenceRule: RuleDefinition = {
  id: 'references',
  summary: 'every ConfigMap, Secret and ServiceAccount referenced is in the output or declared external',
  codes: [
    {
      code: 'missing-reference',
      severity: 'error',
      summary:
        'a ConfigMap, Secret or ServiceAccount referenced but neither in the output nor in the k8s-practice.dev/external-refs annotation (Kind/name or Kind/namespace/name)',
    },
  ],
  check: checkReferences,
};
