/**
 * The real node's images, kept from one node to the next. Importing the 22 node images (1.4 GB,
 * written twice: content and unpacked layers) took 31-37 s of every `cluster:up --node real`, so
 * containerd's root lives in .engines/containerd/root instead of the node's folder, and a node
 * imports only the archives `npm run images:build` made or changed since.
 *
 * Each node still starts as a fresh import would leave it:
 * - the store is reused only when the node that used it last was taken down cleanly (its
 *   containers removed, containerd stopped, its mounts gone): `closeImageStore` writes a marker
 *   at the end of that, and `openImageStore` removes the store when the marker is missing;
 * - images that are not the archives' (pulled from the in-cluster registry, or archives since
 *   removed) are removed at start, so a pull in one run is a pull in the next one too.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContainerdPaths, ImageArchive, importImage, listImageTargets, removeImages } from './containerd';
import { REPO_DIR } from './paths';

export const IMAGE_STORE_DIR = join(REPO_DIR, '.engines', 'containerd');

/** Where a store keeps containerd's root, its clean marker and the record of what it imported. */
export function imageStorePaths(dir = IMAGE_STORE_DIR) {
  return {
    dir,
    root: join(dir, 'root'),
    /** Present only between a clean take-down and the next start. */
    cleanMarker: join(dir, 'closed-cleanly'),
    /** reference -> the archive's size and modification time when it was imported. */
    imported: join(dir, 'imported.json'),
  };
}
export type ImageStorePaths = ReturnType<typeof imageStorePaths>;

/** What a node start did with the images. */
export interface ImageSync {
  readonly imported: readonly string[];
  readonly reused: readonly string[];
  readonly removed: readonly string[];
}

/**
 * Before containerd starts: returns containerd's root, emptied first unless the last node
 * closed it cleanly (what a node that died left mounted inside it is unmounted first).
 */
export function openImageStore(store: ImageStorePaths, unmountAllUnder: (dir: string) => void): string {
  if (existsSync(store.dir) && !existsSync(store.cleanMarker)) {
    unmountAllUnder(store.dir);
    rmSync(store.dir, { recursive: true, force: true });
  }
  mkdirSync(store.root, { recursive: true, mode: 0o700 });
  rmSync(store.cleanMarker, { force: true });
  return store.root;
}

const archiveStamp = (archive: string): string => {
  const stat = statSync(archive);
  return `${stat.size}:${stat.mtimeMs}`;
};

/** Once containerd answers: imports what is new or changed, keeps the rest, removes what is not an archive's. */
export function syncImages(store: ImageStorePaths, containerd: ContainerdPaths, archives: readonly ImageArchive[]): ImageSync {
  const recorded = existsSync(store.imported) ? (JSON.parse(readFileSync(store.imported, 'utf8')) as Record<string, string>) : {};
  const targets = listImageTargets(containerd);
  // An archive's image is kept with every reference to it (the CRI plugin's image-id ones too).
  const keptManifests = new Set(archives.map((a) => targets.get(a.reference)).filter((digest) => digest !== undefined));
  const removed = [...targets]
    .filter(([, digest]) => !keptManifests.has(digest))
    .map(([reference]) => reference)
    .sort();
  removeImages(containerd, removed);
  const present = new Set(targets.keys());
  const imported: string[] = [];
  const reused: string[] = [];
  const record: Record<string, string> = {};
  for (const archive of archives) {
    const stamp = archiveStamp(archive.archive);
    if (present.has(archive.reference) && recorded[archive.reference] === stamp) {
      reused.push(archive.reference);
    } else {
      importImage(containerd, archive);
      imported.push(archive.reference);
    }
    record[archive.reference] = stamp;
  }
  writeFileSync(store.imported, `${JSON.stringify(record, null, 2)}\n`);
  return { imported, reused, removed };
}

/**
 * After containerd has stopped and the node's mounts are gone: drops the CRI plugin's folders of
 * the pods that ran (their containers are deleted already) and marks the store reusable.
 */
export function closeImageStore(store: ImageStorePaths): void {
  if (!existsSync(store.root)) return;
  rmSync(join(store.root, 'io.containerd.grpc.v1.cri'), { recursive: true, force: true });
  writeFileSync(store.cleanMarker, `${new Date().toISOString()}\n`);
}
