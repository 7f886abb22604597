/** Small helpers for walking parsed YAML/JSON safely. */

/** A mapping as parsed from YAML or JSON: any keys, values not yet checked. */
export type JsonObject = { readonly [key: string]: unknown };

/** Whether a value is a mapping (not null, not a list). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a value is a list (typed as a list of unchecked values, unlike `Array.isArray`'s `any[]`). */
export function isList(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}

/** Calls `fn` for every mapping in `list` (ignoring anything that is not a list, and non-mapping items). */
export function each(list: unknown, fn: (entry: JsonObject, index: number) => void): void {
  if (isList(list))
    list.forEach((entry, index) => {
      if (isObject(entry)) fn(entry, index);
    });
}

/**
 * The value at `path` under `value`, following mappings only: undefined as soon as a step is not a
 * mapping or lacks the key (what `value?.a?.b` gives on parsed YAML, minus a string's or a list's own properties).
 */
export function field(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** The mapping at `path` under `value`, or undefined if it is missing or not a mapping. */
export function objectField(value: unknown, ...path: string[]): JsonObject | undefined {
  const found = field(value, ...path);
  return isObject(found) ? found : undefined;
}

/** The string at `path` under `value`, or undefined if it is missing or not a string. */
export function stringField(value: unknown, ...path: string[]): string | undefined {
  const found = field(value, ...path);
  return typeof found === 'string' ? found : undefined;
}

/** The list at `path` under `value`, or undefined if it is missing or not a list. */
export function listField(value: unknown, ...path: string[]): readonly unknown[] | undefined {
  const found = field(value, ...path);
  return isList(found) ? found : undefined;
}

/** `value` if it is a list, else an empty list. */
export function asList(value: unknown): readonly unknown[] {
  return isList(value) ? value : [];
}

/** `value.length` as JavaScript reads it on parsed YAML: a string's or list's length, a mapping's `length` key, else undefined. */
export function lengthOf(value: unknown): unknown {
  return typeof value === 'string' || isList(value) ? value.length : field(value, 'length');
}

/**
 * `String(value)` for a value read from YAML, as messages and keys have always shown it
 * (a mapping as `[object Object]`: the schema rule reports its shape separately).
 */
export function textOf(value: unknown): string {
  try {
    return String(value);
  } catch {
    // A mapping without a prototype (YAML can build one from a `__proto__` key) has no toString.
    return Object.prototype.toString.call(value);
  }
}

/**
 * `value.key` as JavaScript reads it, for a value not yet checked: null and undefined throw the
 * TypeError the unchecked read they replace threw; a string or list gives its own property.
 */
export function member(value: unknown, key: string): unknown {
  return (value as { readonly [key: string]: unknown })[key];
}

/**
 * `value[key]` when `value` is an object that has `key` as its own property, else undefined:
 * what a schema, a header map or a Secret store holds, never what JavaScript's prototype adds
 * (`constructor`, `toString`, `__proto__`).
 */
export function ownMember(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, key)
    ? (value as { readonly [key: string]: unknown })[key]
    : undefined;
}

/** `value ?? []` as a for-of loop reads it: a missing list is empty; anything else is iterated as written (a mapping throws). */
export function iterableOrEmpty(value: unknown): Iterable<unknown> {
  return (value ?? []) as Iterable<unknown>;
}
