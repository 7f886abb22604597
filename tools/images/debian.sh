# shellcheck shell=bash
# Images made of a Debian root filesystem, sourced by tools/images/build.sh: mmdebstrap (variant
# essential, merged /usr, no recommends) of the host's Debian suite with the packages the spec
# lists, documentation, manual pages and translations left out, then a per-image CUSTOMIZE step.
# Used by the nginx, gogs, registry, node and git stand-ins.

# apt_sources_file — the apt sources mmdebstrap uses: $IMAGES_APT_SOURCES, or the host's Debian
# sources (deb822 debian.sources, else the one-line sources.list).
apt_sources_file() {
  local file
  for file in "${IMAGES_APT_SOURCES:-}" /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
    if [[ -n "$file" && -s "$file" ]]; then
      echo "$file"
      return 0
    fi
  done
  die "no apt sources found: set IMAGES_APT_SOURCES to a sources.list or .sources file"
}

# debian_suite — the host's Debian suite (bookworm), which the images are made of.
debian_suite() {
  local suite
  # shellcheck disable=SC1091
  suite="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
  [[ -n "$suite" ]] || die "cannot tell the Debian suite (VERSION_CODENAME in /etc/os-release)"
  echo "$suite"
}

# Files dpkg leaves out of the images (kept: the copyright files).
DEBIAN_DPKG_OPTIONS=(
  'path-exclude=/usr/share/doc/*' 'path-include=/usr/share/doc/*/copyright'
  'path-exclude=/usr/share/man/*' 'path-exclude=/usr/share/info/*' 'path-exclude=/usr/share/locale/*'
  'path-exclude=/usr/share/lintian/*' 'path-exclude=/usr/share/bash-completion/*'
)

# debian_inputs NAME — what a Debian image is made from, for its stamp: the suite, the apt
# sources, and every version apt knows of the spec's packages (a new upload rebuilds; what the
# host itself has installed is left out).
debian_inputs() {
  local packages sources
  mapfile -t packages < <(spec "$1" '.packages[]')
  sources="$(apt_sources_file)"
  echo "$(debian_suite) $sources $(sha256sum <"$sources")"
  apt-cache policy "${packages[@]}" 2>/dev/null | grep -vE 'Installed:|/var/lib/dpkg/status' | sed 's/^ \*\*\* /     /'
}

# debian_versions ROOTFS PACKAGE... — "nodejs 18.20.4+dfsg-1~deb12u3, ..." as installed in ROOTFS.
debian_versions() {
  local rootfs="$1"
  shift
  dpkg-query --admindir="$rootfs/var/lib/dpkg" -W -f '${Package} ${Version}\n' "$@" | paste -sd, | sed 's/,/, /g'
}

# debian_rootfs NAME ROOTFS — ROOTFS becomes Debian (the host's suite) with the spec's packages,
# less its purgePackages.
# The build host's resolv.conf and hostname, which mmdebstrap copies in, are removed (the runtime
# mounts the pod's own), and so are the installation's logs and caches.
debian_rootfs() {
  local name="$1" rootfs="$2" packages purge sources suite tarball option dpkg_args=() include hooks=()
  mapfile -t packages < <(spec "$name" '.packages[]')
  mapfile -t purge < <(spec "$name" '.purgePackages // [] | .[]')
  sources="$(apt_sources_file)"
  suite="$(debian_suite)"
  tarball="$WORK_DIR/$name/rootfs.tar"
  for option in "${DEBIAN_DPKG_OPTIONS[@]}"; do dpkg_args+=(--dpkgopt="$option"); done
  include="$(IFS=, && echo "${packages[*]}")"
  # Dependencies nothing in the image runs (git's Perl), purged in the chroot with dpkg.
  if [[ ${#purge[@]} -gt 0 ]]; then
    hooks+=(--customize-hook="chroot \"\$1\" dpkg --purge --force-depends ${purge[*]}")
  fi
  log "$name: mmdebstrap $suite essential + ${packages[*]}${purge[*]:+, less ${purge[*]}}"
  # unshare mode: the chroot's /proc, /sys and /dev mounts live in a private mount namespace and
  # vanish with it, so nothing stays mounted even when mmdebstrap fails.
  if ! mmdebstrap --quiet --mode=unshare --variant=essential --include="$include" \
    --aptopt='APT::Install-Recommends "false"' "${dpkg_args[@]}" \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr "${hooks[@]}" \
    "$suite" "$tarball" "$sources" >"$WORK_DIR/$name/mmdebstrap.log" 2>&1; then
    tail -30 "$WORK_DIR/$name/mmdebstrap.log" >&2
    die "$name: mmdebstrap failed (log: $WORK_DIR/$name/mmdebstrap.log)"
  fi
  # Unpack as root, keeping owners and modes; device nodes are the runtime's business.
  tar --numeric-owner -xpf "$tarball" -C "$rootfs" --exclude='./dev/*'
  rm -f "$tarball"
  chmod 1777 "$rootfs/tmp"
  rm -f "$rootfs/etc/resolv.conf" "$rootfs/etc/hostname"
  rm -rf "$rootfs"/var/cache/debconf/*-old "$rootfs"/var/lib/dpkg/*-old "$rootfs"/var/log/*.log \
    "$rootfs"/var/log/apt "$rootfs/var/cache/ldconfig/aux-cache" "$rootfs"/var/cache/apt/*.bin
  # shellcheck disable=SC2034 # read by build_image (lib.sh)
  IMAGE_CREATED_BY="mmdebstrap $suite essential + $(debian_versions "$rootfs" "${packages[@]}")${purge[*]:+ less ${purge[*]}}"
}

# add_account ROOTFS USER UID GID HOME SHELL — a user and its group, as the real image has them;
# the build fails when Debian already uses the name or the numbers.
add_account() {
  local rootfs="$1" user="$2" uid="$3" gid="$4" home="$5" shell="$6"
  ! grep -qE "^$user:|^[^:]*:[^:]*:$uid:" "$rootfs/etc/passwd" || die "user $user or uid $uid is taken in the Debian root filesystem"
  ! grep -qE "^$user:|^[^:]*:[^:]*:$gid:" "$rootfs/etc/group" || die "group $user or gid $gid is taken in the Debian root filesystem"
  echo "$user:x:$uid:$gid:$user:$home:$shell" >>"$rootfs/etc/passwd"
  echo "$user:x:$gid:" >>"$rootfs/etc/group"
}

DEBIAN_CUSTOMIZE=""
# debian_image NAME CUSTOMIZE INPUT... — the image NAME: a Debian root filesystem with the spec's
# packages, then `CUSTOMIZE NAME ROOTFS` (which appends to IMAGE_CREATED_BY what it added). INPUT:
# what else the image is made from (the builder's script, its files, binaries' hashes).
debian_image() {
  local name="$1"
  DEBIAN_CUSTOMIZE="$2"
  shift 2
  build_image "$name" "$(hash_of "$(cat "$IMAGES_DIR/lib.sh" "$IMAGES_DIR/debian.sh")" "$(spec_entry "$name")" \
    "$(debian_inputs "$name")" "$@")" debian_populate
}

# debian_populate NAME ROOTFS — build_image's POPULATE for debian_image.
debian_populate() {
  debian_rootfs "$1" "$2"
  "$DEBIAN_CUSTOMIZE" "$1" "$2"
}
