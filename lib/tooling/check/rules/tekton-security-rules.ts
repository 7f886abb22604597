/**
 * Rules `psa-*` for Tekton: the steps and sidecars of a Task (or of a
 * TaskRun's or Pipeline's inline `taskSpec`) become containers of the
 * TaskRun's pod, which the namespace's Pod Security level admits or refuses.
 * The pod-level securityContext of that pod comes from the run's podTemplate,
 * so only what a step states explicitly is checked: privileged, added
 * capabilities, /proc mount, SELinux, Unconfined seccomp, hostPath volumes
 * (baseline); runAsUser 0, runAsNonRoot false, allowPrivilegeEscalation true,
 * capabilities other than NET_BIND_SERVICE, non-core volume types (restricted).
 * A step inherits `stepTemplate.securityContext` fields it does not set.
 */
import { PodSecurityLevel } from '../../../util/pod-security-level';
import { describeValue } from '../../../util/props-check';
import { PathSegment } from '../../foundation/field-path';
import { isObject } from '../../foundation/json-value';
import { KubeObject } from '../../foundation/manifest';
import {
  capabilityAllowed,
  disallowedVolumeSources,
  isDefaultProcMount,
  isUnconfinedSeccomp,
  PodSecurityViolation,
  seLinuxTypeAllowed,
} from '../pod-security-controls';
import { namespaceLevels } from '../pod-security-namespaces';
import { RuleContext } from '../rule-context';
import { RuleDefinition } from '../rule-definition';
import { taskSpecsOf } from '../task-specs';

/** Violations of one Task spec at a level (baseline or restricted). */
export function taskSecurityViolations(task: KubeObject, at: readonly PathSegment[], level: PodSecurityLevel): PodSecurityViolation[] {
  if (level === 'privileged') return [];
  const out: PodSecurityViolation[] = [];
  const seen = new Set<string>();
  const add = (path: readonly PathSegment[], control: string, message: string) => {
    const key = `${path.join('.')}|${control}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ path, control, message });
  };
  const template = isObject(task.stepTemplate) && isObject(task.stepTemplate.securityContext) ? task.stepTemplate.securityContext : {};
  const templateAt: PathSegment[] = [...at, 'stepTemplate', 'securityContext'];
  const enforced: Exclude<PodSecurityLevel, 'privileged'> = level;
  const restricted = enforced === 'restricted';
  for (const list of ['steps', 'sidecars']) {
    if (!Array.isArray(task[list])) continue;
    task[list].forEach((container: unknown, index: number) => {
      if (!isObject(container)) return;
      const own = isObject(container.securityContext) ? container.securityContext : {};
      const ownAt: PathSegment[] = [...at, list, index, 'securityContext'];
      const inherits = list === 'steps';
      /** The effective value of a field and where it is written. */
      const field = (name: string): { value: unknown; path: PathSegment[] } =>
        name in own || !inherits ? { value: own[name], path: [...ownAt, name] } : { value: template[name], path: [...templateAt, name] };
      const who = `${list === 'steps' ? 'step' : 'sidecar'} "${String(container.name)}"`;
      const privileged = field('privileged');
      if (privileged.value === true) add(privileged.path, 'privileged', `${who} must not be privileged`);
      const capabilities = field('capabilities');
      const added = isObject(capabilities.value) && Array.isArray(capabilities.value.add) ? capabilities.value.add : [];
      added.forEach((capability: unknown, i: number) => {
        if (!capabilityAllowed(capability, enforced))
          add(
            [...capabilities.path, 'add', i],
            'capabilities',
            `${who} adds capability ${describeValue(capability)}, which ${level} does not allow`,
          );
      });
      const procMount = field('procMount');
      if (!isDefaultProcMount(procMount.value)) add(procMount.path, 'proc-mount', `${who} must use the Default /proc mount`);
      const seLinux = field('seLinuxOptions');
      if (isObject(seLinux.value) && (!seLinuxTypeAllowed(seLinux.value.type) || seLinux.value.user || seLinux.value.role)) {
        add(seLinux.path, 'selinux', `${who} sets custom SELinux options`);
      }
      const seccomp = field('seccompProfile');
      if (isUnconfinedSeccomp(seccomp.value)) add([...seccomp.path, 'type'], 'seccomp', `${who} seccomp profile must not be Unconfined`);
      if (!restricted) return;
      const runAsUser = field('runAsUser');
      if (runAsUser.value === 0)
        add(
          runAsUser.path,
          'run-as-user',
          `${who} runs as user 0 (root), which restricted refuses; run the task in a namespace that enforces baseline`,
        );
      const runAsNonRoot = field('runAsNonRoot');
      if (runAsNonRoot.value === false) add(runAsNonRoot.path, 'run-as-non-root', `${who} must not set runAsNonRoot: false`);
      const escalation = field('allowPrivilegeEscalation');
      if (escalation.value === true) add(escalation.path, 'privilege-escalation', `${who} must not set allowPrivilegeEscalation: true`);
    });
  }
  if (Array.isArray(task.volumes)) {
    task.volumes.forEach((volume: unknown, i: number) => {
      if (!isObject(volume)) return;
      if (isObject(volume.hostPath))
        add([...at, 'volumes', i, 'hostPath'], 'host-path', `volume "${String(volume.name)}" must not be a hostPath volume`);
      if (!restricted) return;
      for (const source of disallowedVolumeSources(volume)) {
        add(
          [...at, 'volumes', i, source],
          'volume-types',
          `volume "${String(volume.name)}" uses ${source}, which restricted does not allow`,
        );
      }
    });
  }
  return out;
}

export function checkTektonSecurity(ctx: RuleContext): void {
  const levels = namespaceLevels(ctx);
  for (const item of ctx.objects) {
    const tasks = taskSpecsOf(item.object);
    if (tasks.length === 0) continue;
    const namespace = ctx.namespaceOf(item);
    const level = levels.get(namespace);
    if (!level || level === 'privileged') continue;
    for (const { spec, path } of tasks) {
      for (const violation of taskSecurityViolations(spec, path, level)) {
        ctx.report(
          item,
          violation.path,
          `psa-${violation.control}`,
          'error',
          `namespace "${namespace}" enforces Pod Security "${level}" on the TaskRun pods: ${violation.message}`,
        );
      }
    }
  }
}

/** The controls a step can break by what it states itself (see the file comment). */
const TASK_CONTROLS: ReadonlyArray<[string, string]> = [
  ['privileged', 'a privileged step or sidecar'],
  ['capabilities', 'a capability the level does not let a step or sidecar add'],
  ['proc-mount', 'a step or sidecar without the Default /proc mount'],
  ['selinux', 'a step or sidecar with custom SELinux options'],
  ['seccomp', 'a step or sidecar with an Unconfined seccomp profile'],
  ['host-path', 'a hostPath volume in a Task'],
  ['run-as-user', 'a step or sidecar that runs as user 0 (restricted)'],
  ['run-as-non-root', 'a step or sidecar with runAsNonRoot: false (restricted)'],
  ['privilege-escalation', 'a step or sidecar with allowPrivilegeEscalation: true (restricted)'],
  ['volume-types', 'a Task volume type restricted does not allow'],
];

export const tektonPodSecurityRule: RuleDefinition = {
  id: 'tekton-pod-security',
  summary: 'Tekton steps and sidecars meet the Pod Security Standard of the namespace their TaskRun pods run in',
  codes: TASK_CONTROLS.map(([control, summary]) => ({ code: `psa-${control}`, severity: 'error', summary })),
  check: checkTektonSecurity,
};
