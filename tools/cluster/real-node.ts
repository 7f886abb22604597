/**
 * A real node for the local cluster: containerd, the kubelet, kube-proxy (iptables mode), the
 * NetworkPolicy enforcer (kube-router's firewall), storage (a default StorageClass with volumes
 * made in advance) and cluster DNS (CoreDNS), all inside the node's network namespace (see
 * `node-network.ts`), started in that order after the control plane. Pods really run, on the images `npm run images:build` made (nothing can be pulled).
 *
 * What the node changes outside its namespace is undone by `cleanUpNodeHost`: the kubelet's
 * global sysctls, its cgroups, the mounts of pod volumes and root filesystems, the folders
 * containerd and the kubelet use whatever they are told (/run/containerd, /var/log/pods, ...).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  ContainerdPaths,
  containerdAnswers,
  containerdPaths,
  listImages,
  PAUSE_IMAGE,
  readImageIndex,
  removeAllContainers,
  writeContainerdConfig,
} from './containerd';
import { CLUSTER_DNS_IP, STORAGE_CLASS, coreDnsObjects, kubeRouterRbac, nodeStorageObjects } from './node-addons';
import { NODE_IP, NODE_NAME, healthyInNode, runInNode } from './node-network';
import { KubeletPki, makeKubeletPki } from './node-pki';
import { IMAGES_DIR, engineBinary } from './paths';
import { IMAGE_STORE_DIR, closeImageStore, imageStorePaths, openImageStore, syncImages } from './image-store';
import { WATCHED_SYSCTLS } from './host-state';

/** The pod range of the node (the controller-manager allocates the first /24 of the cluster's). */
export const NODE_POD_CIDR = '10.244.0.0/24';
/** Volumes made in advance for the default StorageClass (hostPath folders under the node's folder). */
const NODE_VOLUMES = 6;
/** Their stated size (hostPath enforces none): large enough for any claim of the exercises. */
const NODE_VOLUME_SIZE = '10Gi';
/** The cgroup (in every hierarchy) under which the kubelet puts the pods: ours alone to remove. */
export const NODE_CGROUP_ROOT = '/k8s-practice';

/** What the real node records in the cluster's state file, for `cluster:down`. */
export interface RealNodeState {
  readonly dir: string;
  /** Where the pods' logs are copied before the node's folders go (beside the components'). */
  readonly logDir: string;
  /** The sysctls the kubelet changes, as they were before it started. */
  readonly sysctls: Record<string, string>;
  /** Entries of the runtime folders and cgroups that existed before (the rest is ours to remove). */
  readonly runtimeEntries: string[];
  /** The image store containerd's root is in (tools/cluster/image-store.ts); absent in older state files. */
  readonly imageStoreDir?: string;
}

/** Starts one component; the cluster's starter wraps it into the node's namespace. */
export type StartComponent = (
  name: string,
  executable: string,
  args: string[],
  healthy: () => Promise<boolean>,
  timeoutMs?: number,
) => Promise<void>;

/** What the node needs from the control plane that was started before it. */
export interface NodeContext {
  readonly clusterDir: string;
  readonly start: StartComponent;
  /** Writes a kubeconfig for a token user of the in-namespace API server; returns its path. */
  readonly kubeconfigFor: (user: 'node' | 'kube-proxy' | 'kube-router') => string;
  /** Applies objects with the admin's kubectl. */
  readonly apply: (objects: readonly unknown[]) => void;
  readonly waitFor: (what: string, check: () => Promise<boolean>, timeoutMs: number) => Promise<void>;
  readonly nodeReady: () => Promise<boolean>;
  readonly coreDnsReady: () => Promise<boolean>;
  readonly log: (line: string) => void;
}

const readSysctl = (key: string) => readFileSync(`/proc/sys/${key.replace(/\./g, '/')}`, 'utf8').trim();
function writeSysctl(key: string, value: string): void {
  try {
    writeFileSync(`/proc/sys/${key.replace(/\./g, '/')}`, value);
  } catch {
    // absent in this kernel, or per-namespace and not ours to set
  }
}

/** The global sysctls (vm.*, kernel.*) the kubelet changes at start. */
const GLOBAL_SYSCTLS = WATCHED_SYSCTLS.filter((key) => key.startsWith('vm.') || key.startsWith('kernel.'));

/** What a real node needs that is not there: binaries, Debian packages, images. */
export function missingForRealNode(): string[] {
  const missing: string[] = [];
  for (const name of ['kubelet', 'kube-proxy', 'kube-router', 'coredns']) {
    if (!existsSync(engineBinary(name))) missing.push(`${engineBinary(name)} (tools/engines/build.sh; needs Go)`);
  }
  for (const [path, pkg] of [
    ['/usr/bin/containerd', 'containerd'],
    ['/usr/sbin/runc', 'runc'],
    ['/usr/lib/cni/bridge', 'containernetworking-plugins'],
    ['/usr/sbin/ipset', 'ipset'],
    ['/usr/sbin/iptables', 'iptables'],
    ['/usr/bin/socat', 'socat'],
    ['/usr/bin/openssl', 'openssl'],
    ['/usr/bin/curl', 'curl'],
    ['/usr/bin/nsenter', 'util-linux'],
  ]) {
    if (!existsSync(path)) missing.push(`${path} (apt-get install ${pkg})`);
  }
  const images = readImageIndex(IMAGES_DIR).map((image) => image.reference);
  if (!images.includes(PAUSE_IMAGE)) missing.push(`the ${PAUSE_IMAGE} image (npm run images:build)`);
  if (!images.some((ref) => ref.startsWith('registry.k8s.io/coredns/'))) missing.push('the CoreDNS image (npm run images:build)');
  return missing;
}

/** Records what the node will change on the host, before it starts. */
export function recordHostBefore(clusterDir: string, runtimePaths: readonly string[]): RealNodeState {
  return {
    dir: join(clusterDir, 'node'),
    logDir: join(clusterDir, 'logs'),
    sysctls: Object.fromEntries(GLOBAL_SYSCTLS.map((key) => [key, readSysctl(key)])),
    runtimeEntries: [
      ...runtimePaths.filter(existsSync).flatMap((path) => [path, ...readdirSync(path).map((name) => join(path, name))]),
      ...nodeCgroupRoots().filter(existsSync),
    ],
    imageStoreDir: IMAGE_STORE_DIR,
  };
}

function restoreSysctls(node: RealNodeState): void {
  for (const [key, value] of Object.entries(node.sysctls)) if (readSysctl(key) !== value) writeSysctl(key, value);
}

/** Starts containerd, the kubelet, kube-proxy, kube-router and CoreDNS, in that order. */
export async function startRealNode(context: NodeContext, node: RealNodeState): Promise<void> {
  const { start, log } = context;
  mkdirSync(node.dir, { recursive: true, mode: 0o700 });
  const store = imageStorePaths(node.imageStoreDir);
  const containerd = containerdPaths(node.dir);
  writeContainerdConfig(containerd, node.dir, NODE_POD_CIDR, openImageStore(store, unmountAllUnder));
  await start('containerd', '/usr/bin/containerd', ['--config', containerd.config], async () => containerdAnswers(containerd));

  const images = readImageIndex(IMAGES_DIR);
  const importBegan = Date.now();
  const synced = syncImages(store, containerd, images);
  log(
    `cluster: ${'images'.padEnd(24)} ready in ${String(Date.now() - importBegan).padStart(5)} ms  (imported ${synced.imported.length}, kept ${synced.reused.length} from the last node, removed ${synced.removed.length}; ${listImages(containerd).length} references)`,
  );

  const pki = makeKubeletPki(join(context.clusterDir, 'pki'), { name: NODE_NAME, ip: NODE_IP });
  createCgroupRoot();
  const kubeletConfig = writeKubeletConfig(node.dir, pki, containerd);
  await start(
    'kubelet',
    engineBinary('kubelet'),
    [
      `--config=${kubeletConfig}`,
      `--kubeconfig=${context.kubeconfigFor('node')}`,
      `--root-dir=${join(node.dir, 'kubelet')}`,
      `--cert-dir=${join(node.dir, 'kubelet', 'pki')}`,
      `--node-ip=${NODE_IP}`,
      `--hostname-override=${NODE_NAME}`,
      `--pod-infra-container-image=${PAUSE_IMAGE}`,
    ],
    context.nodeReady,
    60_000,
  );
  // The kubelet sets vm.overcommit_memory, kernel.panic, ... for the whole machine at start:
  // put them back (they are not per network namespace).
  restoreSysctls(node);

  await start(
    'kube-proxy',
    engineBinary('kube-proxy'),
    [`--config=${writeKubeProxyConfig(node.dir, context.kubeconfigFor('kube-proxy'))}`],
    healthyInNode('http://127.0.0.1:10256/healthz'),
  );

  context.apply(kubeRouterRbac());
  await start(
    'kube-router',
    engineBinary('kube-router'),
    [
      `--kubeconfig=${context.kubeconfigFor('kube-router')}`,
      `--hostname-override=${NODE_NAME}`,
      '--run-firewall=true',
      '--run-router=false',
      '--run-service-proxy=false',
      '--enable-cni=false',
      // Its health and metrics servers would listen on every address: it needs neither here.
      '--health-port=0',
      // With port 0 it still opens (and closes) a listener at start, on this address.
      '--health-addr=127.0.0.1',
      '--metrics-port=0',
    ],
    async () => runInNode('/usr/sbin/iptables', ['-S']).includes('KUBE-ROUTER'),
  );

  // Storage: a default StorageClass and volumes made in advance (no provisioner runs here).
  const volumes = Array.from({ length: NODE_VOLUMES }, (_, i) => join(node.dir, 'volumes', `pv-${String(i + 1).padStart(2, '0')}`));
  for (const folder of volumes) {
    mkdirSync(folder, { recursive: true });
    chmodSync(folder, 0o1777);
  }
  context.apply(nodeStorageObjects(volumes, NODE_VOLUME_SIZE));
  log(`cluster: ${'storage'.padEnd(24)} StorageClass ${STORAGE_CLASS} (default), ${NODE_VOLUMES} volumes of ${NODE_VOLUME_SIZE}`);

  const coreDnsImage = images.find((image) => image.reference.startsWith('registry.k8s.io/coredns/'))?.reference;
  if (!coreDnsImage) throw new Error('no CoreDNS image was built (npm run images:build)');
  const dnsBegan = Date.now();
  context.apply(coreDnsObjects(coreDnsImage));
  await context.waitFor('CoreDNS to become Ready', context.coreDnsReady, 60_000);
  log(`cluster: ${'coredns (pod)'.padEnd(24)} ready after ${String(Date.now() - dnsBegan).padStart(5)} ms  (${CLUSTER_DNS_IP})`);
}

function cgroupHierarchies(): string[] {
  return readdirSync('/sys/fs/cgroup', { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join('/sys/fs/cgroup', entry.name));
}

/**
 * The cgroups a node makes, in every hierarchy: the kubelet's root for the pods, and the one
 * containerd names after its namespace (`/k8s.io`). Each is ours to remove unless it was there before.
 */
function nodeCgroupRoots(): string[] {
  return cgroupHierarchies().flatMap((hierarchy) => [join(hierarchy, NODE_CGROUP_ROOT), join(hierarchy, 'k8s.io')]);
}

/** The kubelet requires its cgroup root to exist in every hierarchy. */
function createCgroupRoot(): void {
  for (const hierarchy of cgroupHierarchies()) mkdirSync(join(hierarchy, NODE_CGROUP_ROOT), { recursive: true });
}

function writeKubeletConfig(dir: string, pki: KubeletPki, containerd: ContainerdPaths): string {
  const resolvConf = join(dir, 'resolv.conf');
  // Pods with dnsPolicy Default (CoreDNS) get this file: no nameserver, so never the host's.
  writeFileSync(resolvConf, '# the local cluster has no upstream resolver\n');
  const config = {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    address: NODE_IP,
    port: 10250,
    readOnlyPort: 0,
    healthzBindAddress: '127.0.0.1',
    healthzPort: 10248,
    // Only the API server's client certificate gets in; no anonymous caller, whatever it asks.
    authentication: { anonymous: { enabled: false }, webhook: { enabled: false }, x509: { clientCAFile: pki.caCert } },
    authorization: { mode: 'AlwaysAllow' },
    tlsCertFile: pki.kubeletCert,
    tlsPrivateKeyFile: pki.kubeletKey,
    containerRuntimeEndpoint: `unix://${containerd.socket}`,
    cgroupDriver: 'cgroupfs',
    cgroupRoot: NODE_CGROUP_ROOT,
    failSwapOn: false,
    clusterDNS: [CLUSTER_DNS_IP],
    clusterDomain: 'cluster.local',
    resolvConf,
    serializeImagePulls: false,
    // The images cannot be pulled again: never collect them, whatever the disk holds.
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '1%', 'imagefs.available': '1%' },
    // Node status every 4 s (the default is 10 s), so that readiness changes show quickly.
    nodeStatusUpdateFrequency: '4s',
    syncFrequency: '10s',
  };
  const path = join(dir, 'kubelet-config.json');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

function writeKubeProxyConfig(dir: string, kubeconfig: string): string {
  const config = {
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    clientConnection: { kubeconfig },
    hostnameOverride: NODE_NAME,
    mode: 'iptables',
    clusterCIDR: '10.244.0.0/16',
    bindAddress: NODE_IP,
    healthzBindAddress: '127.0.0.1:10256',
    metricsBindAddress: '127.0.0.1:10249',
    // NodePorts answer on the node's address only.
    nodePortAddresses: [`${NODE_IP}/32`],
    // Zero: leave the machine's conntrack settings as they are.
    conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: '0s', tcpCloseWaitTimeout: '0s' },
  };
  const path = join(dir, 'kube-proxy-config.json');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

/** Removes the node's containers once the kubelet is stopped (containerd still running). */
export function removeNodeContainers(node: RealNodeState): number {
  const containerd = containerdPaths(node.dir);
  return containerdAnswers(containerd) ? removeAllContainers(containerd) : 0;
}

/**
 * Resident memory of everything running in the node's network namespace: the control plane,
 * the node's components, the shims and every container (MiB).
 */
export function nodeStackRssMiB(netnsPath: string): number {
  // /proc/PID/ns/net reads as `net:[inode]`; the namespace's file has that inode.
  const nodeNet = `net:[${statSync(netnsPath).ino}]`;
  let kib = 0;
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (readlinkSync(`/proc/${pid}/ns/net`) !== nodeNet) continue;
      kib += Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // exited meanwhile
    }
  }
  return Math.round(kib / 1024);
}

/** Mount points under `prefix` (or equal to it), deepest first. */
function mountsUnder(prefix: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((point) => point === prefix || point.startsWith(`${prefix}/`))
    .sort((a, b) => b.length - a.length);
}

/** Unmounts a mount point lazily; whether it was unmounted. */
function unmount(point: string): boolean {
  return spawnSync('/usr/bin/umount', ['--lazy', point], { encoding: 'utf8' }).status === 0;
}

/** Unmounts everything mounted under a folder, deepest first; returns what it unmounted. */
function unmountAllUnder(dir: string): string[] {
  return mountsUnder(dir).filter(unmount);
}

/** Whether a process runs with this command-line argument (a containerd with this node's config). */
function processWithArgument(argument: string): boolean {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .some((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(argument);
      } catch {
        return false;
      }
    });
}

/**
 * Undoes what the node left on the host once every process has stopped: shims still running,
 * mounts, pod network namespace files, cgroups, runtime folder entries and sysctls. Returns a
 * line per thing removed.
 */
export function cleanUpNodeHost(node: RealNodeState, containerdSocket = containerdPaths(node.dir).socket): string[] {
  const done: string[] = [];
  // containerd's shims outlive it by design; those of our socket go now.
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline.includes('containerd-shim') && cmdline.includes(containerdSocket)) {
        process.kill(Number(pid), 'SIGKILL');
        done.push(`killed shim ${pid}`);
      }
    } catch {
      // gone
    }
  }
  const before = new Set(node.runtimeEntries);
  const ours = (path: string) => !before.has(path);
  const unmountAndSay = (point: string) => {
    if (unmount(point)) done.push(`unmounted ${point}`);
  };
  for (const dir of node.imageStoreDir ? [node.dir, node.imageStoreDir] : [node.dir])
    for (const point of unmountAllUnder(dir)) done.push(`unmounted ${point}`);
  // The pods' network namespaces (containerd names them cni-<uuid>); other tools' are left alone.
  for (const point of mountsUnder('/run/netns')) if (/^\/run\/netns\/cni-/.test(point) && ours(point)) unmountAndSay(point);
  for (const point of mountsUnder('/run/containerd')) if (point !== '/run/containerd' && ours(point)) unmountAndSay(point);
  // Keep the pods' logs with the components' for a failure report, before they go.
  if (existsSync('/var/log/pods')) {
    for (const name of readdirSync('/var/log/pods').filter((n) => ours(join('/var/log/pods', n)))) {
      cpSync(join('/var/log/pods', name), join(node.logDir, 'pods', name), { recursive: true, dereference: true });
    }
  }
  for (const folder of [
    '/run/netns',
    '/run/containerd',
    '/var/lib/cni',
    '/var/log/pods',
    '/var/log/containers',
    '/var/lib/kubelet',
    '/etc/cni',
    '/opt/cni',
  ]) {
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (ours(path) && (folder !== '/run/netns' || name.startsWith('cni-'))) {
        rmSync(path, { recursive: true, force: true });
        done.push(`removed ${path}`);
      }
    }
    // A folder the node made goes too once empty (ip netns made /run/netns a mount of itself).
    if (ours(folder) && readdirSync(folder).length === 0) {
      if (mountsUnder(folder).includes(folder)) unmountAndSay(folder);
      rmdirSync(folder);
      done.push(`removed ${folder}`);
    }
  }
  // Cgroups: the deepest first; a cgroup folder is removed with rmdir (its files are virtual).
  for (const root of nodeCgroupRoots()) {
    if (!existsSync(root) || !ours(root)) continue;
    const found = execFileSync('find', [root, '-depth', '-type', 'd'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const dir of found) {
      try {
        rmdirSync(dir);
      } catch (error) {
        done.push(`could not remove cgroup ${dir}: ${(error as Error).message}`);
      }
    }
  }
  restoreSysctls(node);
  // The images stay for the next node once nothing of this one runs or is mounted in their store.
  if (node.imageStoreDir && existsSync(node.imageStoreDir)) {
    if (mountsUnder(node.imageStoreDir).length === 0 && !processWithArgument(containerdPaths(node.dir).config)) {
      closeImageStore(imageStorePaths(node.imageStoreDir));
      done.push(`kept the images in ${node.imageStoreDir}`);
    } else {
      done.push(`could not close the image store ${node.imageStoreDir}: it is emptied at the next start`);
    }
  }
  return done;
}
