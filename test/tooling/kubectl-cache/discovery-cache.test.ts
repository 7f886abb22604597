/**
 * The discovery cache `k8s-practice kubectl-cache` writes for kubectl, checked without kubectl:
 * its layout (kubectl's folder and file names), its documents, and that it holds the hand-written
 * resource lists the committed kubectl fixtures were first generated with. test/docs/kubectl-offline
 * runs the docs' commands with a real kubectl 1.28 when one is built.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { main } from '../../../bin/k8s-practice';
import { BUILTIN_RESOURCES } from '../../../lib/tooling/explain/builtin-resources';
import {
  discoveryCacheFiles,
  discoveryFolder,
  KUBECTL_DEFAULT_SERVER,
  writeDiscoveryCache,
} from '../../../lib/tooling/kubectl-cache/discovery-cache';

const files = discoveryCacheFiles();
const doc = (path: string): any => files.get(join('discovery', 'localhost_8080', path));

describe('the folder kubectl looks in (client-go computeDiscoverCacheDir)', () => {
  test.each([
    [KUBECTL_DEFAULT_SERVER, 'discovery/localhost_8080'],
    ['https://127.0.0.1:6443', 'discovery/127.0.0.1_6443'],
    ['https://k8s.example.com:443/prefix', 'discovery/k8s.example.com_443/prefix'],
  ])('%s -> %s', (server, folder) => {
    expect(discoveryFolder(server)).toBe(folder);
  });
});

describe('the cached documents', () => {
  test('servergroups.json lists every group once, core first, each version, the first one preferred', () => {
    const groups = doc('servergroups.json');
    expect(groups).toMatchObject({ kind: 'APIGroupList', apiVersion: 'v1' });
    const names = groups.groups.map((g: any) => g.name);
    expect(names[0]).toBe('');
    expect(new Set(names).size).toBe(names.length);
    expect(groups.groups.find((g: any) => g.name === 'autoscaling')).toEqual({
      name: 'autoscaling',
      versions: [
        { groupVersion: 'autoscaling/v2', version: 'v2' },
        { groupVersion: 'autoscaling/v1', version: 'v1' },
      ],
      preferredVersion: { groupVersion: 'autoscaling/v2', version: 'v2' },
    });
  });

  test('there is one serverresources.json per group version, and every built-in resource is in it once', () => {
    const groupVersions = doc('servergroups.json').groups.flatMap((g: any) => g.versions.map((v: any) => v.groupVersion));
    const resourceFiles = [...files.keys()].filter((path) => path.endsWith('serverresources.json'));
    expect(resourceFiles.sort()).toEqual(
      groupVersions.map((gv: string) => join('discovery', 'localhost_8080', gv, 'serverresources.json')).sort(),
    );
    const listed = resourceFiles.flatMap((path) => {
      const list: any = files.get(path);
      expect(list).toMatchObject({ kind: 'APIResourceList', apiVersion: 'v1' });
      return list.resources.map((r: any) => `${list.groupVersion} ${r.kind} ${r.name}`);
    });
    expect(listed.sort()).toEqual(BUILTIN_RESOURCES.map((r) => `${r.group ? `${r.group}/` : ''}${r.version} ${r.kind} ${r.plural}`).sort());
  });

  test('scope comes from the cluster-scoped list: Namespaces and ClusterRoles are not namespaced, Pods are', () => {
    const find = (gv: string, kind: string) => doc(join(gv, 'serverresources.json')).resources.find((r: any) => r.kind === kind);
    expect(find('v1', 'Namespace')).toMatchObject({ name: 'namespaces', namespaced: false, shortNames: ['ns'] });
    expect(find('rbac.authorization.k8s.io/v1', 'ClusterRole')).toMatchObject({ namespaced: false });
    expect(find('v1', 'Pod')).toMatchObject({ name: 'pods', namespaced: true, singularName: 'pod' });
  });

  // What generate.sh wrote by hand before this command existed; the committed kubectl-run-*/kubectl-expose-*
  // fixtures were made with exactly these lists, so kubectl 1.28 is known to accept them.
  test('it holds the resource lists kubectl 1.28 made the committed fixtures with', () => {
    expect(doc('servergroups.json').groups.slice(0, 1)).toEqual([
      { name: '', versions: [{ groupVersion: 'v1', version: 'v1' }], preferredVersion: { groupVersion: 'v1', version: 'v1' } },
    ]);
    expect(doc('servergroups.json').groups).toContainEqual({
      name: 'apps',
      versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
      preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
    });
    const verbs = ['create', 'get', 'list'];
    expect(doc('v1/serverresources.json').resources).toEqual(
      expect.arrayContaining([
        { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs, shortNames: ['po'] },
        { name: 'services', singularName: 'service', namespaced: true, kind: 'Service', verbs, shortNames: ['svc'] },
      ]),
    );
    expect(doc('apps/v1/serverresources.json').resources).toContainEqual({
      name: 'deployments',
      singularName: 'deployment',
      namespaced: true,
      kind: 'Deployment',
      verbs,
      shortNames: ['deploy'],
    });
  });
});

describe('writing it', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubectl-cache-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('writes each document as JSON under the folder, fresh (kubectl trusts a file 6 hours from its mtime)', () => {
    const before = Date.now() - 1000;
    const written = writeDiscoveryCache(join(dir, 'cache'));
    expect(written.map((f) => relative(join(dir, 'cache'), f)).sort()).toEqual([...files.keys()].sort());
    for (const file of written) {
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(files.get(relative(join(dir, 'cache'), file)));
      expect(statSync(file).mtimeMs).toBeGreaterThanOrEqual(before);
    }
  });

  test('k8s-practice kubectl-cache DIR writes into DIR and prints it; without DIR, a new temporary folder', async () => {
    const lines: string[] = [];
    const errors: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => errors.push(l) };
    expect(await main(['kubectl-cache', join(dir, 'given')], io)).toBe(0);
    expect(lines).toEqual([join(dir, 'given')]);
    expect(statSync(join(dir, 'given', 'discovery', 'localhost_8080', 'servergroups.json')).isFile()).toBe(true);
    expect(await main(['kubectl-cache'], io)).toBe(0);
    const fresh = lines[1]!;
    try {
      expect(fresh).not.toBe(join(dir, 'given'));
      expect(statSync(join(fresh, 'discovery', 'localhost_8080', 'v1', 'serverresources.json')).isFile()).toBe(true);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
    expect(await main(['kubectl-cache', 'a', 'b'], io)).toBe(2);
    expect(errors[0]).toBe('k8s-practice kubectl-cache: kubectl-cache takes at most one folder, got 2');
  });
});
