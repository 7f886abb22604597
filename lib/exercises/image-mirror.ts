import { ApiObject, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { PropError } from '../util/props-check';
import { splitRegistryHost } from '../util/image-reference';

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
   * Per-image replacements, keyed by the image reference the library emits
   * (see `Images` and the `*_IMAGE` constants); they win over `registry`.
   * @example { 'docker.io/library/busybox:1.36': 'registry.local/tools/busybox:1.36.1' }
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

/** Whether a reference is pinned: a digest, or a tag other than `latest`. */
export function isPinnedImage(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) return false;
  const tag = image.slice(colon + 1);
  return /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag) && tag !== 'latest';
}

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

/** The reference an image gets under the mirror. */
export function mirroredImage(image: string, mirror: ImageMirror): string {
  const override = mirror.overrides?.[image];
  if (override !== undefined) return override;
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
  checkImageMirror(scope.node.path || 'app', mirror);
  const rewrites: { from: string; to: string }[] = [];
  for (const child of scope.node.findAll()) {
    if (!(child instanceof ApiObject)) continue;
    const found: { path: string; image: string }[] = [];
    collectImages(child.toJson(), '', found);
    for (const { path, image } of found) {
      const to = mirroredImage(image, mirror);
      if (to === image) continue;
      child.addJsonPatch(JsonPatch.replace(path, to));
      rewrites.push({ from: image, to });
    }
  }
  return rewrites;
}
