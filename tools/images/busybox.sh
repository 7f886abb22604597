# shellcheck shell=bash
# The busybox image and the static BusyBox binary it shares with the nginx image, sourced by
# tools/images/build.sh. Debian's busybox packages are built without wget's -T (timeout) option
# (`wget -T 3` crashes), so BusyBox is compiled here from Debian's source package: `make
# defconfig`, linked statically. The source comes through apt (deb-src) with a private apt
# configuration under the work folder; the host's apt sources are not changed.

# Applets the exercises run (README "What to try", dist/05-07): the build fails without them.
BUSYBOX_APPLETS=(sh ps wget sleep env cat ls kill sort printf)
# Options that must be on: a static binary, and wget's -T.
BUSYBOX_OPTIONS=(CONFIG_STATIC CONFIG_WGET CONFIG_FEATURE_WGET_TIMEOUT CONFIG_PS)
BUSYBOX_BIN="$WORK_DIR/busybox-bin/busybox"

# busybox_source_version — Debian's source version of the busybox package apt would install.
busybox_source_version() {
  local candidate source
  candidate="$(apt_candidate busybox)"
  # "Source: busybox (1:1.35.0-4+deb12u1)" when the binary was rebuilt (binNMU), else no line.
  source="$(apt-cache show "busybox=$candidate" | sed -n 's/^Source: busybox (\(.*\))$/\1/p' | head -1)"
  echo "${source:-$candidate}"
}

# busybox_deb_src — deb-src lines for the repositories that serve the busybox candidate
# (from `apt-cache policy`: "500 http://deb.debian.org/debian bookworm/main amd64 Packages").
busybox_deb_src() {
  apt-cache policy busybox | awk '
    /^ *Candidate:/ { candidate = $2 }
    /^ +(\*\*\* )?[^ ]+ [0-9]+$/ { version = ($1 == "***") ? $2 : $1 }
    version == candidate && $1 ~ /^[0-9]+$/ && $2 ~ /:\/\// && $NF == "Packages" {
      n = split($3, parts, "/"); component = parts[n]; suite = substr($3, 1, length($3) - length(component) - 1)
      print "deb-src " $2 " " suite " " component
    }' | sort -u
}

BUSYBOX_CHECKED=0
# build_busybox_binary — the static BusyBox in $BUSYBOX_BIN, rebuilt when its inputs changed
# (checked once per run: the busybox and nginx images both need it).
build_busybox_binary() {
  [[ $BUSYBOX_CHECKED == 0 ]] || return 0
  local version want stamp="$STAMP_DIR/busybox-binary" src apt_dir opts option applet start=$SECONDS
  version="$(busybox_source_version)"
  want="$(hash_of "$(cat "$IMAGES_DIR/busybox.sh")" "$version" "$(gcc --version | head -1)")"
  if [[ -x "$BUSYBOX_BIN" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    BUSYBOX_CHECKED=1
    return 0
  fi
  log "building BusyBox from Debian's source package busybox $version (defconfig, static)"
  src="$WORK_DIR/busybox-src"
  apt_dir="$src/apt"
  rm -rf "$src"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/parts" "$src/build"
  busybox_deb_src >"$apt_dir/sources.list"
  [[ -s "$apt_dir/sources.list" ]] || die "busybox: cannot tell which repository serves busybox $version"
  opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/parts"
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache")
  apt-get "${opts[@]}" -qq update
  # apt-get source downloads the .dsc, the upstream tarball and Debian's changes, checks them
  # against the signed Sources index and unpacks them with Debian's patches applied.
  (cd "$src/build" && apt-get "${opts[@]}" -qq source "busybox=$version") 2>&1 |
    { grep -vE '^(W: Download is performed unsandboxed|dpkg-source: info:)' || true; }
  local tree
  tree="$(find "$src/build" -mindepth 1 -maxdepth 1 -type d -name 'busybox-*' | head -1)"
  [[ -n "$tree" && -f "$tree/Makefile" ]] || die "busybox: apt-get source busybox=$version gave no source tree"

  (
    cd "$tree" || exit 1
    make -s defconfig >/dev/null
    sed -i 's/^# CONFIG_STATIC is not set$/CONFIG_STATIC=y/' .config
    { yes '' || true; } | make -s oldconfig >/dev/null
    for option in "${BUSYBOX_OPTIONS[@]}"; do
      grep -qx "$option=y" .config || die "busybox: $option is not set after defconfig"
    done
    make -s -j"$(nproc)" busybox >"$src/make.log" 2>&1 || {
      tail -30 "$src/make.log" >&2
      die "busybox: make failed (log: $src/make.log)"
    }
  )
  [[ "$(file -b "$tree/busybox")" == *'statically linked'* ]] || die "busybox: the binary is not static"
  local applets
  applets="$("$tree/busybox" --list)"
  for applet in "${BUSYBOX_APPLETS[@]}"; do
    grep -qx "$applet" <<<"$applets" || die "busybox: applet $applet is missing"
  done
  # (into a variable first: `grep -q` in a pipe would end busybox with SIGPIPE under pipefail)
  applets="$("$tree/busybox" wget --help 2>&1 || true)"
  grep -q -- '-T SEC' <<<"$applets" || die "busybox: wget has no -T option"
  mkdir -p "$(dirname "$BUSYBOX_BIN")"
  install -m 0755 "$tree/busybox" "$BUSYBOX_BIN"
  "$BUSYBOX_BIN" --list >"$BUSYBOX_BIN.applets"
  rm -rf "$src"
  echo "$want" >"$stamp"
  BUSYBOX_CHECKED=1
  log "built BusyBox $version in $((SECONDS - start)) s ($(du -k "$BUSYBOX_BIN" | cut -f1) KiB)"
}

build_busybox() {
  build_busybox_binary
  build_image busybox "$(hash_of "$(cat "$IMAGES_DIR/lib.sh" "$IMAGES_DIR/busybox.sh")" "$(spec_entry busybox)" \
    "$(sha256sum <"$BUSYBOX_BIN")")" busybox_rootfs
}

# busybox_rootfs NAME ROOTFS — /bin/busybox, a link per applet, root and nobody.
busybox_rootfs() {
  local rootfs="$2" applet
  mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/root" "$rootfs/home"
  install -d -m 1777 "$rootfs/tmp"
  chmod 0700 "$rootfs/root"
  install -m 0755 "$BUSYBOX_BIN" "$rootfs/bin/busybox"
  while IFS= read -r applet; do
    [[ "$applet" == busybox ]] || ln -s busybox "$rootfs/bin/$applet"
  done <"$BUSYBOX_BIN.applets"
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/home:/bin/false' >"$rootfs/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nobody:x:65534:' >"$rootfs/etc/group"
  # shellcheck disable=SC2034 # read by build_image (lib.sh)
  IMAGE_CREATED_BY="BusyBox $("$BUSYBOX_BIN" 2>&1 | head -1 | cut -d' ' -f2) static, applet links in /bin"
}
