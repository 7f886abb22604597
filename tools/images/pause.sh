# shellcheck shell=bash
# The pause (sandbox) image, sourced by tools/images/build.sh: build/pause/linux/pause.c of the
# k8s.io/kubernetes module the engines pin (tools/engines/k8s128), compiled with gcc -static, as
# the Kubernetes release tooling does. The source is read from Go's module cache at build time.

# k8s_module_dir — the k8s.io/kubernetes module source the engines use (downloaded when missing).
k8s_module_dir() {
  command -v go >/dev/null || die "Go is not installed (needed to find the k8s.io/kubernetes module source)"
  (cd "$REPO_DIR/tools/engines/k8s128" && GOTOOLCHAIN=local go mod download -json k8s.io/kubernetes) | jq -r '.Dir, .Version'
}

PAUSE_SOURCE=""
PAUSE_VERSION=""
build_pause() {
  local name=pause reference module source_dir makefile tag
  reference="$(spec "$name" .reference)"
  module="$(k8s_module_dir)"
  source_dir="${module%%$'\n'*}"
  PAUSE_VERSION="${module##*$'\n'}"
  PAUSE_SOURCE="$source_dir/build/pause/linux/pause.c"
  makefile="$source_dir/build/pause/Makefile"
  [[ -f "$PAUSE_SOURCE" ]] || die "$name: $PAUSE_SOURCE is missing"
  # The image tag must be the one the source tree builds (build/pause/Makefile: TAG ?= 3.9).
  tag="$(sed -n 's/^TAG ?= *//p' "$makefile")"
  [[ "$reference" == *":$tag" ]] || die "$name: $makefile builds pause $tag, but the spec names $reference"
  build_image "$name" "$(hash_of "$(cat "$IMAGES_DIR/lib.sh" "$IMAGES_DIR/pause.sh")" "$(spec_entry "$name")" \
    "$PAUSE_VERSION" "$(sha256sum <"$PAUSE_SOURCE")" "$(gcc --version | head -1)")" pause_rootfs
}

# pause_rootfs NAME ROOTFS — /pause, with the flags of build/pause/Makefile; the version string
# names the module instead of a git revision.
pause_rootfs() {
  local rootfs="$2" tag
  tag="$(spec "$1" .reference)"
  tag="${tag##*:}"
  gcc -Os -Wall -Werror -static "-DVERSION=v$tag-$PAUSE_VERSION" -o "$rootfs/pause" "$PAUSE_SOURCE"
  strip "$rootfs/pause"
  # shellcheck disable=SC2034 # read by build_image (lib.sh)
  IMAGE_CREATED_BY="pause.c of k8s.io/kubernetes $PAUSE_VERSION, gcc -Os -static"
}
