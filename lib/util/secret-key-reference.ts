/**
 * One key of a Secret that is created out of band. Constructs read it through
 * `valueFrom.secretKeyRef` and declare the Secret with `declareExternalRefs`,
 * so the value never appears in the synthesized YAML.
 */
import { IConstruct } from 'constructs';
import { checkDnsSubdomain, invalidProp } from './props-check';

/** A key of a Secret in the same namespace, e.g. `{ name: 'gogs-secret-key', key: 'secret-key' }`. */
export interface SecretKeyReference {
  /** The Secret's name (a DNS-1123 subdomain). */
  readonly name: string;
  /** The key inside the Secret's `data`. */
  readonly key: string;
}

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** Syntax of a key in a Secret's or ConfigMap's `data`. */
export const SECRET_DATA_KEY_RULE = 'a Secret data key: at most 253 characters of A-Z, a-z, 0-9, "-", "_" and "."';

/** Whether `value` may be a key in a Secret's `data`. */
export function isSecretDataKey(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 253 && SECRET_KEY.test(value) && value !== '.' && value !== '..';
}

/** Checks a {@link SecretKeyReference} prop; errors name `field.name` or `field.key`. */
export function checkSecretKeyReference(scope: IConstruct, field: string, value: unknown): SecretKeyReference {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    invalidProp(scope, field, value, 'an object { name, key } naming a Secret and one of its keys');
  }
  const ref = value as Partial<SecretKeyReference>;
  checkDnsSubdomain(scope, `${field}.name`, ref.name);
  if (!isSecretDataKey(ref.key)) invalidProp(scope, `${field}.key`, ref.key, SECRET_DATA_KEY_RULE);
  return { name: ref.name as string, key: ref.key as string };
}
