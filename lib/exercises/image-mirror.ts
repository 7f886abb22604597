import { ApiObject, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { PropError } from '../util/props-check';
import { canonicalImageReference, imageRepository, isPinnedImage, parseImageReference, splitRegistryHost } from '../util/image-reference';
import { KNOWN_IMAGES } from '../constructs/image-catalog';

/**
 * Where to pull the images from instead of their public registries: a private
 * mirror, an air-gapped registry, or a pull-through cache that avoids Docker
 * Hub's rate limits. Every image stays pinned: the mirror keeps each image's
 * tag, and an override must name a tag (not `latest`) or a digest.
 */
export interface ImageMirror {
  /**
   * Registry (and optional path) that replaces the registry host of every
   * image: with `mirror.example.com:5000/proxy`,
   * `docker.io/library/busybox:1.36` becomes
   * `mirror.example.com:5000/proxy/library/busybox:1.36` and
   * `gcr.io/kaniko-project/executor:v1.23.2` becomes
   * `mirror.example.com:5000/proxy/kaniko-project/executor:v1.23.2`.
   * @default each image's own registry
   */
  readonly registry?: string;

  /**
   * Per-image replacements, keyed by the image they replace (see `Images` and
   * the `*_IMAGE` constants); they win over `registry`. A key is read the way
   * container runtimes read a reference: `busybox:1.36` and
   * `library/busybox:1.36` name `docker.io/library/busybox:1.36`, and a key
   * without tag or digest (`busybox`) names every tag of that repository. The
   * key written exactly as the image wins, then a tagged key, then a bare
   * repository. A key that names no image under the scope (nor one the library
   * ships) is refused: it would do nothing.
   * @example { 'docker.io/library/busybox:1.36': 'registry.local/tools/busybox:1.36.1' }
   * @example { busybox: 'registry.local/tools/busybox:1.36.1' }
   * @default no overrides
   */
  readonly overrides?: { readonly [image: string]: string };
}

/** Container lists that hold `image` fields: pod specs and Tekton Task specs. */
const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers', 'steps', 'sidecars']);
/** Single containers with an `image` field (Tekton's step template). */
const CONTAINER_FIELDS = new Set(['stepTemplate']);

const REGISTRY_RULE =
  'a registry host with an optional port and path, such as "mirror.example.com:5000" or "harbor.local/dockerhub", without a scheme';

/** The registry host of a reference, as container runtimes read it; Docker Hub when it has none. */
export function splitImageReference(image: string): { readonly registry: string; readonly path: string } {
  const { host, rest } = splitRegistryHost(image);
  if (host !== undefined) return { registry: host, path: rest };
  return { registry: 'docker.io', path: rest.includes('/') ? rest : `library/${rest}` };
}

export { isPinnedImage } from '../util/image-reference';

/** Checks a mirror; throws one PropError naming the field, the value and what is allowed. */
export function checkImageMirror(where: string, mirror: ImageMirror): void {
  const fail = (field: string, value: unknown, allowed: string): never => {
    throw new PropError(where, field, value, allowed);
  };
  if (mirror.registry !== undefined) {
    const r = mirror.registry;
    if (typeof r !== 'string' || !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/.test(r)) {
      fail('imageMirror.registry', r, REGISTRY_RULE);
    }
  }
  for (const [from, to] of Object.entries(mirror.overrides ?? {})) {
    if (typeof to !== 'string' || to.length === 0 || /\s/.test(to) || !isPinnedImage(to)) {
      fail(
        `imageMirror.overrides["${from}"]`,
        to,
        'a pinned image reference: a tag other than "latest" (e.g. "registry.local/busybox:1.36") or a digest (@sha256:...)',
      );
    }
  }
}

/**
 * How closely an override key names an image: 3 written the same, 2 the same image once
 * normalised (`busybox:1.36` = `docker.io/library/busybox:1.36`), 1 the same repository (a key
 * without tag or digest), 0 another image.
 */
function overrideMatch(from: string, image: string): number {
  if (from === image) return 3;
  const { tag, digest } = parseImageReference(from);
  if (tag === undefined && digest === undefined) return imageRepository(from) === imageRepository(image) ? 1 : 0;
  return canonicalImageReference(from) === canonicalImageReference(image) ? 2 : 0;
}

/** The override key that names `image` most closely, if any (the first of equally close keys). */
function overrideKeyFor(image: string, overrides: { readonly [image: string]: string }): string | undefined {
  let best: { key: string; match: number } | undefined;
  for (const key of Object.keys(overrides)) {
    const match = overrideMatch(key, image);
    if (match > (best?.match ?? 0)) best = { key, match };
  }
  return best?.key;
}

/** The reference an image gets under the mirror. */
export function mirroredImage(image: string, mirror: ImageMirror): string {
  const key = mirror.overrides === undefined ? undefined : overrideKeyFor(image, mirror.overrides);
  if (key !== undefined) return mirror.overrides![key]!;
  if (mirror.registry === undefined) return image;
  return `${mirror.registry}/${splitImageReference(image).path}`;
}

/** JSON Pointer escaping of one path segment (RFC 6901). */
const pointer = (segment: string | number) => String(segment).replace(/~/g, '~0').replace(/\//g, '~1');

function collectImages(value: unknown, path: string, found: { path: string; image: string }[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => collectImages(item, `${path}/${i}`, found));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value)) {
    const childPath = `${path}/${pointer(key)}`;
    if (CONTAINER_LISTS.has(key) && Array.isArray(child)) {
      (child as unknown[]).forEach((container, i) => {
        const image = container && typeof container === 'object' ? (container as { image?: unknown }).image : undefined;
        if (typeof image === 'string') found.push({ path: `${childPath}/${i}/image`, image });
      });
    } else if (CONTAINER_FIELDS.has(key) && child && typeof (child as { image?: unknown }).image === 'string') {
      found.push({ path: `${childPath}/image`, image: (child as { image: string }).image });
    }
    collectImages(child, childPath, found);
  }
}

/**
 * Rewrites the image of every container, init container, Tekton step and
 * sidecar under `scope` (pod specs, pod templates, Task specs, and the
 * PipelineRun/TaskRun templates of TriggerTemplates) for the mirror. Call it
 * after every construct is added. Images the mirror does not touch are left
 * exactly as they are.
 *
 * @returns every rewrite made, `from -> to`, for a log line or a test
 */
export function applyImageMirror(scope: IConstruct, mirror: ImageMirror): { readonly from: string; readonly to: string }[] {
  const where = scope.node.path || 'app';
  checkImageMirror(where, mirror);
  const patches: { object: ApiObject; path: string; to: string }[] = [];
  const rewrites: { from: string; to: string }[] = [];
  const images = new Set<string>();
  for (const child of scope.node.findAll()) {
    if (!(child instanceof ApiObject)) continue;
    const found: { path: string; image: string }[] = [];
    collectImages(child.toJson(), '', found);
    for (const { path, image } of found) {
      images.add(image);
      const to = mirroredImage(image, mirror);
      if (to === image) continue;
      patches.push({ object: child, path, to });
      rewrites.push({ from: image, to });
    }
  }
  checkOverridesMatch(where, mirror, images);
  for (const { object, path, to } of patches) object.addJsonPatch(JsonPatch.replace(path, to));
  return rewrites;
}

/**
 * Refuses an override key that names none of `images` (nor an image the library ships, so one
 * list of overrides serves every selection of exercises): `--image=busyboxx=...` would
 * otherwise do nothing, silently.
 */
function checkOverridesMatch(where: string, mirror: ImageMirror, images: ReadonlySet<string>): void {
  const shipped = KNOWN_IMAGES.filter((known) => known.shipped).map((known) => known.reference);
  for (const from of Object.keys(mirror.overrides ?? {})) {
    if ([...images, ...shipped].some((image) => overrideMatch(from, image) > 0)) continue;
    throw new PropError(
      where,
      'imageMirror.overrides key',
      from,
      'an image the charts use, written in full or short ("busybox" matches every tag of docker.io/library/busybox, "busybox:1.36" that tag): ' +
        ([...images].sort().join(', ') || 'none (the charts have no containers)'),
    );
  }
}
