/**
 * Rule `negative-quantity`: a resource quantity below zero where neither a schema nor the
 * validation engine refuses it. The API server accepts a negative LimitRange value, but none
 * makes sense: a negative `default` or `defaultRequest` is handed to containers, whose pods are
 * then refused (Tekton's TaskRun pods included, which no offline check creates), and a negative
 * `max` fits no container. The Tekton CRD schema does not check the quantities of steps,
 * sidecars and stepTemplate; the API server refuses the TaskRun pods ("must be greater than or
 * equal to 0"). (Negative ResourceQuota values and container requests and limits of built-in
 * objects are refused by the API server itself: the validation engine.)
 */
import { isNegative, parseQuantity } from '../../../util/exact-quantity';
import { PathSegment } from '../../foundation/field-path';
import { field, isObject } from '../../foundation/json-value';
import { LIMIT_FIELDS, LimitField } from '../limit-ranges';
import { ManifestObject } from '../../foundation/manifest';
import { podShapes, podsOf } from '../resource-containers';
import { RuleContext } from '../rule-context';
import { RuleDefinition } from '../rule-definition';

const LIMIT_RANGE_EFFECT: Record<LimitField, string> = {
  default: 'containers without their own limit get it as their limit, and the API server refuses their pods',
  defaultRequest: 'containers without their own request get it as their request, and the API server refuses their pods',
  max: 'no container or pod can stay under it, so the API server refuses every pod that declares this resource',
  min: 'a negative minimum allows nothing a zero minimum does not; write 0 or leave it out',
  maxLimitRequestRatio: 'the API server refuses a ratio below 1',
};

function negative(raw: unknown): boolean {
  const quantity = parseQuantity(raw);
  return quantity !== undefined && isNegative(quantity);
}

function checkLimitRange(ctx: RuleContext, item: ManifestObject): void {
  const limits = field(item.object.spec, 'limits');
  if (!Array.isArray(limits)) return;
  limits.forEach((limit: unknown, index: number) => {
    if (!isObject(limit)) return;
    for (const field of LIMIT_FIELDS) {
      if (!isObject(limit[field])) continue;
      for (const [resource, raw] of Object.entries(limit[field])) {
        if (!negative(raw)) continue;
        ctx.report(
          item,
          ['spec', 'limits', index, field, resource],
          'negative-quantity',
          'error',
          `LimitRange ${field} for ${resource} is ${String(raw)}: ${LIMIT_RANGE_EFFECT[field]}`,
        );
      }
    }
  });
}

function checkContainers(ctx: RuleContext): void {
  for (const shape of podShapes(ctx)) {
    if (shape.source !== 'task') continue; // built-in pods: the validation engine
    const seen = new Set<string>(); // steps inheriting one stepTemplate value
    const refused = podsOf(shape);
    for (const container of shape.containers) {
      for (const [field, values] of [
        ['requests', container.requests],
        ['limits', container.limits],
      ] as const) {
        for (const [resource, value] of values) {
          const key = value.path.join('\u0000');
          if (!negative(value.raw) || seen.has(key)) continue;
          seen.add(key);
          const from = value.path.includes('stepTemplate') ? ' (from stepTemplate)' : '';
          ctx.report(
            shape.item,
            value.path as PathSegment[],
            'negative-quantity',
            'error',
            `${container.label} ${field === 'requests' ? 'requests' : 'has a limit of'} ${resource} ${String(value.raw)}${from}; ` +
              `resource ${field} must be greater than or equal to 0, so the API server refuses ${refused}`,
          );
        }
      }
    }
  }
}

export function checkNegativeQuantities(ctx: RuleContext): void {
  for (const item of ctx.ofKind('', 'LimitRange')) checkLimitRange(ctx, item);
  checkContainers(ctx);
}

export const negativeQuantityRule: RuleDefinition = {
  id: 'negative-quantities',
  summary: 'no negative quantity in a LimitRange or a Tekton step, which the API server refuses only in the pods made later',
  codes: [
    {
      code: 'negative-quantity',
      severity: 'error',
      summary: 'a negative quantity in a LimitRange, or in the resources of a Tekton step, sidecar or stepTemplate',
    },
  ],
  check: checkNegativeQuantities,
};
