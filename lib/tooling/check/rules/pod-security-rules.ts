/**
 * Rules `psa-*`: a pod spec (of a Pod, workload or CronJob) must meet the Pod
 * Security Standard its namespace enforces through the label
 * `pod-security.kubernetes.io/enforce`, as Kubernetes 1.28 defines the
 * `baseline` and `restricted` levels (kubernetes.io "Pod Security Standards").
 *
 * The level is read from the Namespace object in the output. A namespace that
 * is not in the output (including `default`, where objects without a
 * namespace land) has an unknown level and is skipped. Every container list
 * is checked: containers, initContainers and ephemeralContainers.
 */
import { POD_SECURITY_LEVELS, PodSecurityLevel, PSA_ENFORCE_LABEL } from '../../../util/pod-security-level';
import { describeValue } from '../../../util/props-check';
import { PathSegment } from '../field-path';
import { isObject } from '../json-value';
import { KubeObject } from '../manifest';
import { ContainerAt, containersOf, PodTemplate } from '../pod-templates';
import { RuleContext } from '../rule-context';

export type { PodSecurityLevel };

/** Capabilities `baseline` lets a container add (the container runtime's default set). */
export const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD',
  'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);
/** Sysctls `baseline` allows in Kubernetes 1.28 (`ip_local_reserved_ports` since 1.27). */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports',
]);
/** SELinux types `baseline` allows (empty means unset). */
export const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
/** The only volume sources `restricted` allows. */
export const RESTRICTED_VOLUME_SOURCES = new Set([
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret',
]);
const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

/** The level a Namespace object enforces, or undefined when it sets none (or an unknown value). */
export function enforcedLevel(namespace: KubeObject | undefined): PodSecurityLevel | undefined {
  const value = namespace?.metadata?.labels?.[PSA_ENFORCE_LABEL];
  return POD_SECURITY_LEVELS.find((level) => level === value);
}

/** One violation: where, which control, what is wrong. */
export interface PodSecurityViolation {
  readonly path: readonly PathSegment[];
  readonly control: string;
  readonly message: string;
}

/** Checks one pod template against a level; returns the violations. */
export function podSecurityViolations(template: PodTemplate, level: PodSecurityLevel): PodSecurityViolation[] {
  if (level === 'privileged') return [];
  const out: PodSecurityViolation[] = [];
  const add = (path: readonly PathSegment[], control: string, message: string) => out.push({ path, control, message });
  const spec = template.spec;
  const at = template.specPath;
  const podContext = isObject(spec.securityContext) ? spec.securityContext : {};
  const podContextAt = [...at, 'securityContext'];
  const containers = containersOf(template);
  const contextOf = (c: ContainerAt): KubeObject => (isObject(c.container.securityContext) ? c.container.securityContext : {});
  const contextAt = (c: ContainerAt): PathSegment[] => [...c.path, 'securityContext'];
  const label = (c: ContainerAt) => `${c.list === 'containers' ? 'container' : c.list.replace(/s$/, '').replace(/Container$/, ' container')} "${String(c.container.name)}"`;

  // ---- baseline ----
  if (podContext.windowsOptions?.hostProcess === true) add([...podContextAt, 'windowsOptions', 'hostProcess'], 'host-process', 'hostProcess must not be true');
  for (const c of containers) {
    if (contextOf(c).windowsOptions?.hostProcess === true) add([...contextAt(c), 'windowsOptions', 'hostProcess'], 'host-process', `${label(c)} must not set hostProcess: true`);
  }
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (spec[field] === true) add([...at, field], 'host-namespaces', `${field} must not be true (sharing the host's namespaces)`);
  }
  for (const c of containers) {
    const context = contextOf(c);
    if (context.privileged === true) add([...contextAt(c), 'privileged'], 'privileged', `${label(c)} must not be privileged`);
    const added = Array.isArray(context.capabilities?.add) ? context.capabilities.add : [];
    added.forEach((capability: unknown, i: number) => {
      if (!BASELINE_CAPABILITIES.has(String(capability))) {
        add([...contextAt(c), 'capabilities', 'add', i], 'capabilities', `${label(c)} adds capability ${describeValue(capability)}, which is not in the baseline set (${[...BASELINE_CAPABILITIES].join(', ')})`);
      }
    });
    if (Array.isArray(c.container.ports)) {
      c.container.ports.forEach((port: KubeObject, i: number) => {
        if (typeof port?.hostPort === 'number' && port.hostPort !== 0) add([...c.path, 'ports', i, 'hostPort'], 'host-ports', `${label(c)} must not use hostPort ${port.hostPort}`);
      });
    }
    if (context.procMount !== undefined && context.procMount !== 'Default') {
      add([...contextAt(c), 'procMount'], 'proc-mount', `${label(c)} must use the Default /proc mount, not ${describeValue(context.procMount)}`);
    }
  }
  if (Array.isArray(spec.volumes)) {
    spec.volumes.forEach((volume: KubeObject, i: number) => {
      if (isObject(volume?.hostPath)) add([...at, 'volumes', i, 'hostPath'], 'host-path', `volume "${String(volume.name)}" must not be a hostPath volume`);
    });
  }
  const annotations = isObject(template.metadata.annotations) ? template.metadata.annotations : {};
  for (const [key, value] of Object.entries(annotations)) {
    const annotationPath = [...template.metadataPath, 'annotations', key];
    if (key.startsWith(APPARMOR_PREFIX) && value !== 'runtime/default' && !String(value).startsWith('localhost/')) {
      add(annotationPath, 'apparmor', `AppArmor profile ${describeValue(value)} is not allowed; use runtime/default or localhost/<profile>`);
    }
    if ((key === SECCOMP_POD_ANNOTATION || key.startsWith(SECCOMP_CONTAINER_PREFIX)) && value === 'unconfined') {
      add(annotationPath, 'seccomp', 'the seccomp profile must not be unconfined');
    }
  }
  const checkSeLinux = (options: unknown, path: PathSegment[], who: string) => {
    if (!isObject(options)) return;
    if (options.type !== undefined && !SELINUX_TYPES.has(String(options.type))) {
      add([...path, 'type'], 'selinux', `${who} sets SELinux type ${describeValue(options.type)}; allowed: container_t, container_init_t, container_kvm_t`);
    }
    for (const field of ['user', 'role']) {
      if (options[field] !== undefined && options[field] !== '') add([...path, field], 'selinux', `${who} must not set a custom SELinux ${field}`);
    }
  };
  checkSeLinux(podContext.seLinuxOptions, [...podContextAt, 'seLinuxOptions'], 'the pod');
  for (const c of containers) checkSeLinux(contextOf(c).seLinuxOptions, [...contextAt(c), 'seLinuxOptions'], label(c));
  if (podContext.seccompProfile?.type === 'Unconfined') add([...podContextAt, 'seccompProfile', 'type'], 'seccomp', 'the pod seccomp profile must not be Unconfined');
  for (const c of containers) {
    if (contextOf(c).seccompProfile?.type === 'Unconfined') add([...contextAt(c), 'seccompProfile', 'type'], 'seccomp', `${label(c)} seccomp profile must not be Unconfined`);
  }
  if (Array.isArray(podContext.sysctls)) {
    podContext.sysctls.forEach((sysctl: KubeObject, i: number) => {
      if (!SAFE_SYSCTLS.has(String(sysctl?.name))) {
        add([...podContextAt, 'sysctls', i, 'name'], 'sysctls', `sysctl ${describeValue(sysctl?.name)} is not in the safe set (${[...SAFE_SYSCTLS].join(', ')})`);
      }
    });
  }
  if (level === 'baseline') return out;

  // ---- restricted ----
  if (Array.isArray(spec.volumes)) {
    spec.volumes.forEach((volume: KubeObject, i: number) => {
      if (!isObject(volume)) return;
      for (const source of Object.keys(volume)) {
        if (source === 'name' || RESTRICTED_VOLUME_SOURCES.has(source) || source === 'hostPath') continue; // hostPath: reported above
        add([...at, 'volumes', i, source], 'volume-types', `volume "${String(volume.name)}" uses ${source}; restricted allows only ${[...RESTRICTED_VOLUME_SOURCES].join(', ')}`);
      }
    });
  }
  const podNonRoot = podContext.runAsNonRoot;
  if (podNonRoot === false) add([...podContextAt, 'runAsNonRoot'], 'run-as-non-root', 'the pod must not set runAsNonRoot: false');
  if (podContext.runAsUser === 0) add([...podContextAt, 'runAsUser'], 'run-as-user', 'the pod must not run as user 0 (root)');
  for (const c of containers) {
    const context = contextOf(c);
    if (context.runAsNonRoot === false) add([...contextAt(c), 'runAsNonRoot'], 'run-as-non-root', `${label(c)} must not set runAsNonRoot: false`);
    else if (context.runAsNonRoot !== true && podNonRoot !== true) {
      add([...contextAt(c), 'runAsNonRoot'], 'run-as-non-root', `${label(c)} must set runAsNonRoot: true (or the pod securityContext must)`);
    }
    if (context.runAsUser === 0) add([...contextAt(c), 'runAsUser'], 'run-as-user', `${label(c)} must not run as user 0 (root)`);
  }
  if (spec.os?.name === 'windows') return out; // the remaining controls are Linux-only

  const allowedSeccomp = (type: unknown) => type === 'RuntimeDefault' || type === 'Localhost';
  const podSeccomp = podContext.seccompProfile?.type;
  for (const c of containers) {
    const context = contextOf(c);
    if (context.allowPrivilegeEscalation !== false) {
      add([...contextAt(c), 'allowPrivilegeEscalation'], 'privilege-escalation', `${label(c)} must set allowPrivilegeEscalation: false`);
    }
    const type = context.seccompProfile?.type;
    if (type === undefined ? !allowedSeccomp(podSeccomp) : !allowedSeccomp(type) && type !== 'Unconfined') {
      add([...contextAt(c), 'seccompProfile', 'type'], 'seccomp', `${label(c)} needs seccompProfile.type RuntimeDefault or Localhost (on the container or the pod)`);
    }
    const drop = Array.isArray(context.capabilities?.drop) ? context.capabilities.drop : [];
    if (!drop.includes('ALL')) add([...contextAt(c), 'capabilities', 'drop'], 'capabilities', `${label(c)} must drop ALL capabilities`);
    const added = Array.isArray(context.capabilities?.add) ? context.capabilities.add : [];
    added.forEach((capability: unknown, i: number) => {
      if (capability !== 'NET_BIND_SERVICE' && BASELINE_CAPABILITIES.has(String(capability))) {
        add([...contextAt(c), 'capabilities', 'add', i], 'capabilities', `${label(c)} adds capability ${describeValue(capability)}; restricted allows only NET_BIND_SERVICE`);
      }
    });
  }
  return out;
}

/** The enforced level of every Namespace object in the run, by name. */
export function namespaceLevels(ctx: RuleContext): Map<string, PodSecurityLevel | undefined> {
  const levels = new Map<string, PodSecurityLevel | undefined>();
  for (const item of ctx.ofKind('', 'Namespace')) {
    const name = item.object.metadata?.name;
    if (typeof name === 'string') levels.set(name, enforcedLevel(item.object));
  }
  return levels;
}

export function checkPodSecurity(ctx: RuleContext): void {
  const levels = namespaceLevels(ctx);
  for (const { item, template } of ctx.podTemplates()) {
    const namespace = ctx.namespaceOf(item);
    const level = levels.get(namespace);
    if (!level || level === 'privileged') continue;
    for (const violation of podSecurityViolations(template, level)) {
      ctx.report(item, violation.path, `psa-${violation.control}`, 'error',
        `namespace "${namespace}" enforces Pod Security "${level}": ${violation.message}`);
    }
  }
}
