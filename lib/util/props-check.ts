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

/** A container image reference: a non-empty string without whitespace. */
export function checkImage(scope: IConstruct, field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || /\s/.test(value)) {
    invalidProp(scope, field, value, 'a non-empty image reference without whitespace, e.g. "docker.io/library/busybox:1.36"');
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
