/**
 * Label selectors, the one implementation for the rules, the graph and the tests:
 * - equality maps (`Service.spec.selector`, `ReplicationController.spec.selector`);
 * - LabelSelectors (`matchLabels` + `matchExpressions`: workloads, NetworkPolicy).
 */
import { isObject } from './json-value';

/** Whether every key of an equality-map `selector` has the same value in `labels` (an empty map matches everything). */
export function selectorMatches(selector: Record<string, unknown>, labels: unknown): boolean {
  if (!isObject(labels)) return false;
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/**
 * Whether a Service-style selector picks pods with these labels: it must be non-empty (a Service
 * with an empty selector gets no Endpoints from the controller), and every pair must match.
 */
export function serviceSelectorSelects(selector: Record<string, unknown> | undefined, labels: unknown): boolean {
  return !!selector && Object.keys(selector).length > 0 && selectorMatches(selector, labels);
}

/**
 * Whether a LabelSelector selects these labels: every `matchLabels` pair and every
 * `matchExpressions` requirement holds (an empty selector matches everything; an
 * expression with an unknown operator matches nothing).
 */
export function labelSelectorMatches(selector: unknown, labels: unknown): boolean {
  const own: Record<string, unknown> = isObject(labels) ? labels : {};
  const spec: Record<string, unknown> = isObject(selector) ? selector : {};
  if (!selectorMatches(isObject(spec.matchLabels) ? spec.matchLabels : {}, own)) return false;
  const expressions: unknown[] = Array.isArray(spec.matchExpressions) ? spec.matchExpressions : [];
  return expressions.every((expression) => {
    if (!isObject(expression) || typeof expression.key !== 'string') return false;
    const present = Object.prototype.hasOwnProperty.call(own, expression.key);
    const values: unknown[] = Array.isArray(expression.values) ? expression.values : [];
    switch (expression.operator) {
      case 'In':
        return present && values.includes(own[expression.key]);
      case 'NotIn':
        return !present || !values.includes(own[expression.key]);
      case 'Exists':
        return present;
      case 'DoesNotExist':
        return !present;
      default:
        return false;
    }
  });
}
