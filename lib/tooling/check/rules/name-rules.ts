/**
 * Rules `invalid-name`, `invalid-label`, `invalid-annotation`: the name,
 * namespace, label and annotation syntax the API server enforces, plus the
 * names of containers and volumes. Rule `generate-name`: an object with only
 * `generateName` cannot be applied with `kubectl apply`. The predicates are the ones the constructs
 * use (`lib/util/k8s-syntax.ts`).
 */
import {
  DNS1035_LABEL_RULE,
  DNS_LABEL_RULE,
  DNS_SUBDOMAIN_RULE,
  LABEL_KEY_RULE,
  LABEL_VALUE_RULE,
  isDns1035Label,
  isDnsLabel,
  isDnsSubdomain,
  isLabelKey,
  isLabelValue,
} from '../../../util/k8s-syntax';
import { describeValue } from '../../../util/props-check';
import { apiGroup } from '../cluster-scoped-kinds';
import { PathSegment } from '../field-path';
import { isObject, textOf } from '../json-value';
import { KubeObject, ManifestObject } from '../manifest';
import { containersOf, podTemplateOf } from '../pod-templates';
import { RuleContext } from '../rule-context';
import { RuleDefinition } from '../rule-definition';

const PATH_SEGMENT_RULE = 'a path segment name: not "." or "..", without "/" or "%"';

function isPathSegmentName(value: string): boolean {
  return value !== '' && value !== '.' && value !== '..' && !/[/%]/.test(value);
}

/** The name rule the API server applies to `metadata.name` of this kind. */
function nameRuleFor(object: KubeObject): { test: (v: string) => boolean; rule: string } {
  const group = apiGroup(textOf(object.apiVersion ?? ''));
  if (group === '' && object.kind === 'Service') return { test: isDns1035Label, rule: DNS1035_LABEL_RULE };
  if (group === '' && object.kind === 'Namespace') return { test: isDnsLabel, rule: DNS_LABEL_RULE };
  if (group === 'rbac.authorization.k8s.io') return { test: isPathSegmentName, rule: PATH_SEGMENT_RULE };
  return { test: isDnsSubdomain, rule: DNS_SUBDOMAIN_RULE };
}

export function checkNames(ctx: RuleContext): void {
  for (const item of ctx.objects) {
    const metadata = item.object.metadata;
    if (!isObject(metadata)) {
      ctx.report(item, ['metadata'], 'invalid-name', 'error', 'missing metadata; every object needs metadata.name');
      continue;
    }
    const { name, generateName, namespace } = metadata;
    if (typeof name === 'string') {
      const { test, rule } = nameRuleFor(item.object);
      if (!test(name))
        ctx.report(item, ['metadata', 'name'], 'invalid-name', 'error', `invalid name ${describeValue(name)}; expected ${rule}`);
    } else if (typeof generateName === 'string') {
      ctx.report(
        item,
        ['metadata', 'name'],
        'generate-name',
        'error',
        `only metadata.generateName ${describeValue(generateName)} is set; \`kubectl apply\` needs a fixed metadata.name (generateName works only with \`kubectl create\`)`,
      );
    } else {
      ctx.report(item, ['metadata', 'name'], 'invalid-name', 'error', 'missing metadata.name');
    }
    if (typeof namespace === 'string' && !isDnsLabel(namespace)) {
      ctx.report(
        item,
        ['metadata', 'namespace'],
        'invalid-name',
        'error',
        `invalid namespace ${describeValue(namespace)}; expected ${DNS_LABEL_RULE}`,
      );
    }
    walkLabels(ctx, item, item.object, []);
    checkPodNames(ctx, item);
  }
}

/** Checks every `metadata.labels`/`annotations`, `matchLabels`, `matchExpressions` and Service selector in the object. */
function walkLabels(ctx: RuleContext, item: ManifestObject, node: unknown, path: PathSegment[]): void {
  if (Array.isArray(node)) {
    node.forEach((child, index) => walkLabels(ctx, item, child, [...path, index]));
    return;
  }
  if (!isObject(node)) return;
  for (const [key, child] of Object.entries(node)) {
    const childPath = [...path, key];
    const parent = path[path.length - 1];
    if (key === 'labels' && parent === 'metadata' && isObject(child)) checkLabelMap(ctx, item, child, childPath, 'invalid-label', 'label');
    else if (key === 'annotations' && parent === 'metadata' && isObject(child)) checkAnnotations(ctx, item, child, childPath);
    else if (key === 'matchLabels' && isObject(child)) checkLabelMap(ctx, item, child, childPath, 'invalid-label', 'selector');
    else if (key === 'selector' && path.length === 1 && path[0] === 'spec' && item.object.kind === 'Service' && isObject(child)) {
      checkLabelMap(ctx, item, child, childPath, 'invalid-label', 'selector');
    } else if (key === 'matchExpressions' && Array.isArray(child)) checkExpressions(ctx, item, child, childPath);
    else walkLabels(ctx, item, child, childPath);
  }
}

/**
 * Whether a value is a Tekton Triggers placeholder inside a TriggerTemplate's
 * `resourcetemplates` (e.g. `$(tt.params.revision)`), which is substituted
 * before the object is created.
 */
function isTemplated(path: readonly PathSegment[], value: unknown): boolean {
  return path.includes('resourcetemplates') && String(value).includes('$(');
}

function checkLabelMap(ctx: RuleContext, item: ManifestObject, map: KubeObject, path: PathSegment[], rule: string, what: string): void {
  for (const [key, value] of Object.entries(map)) {
    if (isTemplated(path, key) || isTemplated(path, value)) continue;
    if (!isLabelKey(key))
      ctx.report(item, [...path, key], rule, 'error', `invalid ${what} key ${describeValue(key)}; expected ${LABEL_KEY_RULE}`);
    if (!isLabelValue(value))
      ctx.report(item, [...path, key], rule, 'error', `invalid ${what} value ${describeValue(value)}; expected ${LABEL_VALUE_RULE}`);
  }
}

/** Total annotation size limit of the API server (keys plus values). */
const ANNOTATIONS_MAX_BYTES = 256 * 1024;

function checkAnnotations(ctx: RuleContext, item: ManifestObject, map: KubeObject, path: PathSegment[]): void {
  let size = 0;
  for (const [key, value] of Object.entries(map)) {
    size += Buffer.byteLength(key) + Buffer.byteLength(String(value));
    if (!isLabelKey(key))
      ctx.report(
        item,
        [...path, key],
        'invalid-annotation',
        'error',
        `invalid annotation key ${describeValue(key)}; expected ${LABEL_KEY_RULE}`,
      );
  }
  if (size > ANNOTATIONS_MAX_BYTES) {
    ctx.report(
      item,
      path,
      'invalid-annotation',
      'error',
      `annotations total ${size} bytes; the API server allows at most ${ANNOTATIONS_MAX_BYTES}`,
    );
  }
}

function checkExpressions(ctx: RuleContext, item: ManifestObject, list: unknown[], path: PathSegment[]): void {
  list.forEach((expression, index) => {
    if (!isObject(expression)) return;
    if (typeof expression.key === 'string' && !isLabelKey(expression.key)) {
      ctx.report(
        item,
        [...path, index, 'key'],
        'invalid-label',
        'error',
        `invalid selector key ${describeValue(expression.key)}; expected ${LABEL_KEY_RULE}`,
      );
    }
    if (Array.isArray(expression.values) && (expression.operator === 'In' || expression.operator === 'NotIn')) {
      expression.values.forEach((value: unknown, valueIndex: number) => {
        if (!isLabelValue(value)) {
          ctx.report(
            item,
            [...path, index, 'values', valueIndex],
            'invalid-label',
            'error',
            `invalid selector value ${describeValue(value)}; expected ${LABEL_VALUE_RULE}`,
          );
        }
      });
    }
  });
}

/** Container and volume names: DNS-1123 labels, unique within the pod. */
function checkPodNames(ctx: RuleContext, item: ManifestObject): void {
  const template = podTemplateOf(item.object);
  if (!template) return;
  const seen = new Set<string>();
  for (const { container, path } of containersOf(template)) {
    const name = container.name;
    if (typeof name !== 'string') continue;
    if (!isDnsLabel(name))
      ctx.report(
        item,
        [...path, 'name'],
        'invalid-name',
        'error',
        `invalid container name ${describeValue(name)}; expected ${DNS_LABEL_RULE}`,
      );
    else if (seen.has(name))
      ctx.report(
        item,
        [...path, 'name'],
        'invalid-name',
        'error',
        `duplicate container name ${describeValue(name)}; names must be unique across containers, initContainers and ephemeralContainers`,
      );
    seen.add(name);
  }
  const volumes = template.spec.volumes;
  if (!Array.isArray(volumes)) return;
  const seenVolumes = new Set<string>();
  volumes.forEach((volume: unknown, index: number) => {
    if (!isObject(volume) || typeof volume.name !== 'string') return;
    const path = [...template.specPath, 'volumes', index, 'name'];
    if (!isDnsLabel(volume.name))
      ctx.report(item, path, 'invalid-name', 'error', `invalid volume name ${describeValue(volume.name)}; expected ${DNS_LABEL_RULE}`);
    else if (seenVolumes.has(volume.name))
      ctx.report(item, path, 'invalid-name', 'error', `duplicate volume name ${describeValue(volume.name)}`);
    seenVolumes.add(volume.name);
  });
}

export const nameRule: RuleDefinition = {
  id: 'names',
  summary: 'names, namespaces, labels and annotations in the syntax the API server enforces',
  codes: [
    {
      code: 'invalid-name',
      severity: 'error',
      summary:
        'a name, namespace, container or volume name that is not DNS-1123 (DNS-1035 for Services), or a duplicate container or volume name',
    },
    { code: 'invalid-label', severity: 'error', summary: 'a bad label or selector key or value' },
    { code: 'invalid-annotation', severity: 'error', summary: 'a bad annotation key, or annotations over 256 KiB in total' },
    { code: 'generate-name', severity: 'error', summary: 'an object with only generateName, which kubectl apply cannot create' },
  ],
  check: checkNames,
};
