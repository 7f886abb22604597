#!/usr/bin/env bash
# Prepares the WebAssembly (GOOS=wasip1) build of the validation engine in OUT (a build folder,
# ignored by git): a go.mod that is the module's own plus `replace` lines pointing six
# dependencies at copies of themselves, made here from Go's module cache, in which the files
# that cannot build for wasip1 (Unix syscalls; the engine never runs that code) are left out
# and our stand-ins (stubs/*.go.stub) take their place. Nothing is copied into the repository
# and the native build does not use this.
#
#   prepare.sh OUT     (run from tools/engines/validation)
set -euo pipefail
out="$1"
here="$(cd "$(dirname "$0")" && pwd)"
rm -rf "$out/mod"
mkdir -p "$out/mod"

# module  copy-name  files-to-leave-out (space separated, relative)  stub  stub-destination
plan=(
  "go.etcd.io/etcd/client/pkg/v3|etcd-client-pkg|transport/sockopt_unix.go|etcd-transport|transport"
  "go.etcd.io/etcd/client/pkg/v3|etcd-client-pkg|fileutil/lock_flock.go fileutil/lock_unix.go|etcd-fileutil|fileutil"
  "github.com/prometheus/procfs|procfs|fs_statfs_type.go|procfs|."
  "github.com/coreos/go-systemd/v22|go-systemd|journal/journal_unix.go|go-systemd-journal|journal"
  "k8s.io/cloud-provider|cloud-provider|options/*.go|cloud-provider-options|options"
  "k8s.io/apiserver|apiserver|pkg/storage/storagebackend/factory/*.go|apiserver-storage-factory|pkg/storage/storagebackend/factory"
  "k8s.io/apiserver|apiserver|pkg/storage/storagebackend/*.go|apiserver-storagebackend|pkg/storage/storagebackend"
)
cp go.mod "$out/go.mod"
cp go.sum "$out/go.sum"
declare -A copied=()
for entry in "${plan[@]}"; do
  IFS='|' read -r module name drop stub dest <<<"$entry"
  if [[ -z "${copied[$name]:-}" ]]; then
    dir="$(go list -m -f '{{.Dir}}' "$module")"
    cp -r "$dir" "$out/mod/$name"
    chmod -R u+w "$out/mod/$name"
    # A replace already in go.mod (the staging modules) is rewritten, else one is added.
    if grep -q "^[[:space:]]*$module =>" "$out/go.mod"; then
      sed -i "s#^\([[:space:]]*\)$module => .*#\1$module => $out/mod/$name#" "$out/go.mod"
    else
      printf 'replace %s => %s\n' "$module" "$out/mod/$name" >>"$out/go.mod"
    fi
    copied[$name]=1
  fi
  for file in $drop; do
    # shellcheck disable=SC2086 # globs on purpose
    rm -f "$out/mod/$name/"$file
  done
  cp "$here/stubs/$stub.go.stub" "$out/mod/$name/$dest/zz_wasip1_stub_$stub.go"
done
