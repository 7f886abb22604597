# shellcheck shell=bash
# The nginx stand-in for nginxinc/nginx-unprivileged, sourced by tools/images/build.sh: Debian
# (mmdebstrap, variant essential) with the packages the spec lists (nginx-light), configured with
# the contract of nginx-unprivileged (tools/images/nginx/*.conf): user 101, port 8080, pid file
# and temp paths under /tmp, logs to stdout/stderr. wget and ps are BusyBox's (as on Alpine).

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

# Files dpkg leaves out of the image (kept: the copyright files).
NGINX_DPKG_OPTIONS=(
  'path-exclude=/usr/share/doc/*' 'path-include=/usr/share/doc/*/copyright'
  'path-exclude=/usr/share/man/*' 'path-exclude=/usr/share/info/*' 'path-exclude=/usr/share/locale/*'
  'path-exclude=/usr/share/lintian/*' 'path-exclude=/usr/share/bash-completion/*'
)

build_nginx() {
  local name=nginx reference config packages sources suite versions want rootfs tarball tool start=$SECONDS
  reference="$(spec "$name" .reference)"
  config="$(spec "$name" .config)"
  mapfile -t packages < <(spec "$name" '.packages[]')
  sources="$(apt_sources_file)"
  # shellcheck disable=SC1091
  suite="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
  [[ -n "$suite" ]] || die "$name: cannot tell the Debian suite (VERSION_CODENAME in /etc/os-release)"
  build_busybox_binary
  # Package versions as the host's apt sees them: a new nginx upload in the mirror rebuilds.
  versions="$(apt-cache policy "${packages[@]}" nginx 2>/dev/null | grep -E '^[^ ]|Candidate')"
  want="$(hash_of "$(cat "$IMAGES_DIR/lib.sh" "$IMAGES_DIR/nginx.sh" "$IMAGES_DIR"/nginx/*.conf "$sources")" \
    "$(spec_entry "$name")" "$suite" "$versions" "$(sha256sum <"$BUSYBOX_BIN")")"
  if up_to_date "$name" "$want" "$reference"; then
    log "$name is up to date ($(basename "$(archive_path "$reference")"))"
    return 0
  fi
  log "building $name ($reference): Debian $suite with ${packages[*]} (mmdebstrap)"
  rm -rf "${WORK_DIR:?}/$name"
  mkdir -p "$WORK_DIR/$name"
  rootfs="$WORK_DIR/$name/rootfs"
  tarball="$WORK_DIR/$name/rootfs.tar"

  # unshare mode: the chroot's /proc, /sys and /dev mounts live in a private mount namespace and
  # vanish with it, so nothing stays mounted even when mmdebstrap fails.
  local dpkg_args=() option
  for option in "${NGINX_DPKG_OPTIONS[@]}"; do dpkg_args+=(--dpkgopt="$option"); done
  local include
  include="$(IFS=, && echo "${packages[*]}")"
  if ! mmdebstrap --quiet --mode=unshare --variant=essential --include="$include" \
    --aptopt='APT::Install-Recommends "false"' "${dpkg_args[@]}" \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    "$suite" "$tarball" "$sources" >"$WORK_DIR/$name/mmdebstrap.log" 2>&1; then
    tail -30 "$WORK_DIR/$name/mmdebstrap.log" >&2
    die "$name: mmdebstrap failed (log: $WORK_DIR/$name/mmdebstrap.log)"
  fi

  # Unpack as root, keeping owners and modes; device nodes are the runtime's business.
  mkdir -p "$rootfs"
  tar --numeric-owner -xpf "$tarball" -C "$rootfs" --exclude='./dev/*'
  rm -f "$tarball"

  # nginx's configuration: the contract of nginx-unprivileged.
  install -m 0644 "$IMAGES_DIR/nginx/nginx.conf" "$rootfs/etc/nginx/nginx.conf"
  install -m 0644 "$IMAGES_DIR/nginx/default.conf" "$rootfs/etc/nginx/conf.d/default.conf"
  rm -f "$rootfs/etc/nginx/sites-enabled/default"
  [[ -f "$rootfs/usr/share/nginx/html/index.html" ]] || die "$name: nginx-common no longer ships /usr/share/nginx/html/index.html"
  # The compiled-in log paths point at the container's output, as in the nginx images.
  chmod 0755 "$rootfs/var/log/nginx"
  rm -f "$rootfs/var/log/nginx/access.log" "$rootfs/var/log/nginx/error.log"
  ln -s /dev/stdout "$rootfs/var/log/nginx/access.log"
  ln -s /dev/stderr "$rootfs/var/log/nginx/error.log"
  # The image's user: nginx (101), as in nginx-unprivileged.
  ! grep -qE '^[^:]*:[^:]*:101:' "$rootfs/etc/passwd" || die "$name: uid 101 is taken in the Debian root filesystem"
  echo 'nginx:x:101:101:nginx user:/nonexistent:/usr/sbin/nologin' >>"$rootfs/etc/passwd"
  echo 'nginx:x:101:' >>"$rootfs/etc/group"
  # wget (with -T) and ps: BusyBox's, as on Alpine.
  install -m 0755 "$BUSYBOX_BIN" "$rootfs/usr/local/bin/busybox"
  while IFS= read -r tool; do
    [[ ! -e "$rootfs/usr/bin/$tool" ]] || die "$name: Debian already ships /usr/bin/$tool"
    ln -s busybox "$rootfs/usr/local/bin/$tool"
  done < <(spec "$name" '.shellTools[]')
  chmod 1777 "$rootfs/tmp"
  # Leftovers of the installation: mmdebstrap copies the build host's resolv.conf and hostname in
  # (the runtime mounts the pod's own over them; the host's resolver must not ship in the image).
  rm -f "$rootfs/etc/resolv.conf" "$rootfs/etc/hostname"
  rm -rf "$rootfs"/var/cache/debconf/*-old "$rootfs"/var/lib/dpkg/*-old "$rootfs"/var/log/*.log \
    "$rootfs"/var/log/apt "$rootfs/var/cache/ldconfig/aux-cache"

  pack_image "$reference" "$rootfs" "$config" \
    "tools/images: mmdebstrap $suite essential + ${packages[*]}, nginx-unprivileged's contract, BusyBox wget/ps"
  rm -rf "${WORK_DIR:?}/$name"
  echo "$want" >"$STAMP_DIR/$name"
  report "$name" "$reference" "$start"
}
