/**
 * Rules `invalid-name`, `invalid-label`, `invalid-annotation` for custom resources (kinds of a
 * CRD): the ObjectMeta checks the API server makes on every object (a name that is a DNS-1123
 * subdomain, a namespace that is a DNS-1123 label, label and annotation syntax), which the
 * validation engine makes for built-in objects but not for custom resources. Labels and selectors
 * nested in a custom resource (a TriggerTemplate's resource templates) are checked too: they
 * become objects later. The predicates are the ones the constructs use (`lib/util/k8s-syntax.ts`).
 */
import {
  DNS_LABEL_RULE,
  DNS_SUBDOMAIN_RULE,
  LABEL_KEY_RULE,
  LABEL_VALUE_RULE,
  isDnsLabel,
  isDnsSubdomain,
  isLabelKey,
  isLabelValue,
} from '../../../util/k8s-syntax';
import { describeValue } from '../../../util/props-check';
import { PathSegment } from '../../foundation/field-path';
import { isObject } from '../../foundation/json-value';
import { KubeObject, ManifestObject } from '../../foundation/manifest';
import { RuleContext } from '../rule-context';
import { RuleDefinition } from '../rule-definition';

export function checkNames(ctx: RuleContext): void {
  for (const item of ctx.objects) {
    if (!ctx.isCustomResource(item.object)) continue; // built-in objects: the validation engine
    const metadata = item.object.metadata;
    if (!isObject(metadata)) {
      ctx.report(item, ['metadata'], 'invalid-name', 'error', 'missing metadata; every object needs metadata.name');
      continue;
    }
    const { name, generateName, namespace } = metadata;
    if (typeof name === 'string') {
      if (!isDnsSubdomain(name))
        ctx.report(
          item,
          ['metadata', 'name'],
          'invalid-name',
          'error',
          `invalid name ${describeValue(name)}; expected ${DNS_SUBDOMAIN_RULE}`,
        );
    } else if (typeof generateName !== 'string') {
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
  }
}

/** Checks every `metadata.labels`/`annotations`, `matchLabels` and `matchExpressions` in the object. */
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
    else if (key === 'matchExpressions' && Array.isArray(child)) checkExpressions(ctx, item, child, childPath);
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

export const nameRule: RuleDefinition = {
  id: 'names',
  summary: 'custom resources have names, namespaces, labels and annotations in the syntax the API server enforces',
  codes: [
    {
      code: 'invalid-name',
      severity: 'error',
      summary: 'a custom resource without a name, or whose name or namespace is not DNS-1123',
    },
    { code: 'invalid-label', severity: 'error', summary: 'a bad label or selector key or value in a custom resource' },
    {
      code: 'invalid-annotation',
      severity: 'error',
      summary: 'a bad annotation key in a custom resource, or its annotations over 256 KiB in total',
    },
  ],
  check: checkNames,
};
