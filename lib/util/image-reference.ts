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
  const slash = rest.indexOf('/');
  const first = slash < 0 ? '' : rest.slice(0, slash);
  let registry = 'docker.io';
  let repository = rest;
  // A first component with a dot or a port, or `localhost`, is a registry host.
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = DOCKER_HUB_ALIASES.has(first) ? 'docker.io' : first;
    repository = rest.slice(slash + 1);
  }
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
