/**
 * The synth-time side of Pod Security Admission: a construct whose pods need a
 * less strict level than its Project enforces can never run there (the API
 * server refuses every such pod), so it is a prop error, not YAML to apply.
 */
import { IConstruct } from 'constructs';
import { invalidProp } from '../../util/props-check';
import { POD_SECURITY_LEVELS, PodSecurityLevel } from '../../util/pod-security-level';
import { Project } from './project';

/** Whether a namespace enforcing `enforced` admits pods that meet `level` (and no stricter one). */
export function podSecurityAdmits(enforced: PodSecurityLevel, level: PodSecurityLevel): boolean {
  return POD_SECURITY_LEVELS.indexOf(level) >= POD_SECURITY_LEVELS.indexOf(enforced);
}

/** A prop that asks for the less strict level, and what to set it to instead. */
export interface PodSecurityProp {
  readonly field: string;
  readonly value: unknown;
  /** The setting that avoids the need, e.g. `false` or `"restricted"`. */
  readonly instead: string;
}

/**
 * Throws when `scope` is in a Project whose Pod Security level refuses pods
 * that meet only `level`; `what` says which pod and why (e.g. "the kaniko
 * step runs as root"). With `prop`, the error names that prop; without, it
 * names the Project's podSecurity. Outside a Project the namespace is unknown
 * and nothing is checked.
 */
export function requireProjectAdmits(scope: IConstruct, level: PodSecurityLevel, what: string, prop?: PodSecurityProp): void {
  const project = Project.find(scope);
  if (!project || podSecurityAdmits(project.podSecurity, level)) return;
  const allowed = POD_SECURITY_LEVELS.slice(0, POD_SECURITY_LEVELS.indexOf(level) + 1)
    .map((l) => `"${l}"`)
    .join(' or ');
  const why = `Project "${project.namespaceName}" enforces Pod Security "${project.podSecurity}", which refuses ${what} (it meets only "${level}")`;
  if (prop) invalidProp(scope, prop.field, prop.value, `${prop.instead}, or a Project with podSecurity ${allowed}: ${why}`);
  invalidProp(scope, `Project podSecurity (namespace "${project.namespaceName}")`, project.podSecurity, `${allowed}: ${why}`);
}
