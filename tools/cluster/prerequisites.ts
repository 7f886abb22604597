/**
 * Everything the local cluster needs, in one list, and the step that provides what is missing:
 * Debian packages (installed with apt-get when running as root), the engines built from their
 * Go modules (tools/engines/build.sh) and the node's images (tools/images/build.sh). Used by
 * `cluster:up` and `test:cluster`, so a fresh clone needs no step by hand.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeKind } from './local-cluster';
import { REPO_DIR } from './paths';

/** A Debian package, the file that shows it is installed, and what needs it. */
interface DebianPackage {
  readonly pkg: string;
  readonly file: string;
  readonly why: string;
  /** Needed only with a real node. */
  readonly realNodeOnly?: boolean;
  /** Needed only by the test suites, not by `cluster:up`. */
  readonly testsOnly?: boolean;
}

export const DEBIAN_PACKAGES: readonly DebianPackage[] = [
  { pkg: 'etcd-server', file: '/usr/bin/etcd', why: "the cluster's store" },
  { pkg: 'openssl', file: '/usr/bin/openssl', why: 'certificates; the documented setup commands' },
  { pkg: 'curl', file: '/usr/bin/curl', why: 'health checks on the node; the documented setup commands' },
  { pkg: 'util-linux', file: '/usr/bin/nsenter', why: 'entering the node namespace; Gogs gets its own /etc/hosts (unshare)' },
  { pkg: 'git', file: '/usr/bin/git', why: 'pushing to Gogs', testsOnly: true },
  { pkg: 'docker-registry', file: '/usr/bin/docker-registry', why: 'the real registry (distribution 2.8)', testsOnly: true },
  { pkg: 'skopeo', file: '/usr/bin/skopeo', why: 'pushing an image; packing the node images' },
  { pkg: 'iproute2', file: '/usr/sbin/ip', why: "the node's network namespace", realNodeOnly: true },
  { pkg: 'containerd', file: '/usr/bin/containerd', why: "the node's container runtime", realNodeOnly: true },
  { pkg: 'runc', file: '/usr/sbin/runc', why: 'the OCI runtime containerd calls', realNodeOnly: true },
  {
    pkg: 'containernetworking-plugins',
    file: '/usr/lib/cni/bridge',
    why: "the pods' network (bridge, host-local, portmap)",
    realNodeOnly: true,
  },
  { pkg: 'iptables', file: '/usr/sbin/iptables', why: 'kube-proxy and kube-router rules', realNodeOnly: true },
  { pkg: 'nftables', file: '/usr/sbin/nft', why: "showing the node's tables (nft list tables)", realNodeOnly: true },
  { pkg: 'ipset', file: '/usr/sbin/ipset', why: "kube-router's NetworkPolicy sets", realNodeOnly: true },
  { pkg: 'conntrack', file: '/usr/sbin/conntrack', why: "kube-proxy's stale-connection clean-up", realNodeOnly: true },
  { pkg: 'socat', file: '/usr/bin/socat', why: 'the host end of the API server forwarder', realNodeOnly: true },
  {
    pkg: 'mmdebstrap',
    file: '/usr/bin/mmdebstrap',
    why: 'the Debian-based stand-in images (nginx, gogs, registry, node, git)',
    realNodeOnly: true,
  },
  { pkg: 'umoci', file: '/usr/bin/umoci', why: 'packing the node images', realNodeOnly: true },
  { pkg: 'gcc', file: '/usr/bin/gcc', why: 'the pause image (pause.c) and busybox', realNodeOnly: true },
];

/** The packages missing for this node kind (and for the tests, when `forTests`). */
export function missingPackages(node: NodeKind, forTests: boolean): DebianPackage[] {
  return DEBIAN_PACKAGES.filter((p) => (node === 'real' || !p.realNodeOnly) && (forTests || !p.testsOnly) && !existsSync(p.file));
}

function run(what: string, command: string, args: readonly string[], log: (line: string) => void): void {
  const began = Date.now();
  log(`prerequisites: ${what} ...`);
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: REPO_DIR, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.status !== 0) throw new Error(`prerequisites: ${what} failed (exit ${result.status ?? result.signal})`);
  log(`prerequisites: ${what} done in ${((Date.now() - began) / 1000).toFixed(1)} s`);
}

/**
 * The engines groups (tools/engines/build.sh) a cluster needs. A real node runs the node images,
 * and tools/images/build.sh makes some of them from engines binaries: Gogs (gogs), kaniko's
 * executor (kaniko), a static kubectl (kubectl-static) and Tekton's own commands
 * (tekton-images, for its release manifests in tools/cluster/tekton-release), for exercise 8;
 * CoreDNS (coredns). The tests also compare the validation engine with the API server (validation).
 */
export function engineGroups(node: NodeKind, forTests: boolean): string[] {
  const groups =
    node === 'real' ? ['k8s', 'node', 'kube-router', 'coredns', 'gogs', 'kaniko', 'kubectl-static', 'tekton-images'] : ['k8s', 'kwok'];
  if (forTests) groups.push(...['kwok', 'tekton', 'gogs', 'validation'].filter((g) => !groups.includes(g)));
  return groups;
}

/**
 * Installs the missing packages (as root, with apt-get), then builds the engines and (for a
 * real node) the images, each of which is a no-op when up to date. Prints each step and its time.
 */
export function ensurePrerequisites(node: NodeKind, options: { forTests?: boolean; log?: (line: string) => void } = {}): void {
  const log = options.log ?? ((line: string) => console.log(line));
  if (spawnSync('go', ['version']).status !== 0) {
    throw new Error(
      'Go is not installed: the engines are built from their Go modules (Go >= 1.22; tested with 1.26). Install Go, then re-run.',
    );
  }
  const packages = missingPackages(node, options.forTests ?? false);
  if (packages.length > 0) {
    const list = packages.map((p) => `${p.pkg} (${p.why})`).join(', ');
    if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
      throw new Error(
        `missing Debian packages: ${list}. Install them (apt-get install -y ${packages.map((p) => p.pkg).join(' ')}), then re-run.`,
      );
    }
    log(`prerequisites: installing ${list}`);
    run('apt-get update', '/usr/bin/apt-get', ['update', '-qq'], log);
    run(
      `apt-get install ${packages.map((p) => p.pkg).join(' ')}`,
      '/usr/bin/apt-get',
      ['install', '-y', '-qq', '--no-install-recommends', ...packages.map((p) => p.pkg)],
      log,
    );
  }
  const groups = engineGroups(node, options.forTests ?? false);
  run(
    `engines (${groups.join(', ')}; a cold build takes 20-30 min on 2 cores, a warm one seconds)`,
    'bash',
    [join(REPO_DIR, 'tools', 'engines', 'build.sh'), ...groups],
    log,
  );
  if (node === 'real') run('node images (cold: about 6 min)', 'bash', [join(REPO_DIR, 'tools', 'images', 'build.sh')], log);
}
