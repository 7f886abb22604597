/**
 * Rule `limit-range-inconsistent`: a LimitRange whose bounds are out of
 * order. Kubernetes 1.28 (ValidateLimitRange, after defaulting `default`
 * from `max` and `defaultRequest` from `default` or `min`) requires, per
 * resource: min <= defaultRequest <= default <= max, min <= max,
 * maxLimitRequestRatio >= 1 and, when min and max are set, a ratio no
 * greater than max / min. The API server refuses the LimitRange otherwise;
 * in particular a defaultRequest above the default would give every
 * container without requests or limits a request above its limit.
 * Negative values are left to rule `negative-quantity`.
 */
import { compareQuantities, ExactQuantity } from '../../../util/exact-quantity';
import { LimitField, LimitRangeItem, limitRangeItemsOf, LimitValue } from '../limit-ranges';
import { RuleContext } from '../rule-context';
import { RuleDefinition } from '../rule-definition';

/** `a` must not be greater than `b`; the finding goes to the value of `at`. */
const ORDER: ReadonlyArray<readonly [LimitField, LimitField, 'first' | 'second']> = [
  ['min', 'max', 'first'],
  ['min', 'defaultRequest', 'second'],
  ['defaultRequest', 'max', 'first'],
  ['defaultRequest', 'default', 'first'],
  ['min', 'default', 'second'],
  ['default', 'max', 'first'],
];

/** `default 200m`, or `default 1 (taken from max)` for a value the API server derives. */
function describe(value: LimitValue): string {
  return `${value.field} ${value.quantity.text}${value.writtenIn === value.field ? '' : ` (taken from ${value.writtenIn})`}`;
}

const ONE: ExactQuantity = { num: 1n, den: 1n, text: '1' };

function checkItem(ctx: RuleContext, item: LimitRangeItem): void {
  const seen = new Set<string>();
  const resources = new Set<string>();
  for (const values of Object.values(item.values)) for (const resource of values.keys()) resources.add(resource);
  const prefix = `spec.limits[${item.index}] (type ${item.type || '?'})`;
  for (const resource of [...resources].sort()) {
    for (const [lower, upper, at] of ORDER) {
      const a = item.values[lower].get(resource);
      const b = item.values[upper].get(resource);
      if (!a || !b || compareQuantities(a.quantity, b.quantity) <= 0) continue;
      const key = `${resource}|${a.writtenIn}|${b.writtenIn}`; // a derived value repeats a check on the value it comes from
      if (seen.has(key)) continue;
      seen.add(key);
      ctx.report(
        item.limitRange,
        (at === 'first' ? a : b).path,
        'limit-range-inconsistent',
        'error',
        `${prefix}: ${resource} ${describe(a)} is greater than ${describe(b)}; the API server refuses this LimitRange` +
          (lower === 'defaultRequest' && upper === 'default'
            ? ' (containers without requests or limits would get a request above their limit)'
            : ''),
      );
    }
    const ratio = item.values.maxLimitRequestRatio.get(resource);
    if (!ratio) continue;
    if (compareQuantities(ratio.quantity, ONE) < 0) {
      ctx.report(
        item.limitRange,
        ratio.path,
        'limit-range-inconsistent',
        'error',
        `${prefix}: ${resource} maxLimitRequestRatio ${ratio.quantity.text} is less than 1 (a limit is never below its request); the API server refuses this LimitRange`,
      );
      continue;
    }
    const min = item.values.min.get(resource);
    const max = item.values.max.get(resource);
    if (
      min &&
      max &&
      min.quantity.num !== 0n &&
      ratio.quantity.num * min.quantity.num * max.quantity.den > max.quantity.num * ratio.quantity.den * min.quantity.den
    ) {
      ctx.report(
        item.limitRange,
        ratio.path,
        'limit-range-inconsistent',
        'error',
        `${prefix}: ${resource} maxLimitRequestRatio ${ratio.quantity.text} is greater than max / min (${max.quantity.text} / ${min.quantity.text}); the API server refuses this LimitRange`,
      );
    }
  }
}

export function checkLimitRanges(ctx: RuleContext): void {
  for (const limitRange of ctx.ofKind('', 'LimitRange')) {
    for (const item of limitRangeItemsOf(limitRange)) checkItem(ctx, item);
  }
}

export const limitRangeRule: RuleDefinition = {
  id: 'limit-ranges',
  summary: 'LimitRange bounds are in order',
  codes: [
    {
      code: 'limit-range-inconsistent',
      severity: 'error',
      summary: 'a LimitRange whose min / defaultRequest / default / max / maxLimitRequestRatio are out of order',
    },
  ],
  check: checkLimitRanges,
};
