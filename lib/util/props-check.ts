/**
 * Prop checks for constructs. Each throws one PropError naming the construct
 * path, the field, the rejected value and what is allowed, so a bad prop stops
 * the synth before any YAML is written.
 */
import { IConstruct } from 'constructs';
import {
  DNS1035_LABEL_RULE,
  DNS_LABEL_RULE,
  DNS_SUBDOMAIN_RULE,
  LABEL_KEY_RULE,
  LABEL_VALUE_RULE,
  NODE_PORT_RULE,
  PORT_NAME_RULE,
  PORT_RULE,
  isDns1035Label,
  isDnsLabel,
  isDnsSubdomain,
  isLabelKey,
  isLabelValue,
  isNodePort,
  isPortName,
  isPortNumber,
} from './k8s-syntax';
import { isPinnedImage } from './image-reference';

/** Renders a rejected value for an error message; NaN and undefined stay readable. */
export function describeValue(value: unknown): string {
  if (typeof value === 'number' || value === undefined || typeof value === 'bigint') return String(value);
  try {
    // JSON.stringify gives undefined for functions and symbols: say what they are
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return 'a value that cannot be written as JSON (a cycle)';
  }
}

/**
 * The library's error for a bad prop or option, so callers and tests can check
 * `instanceof PropError` and read the parts instead of matching message text.
 * The message is `<where>: invalid <field> <value>; expected <allowed>`, or
 * `<where>: missing <field>; expected <allowed>` when the value is undefined.
 */
export class PropError extends Error {
  constructor(
    /** The construct path (`chart/pod`), or the option set (`exercise options`) the value came from. */
    public readonly constructPath: string,
    /** The prop or option, e.g. `nodePort` or `labels["app"]`. */
    public readonly field: string,
    /** The rejected value, as given. */
    public readonly value: unknown,
    /** What is allowed, in words. */
    public readonly expected: string,
  ) {
    super(
      `${constructPath}: ${value === undefined ? `missing ${field}` : `invalid ${field} ${describeValue(value)}`}; expected ${expected}`,
    );
    this.name = 'PropError';
  }
}

/** Throws the library's standard "invalid prop" error. */
export function invalidProp(scope: IConstruct, field: string, value: unknown, allowed: string): never {
  throw new PropError(scope.node.path, field, value, allowed);
}

export function checkDnsLabel(scope: IConstruct, field: string, value: unknown): string {
  if (!isDnsLabel(value)) invalidProp(scope, field, value, DNS_LABEL_RULE);
  return value;
}

export function checkDnsSubdomain(scope: IConstruct, field: string, value: unknown): string {
  if (!isDnsSubdomain(value)) invalidProp(scope, field, value, DNS_SUBDOMAIN_RULE);
  return value;
}

export function checkPort(scope: IConstruct, field: string, value: unknown): number {
  if (!isPortNumber(value)) invalidProp(scope, field, value, PORT_RULE);
  return value;
}

export function checkNodePort(scope: IConstruct, field: string, value: unknown): number {
  if (!isNodePort(value)) invalidProp(scope, field, value, NODE_PORT_RULE);
  return value;
}

export function checkPortName(scope: IConstruct, field: string, value: unknown): string {
  if (!isPortName(value)) invalidProp(scope, field, value, PORT_NAME_RULE);
  return value;
}

export function checkLabels(scope: IConstruct, field: string, labels: unknown): Record<string, string> {
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
    invalidProp(scope, field, labels, 'an object of label key to label value');
  }
  for (const [key, value] of Object.entries(labels)) {
    if (!isLabelKey(key)) invalidProp(scope, `${field} key`, key, LABEL_KEY_RULE);
    if (!isLabelValue(value)) invalidProp(scope, `${field}["${key}"]`, value, LABEL_VALUE_RULE);
  }
  return labels as Record<string, string>;
}

/** Images already warned about as unpinned, so each is named once per process. */
const WARNED_UNPINNED = new Set<string>();

/**
 * A container image reference: a non-empty string without whitespace. An unpinned one (no tag,
 * or `latest`) is accepted, as `kubectl run --image=nginx` accepts it, but warned about once
 * (a Node.js process warning, code `K8S_PRACTICE_UNPINNED_IMAGE`): each pull may get another image.
 */
export function checkImage(scope: IConstruct, field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || /\s/.test(value)) {
    invalidProp(scope, field, value, 'a non-empty image reference without whitespace, e.g. "docker.io/library/busybox:1.36"');
  }
  if (!isPinnedImage(value) && !WARNED_UNPINNED.has(value)) {
    WARNED_UNPINNED.add(value);
    process.emitWarning(
      `${scope.node.path}: ${field} ${JSON.stringify(value)} is not pinned (no tag, or "latest"): each pull may get another image; ` +
        'give a tag such as "nginx:1.27" or a digest (@sha256:...)',
      { type: 'UnpinnedImageWarning', code: 'K8S_PRACTICE_UNPINNED_IMAGE' },
    );
  }
  return value;
}

/** One of a closed set of strings (for JavaScript callers that bypass the TypeScript type). */
export function checkOneOf<T extends string>(scope: IConstruct, field: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) invalidProp(scope, field, value, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
  return value as T;
}

export function checkDns1035Label(scope: IConstruct, field: string, value: unknown): string {
  if (!isDns1035Label(value)) invalidProp(scope, field, value, DNS1035_LABEL_RULE);
  return value;
}

/**
 * The props object itself, for JavaScript callers: `null`, a number or a list
 * is an Error naming the construct, not a TypeError on its first field.
 */
export function checkPropsObject<T>(scope: IConstruct, props: T | null | undefined, required: boolean): T {
  if (props === undefined && !required) return {} as T;
  if (typeof props !== 'object' || props === null || Array.isArray(props)) {
    invalidProp(scope, 'props', props, required ? 'an object of props' : 'an object of props, or nothing for the defaults');
  }
  return props;
}

/**
 * Every prop name of a props type, as an object the compiler checks against the type: a name
 * missing from it, or one the type does not have, is a compile error. See {@link checkKnownProps}.
 */
export type PropNames<T> = { readonly [K in keyof Required<T>]: true };

/** The known name closest to `name` (same letters in another case, or at most two edits away), if any. */
function closestName(name: string, known: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const row = [i];
      for (let j = 1; j <= b.length; j++) {
        row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
      previous = row;
    }
    return previous[b.length]!;
  };
  const lower = name.toLowerCase();
  const exact = known.find((k) => k.toLowerCase() === lower);
  if (exact) return exact;
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const d = distance(lower, candidate.toLowerCase());
    if (d <= 2 && d < (best?.distance ?? Infinity)) best = { name: candidate, distance: d };
  }
  return best?.name;
}

/**
 * Refuses a prop the construct does not take. TypeScript refuses it in an object literal, but from
 * JavaScript (or through an object wider than the props type) it would be ignored silently:
 * `replicas` on an ExposedPod makes no Deployment. A prop whose value is undefined counts as not given.
 */
export function checkKnownProps<T>(scope: IConstruct, construct: string, props: T, known: PropNames<T>): T {
  if (typeof props !== 'object' || props === null || Array.isArray(props)) return props; // the constructor's own check names it
  const names = Object.keys(known);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || Object.hasOwn(known, key)) continue;
    const guess = closestName(key, names);
    invalidProp(
      scope,
      `${key} (not a prop of ${construct})`,
      value,
      `one of the props ${construct} takes: ${names.join(', ')}${guess ? ` (did you mean "${guess}"?)` : ''}`,
    );
  }
  return props;
}

/** The props of `props` that `known` names (undefined ones left out): what a construct passes on to a child construct. */
export function pickProps<T>(props: T, known: PropNames<T>): T {
  if (typeof props !== 'object' || props === null || Array.isArray(props)) return props; // the child construct's own check names it
  return Object.fromEntries(Object.entries(props).filter(([key, value]) => value !== undefined && Object.hasOwn(known, key))) as T;
}
