# shellcheck shell=bash
# The registry stand-in for library/registry:2.8.3, sourced by tools/images/build.sh: a Debian root
# filesystem (debian.sh) with docker-registry (distribution 2.8.2), laid out as the official
# image: /bin/registry, /entrypoint.sh and /etc/docker/registry/config.yml from
# tools/images/registry/ (the official image's files), data in /var/lib/registry.

build_registry() {
  debian_image registry registry_customize "$(cat "$IMAGES_DIR/registry.sh" "$IMAGES_DIR"/registry/*)"
}

# registry_customize NAME ROOTFS — the official image's entrypoint, config and paths.
registry_customize() {
  local name="$1" rootfs="$2"
  [[ -x "$rootfs/usr/bin/docker-registry" ]] || die "$name: docker-registry no longer ships /usr/bin/docker-registry"
  [[ ! -e "$rootfs/usr/bin/registry" ]] || die "$name: Debian already ships /usr/bin/registry"
  ln -s docker-registry "$rootfs/usr/bin/registry"
  install -m 0755 "$IMAGES_DIR/registry/entrypoint.sh" "$rootfs/entrypoint.sh"
  # Debian's config (storage in /var/lib/docker-registry) makes way for the official image's.
  install -D -m 0644 "$IMAGES_DIR/registry/config.yml" "$rootfs/etc/docker/registry/config.yml"
  install -d -m 0755 "$rootfs/var/lib/registry"
  rm -rf "$rootfs/var/lib/docker-registry"
  IMAGE_CREATED_BY+=", /bin/registry -> docker-registry, the official image's /entrypoint.sh and config.yml"
}
