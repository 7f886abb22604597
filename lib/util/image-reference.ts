/**
 * Image references the way container runtimes read them (Docker's reference
 * normalisation): `nginx`, `library/nginx`, `docker.io/nginx` and
 * `docker.io/library/nginx:latest` all name one image.
 */

/** Hostnames that are Docker Hub. */
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** The parts of a reference; `tag` and `digest` only when written. */
export interface ImageReferenceParts {
  /** Registry host (with port), `docker.io` when none is written. */
  readonly registry: string;
  /** Repository path on the registry; `library/` added for Docker Hub official images. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/**
 * The registry host a reference names, as written, and the rest: a first component with a dot,
 * a port or `localhost` is a host; otherwise there is none (Docker Hub).
 */
export function splitRegistryHost(image: string): { readonly host?: string; readonly rest: string } {
  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    return { host: first, rest: image.slice(slash + 1) };
  }
  return { rest: image };
}

/** Splits a reference into registry, repository, tag and digest, filling in Docker Hub's defaults. */
export function parseImageReference(image: string): ImageReferenceParts {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const { host, rest: path } = splitRegistryHost(rest);
  const registry = host === undefined || DOCKER_HUB_ALIASES.has(host) ? 'docker.io' : host;
  let repository = path;
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  return { registry, repository, tag, digest };
}

/** `registry/repository` without tag or digest: what a table of images is keyed by. */
export function imageRepository(image: string): string {
  const { registry, repository } = parseImageReference(image);
  return `${registry}/${repository}`;
}

/**
 * The fully written form: `nginx` -> `docker.io/library/nginx:latest`,
 * `nginx@sha256:...` -> `docker.io/library/nginx@sha256:...` (a digest alone
 * gets no tag), `nginx:1.27@sha256:...` keeps both.
 */
export function canonicalImageReference(image: string): string {
  const { registry, repository, tag, digest } = parseImageReference(image);
  const withTag = tag !== undefined ? `:${tag}` : digest === undefined ? ':latest' : '';
  return `${registry}/${repository}${withTag}${digest !== undefined ? `@${digest}` : ''}`;
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
