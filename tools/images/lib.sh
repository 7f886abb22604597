# shellcheck shell=bash
# Shared functions of tools/images/build.sh (sourced, not run): host packages, the image specs,
# stamps, and packing a root filesystem into a docker-archive with umoci and skopeo.
# Expects IMAGES_DIR, REPO_DIR, OUT_DIR, WORK_DIR, STAMP_DIR and SPEC from build.sh.

log() { echo "images: $*"; }
die() {
  echo "images: $*" >&2
  exit 1
}

APT_UPDATED=0
# apt_update_once — `apt-get update`, at most once per build.
apt_update_once() {
  [[ $APT_UPDATED == 1 ]] && return 0
  apt-get update -qq
  APT_UPDATED=1
}

# apt_candidate PACKAGE — the version `apt-get install PACKAGE` would install (after an
# `apt-get update` when apt knows none yet).
apt_candidate() {
  local candidate
  candidate="$(apt-cache policy "$1" | sed -n 's/^ *Candidate: //p')"
  if [[ -z "$candidate" || "$candidate" == "(none)" ]]; then
    apt_update_once
    candidate="$(apt-cache policy "$1" | sed -n 's/^ *Candidate: //p')"
  fi
  [[ -n "$candidate" && "$candidate" != "(none)" ]] || die "no $1 package in the apt sources"
  echo "$candidate"
}

# ensure_packages PACKAGE... — installs the Debian packages that are not installed yet
# (`apt-get update` first, only when something is missing).
ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    [[ "$(dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null)" == 'install ok installed' ]] || missing+=("$pkg")
  done
  [[ ${#missing[@]} -gt 0 ]] || return 0
  log "installing ${missing[*]}"
  apt_update_once
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# spec NAME JQ_FILTER — one field of an image spec (jq -r output).
spec() { jq -r --arg name "$1" ".images[] | select(.name == \$name) | $2" "$SPEC"; }
# spec_entry NAME — the whole spec entry, compact JSON (part of every stamp).
spec_entry() { jq -c --arg name "$1" '.images[] | select(.name == $name)' "$SPEC"; }

# archive_path REFERENCE — where the docker-archive of an image goes: the reference with
# '/', ':' and '@' replaced by '_' (docker.io/library/busybox:1.36 -> docker.io_library_busybox_1.36.tar).
archive_path() { echo "$OUT_DIR/$(echo "$1" | tr '/:@' '___').tar"; }

# hash_of TEXT... — sha256 of the arguments (files are hashed by their caller with sha256sum).
hash_of() { printf '%s\n' "$@" | sha256sum | cut -d' ' -f1; }

# up_to_date NAME HASH REFERENCE — whether the archive exists and was built from these inputs.
up_to_date() {
  [[ -f "$(archive_path "$3")" && -f "$STAMP_DIR/$1" && "$(cat "$STAMP_DIR/$1")" == "$2" ]]
}

# report NAME REFERENCE START_SECONDS — prints the build time and the archive's size.
report() {
  local archive
  archive="$(archive_path "$2")"
  log "built $1 ($2) in $((SECONDS - $3)) s: $(basename "$archive"), $(stat -c %s "$archive" | awk '{ printf "%.1f MiB", $1 / 1048576 }')"
}

# pack_image REFERENCE ROOTFS CONFIG_JSON CREATED_BY — packs a root filesystem into
# `archive_path REFERENCE`: an OCI layout (umoci init, new, unpack, copy ROOTFS in, repack,
# config), then `skopeo copy oci:... docker-archive:FILE:REFERENCE`, so `ctr images import`
# names it REFERENCE. CONFIG_JSON: {user, group?, entrypoint, cmd, ports ["8080/tcp"], env,
# workingDir, stopSignal?}.
# (Not `umoci insert`: umoci 0.4.7, Debian 12's, leaves the layer's tar without its end blocks,
# opencontainers/umoci#436, fixed in 0.4.8 by #534; GNU tar and Python reject such a layer.)
pack_image() {
  local reference="$1" rootfs="$2" config="$3" created_by="$4"
  local layout archive tmp user group args=() item
  layout="$(mktemp -d "$WORK_DIR/oci.XXXXXX")"
  archive="$(archive_path "$reference")"
  umoci init --layout "$layout/oci"
  umoci new --image "$layout/oci:image"
  umoci unpack --image "$layout/oci:image" "$layout/bundle" >/dev/null
  cp -a "$rootfs/." "$layout/bundle/rootfs/"
  umoci repack --image "$layout/oci:image" --history.created_by "$created_by" "$layout/bundle"

  user="$(jq -r '.user' <<<"$config")"
  group="$(jq -r '.group // empty' <<<"$config")"
  args+=(--config.user "$user${group:+:$group}")
  # An empty entrypoint or cmd is cleared, so the image has none (as the real image).
  args+=(--clear config.entrypoint --clear config.cmd)
  while IFS= read -r item; do args+=(--config.entrypoint "$item"); done < <(jq -r '.entrypoint[]' <<<"$config")
  while IFS= read -r item; do args+=(--config.cmd "$item"); done < <(jq -r '.cmd[]' <<<"$config")
  while IFS= read -r item; do args+=(--config.exposedports "$item"); done < <(jq -r '.ports[]' <<<"$config")
  while IFS= read -r item; do args+=(--config.env "$item"); done < <(jq -r '.env[]' <<<"$config")
  item="$(jq -r '.workingDir // empty' <<<"$config")"
  [[ -z "$item" ]] || args+=(--config.workingdir "$item")
  item="$(jq -r '.stopSignal // empty' <<<"$config")"
  [[ -z "$item" ]] || args+=(--config.stopsignal "$item")
  args+=(--config.label "org.opencontainers.image.ref.name=$reference")
  args+=(--config.label "org.opencontainers.image.description=stand-in built offline by tools/images (see docs/stand-in-images.md)")
  umoci config --image "$layout/oci:image" --no-history "${args[@]}"

  mkdir -p "$OUT_DIR"
  tmp="$archive.tmp"
  rm -f "$tmp"
  skopeo copy --quiet "oci:$layout/oci:image" "docker-archive:$tmp:$reference"
  check_layers "$tmp"
  mv -f "$tmp" "$archive"
  rm -rf "$layout"
}

# check_layers ARCHIVE — every layer of a docker-archive is a complete tar (GNU tar reads it).
check_layers() {
  local dir layer
  dir="$(mktemp -d "$WORK_DIR/check.XXXXXX")"
  tar -xf "$1" -C "$dir"
  while IFS= read -r layer; do
    tar -tf "$dir/$layer" >/dev/null || die "$1: layer $layer is not a complete tar archive"
  done < <(jq -r '.[].Layers[]' "$dir/manifest.json")
  rm -rf "$dir"
}

# build_image NAME INPUTS POPULATE — the frame of every builder: nothing to do when the archive
# exists and its stamp says INPUTS (a hash of everything the image is made from); else an empty
# root filesystem under the work folder, `POPULATE NAME ROOTFS` fills it and sets
# IMAGE_CREATED_BY (the layer's history line), and it is packed with the spec's config.
IMAGE_CREATED_BY=""
build_image() {
  local name="$1" inputs="$2" populate="$3" reference rootfs start=$SECONDS
  reference="$(spec "$name" .reference)"
  if up_to_date "$name" "$inputs" "$reference"; then
    log "$name is up to date ($(basename "$(archive_path "$reference")"))"
    return 0
  fi
  log "building $name ($reference)"
  rm -rf "${WORK_DIR:?}/$name"
  rootfs="$WORK_DIR/$name/rootfs"
  mkdir -p "$rootfs"
  IMAGE_CREATED_BY=""
  "$populate" "$name" "$rootfs"
  [[ -n "$IMAGE_CREATED_BY" ]] || die "$name: $populate said nothing about what it put in the image"
  pack_image "$reference" "$rootfs" "$(spec "$name" .config)" "tools/images: $IMAGE_CREATED_BY"
  rm -rf "${WORK_DIR:?}/$name"
  echo "$inputs" >"$STAMP_DIR/$name"
  report "$name" "$reference" "$start"
}

# spec_binary NAME — the absolute path of the spec's .binary (relative to the repository).
spec_binary() {
  local binary
  binary="$(spec "$1" .binary)"
  [[ "$binary" = /* ]] || binary="$REPO_DIR/$binary"
  echo "$binary"
}

# binary_missing NAME — true, with a line saying the image is skipped, when the spec's .binary has
# not been built (its engines group, .engineGroup, builds it: tools/engines/build.sh GROUP).
binary_missing() {
  local binary
  binary="$(spec_binary "$1")"
  [[ -x "$binary" ]] && return 1
  log "skipping $1 ($(spec "$1" .reference)): $binary does not exist (build it first: tools/engines/build.sh $(spec "$1" '.engineGroup // "?"'))"
  return 0
}

# image_from_static_binary NAME [EXTRAS [INPUT...]] — an image whose root filesystem is the
# spec's static .binary at the entrypoint's path (e.g. /coredns), plus /tmp; `EXTRAS ROOTFS`,
# when given, adds more files, and INPUT... is what those are made from (for the stamp). Skips,
# with a line saying so, when the binary does not exist (e.g. CoreDNS is built by the node tooling).
STATIC_EXTRAS=""
image_from_static_binary() {
  local name="$1" binary
  STATIC_EXTRAS="${2:-}"
  shift $(($# < 2 ? $# : 2))
  binary_missing "$name" && return 0
  binary="$(spec_binary "$name")"
  [[ "$(file -b "$binary")" == *'statically linked'* ]] || die "$name: $binary is not a static executable"
  build_image "$name" "$(hash_of "$(cat "$IMAGES_DIR/lib.sh")" "$(spec_entry "$name")" "$(sha256sum <"$binary")" "$@")" \
    static_binary_rootfs
}

# static_binary_rootfs NAME ROOTFS — build_image's POPULATE for image_from_static_binary.
static_binary_rootfs() {
  local name="$1" rootfs="$2" binary target
  binary="$(spec_binary "$name")"
  target="$(spec "$name" '.config.entrypoint[0]')"
  mkdir -p "$rootfs$(dirname "$target")"
  install -d -m 1777 "$rootfs/tmp"
  install -m 0755 "$binary" "$rootfs$target"
  IMAGE_CREATED_BY="$(basename "$binary") (one static binary)"
  if [[ -n "$STATIC_EXTRAS" ]]; then "$STATIC_EXTRAS" "$rootfs"; fi
}
