/**
 * The Pod Security level each Namespace of a run enforces, through the label
 * `pod-security.kubernetes.io/enforce`. Used by the Pod Security rule of Tekton steps.
 */
import { POD_SECURITY_LEVELS, PodSecurityLevel, PSA_ENFORCE_LABEL } from '../../util/pod-security-level';
import { KubeObject } from '../foundation/manifest';
import { RuleContext } from './rule-context';
import { field } from '../foundation/json-value';

/** The level a Namespace object enforces, or undefined when it sets none (or an unknown value). */
export function enforcedLevel(namespace: KubeObject | undefined): PodSecurityLevel | undefined {
  const value = field(namespace, 'metadata', 'labels', PSA_ENFORCE_LABEL);
  return POD_SECURITY_LEVELS.find((level) => level === value);
}

/** The enforced level of every Namespace object in the run, by name. */
export function namespaceLevels(ctx: RuleContext): Map<string, PodSecurityLevel | undefined> {
  const levels = new Map<string, PodSecurityLevel | undefined>();
  for (const item of ctx.ofKind('', 'Namespace')) {
    const name = field(item.object.metadata, 'name');
    if (typeof name === 'string') levels.set(name, enforcedLevel(item.object));
  }
  return levels;
}
