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

# image_from_static_binary NAME REFERENCE BINARY USER ENTRYPOINT_JSON [PORT...] — an image whose
# root filesystem is one static binary at the entrypoint's path (e.g. /coredns), plus /tmp.
# USER is "uid" or "uid:gid"; PORT is "53/udp", "8080/tcp". Skips, with a line saying so, when
# BINARY does not exist (build it first; e.g. CoreDNS is built by the node tooling).
image_from_static_binary() {
  local name="$1" reference="$2" binary="$3" user="$4" entrypoint="$5"
  shift 5
  local ports_json config target want rootfs start=$SECONDS
  [[ "$binary" = /* ]] || binary="$REPO_DIR/$binary"
  if [[ ! -x "$binary" ]]; then
    log "skipping $name ($reference): $binary does not exist (build it first)"
    return 0
  fi
  [[ "$(file -b "$binary")" == *'statically linked'* ]] || die "$name: $binary is not a static executable"
  ports_json="$(printf '%s\n' "$@" | jq -R 'select(. != "")' | jq -sc .)"
  config="$(jq -nc --arg user "$user" --argjson entrypoint "$entrypoint" --argjson ports "$ports_json" \
    '{user: ($user | split(":")[0]), group: ($user | split(":")[1]), entrypoint: $entrypoint, cmd: [], ports: $ports, env: [], workingDir: "/"}')"
  target="$(jq -r '.[0]' <<<"$entrypoint")"
  want="$(hash_of "$(cat "$IMAGES_DIR/lib.sh")" "$reference" "$config" "$(sha256sum <"$binary")")"
  if up_to_date "$name" "$want" "$reference"; then
    log "$name is up to date ($(basename "$(archive_path "$reference")"))"
    return 0
  fi
  log "building $name ($reference) from $binary"
  rootfs="$WORK_DIR/$name/rootfs"
  rm -rf "${WORK_DIR:?}/$name"
  mkdir -p "$rootfs$(dirname "$target")"
  install -d -m 1777 "$rootfs/tmp"
  install -m 0755 "$binary" "$rootfs$target"
  pack_image "$reference" "$rootfs" "$config" "tools/images: $(basename "$binary") (one static binary)"
  rm -rf "${WORK_DIR:?}/$name"
  echo "$want" >"$STAMP_DIR/$name"
  report "$name" "$reference" "$start"
}
