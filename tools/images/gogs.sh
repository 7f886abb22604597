# shellcheck shell=bash
# The Gogs stand-in for gogs/gogs:next-0.14.3, sourced by tools/images/build.sh: a Debian root
# filesystem (debian.sh) with the packages the spec lists (git, which Gogs runs for every
# repository operation; ssh-keygen, with which its built-in SSH server makes its host key;
# CA certificates), plus .engines/bin/gogs (tools/engines/build.sh gogs) and the start.sh of
# Gogs' own docker-next image, laid out as Dockerfile.next lays them: /app/gogs, user git
# (1000:1000) whose home /home/git links to /data/git. The binary uses cgo (glibc), so it needs
# a glibc root filesystem anyway, and the image needs Debian's git and /bin/sh besides.

# gogs_module_dir — the gogs.io/gogs module source the engines build (for docker-next/start.sh).
gogs_module_dir() {
  (cd "$REPO_DIR/tools/engines/gogs" && GOTOOLCHAIN=local go list -m -f '{{.Dir}}' gogs.io/gogs)
}

GOGS_START=""
build_gogs() {
  local name=gogs binary version reference
  binary_missing "$name" && return 0
  binary="$(spec_binary "$name")"
  reference="$(spec "$name" .reference)"
  version="$("$binary" --version | awk '{ print $NF }')"
  [[ "$reference" == *"-$version" ]] || die "$name: $binary is Gogs $version, but the spec names $reference"
  command -v go >/dev/null || die "$name: Go is not installed (needed to find the gogs.io/gogs module source)"
  GOGS_START="$(gogs_module_dir)/docker-next/start.sh"
  [[ -f "$GOGS_START" ]] || die "$name: $GOGS_START is missing"
  debian_image "$name" gogs_customize "$(cat "$IMAGES_DIR/gogs.sh" "$GOGS_START")" "$(sha256sum <"$binary")"
}

# gogs_customize NAME ROOTFS — Dockerfile.next's layout on Debian.
gogs_customize() {
  local name="$1" rootfs="$2"
  add_account "$rootfs" git 1000 1000 /data/git /bin/sh
  install -d -o 1000 -g 1000 "$rootfs/app/gogs" "$rootfs/data"
  install -m 0755 -o 1000 -g 1000 "$(spec_binary "$name")" "$rootfs/app/gogs/gogs"
  install -m 0755 -o 1000 -g 1000 "$GOGS_START" "$rootfs/app/gogs/start.sh"
  ln -s /data/git "$rootfs/home/git"
  # `gogs web` runs git and ssh-keygen from PATH.
  [[ -x "$rootfs/usr/bin/git" && -x "$rootfs/usr/bin/ssh-keygen" ]] || die "$name: git or ssh-keygen is missing"
  IMAGE_CREATED_BY+=", /app/gogs/gogs ($("$(spec_binary "$name")" --version)) and Gogs' docker-next/start.sh, user git 1000:1000"
}
