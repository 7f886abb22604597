/**
 * tools/cluster/image-store.ts: the real node's images are kept for the next node only when the
 * last one was taken down cleanly (what is imported, kept and removed is measured by
 * `npm run test:cluster`, whose `cluster:up` prints it).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerdPaths, writeContainerdConfig } from '../../tools/cluster/containerd';
import { closeImageStore, imageStorePaths, openImageStore } from '../../tools/cluster/image-store';

let dir: string;
let unmounted: string[];
const unmount = (at: string): void => void unmounted.push(at);
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'image-store-'));
  unmounted = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A store as a node leaves it: an image's content and a pod's CRI folder. */
function usedStore() {
  const store = imageStorePaths(join(dir, 'store'));
  const root = openImageStore(store, unmount);
  mkdirSync(join(root, 'io.containerd.content.v1.content', 'blobs'), { recursive: true });
  writeFileSync(join(root, 'io.containerd.content.v1.content', 'blobs', 'layer'), 'bytes');
  mkdirSync(join(root, 'io.containerd.grpc.v1.cri', 'sandboxes', 'pod'), { recursive: true });
  return { store, root };
}

test('a store closed cleanly is reused as it is, without the folders of the pods that ran', () => {
  const { store, root } = usedStore();
  closeImageStore(store);
  expect(existsSync(store.cleanMarker)).toBe(true);
  expect(existsSync(join(root, 'io.containerd.grpc.v1.cri'))).toBe(false);
  expect(openImageStore(store, unmount)).toBe(root);
  expect(readFileSync(join(root, 'io.containerd.content.v1.content', 'blobs', 'layer'), 'utf8')).toBe('bytes');
  expect(unmounted).toEqual([]);
  // In use again: not reusable until closed again.
  expect(existsSync(store.cleanMarker)).toBe(false);
});

test('a store whose node was not taken down cleanly is unmounted and emptied before containerd starts', () => {
  const { store, root } = usedStore();
  writeFileSync(store.imported, '{"registry.k8s.io/pause:3.9":"1:2"}\n');
  expect(openImageStore(store, unmount)).toBe(root);
  expect(unmounted).toEqual([store.dir]);
  expect(existsSync(join(root, 'io.containerd.content.v1.content'))).toBe(false);
  expect(existsSync(store.imported)).toBe(false);
});

test('closing a store that was never opened writes nothing', () => {
  const store = imageStorePaths(join(dir, 'never'));
  closeImageStore(store);
  expect(existsSync(store.dir)).toBe(false);
});

test("containerd's root is the store's, and everything else stays in the node's folder", () => {
  const node = join(dir, 'node');
  const paths = containerdPaths(node);
  writeContainerdConfig(paths, node, '10.244.0.0/24', join(dir, 'store', 'root'));
  const toml = readFileSync(paths.config, 'utf8');
  expect(toml).toContain(`root = "${join(dir, 'store', 'root')}"`);
  const absolute = [...toml.matchAll(/"(\/[^"]*)"/g)].map((m) => m[1]!);
  expect(
    absolute.filter((p) => !p.startsWith(node) && p !== join(dir, 'store', 'root') && !['/usr/sbin/runc', '/usr/lib/cni'].includes(p)),
  ).toEqual([]);
});
