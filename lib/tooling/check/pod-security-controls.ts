/**
 * The predicates of the Pod Security Standards controls of Kubernetes 1.28 (kubernetes.io "Pod
 * Security Standards") that rule `tekton-pod-security` applies to Tekton steps and sidecars.
 * (Pods and workloads are judged by the PodSecurity admission plugin itself, in the validation
 * engine.) This module is not a rule file, so other code can import it.
 */
import { PodSecurityLevel } from '../../util/pod-security-level';
import { PathSegment } from '../foundation/field-path';
import { isObject } from '../foundation/json-value';
import { KubeObject } from '../foundation/manifest';

/** Capabilities `baseline` lets a container add (the container runtime's default set). */
export const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
/** SELinux types `baseline` allows (empty means unset). */
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
/** The only volume sources `restricted` allows. */
const RESTRICTED_VOLUME_SOURCES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

/** One violation: where, which control (the code without `psa-`), what is wrong. */
export interface PodSecurityViolation {
  readonly path: readonly PathSegment[];
  readonly control: string;
  readonly message: string;
}

/** Whether `level` lets a container add this capability (restricted: only NET_BIND_SERVICE). */
export function capabilityAllowed(capability: unknown, level: Exclude<PodSecurityLevel, 'privileged'>): boolean {
  return level === 'restricted' ? capability === 'NET_BIND_SERVICE' : BASELINE_CAPABILITIES.has(String(capability));
}

/** Whether a procMount value is the default one (unset or `Default`). */
export function isDefaultProcMount(value: unknown): boolean {
  return value === undefined || value === 'Default';
}

/** Whether an SELinux type is one baseline allows (unset counts as allowed). */
export function seLinuxTypeAllowed(type: unknown): boolean {
  return type === undefined || (typeof type === 'string' && SELINUX_TYPES.has(type));
}

/** Whether a seccompProfile is explicitly Unconfined. */
export function isUnconfinedSeccomp(profile: unknown): boolean {
  return isObject(profile) && profile.type === 'Unconfined';
}

/** The sources of a volume that restricted refuses (hostPath is left to the baseline control). */
export function disallowedVolumeSources(volume: KubeObject): string[] {
  return Object.keys(volume).filter((source) => source !== 'name' && source !== 'hostPath' && !RESTRICTED_VOLUME_SOURCES.has(source));
}
