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
import { describeValue } from '../../../util/props-check';
import { PathSegment } from '../field-path';
import { isObject } from '../json-value';
import { KubeObject } from '../manifest';
import { RuleContext } from '../rule-context';
import { taskSpecsOf } from '../task-specs';
import { BASELINE_CAPABILITIES, namespaceLevels, PodSecurityLevel, RESTRICTED_VOLUME_SOURCES, SELINUX_TYPES } from './pod-security-rules';

interface Violation {
  readonly path: readonly PathSegment[];
  readonly control: string;
  readonly message: string;
}

/** Violations of one Task spec at a level (baseline or restricted). */
export function taskSecurityViolations(task: KubeObject, at: readonly PathSegment[], level: PodSecurityLevel): Violation[] {
  if (level === 'privileged') return [];
  const out: Violation[] = [];
  const seen = new Set<string>();
  const add = (path: readonly PathSegment[], control: string, message: string) => {
    const key = `${path.join('.')}|${control}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ path, control, message });
  };
  const template = isObject(task.stepTemplate) && isObject(task.stepTemplate.securityContext) ? task.stepTemplate.securityContext : {};
  const templateAt: PathSegment[] = [...at, 'stepTemplate', 'securityContext'];
  const restricted = level === 'restricted';
  for (const list of ['steps', 'sidecars']) {
    if (!Array.isArray(task[list])) continue;
    task[list].forEach((container: unknown, index: number) => {
      if (!isObject(container)) return;
      const own = isObject(container.securityContext) ? container.securityContext : {};
      const ownAt: PathSegment[] = [...at, list, index, 'securityContext'];
      const inherits = list === 'steps';
      /** The effective value of a field and where it is written. */
      const field = (name: string): { value: unknown; path: PathSegment[] } => (name in own || !inherits
        ? { value: own[name], path: [...ownAt, name] }
        : { value: template[name], path: [...templateAt, name] });
      const who = `${list === 'steps' ? 'step' : 'sidecar'} "${String(container.name)}"`;
      const privileged = field('privileged');
      if (privileged.value === true) add(privileged.path, 'privileged', `${who} must not be privileged`);
      const capabilities = field('capabilities');
      const added = isObject(capabilities.value) && Array.isArray(capabilities.value.add) ? capabilities.value.add : [];
      added.forEach((capability: unknown, i: number) => {
        const allowed = restricted ? capability === 'NET_BIND_SERVICE' : BASELINE_CAPABILITIES.has(String(capability));
        if (!allowed) add([...capabilities.path, 'add', i], 'capabilities', `${who} adds capability ${describeValue(capability)}, which ${level} does not allow`);
      });
      const procMount = field('procMount');
      if (procMount.value !== undefined && procMount.value !== 'Default') add(procMount.path, 'proc-mount', `${who} must use the Default /proc mount`);
      const seLinux = field('seLinuxOptions');
      if (isObject(seLinux.value) && ((seLinux.value.type !== undefined && !SELINUX_TYPES.has(String(seLinux.value.type)))
        || seLinux.value.user || seLinux.value.role)) {
        add(seLinux.path, 'selinux', `${who} sets custom SELinux options`);
      }
      const seccomp = field('seccompProfile');
      if (isObject(seccomp.value) && seccomp.value.type === 'Unconfined') add([...seccomp.path, 'type'], 'seccomp', `${who} seccomp profile must not be Unconfined`);
      if (!restricted) return;
      const runAsUser = field('runAsUser');
      if (runAsUser.value === 0) add(runAsUser.path, 'run-as-user', `${who} runs as user 0 (root), which restricted refuses; run the task in a namespace that enforces baseline`);
      const runAsNonRoot = field('runAsNonRoot');
      if (runAsNonRoot.value === false) add(runAsNonRoot.path, 'run-as-non-root', `${who} must not set runAsNonRoot: false`);
      const escalation = field('allowPrivilegeEscalation');
      if (escalation.value === true) add(escalation.path, 'privilege-escalation', `${who} must not set allowPrivilegeEscalation: true`);
    });
  }
  if (Array.isArray(task.volumes)) {
    task.volumes.forEach((volume: unknown, i: number) => {
      if (!isObject(volume)) return;
      if (isObject(volume.hostPath)) add([...at, 'volumes', i, 'hostPath'], 'host-path', `volume "${String(volume.name)}" must not be a hostPath volume`);
      if (!restricted) return;
      for (const source of Object.keys(volume)) {
        if (source === 'name' || source === 'hostPath' || RESTRICTED_VOLUME_SOURCES.has(source)) continue;
        add([...at, 'volumes', i, source], 'volume-types', `volume "${String(volume.name)}" uses ${source}, which restricted does not allow`);
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
        ctx.report(item, violation.path, `psa-${violation.control}`, 'error',
          `namespace "${namespace}" enforces Pod Security "${level}" on the TaskRun pods: ${violation.message}`);
      }
    }
  }
}
