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
