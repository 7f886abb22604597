# shellcheck shell=bash
# The kaniko stand-in for gcr.io/kaniko-project/executor:v1.23.2, sourced by
# tools/images/build.sh: the static executor of tools/engines/kaniko (tools/engines/build.sh
# kaniko) at /kaniko/executor, laid out as kaniko's deploy/Dockerfile lays it out: /kaniko
# (mode 777), /kaniko/.docker/, the CA bundle in /kaniko/ssl/certs (Debian's ca-certificates),
# /etc/nsswitch.conf, /workspace. The environment is the spec's.

KANIKO_CA_DEB=""
build_kaniko() {
  binary_missing kaniko && return 0
  KANIKO_CA_DEB="$(kaniko_ca_deb)"
  image_from_static_binary kaniko kaniko_files "$(cat "$IMAGES_DIR/kaniko.sh")" "$(basename "$KANIKO_CA_DEB")"
}

# kaniko_ca_deb — Debian's ca-certificates package (the version apt would install), downloaded
# into the work folder when it is not there yet.
kaniko_ca_deb() {
  local dir="$WORK_DIR/ca-certificates" version deb
  version="$(apt_candidate ca-certificates)"
  deb="$dir/ca-certificates_${version//:/%3a}_all.deb"
  if [[ ! -f "$deb" ]]; then
    mkdir -p "$dir"
    (cd "$dir" && apt-get download -qq "ca-certificates=$version" 2>&1) | { grep -v '^W: Download is performed unsandboxed' || true; }
  fi
  [[ -f "$deb" ]] || die "kaniko: apt-get download ca-certificates=$version gave no $deb"
  echo "$deb"
}

# kaniko_files ROOTFS — what kaniko's image has besides the executor.
kaniko_files() {
  local rootfs="$1" certs
  chmod 0777 "$rootfs/kaniko"
  install -d -m 0755 "$rootfs/kaniko/.docker" "$rootfs/kaniko/ssl/certs" "$rootfs/workspace" "$rootfs/etc"
  # The bundle update-ca-certificates makes from the package's Mozilla certificates.
  certs="$WORK_DIR/kaniko/ca"
  dpkg-deb -x "$KANIKO_CA_DEB" "$certs"
  find "$certs/usr/share/ca-certificates/mozilla" -name '*.crt' | LC_ALL=C sort | xargs cat >"$rootfs/kaniko/ssl/certs/ca-certificates.crt"
  chmod 0644 "$rootfs/kaniko/ssl/certs/ca-certificates.crt"
  rm -rf "$certs"
  [[ -s "$rootfs/kaniko/ssl/certs/ca-certificates.crt" ]] || die "kaniko: no certificates in $KANIKO_CA_DEB"
  # kaniko's deploy/files/nsswitch.conf: Go's resolver reads /etc/hosts before DNS.
  echo 'hosts: files dns' >"$rootfs/etc/nsswitch.conf"
  IMAGE_CREATED_BY+=", $(basename "$KANIKO_CA_DEB" .deb | tr _ ' ' | cut -d' ' -f1,2) bundle, kaniko's layout"
}
