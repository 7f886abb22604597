/**
 * Every container image this library emits, in one place.
 *
 * Images are chosen so that each workload really starts on a stock cluster
 * under the restricted Pod Security Standard: they run as a non-root numeric
 * user and need at most a few writable emptyDir paths.
 */
export const Images = {
  /**
   * nginx built to run as uid 101 and listen on 8080 (the stock `nginx` image
   * runs as root and binds port 80, which the restricted profile forbids).
   * It writes its pid file and temp files under /tmp only.
   */
  web: 'docker.io/nginxinc/nginx-unprivileged:1.27-alpine',
  /** Shell tools (`sh`, `ps`, `wget`) for debugging containers. */
  shell: 'docker.io/library/busybox:1.36',
} as const;

/** Port the `web` image listens on. */
export const WEB_PORT = 8080;

/** Numeric user of the `web` image (nginx-unprivileged). */
export const WEB_UID = 101;

/** `nobody`: a non-root user for images whose default user is root (busybox). */
export const NOBODY_UID = 65534;

/**
 * Gogs, the "next" image: runs `gogs web` as uid/gid 1000 (`git`) without a
 * process supervisor or OpenSSH, so it fits the restricted profile; SSH is
 * served by Gogs' built-in server. Data lives under /data.
 */
export const GOGS_IMAGE = 'docker.io/gogs/gogs:next-0.14.3';

/** Numeric user and group of {@link GOGS_IMAGE} (`git`). */
export const GOGS_UID = 1000;

/**
 * The Docker registry (distribution 2.8.3, the last 2.x release). The stock
 * image runs as root; nothing in it needs root (port 5000, one data
 * directory), so the library runs it as {@link REGISTRY_UID}.
 */
export const REGISTRY_IMAGE = 'docker.io/library/registry:2.8.3';

/** Non-root uid (and gid) the registry runs as; the data volume gets it as fsGroup. */
export const REGISTRY_UID = 1000;
