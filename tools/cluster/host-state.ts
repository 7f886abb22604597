/**
 * What a real node may change on the host, read before `cluster:up` and after `cluster:down`,
 * so a run can prove it left the machine as it found it: processes outside the host's network
 * namespace or running from the cluster's folder, network links and namespaces, iptables/nft
 * rules and ipsets, mounts, cgroups, the sysctls the kubelet and kube-proxy touch, and the
 * folders containerd and the kubelet write whatever they are told.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Each aspect of the host as a sorted list of lines. */
export type HostState = Record<string, string[]>;

/** Sysctls the kubelet or kube-proxy set when they run on the host's namespace. */
export const WATCHED_SYSCTLS = [
  'vm.overcommit_memory',
  'vm.panic_on_oom',
  'kernel.panic',
  'kernel.panic_on_oops',
  'kernel.keys.root_maxkeys',
  'kernel.keys.root_maxbytes',
  'net.ipv4.ip_forward',
  'net.ipv4.conf.all.route_localnet',
  'net.bridge.bridge-nf-call-iptables',
  'net.netfilter.nf_conntrack_max',
];

/** Folders containerd 1.6, the CNI plugins and the kubelet use whatever their configuration says. */
export const RUNTIME_PATHS = [
  '/run/containerd',
  '/run/netns',
  '/var/lib/cni',
  '/var/log/pods',
  '/var/log/containers',
  '/var/lib/kubelet',
  '/var/lib/containerd',
  '/etc/cni',
  '/opt/cni',
  '/opt/containerd',
  '/etc/kubernetes',
];

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter(Boolean)
    .sort();

function run(command: string, args: readonly string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return result.status === 0 ? result.stdout : `(${command} ${args.join(' ')} failed: ${result.stderr.trim()})`;
}

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

/** Processes in another network namespace than ours, or whose command line names `clusterDir`. */
function processes(clusterDir: string): string[] {
  const ownNet = readlinkSync('/proc/self/ns/net');
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      if (cmdline === '') continue; // kernel threads
      const net = readlinkSync(`/proc/${entry}/ns/net`);
      if (net !== ownNet || cmdline.includes(clusterDir)) found.push(`${entry} ${cmdline.slice(0, 200)}`);
    } catch {
      // exited meanwhile
    }
  }
  return found.sort();
}

/** Every cgroup folder of every hierarchy (cgroup v1 here, plus the unified one). */
function cgroups(): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 12) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const path = join(dir, entry.name);
      found.push(path);
      walk(path, depth + 1);
    }
  };
  walk('/sys/fs/cgroup', 0);
  return found.sort();
}

/** Reads the host's state now. */
export function snapshotHostState(clusterDir: string): HostState {
  const mountPoints = lines(
    readOr('/proc/self/mountinfo', '')
      .split('\n')
      .map((line) => {
        const fields = line.split(' ');
        const dash = fields.indexOf('-');
        return fields[4] ? `${fields[4]} ${fields[dash + 1] ?? ''}` : '';
      })
      .join('\n'),
  );
  return {
    processes: processes(clusterDir),
    links: lines(run('/usr/sbin/ip', ['-o', 'link', 'show']).replace(/^\d+: /gm, '')).map((l) => l.split(' ')[0] ?? l),
    addresses: lines(run('/usr/sbin/ip', ['-o', 'addr', 'show'])).map((l) => l.replace(/^\d+: /, '').replace(/\\.*$/, '')),
    'network namespaces': lines(run('/usr/sbin/ip', ['netns', 'list'])),
    'nft ruleset': lines(run('/usr/sbin/nft', ['list', 'ruleset'])),
    'iptables-legacy rules': existsSync('/usr/sbin/iptables-legacy-save')
      ? lines(run('/usr/sbin/iptables-legacy-save', [])).filter((l) => !l.startsWith('#'))
      : [],
    ipsets: lines(run('/usr/sbin/ipset', ['list', '-n'])),
    mounts: mountPoints,
    cgroups: cgroups(),
    sysctls: WATCHED_SYSCTLS.map((key) => `${key} = ${readOr(`/proc/sys/${key.replace(/\./g, '/')}`, '(absent)').trim()}`),
    'runtime folders': RUNTIME_PATHS.filter((path) => existsSync(path)).flatMap((path) => [
      path,
      ...(statSync(path).isDirectory() ? readdirSync(path).map((name) => join(path, name)) : []),
    ]),
  };
}

/** Lines that differ between two snapshots, as `+ aspect: line` / `- aspect: line`. */
export function diffHostState(before: HostState, after: HostState): string[] {
  const differences: string[] = [];
  for (const aspect of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const was = new Set(before[aspect] ?? []);
    const now = new Set(after[aspect] ?? []);
    for (const line of now) if (!was.has(line)) differences.push(`+ ${aspect}: ${line}`);
    for (const line of was) if (!now.has(line)) differences.push(`- ${aspect}: ${line}`);
  }
  return differences;
}
