/**
 * Defaults that let a container pass the `restricted` Pod Security Standard
 * and fit a project's ResourceQuota, shared by every pod this library makes.
 */
import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { invalidProp } from '../util/props-check';
import { compareQuantities, parseQuantity } from '../util/exact-quantity';
import { checkResourceQuantity } from '../util/resource-quantity';

/**
 * Container securityContext that satisfies the `restricted` profile:
 * no privilege escalation, every capability dropped, non-root, RuntimeDefault
 * seccomp, and a read-only root filesystem (writable paths are emptyDirs).
 */
export function restrictedContainerSecurityContext(runAsUser?: number): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Pod securityContext for the `restricted` profile. */
export function restrictedPodSecurityContext(): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Requests and limits for a small practice container (an idle web server or shell). */
export interface ContainerSize {
  /** CPU request, e.g. `50m`. */
  readonly cpuRequest: string;
  /** Memory request, e.g. `32Mi`. */
  readonly memoryRequest: string;
  /** CPU limit. */
  readonly cpuLimit: string;
  /** Memory limit. */
  readonly memoryLimit: string;
}

/** The size every practice container gets unless told otherwise. */
export const SMALL_CONTAINER: ContainerSize = {
  cpuRequest: '50m',
  memoryRequest: '32Mi',
  cpuLimit: '200m',
  memoryLimit: '128Mi',
};

/**
 * Checks a {@link ContainerSize} prop: four non-negative quantities, each
 * request at most its limit (the API server refuses a pod otherwise).
 */
export function checkContainerSize(scope: IConstruct, field: string, size: ContainerSize | undefined): ContainerSize {
  if (typeof size !== 'object' || size === null)
    invalidProp(scope, field, size, 'a ContainerSize { cpuRequest, memoryRequest, cpuLimit, memoryLimit }');
  for (const key of ['cpuRequest', 'memoryRequest', 'cpuLimit', 'memoryLimit'] as const)
    checkResourceQuantity(scope, `${field}.${key}`, size[key]);
  // Exact comparison: `700m` and `0.7` are equal, as the API server sees them.
  const exceeds = (request: string, limit: string) => compareQuantities(parseQuantity(request)!, parseQuantity(limit)!) > 0;
  if (exceeds(size.cpuRequest, size.cpuLimit)) {
    invalidProp(scope, `${field}.cpuRequest`, size.cpuRequest, `at most the CPU limit ${size.cpuLimit}`);
  }
  if (exceeds(size.memoryRequest, size.memoryLimit)) {
    invalidProp(scope, `${field}.memoryRequest`, size.memoryRequest, `at most the memory limit ${size.memoryLimit}`);
  }
  return size;
}

export function containerResources(size: ContainerSize = SMALL_CONTAINER): k8s.ResourceRequirements {
  return {
    requests: { cpu: k8s.Quantity.fromString(size.cpuRequest), memory: k8s.Quantity.fromString(size.memoryRequest) },
    limits: { cpu: k8s.Quantity.fromString(size.cpuLimit), memory: k8s.Quantity.fromString(size.memoryLimit) },
  };
}

/**
 * Whether a mount path is absolute, below `/` and in clean form: no empty, `.` or `..`
 * segment (so no `//` and no trailing `/`) and no control character.
 */
export function isCleanAbsolutePath(path: unknown): path is string {
  return (
    typeof path === 'string' &&
    path.startsWith('/') &&
    path !== '/' &&
    !path
      .slice(1)
      .split('/')
      .some((part) => part === '' || part === '.' || part === '..') &&
    !/[\u0000-\u001f\u007f]/.test(path)
  );
}

/**
 * Why a list of writable paths cannot be mounted, or undefined when it can:
 * each must be written in clean form (absolute, below `/`, no empty, `.` or
 * `..` segment, no trailing `/`: `/etc/x/` and `/etc//x` name the same folder
 * as `/etc/x`, so two spellings of one folder would be two mounts on it),
 * and the paths must give distinct volume names.
 */
export function writablePathsProblem(paths: readonly unknown[]): string | undefined {
  const names = new Map<string, string>();
  for (const path of paths) {
    if (!isCleanAbsolutePath(path)) {
      return `${JSON.stringify(path)} is not an absolute path below "/" without "..", "//", "/.", a trailing "/" or a control character`;
    }
    const name = scratchVolumeName(path);
    const clash = names.get(name);
    if (clash !== undefined) return `${JSON.stringify(clash)} and ${JSON.stringify(path)} would share the volume name "${name}"`;
    names.set(name, path);
  }
  return undefined;
}

/** The volume name used for a writable path: `/var/cache/nginx` -> `var-cache-nginx`. */
export function scratchVolumeName(path: string): string {
  return (
    path
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 63)
      .replace(/-+$/, '') || 'root'
  );
}

/**
 * An emptyDir volume per writable path, with the matching mounts.
 * A read-only root filesystem needs these for pid files, caches and temp files.
 */
export function writableScratch(paths: readonly string[]): { volumes: k8s.Volume[]; mounts: k8s.VolumeMount[] } {
  return {
    volumes: paths.map((path) => ({ name: scratchVolumeName(path), emptyDir: {} })),
    mounts: paths.map((mountPath) => ({ name: scratchVolumeName(mountPath), mountPath })),
  };
}
