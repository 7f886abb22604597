/**
 * LimitRange items as the API server stores them, after its defaulting of
 * `type: Container` items (Kubernetes 1.28 SetDefaults_LimitRangeItem): a
 * missing `default` takes `max`, then a missing `defaultRequest` takes
 * `default`, then `min`. The LimitRanger admission plugin then gives a
 * container without a limit the `default`, and one without a request the
 * `defaultRequest` (a container with a limit but no request already got a
 * request equal to its limit from Pod defaulting).
 */
import { ExactQuantity, isNegative, parseQuantity } from '../../util/exact-quantity';
import { PathSegment } from '../foundation/field-path';
import { field, isObject, textOf } from '../foundation/json-value';
import { ManifestObject } from '../foundation/manifest';
import { nameOf, RuleContext } from './rule-context';

/** The fields of a LimitRange item that hold quantities. */
export const LIMIT_FIELDS = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const;
export type LimitField = (typeof LIMIT_FIELDS)[number];

/** One value of an item: where it is written and, when the API server derives it, which field it comes from. */
export interface LimitValue {
  readonly quantity: ExactQuantity;
  /** The field as the stored object has it. */
  readonly field: LimitField;
  /** The field it is written in (`max` for a `default` derived from `max`). */
  readonly writtenIn: LimitField;
  /** Path of the written value in the LimitRange. */
  readonly path: PathSegment[];
}

/** One item of `spec.limits`, values by field and resource name (negative or unparsable values left out). */
export interface LimitRangeItem {
  readonly limitRange: ManifestObject;
  readonly name: string;
  readonly index: number;
  readonly type: string;
  readonly values: Readonly<Record<LimitField, ReadonlyMap<string, LimitValue>>>;
}

/** Items of one LimitRange object, with `type: Container` items defaulted. */
function limitRangeItemsOf(limitRange: ManifestObject): LimitRangeItem[] {
  const limits = field(limitRange.object.spec, 'limits');
  if (!Array.isArray(limits)) return [];
  const out: LimitRangeItem[] = [];
  limits.forEach((limit: unknown, index: number) => {
    if (!isObject(limit)) return;
    const values = {} as Record<LimitField, Map<string, LimitValue>>;
    for (const field of LIMIT_FIELDS) {
      values[field] = new Map();
      const list = limit[field];
      if (!isObject(list)) continue;
      for (const [resource, raw] of Object.entries(list)) {
        const quantity = parseQuantity(raw);
        if (quantity && !isNegative(quantity)) {
          values[field].set(resource, { quantity, field, writtenIn: field, path: ['spec', 'limits', index, field, resource] });
        }
      }
    }
    if (limit.type === 'Container') {
      const inherit = (to: LimitField, from: LimitField) => {
        for (const [resource, value] of values[from]) {
          if (!values[to].has(resource)) values[to].set(resource, { ...value, field: to });
        }
      };
      inherit('default', 'max');
      inherit('defaultRequest', 'default');
      inherit('defaultRequest', 'min');
    }
    out.push({ limitRange, name: nameOf(limitRange.object), index, type: textOf(limit.type ?? ''), values });
  });
  return out;
}

const cache = new WeakMap<RuleContext, Map<string, LimitRangeItem[]>>();

/** The `type: Container` items of every LimitRange in a namespace, in output order. */
export function containerLimits(ctx: RuleContext, namespace: string): LimitRangeItem[] {
  let byNamespace = cache.get(ctx);
  if (!byNamespace) {
    byNamespace = new Map();
    for (const item of ctx.ofKind('', 'LimitRange')) {
      const list = byNamespace.get(ctx.namespaceOf(item)) ?? [];
      for (const limit of limitRangeItemsOf(item)) if (limit.type === 'Container') list.push(limit);
      byNamespace.set(ctx.namespaceOf(item), list);
    }
    cache.set(ctx, byNamespace);
  }
  return byNamespace.get(namespace) ?? [];
}

/** `LimitRange "name" default 200m` (saying where a derived value comes from). */
export function describeLimit(item: LimitRangeItem, value: LimitValue): string {
  const derived = value.writtenIn === value.field ? '' : ` (its ${value.writtenIn}, as it sets no ${value.field})`;
  return `LimitRange "${item.name}" ${value.field} ${value.quantity.text}${derived}`;
}
