# shellcheck shell=bash
# The pause (sandbox) image, sourced by tools/images/build.sh: build/pause/linux/pause.c of the
# k8s.io/kubernetes module the engines pin (tools/engines/k8s128), compiled with gcc -static, as
# the Kubernetes release tooling does. The source is read from Go's module cache at build time.

# k8s_module_dir — the k8s.io/kubernetes module source the engines use (downloaded when missing).
k8s_module_dir() {
  command -v go >/dev/null || die "Go is not installed (needed to find the k8s.io/kubernetes module source)"
  (cd "$REPO_DIR/tools/engines/k8s128" && GOTOOLCHAIN=local go mod download -json k8s.io/kubernetes) | jq -r '.Dir, .Version'
}

build_pause() {
  local name=pause reference config module source_dir module_version source makefile tag want rootfs start=$SECONDS
  reference="$(spec "$name" .reference)"
  config="$(spec "$name" .config)"
  module="$(k8s_module_dir)"
  source_dir="${module%%$'\n'*}"
  module_version="${module##*$'\n'}"
  source="$source_dir/build/pause/linux/pause.c"
  makefile="$source_dir/build/pause/Makefile"
  [[ -f "$source" ]] || die "$name: $source is missing"
  # The image tag must be the one the source tree builds (build/pause/Makefile: TAG ?= 3.9).
  tag="$(sed -n 's/^TAG ?= *//p' "$makefile")"
  [[ "$reference" == *":$tag" ]] || die "$name: $makefile builds pause $tag, but the spec names $reference"

  want="$(hash_of "$(cat "$IMAGES_DIR/lib.sh" "$IMAGES_DIR/pause.sh")" "$(spec_entry "$name")" \
    "$module_version" "$(sha256sum <"$source")" "$(gcc --version | head -1)")"
  if up_to_date "$name" "$want" "$reference"; then
    log "$name is up to date ($(basename "$(archive_path "$reference")"))"
    return 0
  fi
  log "building $name ($reference) from pause.c of k8s.io/kubernetes $module_version"
  rootfs="$WORK_DIR/$name/rootfs"
  rm -rf "${WORK_DIR:?}/$name"
  mkdir -p "$rootfs"
  # The flags of build/pause/Makefile; the version string names the module instead of a git revision.
  gcc -Os -Wall -Werror -static "-DVERSION=v$tag-$module_version" -o "$rootfs/pause" "$source"
  strip "$rootfs/pause"
  pack_image "$reference" "$rootfs" "$config" "tools/images: pause.c of k8s.io/kubernetes $module_version, gcc -Os -static"
  rm -rf "${WORK_DIR:?}/$name"
  echo "$want" >"$STAMP_DIR/$name"
  report "$name" "$reference" "$start"
}
