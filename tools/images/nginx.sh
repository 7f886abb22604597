# shellcheck shell=bash
# The nginx stand-in for nginxinc/nginx-unprivileged, sourced by tools/images/build.sh: a Debian
# root filesystem (debian.sh) with the packages the spec lists (nginx-light), configured with the
# contract of nginx-unprivileged (tools/images/nginx/*.conf): user 101, port 8080, pid file and
# temp paths under /tmp, logs to stdout/stderr. wget and ps are BusyBox's (as on Alpine).

build_nginx() {
  build_busybox_binary
  debian_image nginx nginx_customize "$(cat "$IMAGES_DIR/nginx.sh" "$IMAGES_DIR"/nginx/*.conf)" "$(sha256sum <"$BUSYBOX_BIN")"
}

# nginx_customize NAME ROOTFS — nginx-unprivileged's contract on Debian's nginx.
nginx_customize() {
  local name="$1" rootfs="$2" tool
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
  add_account "$rootfs" nginx 101 101 /nonexistent /usr/sbin/nologin
  # wget (with -T) and ps: BusyBox's, as on Alpine.
  install -m 0755 "$BUSYBOX_BIN" "$rootfs/usr/local/bin/busybox"
  while IFS= read -r tool; do
    [[ ! -e "$rootfs/usr/bin/$tool" ]] || die "$name: Debian already ships /usr/bin/$tool"
    ln -s busybox "$rootfs/usr/local/bin/$tool"
  done < <(spec "$name" '.shellTools[]')
  IMAGE_CREATED_BY+=", nginx-unprivileged's contract, BusyBox wget/ps"
}
