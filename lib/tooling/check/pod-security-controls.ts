/**
 * The Pod Security Standards controls of Kubernetes 1.28 (kubernetes.io "Pod Security Standards"),
 * one entry per control and level, each a small named check. Rule `pod-security` runs them over
 * pod templates; rule `tekton-pod-security` reuses their predicates for Tekton steps. This module
 * is not a rule file, so both can import it.
 *
 * A finding's code is `psa-<code>`; `seccomp` and `capabilities` have a baseline and a
 * restricted entry under the same code.
 */
import { PodSecurityLevel } from '../../util/pod-security-level';
import { describeValue } from '../../util/props-check';
import { PathSegment } from './field-path';
import { asList, field, isObject } from './json-value';
import { KubeObject } from './manifest';
import { ContainerAt, containersOf, PodTemplate } from './pod-templates';

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
/** Sysctls `baseline` allows in Kubernetes 1.28 (`ip_local_reserved_ports` since 1.27). */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
]);
/** SELinux types `baseline` allows (empty means unset). */
export const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
/** The only volume sources `restricted` allows. */
export const RESTRICTED_VOLUME_SOURCES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);
const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

/** One violation: where, which control (the code without `psa-`), what is wrong. */
export interface PodSecurityViolation {
  readonly path: readonly PathSegment[];
  readonly control: string;
  readonly message: string;
}

/** The pod-level parts of a template a control looks at. */
export interface PodUnderCheck {
  readonly template: PodTemplate;
  readonly spec: KubeObject;
  readonly at: readonly PathSegment[];
  /** `spec.securityContext`, or `{}`. */
  readonly context: KubeObject;
  readonly contextAt: readonly PathSegment[];
}

/** A container of the template, with its securityContext (or `{}`) and how messages name it. */
export interface ContainerUnderCheck {
  readonly at: ContainerAt;
  readonly context: KubeObject;
  readonly contextAt: readonly PathSegment[];
  /** `container "web"`, `init container "setup"`, `ephemeral container "debug"`. */
  readonly label: string;
}

export interface PodSecurityControl {
  /** The finding code without `psa-`, e.g. `privileged`. */
  readonly code: string;
  /** The lowest level that enforces this entry. */
  readonly level: Exclude<PodSecurityLevel, 'privileged'>;
  /** What the control requires, in one line. */
  readonly summary: string;
  /** Whether Windows pods (`spec.os.name: windows`) are exempt. */
  readonly linuxOnly?: boolean;
  /** Violations in the pod-level fields. */
  readonly pod?: (pod: PodUnderCheck) => PodSecurityViolation[];
  /** Violations in one container. */
  readonly container?: (container: ContainerUnderCheck, pod: PodUnderCheck) => PodSecurityViolation[];
}

// ---- predicates, shared with the Tekton rule ----

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

// ---- baseline ----

function hostProcess(pod: PodUnderCheck): PodSecurityViolation[] {
  return field(pod.context.windowsOptions, 'hostProcess') === true
    ? [{ path: [...pod.contextAt, 'windowsOptions', 'hostProcess'], control: 'host-process', message: 'hostProcess must not be true' }]
    : [];
}

function containerHostProcess(c: ContainerUnderCheck): PodSecurityViolation[] {
  return field(c.context.windowsOptions, 'hostProcess') === true
    ? [
        {
          path: [...c.contextAt, 'windowsOptions', 'hostProcess'],
          control: 'host-process',
          message: `${c.label} must not set hostProcess: true`,
        },
      ]
    : [];
}

function hostNamespaces(pod: PodUnderCheck): PodSecurityViolation[] {
  return ['hostNetwork', 'hostPID', 'hostIPC']
    .filter((field) => pod.spec[field] === true)
    .map((field) => ({
      path: [...pod.at, field],
      control: 'host-namespaces',
      message: `${field} must not be true (sharing the host's namespaces)`,
    }));
}

function privileged(c: ContainerUnderCheck): PodSecurityViolation[] {
  return c.context.privileged === true
    ? [{ path: [...c.contextAt, 'privileged'], control: 'privileged', message: `${c.label} must not be privileged` }]
    : [];
}

function addedCapabilities(c: ContainerUnderCheck): unknown[] {
  return [...asList(field(c.context.capabilities, 'add'))];
}

function baselineCapabilities(c: ContainerUnderCheck): PodSecurityViolation[] {
  return addedCapabilities(c).flatMap((capability, i) =>
    capabilityAllowed(capability, 'baseline')
      ? []
      : [
          {
            path: [...c.contextAt, 'capabilities', 'add', i],
            control: 'capabilities',
            message: `${c.label} adds capability ${describeValue(capability)}, which is not in the baseline set (${[...BASELINE_CAPABILITIES].join(', ')})`,
          },
        ],
  );
}

function hostPathVolumes(pod: PodUnderCheck): PodSecurityViolation[] {
  return asList(pod.spec.volumes).flatMap((volume, i) =>
    isObject(field(volume, 'hostPath'))
      ? [
          {
            path: [...pod.at, 'volumes', i, 'hostPath'],
            control: 'host-path',
            message: `volume "${String(field(volume, 'name'))}" must not be a hostPath volume`,
          },
        ]
      : [],
  );
}

function hostPorts(c: ContainerUnderCheck): PodSecurityViolation[] {
  return asList(c.at.container.ports).flatMap((port, i) => {
    const hostPort = field(port, 'hostPort');
    return typeof hostPort === 'number' && hostPort !== 0
      ? [{ path: [...c.at.path, 'ports', i, 'hostPort'], control: 'host-ports', message: `${c.label} must not use hostPort ${hostPort}` }]
      : [];
  });
}

/** The pod template's annotations with their paths. */
function annotations(pod: PodUnderCheck): Array<{ key: string; value: unknown; path: PathSegment[] }> {
  const map = isObject(pod.template.metadata.annotations) ? pod.template.metadata.annotations : {};
  return Object.entries(map).map(([key, value]) => ({ key, value, path: [...pod.template.metadataPath, 'annotations', key] }));
}

function appArmor(pod: PodUnderCheck): PodSecurityViolation[] {
  return annotations(pod).flatMap(({ key, value, path }) =>
    key.startsWith(APPARMOR_PREFIX) && value !== 'runtime/default' && !String(value).startsWith('localhost/')
      ? [
          {
            path,
            control: 'apparmor',
            message: `AppArmor profile ${describeValue(value)} is not allowed; use runtime/default or localhost/<profile>`,
          },
        ]
      : [],
  );
}

function seLinuxOptions(options: unknown, path: readonly PathSegment[], who: string): PodSecurityViolation[] {
  if (!isObject(options)) return [];
  const out: PodSecurityViolation[] = [];
  if (!seLinuxTypeAllowed(options.type)) {
    out.push({
      path: [...path, 'type'],
      control: 'selinux',
      message: `${who} sets SELinux type ${describeValue(options.type)}; allowed: container_t, container_init_t, container_kvm_t`,
    });
  }
  for (const field of ['user', 'role']) {
    if (options[field] !== undefined && options[field] !== '')
      out.push({ path: [...path, field], control: 'selinux', message: `${who} must not set a custom SELinux ${field}` });
  }
  return out;
}

function seLinux(pod: PodUnderCheck): PodSecurityViolation[] {
  return seLinuxOptions(pod.context.seLinuxOptions, [...pod.contextAt, 'seLinuxOptions'], 'the pod');
}

function containerSeLinux(c: ContainerUnderCheck): PodSecurityViolation[] {
  return seLinuxOptions(c.context.seLinuxOptions, [...c.contextAt, 'seLinuxOptions'], c.label);
}

function procMount(c: ContainerUnderCheck): PodSecurityViolation[] {
  return isDefaultProcMount(c.context.procMount)
    ? []
    : [
        {
          path: [...c.contextAt, 'procMount'],
          control: 'proc-mount',
          message: `${c.label} must use the Default /proc mount, not ${describeValue(c.context.procMount)}`,
        },
      ];
}

function unconfinedSeccomp(pod: PodUnderCheck): PodSecurityViolation[] {
  const out: PodSecurityViolation[] = annotations(pod)
    .filter(({ key, value }) => (key === SECCOMP_POD_ANNOTATION || key.startsWith(SECCOMP_CONTAINER_PREFIX)) && value === 'unconfined')
    .map(({ path }) => ({ path, control: 'seccomp', message: 'the seccomp profile must not be unconfined' }));
  if (isUnconfinedSeccomp(pod.context.seccompProfile)) {
    out.push({
      path: [...pod.contextAt, 'seccompProfile', 'type'],
      control: 'seccomp',
      message: 'the pod seccomp profile must not be Unconfined',
    });
  }
  return out;
}

function containerUnconfinedSeccomp(c: ContainerUnderCheck): PodSecurityViolation[] {
  return isUnconfinedSeccomp(c.context.seccompProfile)
    ? [
        {
          path: [...c.contextAt, 'seccompProfile', 'type'],
          control: 'seccomp',
          message: `${c.label} seccomp profile must not be Unconfined`,
        },
      ]
    : [];
}

function sysctls(pod: PodUnderCheck): PodSecurityViolation[] {
  return asList(pod.context.sysctls).flatMap((sysctl, i) =>
    SAFE_SYSCTLS.has(String(field(sysctl, 'name')))
      ? []
      : [
          {
            path: [...pod.contextAt, 'sysctls', i, 'name'],
            control: 'sysctls',
            message: `sysctl ${describeValue(field(sysctl, 'name'))} is not in the safe set (${[...SAFE_SYSCTLS].join(', ')})`,
          },
        ],
  );
}

// ---- restricted ----

function volumeTypes(pod: PodUnderCheck): PodSecurityViolation[] {
  return asList(pod.spec.volumes).flatMap((volume, i) =>
    isObject(volume)
      ? disallowedVolumeSources(volume).map((source) => ({
          path: [...pod.at, 'volumes', i, source],
          control: 'volume-types',
          message: `volume "${String(volume.name)}" uses ${source}; restricted allows only ${[...RESTRICTED_VOLUME_SOURCES].join(', ')}`,
        }))
      : [],
  );
}

function runAsNonRoot(pod: PodUnderCheck): PodSecurityViolation[] {
  return pod.context.runAsNonRoot === false
    ? [{ path: [...pod.contextAt, 'runAsNonRoot'], control: 'run-as-non-root', message: 'the pod must not set runAsNonRoot: false' }]
    : [];
}

function containerRunAsNonRoot(c: ContainerUnderCheck, pod: PodUnderCheck): PodSecurityViolation[] {
  const path = [...c.contextAt, 'runAsNonRoot'];
  if (c.context.runAsNonRoot === false)
    return [{ path, control: 'run-as-non-root', message: `${c.label} must not set runAsNonRoot: false` }];
  if (c.context.runAsNonRoot !== true && pod.context.runAsNonRoot !== true) {
    return [{ path, control: 'run-as-non-root', message: `${c.label} must set runAsNonRoot: true (or the pod securityContext must)` }];
  }
  return [];
}

function runAsUser(pod: PodUnderCheck): PodSecurityViolation[] {
  return pod.context.runAsUser === 0
    ? [{ path: [...pod.contextAt, 'runAsUser'], control: 'run-as-user', message: 'the pod must not run as user 0 (root)' }]
    : [];
}

function containerRunAsUser(c: ContainerUnderCheck): PodSecurityViolation[] {
  return c.context.runAsUser === 0
    ? [{ path: [...c.contextAt, 'runAsUser'], control: 'run-as-user', message: `${c.label} must not run as user 0 (root)` }]
    : [];
}

function privilegeEscalation(c: ContainerUnderCheck): PodSecurityViolation[] {
  return c.context.allowPrivilegeEscalation === false
    ? []
    : [
        {
          path: [...c.contextAt, 'allowPrivilegeEscalation'],
          control: 'privilege-escalation',
          message: `${c.label} must set allowPrivilegeEscalation: false`,
        },
      ];
}

function restrictedSeccomp(c: ContainerUnderCheck, pod: PodUnderCheck): PodSecurityViolation[] {
  const allowed = (type: unknown) => type === 'RuntimeDefault' || type === 'Localhost';
  const type = field(c.context.seccompProfile, 'type');
  // An Unconfined container profile is reported by the baseline entry.
  const bad = type === undefined ? !allowed(field(pod.context.seccompProfile, 'type')) : !allowed(type) && type !== 'Unconfined';
  return bad
    ? [
        {
          path: [...c.contextAt, 'seccompProfile', 'type'],
          control: 'seccomp',
          message: `${c.label} needs seccompProfile.type RuntimeDefault or Localhost (on the container or the pod)`,
        },
      ]
    : [];
}

function restrictedCapabilities(c: ContainerUnderCheck): PodSecurityViolation[] {
  const out: PodSecurityViolation[] = [];
  const drop = asList(field(c.context.capabilities, 'drop'));
  if (!drop.includes('ALL'))
    out.push({ path: [...c.contextAt, 'capabilities', 'drop'], control: 'capabilities', message: `${c.label} must drop ALL capabilities` });
  addedCapabilities(c).forEach((capability, i) => {
    // Capabilities outside the baseline set are reported by the baseline entry.
    if (capabilityAllowed(capability, 'baseline') && !capabilityAllowed(capability, 'restricted')) {
      out.push({
        path: [...c.contextAt, 'capabilities', 'add', i],
        control: 'capabilities',
        message: `${c.label} adds capability ${describeValue(capability)}; restricted allows only NET_BIND_SERVICE`,
      });
    }
  });
  return out;
}

/** Every control, baseline first, in the order the Pod Security Standards page lists them. */
export const POD_SECURITY_CONTROLS: readonly PodSecurityControl[] = [
  {
    code: 'host-process',
    level: 'baseline',
    summary: 'no Windows HostProcess pod or container',
    pod: hostProcess,
    container: containerHostProcess,
  },
  { code: 'host-namespaces', level: 'baseline', summary: 'no hostNetwork, hostPID or hostIPC', pod: hostNamespaces },
  { code: 'privileged', level: 'baseline', summary: 'no privileged container', container: privileged },
  {
    code: 'capabilities',
    level: 'baseline',
    summary: "baseline: add only the runtime's default capabilities",
    container: baselineCapabilities,
  },
  { code: 'host-path', level: 'baseline', summary: 'no hostPath volume', pod: hostPathVolumes },
  { code: 'host-ports', level: 'baseline', summary: 'no hostPort', container: hostPorts },
  { code: 'apparmor', level: 'baseline', summary: 'AppArmor profile runtime/default or localhost/*', pod: appArmor },
  { code: 'selinux', level: 'baseline', summary: 'no custom SELinux type, user or role', pod: seLinux, container: containerSeLinux },
  { code: 'proc-mount', level: 'baseline', summary: 'the Default /proc mount', container: procMount },
  {
    code: 'seccomp',
    level: 'baseline',
    summary: 'baseline: no Unconfined seccomp profile',
    pod: unconfinedSeccomp,
    container: containerUnconfinedSeccomp,
  },
  { code: 'sysctls', level: 'baseline', summary: 'only the safe sysctls', pod: sysctls },
  {
    code: 'volume-types',
    level: 'restricted',
    summary: 'only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret volumes',
    pod: volumeTypes,
  },
  {
    code: 'run-as-non-root',
    level: 'restricted',
    summary: 'runAsNonRoot: true (pod or every container), never false',
    pod: runAsNonRoot,
    container: containerRunAsNonRoot,
  },
  { code: 'run-as-user', level: 'restricted', summary: 'never runAsUser 0 (root)', pod: runAsUser, container: containerRunAsUser },
  {
    code: 'privilege-escalation',
    level: 'restricted',
    summary: 'allowPrivilegeEscalation: false on every container',
    linuxOnly: true,
    container: privilegeEscalation,
  },
  {
    code: 'seccomp',
    level: 'restricted',
    summary: 'restricted: seccompProfile RuntimeDefault or Localhost',
    linuxOnly: true,
    container: restrictedSeccomp,
  },
  {
    code: 'capabilities',
    level: 'restricted',
    summary: 'restricted: drop ALL, add at most NET_BIND_SERVICE',
    linuxOnly: true,
    container: restrictedCapabilities,
  },
];

/** `container "web"`, `init container "setup"`, `ephemeral container "debug"`. */
function labelOf(c: ContainerAt): string {
  return `${c.list === 'containers' ? 'container' : c.list.replace(/s$/, '').replace(/Container$/, ' container')} "${String(c.container.name)}"`;
}

/**
 * Checks one pod template against a level; returns the violations: baseline before restricted,
 * within a level the pod-level fields first, then container by container, each in control order.
 */
export function podSecurityViolations(template: PodTemplate, level: PodSecurityLevel): PodSecurityViolation[] {
  if (level === 'privileged') return [];
  const context = isObject(template.spec.securityContext) ? template.spec.securityContext : {};
  const pod: PodUnderCheck = {
    template,
    spec: template.spec,
    at: template.specPath,
    context,
    contextAt: [...template.specPath, 'securityContext'],
  };
  const containers: ContainerUnderCheck[] = containersOf(template).map((at) => ({
    at,
    context: isObject(at.container.securityContext) ? at.container.securityContext : {},
    contextAt: [...at.path, 'securityContext'],
    label: labelOf(at),
  }));
  const windows = field(template.spec.os, 'name') === 'windows';
  const out: PodSecurityViolation[] = [];
  for (const checked of level === 'restricted' ? ['baseline', 'restricted'] : ['baseline']) {
    const controls = POD_SECURITY_CONTROLS.filter((control) => control.level === checked && !(control.linuxOnly && windows));
    for (const control of controls) out.push(...(control.pod?.(pod) ?? []));
    for (const c of containers) {
      for (const control of controls) out.push(...(control.container?.(c, pod) ?? []));
    }
  }
  return out;
}
