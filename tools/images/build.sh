#!/usr/bin/env bash
# Builds the container images exercises 1-8 need, offline, into .engines/images (ignored by git):
# one docker-archive per image, tagged with exactly the reference the manifests in dist/ use, so
# a node imports them with `ctr -n k8s.io images import FILE`, plus .engines/images/index.json
# ({reference, archive, standIn, contents} per image). The images are described in
# tools/images/stand-ins.json and docs/stand-in-images.md.
#
#   tools/images/build.sh                 build every image that is missing or stale
#   tools/images/build.sh busybox nginx   build only these (names from stand-ins.json)
#
# No image registry is needed: pause is compiled from the Kubernetes source in Go's module cache,
# BusyBox from Debian's source package; nginx, gogs, registry, node and git are Debian root
# filesystems (mmdebstrap, debian.sh) with Debian's packages; kaniko, kubectl and CoreDNS are
# static binaries from .engines/bin (tools/engines/build.sh; an image whose binary is not built
# yet is skipped with a line saying so); Tekton's images are laid out as ko lays them out
# (tools/images/ko-app.sh) around the commands `tools/engines/build.sh tekton-images` builds.
# Each image is rebuilt only when its inputs changed (a stamp per image under .engines/images/stamps);
# a full build is skipped as a whole while nothing changed since the last one (inputs_fingerprint).
# Needs root (umoci keeps file owners; mmdebstrap); installs missing Debian packages itself.
set -euo pipefail
IMAGES_DIR="$(cd "$(dirname "$0")" && pwd)"
REPO_DIR="$(cd "$IMAGES_DIR/../.." && pwd)"
OUT_DIR="$REPO_DIR/.engines/images"
WORK_DIR="$OUT_DIR/work"
STAMP_DIR="$OUT_DIR/stamps"
SPEC="$IMAGES_DIR/stand-ins.json"
# The inputs_fingerprint (below) of the last full build that succeeded.
FINGERPRINT_FILE="$OUT_DIR/inputs.fingerprint"

# shellcheck source=tools/images/lib.sh
source "$IMAGES_DIR/lib.sh"
# shellcheck source=tools/images/pause.sh
source "$IMAGES_DIR/pause.sh"
# shellcheck source=tools/images/busybox.sh
source "$IMAGES_DIR/busybox.sh"
# shellcheck source=tools/images/debian.sh
source "$IMAGES_DIR/debian.sh"
# shellcheck source=tools/images/nginx.sh
source "$IMAGES_DIR/nginx.sh"
# shellcheck source=tools/images/ko-app.sh
source "$IMAGES_DIR/ko-app.sh"
# shellcheck source=tools/images/gogs.sh
source "$IMAGES_DIR/gogs.sh"
# shellcheck source=tools/images/registry.sh
source "$IMAGES_DIR/registry.sh"
# shellcheck source=tools/images/node.sh
source "$IMAGES_DIR/node.sh"
# shellcheck source=tools/images/git.sh
source "$IMAGES_DIR/git.sh"
# shellcheck source=tools/images/kaniko.sh
source "$IMAGES_DIR/kaniko.sh"

# inputs_fingerprint — a quick fingerprint of everything the images are made from and of what the
# last build left: these scripts and specs (content), the Go modules' pins (content), Go's version,
# the engines' binaries, apt's package lists, dpkg's database and the archives, stamps and index
# (size and modification time, as the CLI's build stamp trusts them). While it is the one a full
# build recorded, no image can be stale, and the per-image checks (which hash binaries and ask
# `go list` and apt, about 1 s an image) are skipped.
inputs_fingerprint() {
  {
    find "$IMAGES_DIR" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    cat "$REPO_DIR"/tools/engines/*/go.mod "$REPO_DIR"/tools/engines/*/go.sum
    go version 2>/dev/null || true
    cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null || true
    find "$REPO_DIR/.engines/bin" /var/lib/apt/lists /var/lib/dpkg/status "$OUT_DIR" \
      -path "$WORK_DIR" -prune -o -type f ! -name "$(basename "$FINGERPRINT_FILE")" ! -name .lock -printf '%p %s %T@\n' 2>/dev/null |
      LC_ALL=C sort
  } | sha256sum | cut -d' ' -f1
}

[[ $EUID == 0 ]] || die "run as root (umoci must keep the files' owners; mmdebstrap and apt-get need it)"
command -v apt-get >/dev/null || die "needs a Debian-based host (apt-get, mmdebstrap)"
ensure_packages jq file gcc libc6-dev make bzip2 xz-utils dpkg-dev mmdebstrap umoci skopeo ca-certificates tzdata

mkdir -p "$OUT_DIR" "$WORK_DIR" "$STAMP_DIR"
# One build at a time per checkout.
exec 9>"$OUT_DIR/.lock"
flock -n 9 || die "another images build is running in this checkout ($OUT_DIR/.lock)"

mapfile -t known < <(jq -r '.images[].name' "$SPEC")
names=("$@")
[[ ${#names[@]} -gt 0 ]] || names=("${known[@]}")
for name in "${names[@]}"; do
  [[ " ${known[*]} " == *" $name "* ]] || die "unknown image '$name' (known: ${known[*]})"
done

total_start=$SECONDS
full_build=0
[[ $# -eq 0 ]] && full_build=1
if [[ $full_build == 1 && -f "$FINGERPRINT_FILE" && "$(cat "$FINGERPRINT_FILE")" == "$(inputs_fingerprint)" ]]; then
  log "every image is up to date: nothing they are made from changed since the last full build ($((SECONDS - total_start)) s)"
  exit 0
fi
rm -f "$FINGERPRINT_FILE"
for name in "${names[@]}"; do
  case "$(spec "$name" .builder)" in
    pause) build_pause ;;
    busybox) build_busybox ;;
    nginx) build_nginx ;;
    gogs) build_gogs ;;
    registry) build_registry ;;
    node) build_node ;;
    git) build_git ;;
    kaniko) build_kaniko ;;
    static-binary) image_from_static_binary "$name" ;;
    ko-app) build_ko_app "$name" ;;
    *) die "$name: unknown builder '$(spec "$name" .builder)'" ;;
  esac
done

# The index lists every image whose archive exists, in the spec's order.
index="$(
  for name in "${known[@]}"; do
    archive="$(archive_path "$(spec "$name" .reference)")"
    [[ -f "$archive" ]] || continue
    spec_entry "$name" | jq -c --arg archive "$(basename "$archive")" \
      '{reference, archive: $archive, standIn, contents}'
  done | jq -s '{"$comment": "Images built by tools/images/build.sh; archive is relative to this file. Import: ctr -n k8s.io images import ARCHIVE", images: .}'
)"
echo "$index" >"$OUT_DIR/index.json"

# mmdebstrap (unshare mode) and umoci mount nothing outside their own namespaces: check.
if grep -qE "$OUT_DIR|/mmdebstrap\." /proc/self/mountinfo; then
  die "still mounted: $(grep -E "$OUT_DIR|/mmdebstrap\." /proc/self/mountinfo | cut -d' ' -f5 | tr '\n' ' ')"
fi
[[ $full_build == 0 ]] || inputs_fingerprint >"$FINGERPRINT_FILE"
log "done in $((SECONDS - total_start)) s; $(jq '.images | length' "$OUT_DIR/index.json") images in $OUT_DIR/index.json"
