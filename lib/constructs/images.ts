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

/**
 * git for the clone Task: Alpine with git 2.45.2 and `/bin/sh`. The image's
 * entrypoint is `git` and its user is root; the Task replaces the entrypoint
 * with its script and runs it as {@link TEKTON_NONROOT_UID}.
 */
export const GIT_IMAGE = 'docker.io/alpine/git:2.45.2';

/**
 * kaniko, the daemonless image builder of the build-and-push Task. It must
 * run as root (it unpacks base images into its own root filesystem), which is
 * allowed by the `baseline` Pod Security Standard but not by `restricted`.
 * The executor image has no shell; its binary is `/kaniko/executor`.
 */
export const KANIKO_IMAGE = 'gcr.io/kaniko-project/executor:v1.23.2';

/**
 * kubectl for the deploy Task, the Kubernetes project's own image of the
 * 1.28 line (no shell; the Task calls `kubectl` directly).
 */
export const KUBECTL_IMAGE = 'registry.k8s.io/kubectl:v1.28.15';

/**
 * The non-root uid the Tekton catalog's git-clone runs as (`nonroot` of the
 * distroless images). The clone and deploy Tasks run as this uid, and a
 * PipelineRun's `fsGroup` must be this value so the uid can write the
 * workspace volume.
 */
export const TEKTON_NONROOT_UID = 65532;

/**
 * Node.js for the Gogs signature interceptor, whose program is mounted from a ConfigMap (only
 * Node's standard library is used). The image's `node` user is uid 1000.
 */
export const NODE_IMAGE = 'docker.io/library/node:20.18.1-alpine3.20';

/** Numeric user of {@link NODE_IMAGE} (`node`). */
export const NODE_UID = 1000;
