/**
 * containerd (Debian's 1.6) as the real node's container runtime: its configuration, the
 * images it is given (nothing can be pulled here), and the forced stop of whatever containers
 * are left when the cluster goes down.
 *
 * Its state, socket and CNI configuration live in the cluster's folder, and its root (the
 * images) in .engines/containerd (tools/cluster/image-store.ts), never in /var/lib/containerd or
 * /etc; the pods' CNI network is a bridge inside the node's network namespace (containerd runs there).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The image containerd starts every pod sandbox from (`registry.k8s.io/pause`). */
export const PAUSE_IMAGE = 'registry.k8s.io/pause:3.9';
/** The containerd namespace the CRI plugin (so the kubelet) uses. */
const CRI_NAMESPACE = 'k8s.io';

/** Where one node's containerd keeps everything. */
export interface ContainerdPaths {
  readonly dir: string;
  readonly config: string;
  readonly socket: string;
  readonly cniConfDir: string;
  /** containerd's per-registry host configuration (`<host:port>/hosts.toml`), read at each pull. */
  readonly registryHostsDir: string;
}

export function containerdPaths(nodeDir: string): ContainerdPaths {
  const dir = join(nodeDir, 'containerd');
  return {
    dir,
    config: join(dir, 'config.toml'),
    socket: join(dir, 'containerd.sock'),
    cniConfDir: join(nodeDir, 'cni', 'net.d'),
    registryHostsDir: join(dir, 'certs.d'),
  };
}

/**
 * Writes containerd's configuration and the pods' CNI network (a bridge `cni0` with the node as
 * gateway, addresses from the node's pod range, no masquerading: pods reach only what is in
 * the node's namespace). `root` holds the images (content, metadata, unpacked layers): the
 * real node passes the store that outlives it (tools/cluster/image-store.ts).
 */
export function writeContainerdConfig(
  paths: ContainerdPaths,
  nodeDir: string,
  podCidr: string,
  root: string = join(paths.dir, 'root'),
): void {
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  mkdirSync(paths.cniConfDir, { recursive: true });
  const state = join(paths.dir, 'state');
  const toml = `# Written by tools/cluster/containerd.ts for the local real-node cluster.
version = 2
root = "${root}"
state = "${state}"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = "${paths.socket}"

[plugins."io.containerd.internal.v1.opt"]
  path = "${join(paths.dir, 'opt')}"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${PAUSE_IMAGE}"
  # This sandbox may not lower oom_score_adj (no CAP_SYS_RESOURCE): without this, runc fails
  # every sandbox with "can't get final child's PID from pipe: EOF".
  restrict_oom_score_adj = true
  disable_apparmor = true
  enable_selinux = false
  # exec, attach, logs and port-forward: reached by the kubelet inside the node's namespace.
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".registry]
    # Per-registry hosts.toml files: how the node reaches an in-cluster registry (see
    # installRegistryHosts). Nothing else can be pulled: no registry outside this machine is reachable.
    config_path = "${paths.registryHostsDir}"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "/usr/sbin/runc"
        Root = "${join(state, 'runc')}"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${paths.cniConfDir}"
    max_conf_num = 1
`;
  writeFileSync(paths.config, toml);
  const cni = {
    cniVersion: '0.4.0',
    name: 'practice-pods',
    plugins: [
      {
        type: 'bridge',
        bridge: 'cni0',
        isGateway: true,
        ipMasq: false,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: podCidr }]],
          routes: [{ dst: '0.0.0.0/0' }],
          dataDir: join(nodeDir, 'cni', 'ipam'),
        },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
  writeFileSync(join(paths.cniConfDir, '10-practice-pods.conflist'), `${JSON.stringify(cni, null, 2)}\n`);
}

/**
 * Installs a registry host configuration (`hosts.toml`, e.g. what
 * `ImageRegistry.containerdHostsToml()` prints) for `host` (name:port) on the node, where
 * containerd's CRI plugin reads it at each pull: no restart. Returns the file's path.
 */
export function installRegistryHosts(paths: ContainerdPaths, host: string, hostsToml: string): string {
  if (!/^[a-z0-9.-]+(:\d+)?$/.test(host)) throw new Error(`registry hosts: host must be name[:port], not '${host}'`);
  const dir = join(paths.registryHostsDir, host);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'hosts.toml');
  writeFileSync(file, hostsToml);
  return file;
}

const ctr = (paths: ContainerdPaths, args: readonly string[]) =>
  execFileSync('/usr/bin/ctr', ['--address', paths.socket, '--namespace', CRI_NAMESPACE, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

/** True once containerd answers on its socket. */
export function containerdAnswers(paths: ContainerdPaths): boolean {
  try {
    ctr(paths, ['version']);
    return true;
  } catch {
    return false;
  }
}

/** One image archive built by `npm run images:build` (see `.engines/images/index.json`). */
export interface ImageArchive {
  readonly reference: string;
  readonly archive: string;
}

/** Reads the index of the images built for the node. */
export function readImageIndex(imagesDir: string): ImageArchive[] {
  const index = join(imagesDir, 'index.json');
  if (!existsSync(index)) return [];
  const parsed = JSON.parse(readFileSync(index, 'utf8')) as { images: { reference: string; archive: string }[] };
  return parsed.images.map((image) => ({ reference: image.reference, archive: join(imagesDir, image.archive) }));
}

/** Imports an archive (docker-archive, named as the manifests name it) into the CRI namespace, unpacked. */
export function importImage(paths: ContainerdPaths, image: ImageArchive): void {
  ctr(paths, ['images', 'import', '--snapshotter', 'overlayfs', image.archive]);
}

/** Removes image references from the CRI namespace (containerd then collects what no image uses). */
export function removeImages(paths: ContainerdPaths, references: readonly string[]): void {
  if (references.length > 0) ctr(paths, ['images', 'rm', ...references]);
}

/** The references containerd's CRI namespace holds. */
export function listImages(paths: ContainerdPaths): string[] {
  return ctr(paths, ['images', 'ls', '-q']).split('\n').filter(Boolean);
}

/**
 * Each reference containerd's CRI namespace holds, with the digest of the manifest it names. The
 * CRI plugin adds a `sha256:<image id>` reference beside each name, naming the same manifest.
 */
export function listImageTargets(paths: ContainerdPaths): Map<string, string> {
  const [, ...rows] = ctr(paths, ['images', 'ls']).split('\n').filter(Boolean);
  // Columns: REF TYPE DIGEST SIZE PLATFORMS LABELS (no reference or digest holds a space).
  return new Map(rows.map((row) => row.trim().split(/\s+/)).map(([reference = '', , digest = '']) => [reference, digest]));
}

/**
 * Kills and deletes every container left in the CRI namespace (pods and their sandboxes), for
 * a stop that does not wait for graceful pod deletion. Run after the kubelet has stopped, so
 * nothing restarts them. Returns how many containers were removed.
 */
export function removeAllContainers(paths: ContainerdPaths): number {
  const list = (what: string) =>
    ctr(paths, [what, 'ls', '-q'])
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[0] ?? '')
      .filter(Boolean);
  for (const task of list('tasks')) {
    try {
      ctr(paths, ['tasks', 'kill', '--signal', 'SIGKILL', '--all', task]);
    } catch {
      // already stopped
    }
  }
  const containers = list('containers');
  for (const container of containers) {
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        ctr(paths, ['tasks', 'delete', '--force', container]);
      } catch {
        // no task, or not yet stopped
      }
      try {
        ctr(paths, ['containers', 'delete', container]);
        break;
      } catch {
        execFileSync('sleep', ['0.1']);
      }
    }
  }
  return containers.length;
}
