/** Label selectors as Services and NetworkPolicies use them (`matchLabels`-style equality maps). */
import { isObject } from './json-value';

/** Whether every key of `selector` has the same value in `labels` (an empty selector matches everything). */
export function selectorMatches(selector: Record<string, unknown>, labels: unknown): boolean {
  if (!isObject(labels)) return false;
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}
