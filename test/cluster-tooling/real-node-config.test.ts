/**
 * The real node's configuration files and host-state check, without running anything (the
 * node itself is tested by `npm run test:cluster`, phase real).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PAUSE_IMAGE, containerdPaths, writeContainerdConfig } from '../../tools/cluster/containerd';
import { diffHostState, snapshotHostState } from '../../tools/cluster/host-state';
import { NODE_NETNS_PATH, inNode } from '../../tools/cluster/node-network';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'real-node-config-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("containerd keeps everything in the node's folder and may not lower oom_score_adj", () => {
  const paths = containerdPaths(dir);
  writeContainerdConfig(paths, dir, '10.244.0.0/24');
  const toml = readFileSync(paths.config, 'utf8');
  expect(toml).toContain(`root = "${join(dir, 'containerd', 'root')}"`);
  expect(toml).toContain(`state = "${join(dir, 'containerd', 'state')}"`);
  expect(toml).toContain(`address = "${paths.socket}"`);
  expect(toml).toContain(`sandbox_image = "${PAUSE_IMAGE}"`);
  expect(toml).toContain('restrict_oom_score_adj = true');
  expect(toml).toContain('SystemdCgroup = false');
  // Every absolute path in it is inside the node's folder, but the system binaries it runs.
  const paths_ = [...toml.matchAll(/"(\/[^"]*)"/g)].map((m) => m[1]!);
  expect(paths_.filter((p) => !p.startsWith(dir) && !['/usr/sbin/runc', '/usr/lib/cni'].includes(p))).toEqual([]);
});

test('the pods network is a bridge with the node as gateway, without masquerading', () => {
  const paths = containerdPaths(dir);
  writeContainerdConfig(paths, dir, '10.244.0.0/24');
  const conf = JSON.parse(readFileSync(join(paths.cniConfDir, '10-practice-pods.conflist'), 'utf8')) as {
    plugins: { type: string; isGateway?: boolean; ipMasq?: boolean; ipam?: { ranges: { subnet: string }[][]; dataDir: string } }[];
  };
  const bridge = conf.plugins.find((p) => p.type === 'bridge')!;
  expect(bridge).toMatchObject({ isGateway: true, ipMasq: false });
  expect(bridge.ipam!.ranges[0]![0]!.subnet).toBe('10.244.0.0/24');
  expect(bridge.ipam!.dataDir.startsWith(dir)).toBe(true);
});

test('a command on the node enters only its network namespace (not a mount namespace of its own)', () => {
  const [exe, args] = inNode('/usr/bin/curl', ['-fs', 'http://10.201.0.2']);
  expect(exe).toBe('/usr/bin/nsenter');
  expect(args).toEqual([`--net=${NODE_NETNS_PATH}`, '/usr/bin/curl', '-fs', 'http://10.201.0.2']);
});

test('the host-state diff names every added and removed line by aspect', () => {
  const before = { mounts: ['/ ext4', '/proc proc'], sysctls: ['kernel.panic = 1'] };
  const after = { mounts: ['/ ext4', '/proc proc', '/x tmpfs'], sysctls: ['kernel.panic = 10'] };
  expect(diffHostState(before, after)).toEqual(['+ mounts: /x tmpfs', '+ sysctls: kernel.panic = 10', '- sysctls: kernel.panic = 1']);
  expect(diffHostState(before, before)).toEqual([]);
});

test('a snapshot of this host reads every aspect, and two snapshots in a row agree', () => {
  const first = snapshotHostState(join(dir, 'cluster'));
  expect(Object.keys(first).sort()).toEqual(
    [
      'addresses',
      'cgroups',
      'ipsets',
      'iptables-legacy rules',
      'links',
      'mounts',
      'network namespaces',
      'nft ruleset',
      'processes',
      'runtime folders',
      'sysctls',
    ].sort(),
  );
  expect(first.mounts!.length).toBeGreaterThan(0);
  expect(first.sysctls!.some((line) => line.startsWith('kernel.panic = '))).toBe(true);
  // Other work on the machine may start processes or mount things; these aspects are stable.
  const stable = (state: Record<string, string[]>) => ({ sysctls: state.sysctls!, links: state.links!, ipsets: state.ipsets! });
  expect(diffHostState(stable(first), stable(snapshotHostState(join(dir, 'cluster'))))).toEqual([]);
});
