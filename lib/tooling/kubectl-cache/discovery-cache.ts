/**
 * A kubectl discovery cache for a Kubernetes 1.28 API server, written from the
 * table `explain` uses (`BUILTIN_RESOURCES`), so that kubectl's client-side
 * generators work with no cluster:
 *
 *     KUBECONFIG=/nonexistent kubectl --cache-dir=DIR run nginx --image=nginx --dry-run=client -o yaml
 *
 * Why it works: `kubectl run` and `kubectl expose -f` never send anything with
 * `--dry-run=client`, but they map `pods` (or the kind of the file) to a REST
 * resource first, and that needs the server's discovery documents. kubectl
 * reads those from its cache folder (`--cache-dir`, default `~/.kube/cache`)
 * before it asks the server, so a cache that holds them answers in its place.
 *
 * What kubectl reads, and so what is written here (k8s.io/client-go
 * discovery/cached/disk in kubectl 1.28):
 * - `discovery/<host>/servergroups.json`, an APIGroupList, where `<host>` is
 *   the server without its scheme and with every character other than
 *   `[\w/.()]` made `_` (`http://localhost:8080`, the server kubectl uses
 *   without a kubeconfig, gives `localhost_8080`);
 * - `discovery/<host>/<group version>/serverresources.json`, one APIResourceList
 *   per group version (`v1/`, `apps/v1/`, ...).
 * kubectl trusts a file for 6 hours after it was written (its TTL counts from
 * the file's modification time); after that it asks the server again, so the
 * cache is written anew each time, never shipped as files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isBuiltinClusterScoped } from '../foundation/cluster-scoped-kinds';
import { BUILTIN_RESOURCES, BuiltinResource } from '../explain/builtin-resources';

/** The server kubectl talks to when no kubeconfig names one. */
export const KUBECTL_DEFAULT_SERVER = 'http://localhost:8080';

/** How long kubectl trusts a cached discovery file (client-go's disk cache TTL in kubectl 1.28). */
export const KUBECTL_DISCOVERY_TTL_HOURS = 6;

/**
 * The verbs written for every resource. The real lists differ per resource (a TokenReview can only be
 * created); kubectl's generators do not read them, and these are the ones they would need.
 */
const VERBS = ['create', 'get', 'list'] as const;

/** The folder under `--cache-dir` kubectl keeps a server's discovery in (client-go's computeDiscoverCacheDir). */
export function discoveryFolder(server: string = KUBECTL_DEFAULT_SERVER): string {
  const schemeless = server.replace('https://', '').replace('http://', '');
  return join('discovery', schemeless.replace(/[^\w/.()]/g, '_'));
}

const groupVersionOf = (r: BuiltinResource): string => (r.group === '' ? r.version : `${r.group}/${r.version}`);

/**
 * The files of the cache, by path relative to the cache folder (`--cache-dir`), each as the JSON
 * kubectl reads. Groups and their versions are in the API server's discovery order, preferred
 * version first, as `BUILTIN_RESOURCES` lists them.
 */
export function discoveryCacheFiles(server: string = KUBECTL_DEFAULT_SERVER): Map<string, unknown> {
  const folder = discoveryFolder(server);
  const groups = new Map<string, string[]>();
  const resources = new Map<string, BuiltinResource[]>();
  for (const r of BUILTIN_RESOURCES) {
    const versions = groups.get(r.group) ?? [];
    if (!versions.includes(r.version)) versions.push(r.version);
    groups.set(r.group, versions);
    resources.set(groupVersionOf(r), [...(resources.get(groupVersionOf(r)) ?? []), r]);
  }
  const files = new Map<string, unknown>();
  files.set(join(folder, 'servergroups.json'), {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, versions]) => {
      const gv = (version: string) => ({ groupVersion: name === '' ? version : `${name}/${version}`, version });
      return { name, versions: versions.map(gv), preferredVersion: gv(versions[0]!) };
    }),
  });
  for (const [groupVersion, list] of resources) {
    files.set(join(folder, groupVersion, 'serverresources.json'), {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion,
      resources: list.map((r) => ({
        name: r.plural,
        singularName: r.kind.toLowerCase(),
        namespaced: !isBuiltinClusterScoped(groupVersion, r.kind),
        kind: r.kind,
        verbs: [...VERBS],
        ...(r.shortNames.length > 0 ? { shortNames: [...r.shortNames] } : {}),
      })),
    });
  }
  return files;
}

/** Writes the cache into `cacheDir` (created if missing; files of an earlier run replaced, so their 6 hours start again). */
export function writeDiscoveryCache(cacheDir: string, server: string = KUBECTL_DEFAULT_SERVER): string[] {
  const written: string[] = [];
  for (const [path, document] of discoveryCacheFiles(server)) {
    const file = join(cacheDir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(document)}\n`);
    written.push(file);
  }
  return written;
}
