/**
 * The real node's own network namespace: what kind's node container is, without Docker.
 *
 * Every component of a real-node cluster runs inside it (`nsenter --net`): etcd, the control
 * plane, containerd (so the CNI bridge and every pod's veth are made here), the kubelet,
 * kube-proxy and the NetworkPolicy enforcer (so their iptables rules and ipsets live here).
 * The namespace holds `lo`, a veth pair carrying the node's address, the CNI bridge and the
 * pods' veths; nothing in it is linked to the host's network, so no pod packet can leave the
 * machine, and deleting the namespace removes every address, route, rule, set and per-namespace
 * sysctl the node made. The host gains no address: the only way in from the host is the API
 * server's loopback forwarder (see `api-forwarder.ts`) and `nsenter`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The namespace's name (`ip netns list`, `/run/netns/<name>`). */
export const NODE_NETNS = 'k8s-practice-node';
export const NODE_NETNS_PATH = `/run/netns/${NODE_NETNS}`;
/** The node's name, as `kubectl get nodes` shows it. */
export const NODE_NAME = 'practice-node';
/** The node's INTERNAL-IP, on `eth0` inside the namespace. */
export const NODE_IP = '10.201.0.2';
const NODE_PREFIX = 24;
/** The veth pair: `eth0` carries the node's address, its peer only gives it a carrier. */
const NODE_LINK = 'eth0';
const NODE_LINK_PEER = 'eth0-peer';

/** `[executable, args]` that run `executable args` inside the node's network namespace. */
export function inNode(executable: string, args: readonly string[]): [string, string[]] {
  return ['/usr/bin/nsenter', [`--net=${NODE_NETNS_PATH}`, executable, ...args]];
}

/** Runs a command inside the node's namespace and returns its stdout; throws with stderr. */
export function runInNode(executable: string, args: readonly string[], input?: string): string {
  const [exe, argv] = inNode(executable, args);
  return execFileSync(exe, argv, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Like {@link runInNode}, asynchronously, resolving with the exit status (never throws). */
export function statusInNode(executable: string, args: readonly string[], timeoutMs = 5000): Promise<number> {
  const [exe, argv] = inNode(executable, args);
  return new Promise((resolve) => {
    const child = spawn(exe, argv, { stdio: 'ignore', timeout: timeoutMs });
    child.on('error', () => resolve(127));
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

/** A health probe that GETs `url` from inside the node's namespace (curl, TLS unverified). */
export function healthyInNode(url: string, clientCertificate?: { cert: string; key: string }): () => Promise<boolean> {
  const tls = clientCertificate ? ['--cert', clientCertificate.cert, '--key', clientCertificate.key] : [];
  return async () => (await statusInNode('/usr/bin/curl', ['-fsk', '--max-time', '2', ...tls, '-o', '/dev/null', url])) === 0;
}

export function nodeNetworkExists(): boolean {
  return existsSync(NODE_NETNS_PATH);
}

const ip = (...args: string[]) => execFileSync('/usr/sbin/ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
const sysctlInNode = (key: string, value: string) => runInNode('/usr/sbin/sysctl', ['-q', '-w', `${key}=${value}`]);

/**
 * Creates the namespace with the node's address. Routes: the node's subnet on `eth0`, and the
 * Service range on `eth0` too, so that a process of the node itself can connect to a ClusterIP
 * (the route lookup comes before kube-proxy's DNAT). There is no default route: a pod's packet
 * to any other address is answered "network unreachable" by the node.
 */
export function createNodeNetwork(serviceCidr: string): void {
  if (nodeNetworkExists()) {
    throw new Error(
      `the network namespace ${NODE_NETNS} already exists: another real-node cluster runs, or one was killed; ` +
        'run `npm run cluster:down` first',
    );
  }
  ip('netns', 'add', NODE_NETNS);
  try {
    ip('-n', NODE_NETNS, 'link', 'set', 'lo', 'up');
    ip('-n', NODE_NETNS, 'link', 'add', NODE_LINK, 'type', 'veth', 'peer', 'name', NODE_LINK_PEER);
    ip('-n', NODE_NETNS, 'addr', 'add', `${NODE_IP}/${NODE_PREFIX}`, 'dev', NODE_LINK);
    ip('-n', NODE_NETNS, 'link', 'set', NODE_LINK, 'up');
    ip('-n', NODE_NETNS, 'link', 'set', NODE_LINK_PEER, 'up');
    ip('-n', NODE_NETNS, 'route', 'add', serviceCidr, 'dev', NODE_LINK);
    // The node routes between pods and to itself (the CNI bridge plugin would set this too).
    sysctlInNode('net.ipv4.ip_forward', '1');
    // What reaches the peer end (a ClusterIP no Service holds) is dropped, not bounced back.
    sysctlInNode(`net.ipv4.conf.${NODE_LINK_PEER}.forwarding`, '0');
    // Pod-to-pod traffic on the bridge must pass iptables: Service DNAT and NetworkPolicy
    // both act on it (br_netfilter's switches are per network namespace).
    sysctlInNode('net.bridge.bridge-nf-call-iptables', '1');
  } catch (error) {
    deleteNodeNetwork();
    throw error;
  }
}

/** Deletes the namespace, and with it every link, address, rule and set inside. */
export function deleteNodeNetwork(): boolean {
  if (!nodeNetworkExists()) return false;
  ip('netns', 'delete', NODE_NETNS);
  return true;
}
