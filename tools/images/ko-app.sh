# shellcheck shell=bash
# Images laid out as ko lays out Tekton's release images (stand-ins.json entries with "builder":
# "ko-app"), sourced by tools/images/build.sh. Each holds one command of a Go module pinned in
# tools/engines (built static by `tools/engines/build.sh tekton-images`):
#   /ko-app/<command>   the binary, the image's entrypoint (Tekton's controller also runs
#                       /ko-app/entrypoint, /ko-app/workingdirinit and /ko-app/sidecarlogresults
#                       by these paths in the pods it makes: pkg/pod of the pipeline module)
#   /var/run/ko         the command's kodata folder from the module (KO_DATA_PATH), as ko adds it
# on a base that has what ko's base for Tekton (ghcr.io/tektoncd/plumbing/static-base, an apko
# image like cgr.dev/chainguard/static) has: /etc/passwd and /etc/group with nonroot (65532),
# /etc/nsswitch.conf, CA certificates, time zone data, /tmp. An entry with "packages" is instead
# a Debian root filesystem with those packages (the resolvers run `git` under `/sbin/tini`).
# Skipped, with a line saying so, while the binary does not exist (the entries are optional).

KO_APP_DIR=/ko-app
KO_DATA_DIR=/var/run/ko
# ko_app_go MODULE_DIR ARGS... — `go ARGS` in a module of tools/engines, offline (module cache only).
ko_app_go() {
  local module="$1"
  shift
  command -v go >/dev/null || die "Go is not installed (needed to read the module's kodata and version)"
  (cd "$REPO_DIR/$module" && GOTOOLCHAIN=local GOFLAGS=-mod=readonly GOPROXY=off go "$@")
}

# ko_app_base ROOTFS — the files of ko's static base (no libc: the binaries are static). The CA
# bundle is the Mozilla set of Debian's ca-certificates package, never the build host's own
# additions (/usr/local/share/ca-certificates); the zone files are Debian's tzdata.
ko_app_base() {
  local rootfs="$1"
  mkdir -p "$rootfs/etc/ssl/certs" "$rootfs/usr/share" "$rootfs/root"
  chmod 0700 "$rootfs/root"
  install -d -m 1777 "$rootfs/tmp"
  install -d -m 0755 -o 65532 -g 65532 "$rootfs/home/nonroot"
  printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' 'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' \
    'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' >"$rootfs/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nobody:x:65534:' 'nonroot:x:65532:' >"$rootfs/etc/group"
  # Go's resolver reads it; without it, glibc-style defaults would apply.
  echo 'hosts: files dns' >"$rootfs/etc/nsswitch.conf"
  local certs=(/usr/share/ca-certificates/mozilla/*.crt)
  [[ -f "${certs[0]}" ]] || die "ko-app: Debian's ca-certificates package has no Mozilla certificates"
  cat "${certs[@]}" >"$rootfs/etc/ssl/certs/ca-certificates.crt"
  chmod 0644 "$rootfs/etc/ssl/certs/ca-certificates.crt"
  [[ -f /usr/share/zoneinfo/UTC ]] || die "ko-app: /usr/share/zoneinfo (Debian's tzdata) is missing"
  cp -a /usr/share/zoneinfo "$rootfs/usr/share/zoneinfo"
}

# ko_app_debian NAME ROOTFS — the spec's Debian root filesystem (debian.sh) with nonroot (65532).
ko_app_debian() {
  local name="$1" rootfs="$2"
  mkdir -p "$rootfs"
  debian_rootfs "$name" "$rootfs"
  add_account "$rootfs" nonroot 65532 65532 /home/nonroot /usr/sbin/nologin
  install -d -m 0755 -o 65532 -g 65532 "$rootfs/home/nonroot"
}


build_ko_app() {
  local name="$1" reference config binary module import_path command module_path module_version
  local kodata packages=() versions="" want rootfs link start=$SECONDS
  reference="$(spec "$name" .reference)"
  config="$(spec "$name" .config)"
  binary="$REPO_DIR/$(spec "$name" .binary)"
  module="$(spec "$name" .goModule)"
  import_path="$(spec "$name" .importPath)"
  command="$(basename "$import_path")"
  mapfile -t packages < <(spec "$name" '.packages // [] | .[]')
  if [[ ! -x "$binary" ]]; then
    log "skipping $name ($reference): $binary does not exist (build it first: tools/engines/build.sh tekton-images)"
    return 0
  fi
  [[ "$(file -b "$binary")" == *'statically linked'* ]] || die "$name: $binary is not a static executable"
  [[ "$(jq -c .entrypoint <<<"$config")" == "[\"$KO_APP_DIR/$command\"]" ]] ||
    die "$name: the entrypoint must be $KO_APP_DIR/$command, as ko makes it"
  # The tag must be the version of the module the binary comes from (as pause's is its source's).
  module_path="$(ko_app_go "$module" list -f '{{.Module.Path}}' "$import_path")"
  module_version="$(ko_app_go "$module" list -m -f '{{.Version}}' "$module_path")"
  [[ "$reference" == *":$module_version" ]] ||
    die "$name: $module pins $module_path $module_version, but the spec names $reference"
  kodata="$(ko_app_go "$module" list -f '{{.Dir}}' "$import_path")/kodata"
  if [[ ${#packages[@]} -gt 0 ]]; then
    versions="$(debian_inputs "$name")"
  fi
  want="$(hash_of "$(cat "$IMAGES_DIR/lib.sh" "$IMAGES_DIR/debian.sh" "$IMAGES_DIR/ko-app.sh")" "$(spec_entry "$name")" "$module_version" \
    "$(sha256sum <"$binary")" "$(find "$kodata" -type f -exec sha256sum {} + 2>/dev/null | sort)" "$versions" \
    "$(dpkg-query -W ca-certificates tzdata 2>/dev/null)")"
  if up_to_date "$name" "$want" "$reference"; then
    log "$name is up to date ($(basename "$(archive_path "$reference")"))"
    return 0
  fi
  log "building $name ($reference) from $binary${packages[*]:+ on Debian with ${packages[*]}}"
  rm -rf "${WORK_DIR:?}/$name"
  mkdir -p "$WORK_DIR/$name"
  rootfs="$WORK_DIR/$name/rootfs"
  if [[ ${#packages[@]} -gt 0 ]]; then
    ko_app_debian "$name" "$rootfs"
  else
    ko_app_base "$rootfs"
  fi
  # Links the command line expects ({"/sbin/tini": "/usr/bin/tini"}); the target must exist.
  while IFS=$'\t' read -r link target; do
    [[ -n "$link" ]] || continue
    [[ -e "$rootfs$target" ]] || die "$name: $target (for the link $link) is not in the image"
    mkdir -p "$(dirname "$rootfs$link")"
    ln -sfn "$target" "$rootfs$link"
  done < <(spec "$name" '.links // {} | to_entries[] | [.key, .value] | @tsv')
  install -d -m 0755 "$rootfs$KO_APP_DIR" "$rootfs$KO_DATA_DIR"
  install -m 0755 "$binary" "$rootfs$KO_APP_DIR/$command"
  # kodata as ko copies it: links followed (the module's LICENSE), files readable by all.
  if [[ -d "$kodata" ]]; then
    cp -rL "$kodata/." "$rootfs$KO_DATA_DIR/"
    chmod -R a+rX,go-w "$rootfs$KO_DATA_DIR"
  fi
  pack_image "$reference" "$rootfs" "$config" \
    "tools/images: ko layout, $import_path@$module_version at $KO_APP_DIR/$command${packages[*]:+, Debian with ${packages[*]}}"
  rm -rf "${WORK_DIR:?}/$name"
  echo "$want" >"$STAMP_DIR/$name"
  report "$name" "$reference" "$start"
}
