/** Small helpers for walking parsed YAML/JSON safely. */
import { KubeObject } from './manifest';

/** Whether a value is a mapping (not null, not a list). */
export function isObject(value: unknown): value is KubeObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Calls `fn` for every mapping in `list` (ignoring anything that is not a list, and non-mapping items). */
export function each(list: unknown, fn: (entry: KubeObject, index: number) => void): void {
  if (Array.isArray(list)) list.forEach((entry, index) => { if (isObject(entry)) fn(entry, index); });
}
