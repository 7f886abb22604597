# shellcheck shell=bash
# The node stand-in for library/node:20.18.1-alpine3.20, sourced by tools/images/build.sh: a Debian
# root filesystem (debian.sh) with Debian's nodejs (Node.js 18 in Debian 12: not 20, see the
# spec's differences), the node image's docker-entrypoint.sh and its user node (1000:1000).

build_node() {
  debian_image node node_customize "$(cat "$IMAGES_DIR/node.sh" "$IMAGES_DIR/node/docker-entrypoint.sh")"
}

# node_customize NAME ROOTFS — the node image's entrypoint and user.
node_customize() {
  local name="$1" rootfs="$2"
  [[ -x "$rootfs/usr/bin/node" ]] || die "$name: nodejs no longer ships /usr/bin/node"
  install -m 0755 "$IMAGES_DIR/node/docker-entrypoint.sh" "$rootfs/usr/local/bin/docker-entrypoint.sh"
  add_account "$rootfs" node 1000 1000 /home/node /bin/sh
  install -d -o 1000 -g 1000 "$rootfs/home/node"
  IMAGE_CREATED_BY+=", the node image's docker-entrypoint.sh, user node 1000:1000"
}
