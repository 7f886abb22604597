#!/usr/bin/env bash
# Checks the images tools/images/build.sh made, the way a node uses them:
#  1. `skopeo inspect` of every archive in .engines/images/index.json shows the user, entrypoint,
#     cmd, ports, environment and working directory tools/images/stand-ins.json asks for, and no
#     layer holds /etc/resolv.conf or /etc/hostname (the build host's must not ship);
#  2. a throw-away containerd (its own root, state and socket under a temporary folder, no CRI
#     plugin, nothing listening on TCP) imports every archive with `ctr -n k8s.io images import`
#     and lists it under exactly its reference;
#  3. a "pod" of three containers sharing a private network namespace and pause's PID namespace
#     (as in exercise 5): pause; nginx with a read-only root filesystem, all capabilities dropped
#     and a tmpfs on /tmp; busybox. It checks that nginx serves its page on 8080 (wget from both
#     containers), that `ps ax` as uid 101 shows /pause as PID 1 and nginx, that `kill -HUP`
#     reloads nginx, that `wget -T 2` times out instead of crashing, and that the tools
#     exercise 6 uses run as uid 65534;
#  4. exercise 8's images, in a second private network namespace (tools/images/check-ci.sh).
#  5. Tekton's images (tools/images/check-tekton.sh; built by ko-app.sh), those that were built: each long-running command
#     starts in its image (its user, a read-only root, all capabilities dropped)
#     and stops for want of a cluster configuration; the Pipelines controller, given a pod's
#     environment and ServiceAccount files, waits for an API server that does not exist here
#     (127.0.0.1:6443); the entrypoint image's
#     `/ko-app/entrypoint init` copies the binary into a /tekton/bin folder, and that copy runs a
#     step in the busybox image as uid 65534 (as in a TaskRun pod); nop exits 0; workingdirinit
#     creates a working directory; the resolvers image has git and /sbin/tini.
# Everything it starts is stopped by PID and everything it made is removed at exit.
#
#   tools/images/check.sh          (after tools/images/build.sh; needs root)
#   CHECK_LOG_LINES=30 tools/images/check.sh   (more of the servers' output at the end)
set -euo pipefail
IMAGES_DIR="$(cd "$(dirname "$0")" && pwd)"
REPO_DIR="$(cd "$IMAGES_DIR/../.." && pwd)"
OUT_DIR="$REPO_DIR/.engines/images"
SPEC="$IMAGES_DIR/stand-ins.json"
INDEX="$OUT_DIR/index.json"

[[ $EUID == 0 ]] || {
  echo "check.sh: run as root" >&2
  exit 1
}
for cmd in containerd ctr skopeo jq ip openssl; do
  command -v "$cmd" >/dev/null || {
    echo "check.sh: $cmd is missing (Debian: apt-get install containerd runc skopeo jq iproute2)" >&2
    exit 1
  }
done
[[ -f "$INDEX" ]] || {
  echo "check.sh: $INDEX is missing: run tools/images/build.sh first" >&2
  exit 1
}

failures=0
pass() { echo "PASS $*"; }
fail() {
  echo "FAIL $*"
  failures=$((failures + 1))
}
# expect DESCRIPTION ACTUAL PATTERN — passes when ACTUAL matches the extended regex PATTERN.
expect() {
  if grep -qE -- "$3" <<<"$2"; then pass "$1"; else fail "$1: got $(head -c 400 <<<"$2")"; fi
}

echo "== image configs (skopeo inspect)"
while IFS=$'\t' read -r reference archive; do
  name="$(jq -r --arg ref "$reference" '.images[] | select(.reference == $ref) | .name' "$SPEC")"
  actual="$(skopeo inspect --config "docker-archive:$OUT_DIR/$archive" | jq -c '.config | {
    User: (.User // ""), Entrypoint: (.Entrypoint // []), Cmd: (.Cmd // []),
    Ports: ((.ExposedPorts // {}) | keys | sort), Env: (.Env // []), WorkingDir: (.WorkingDir // "/")}')"
  wanted="$(jq -c --arg name "$name" '.images[] | select(.name == $name) | .config | {
    User: ((.user | tostring) + (if .group then ":" + (.group | tostring) else "" end) | if . == "0" then "0" else . end),
    Entrypoint: .entrypoint, Cmd: .cmd, Ports: (.ports | sort), Env: .env, WorkingDir: (.workingDir // "/")}' "$SPEC")"
  # An image without USER has user "" (root); the spec says 0.
  actual="$(jq -c 'if .User == "" then .User = "0" else . end' <<<"$actual")"
  if [[ "$actual" == "$wanted" ]]; then pass "$reference: $actual"; else fail "$reference: $actual, wanted $wanted"; fi
  leaked=""
  while IFS= read -r layer; do
    leaked+="$(tar -xOf "$OUT_DIR/$archive" "$layer" | tar -t | grep -E '^(\./)?etc/(resolv\.conf|hostname)$' || true)"
  done < <(tar -xOf "$OUT_DIR/$archive" manifest.json | jq -r '.[].Layers[]')
  if [[ -z "$leaked" ]]; then pass "$reference: no /etc/resolv.conf or /etc/hostname"; else fail "$reference ships $leaked"; fi
done < <(jq -r '.images[] | [.reference, .archive] | @tsv' "$INDEX")

echo "== containerd $(containerd --version | cut -d' ' -f3): import and run"
TMP="$(mktemp -d /tmp/images-check.XXXXXX)"
SOCK="$TMP/containerd.sock"
NETNS="images-check-$$"
NETNS_CI="images-check-ci-$$"
CONTAINERD_PID=""
CONTAINERS=()
# containerd 1.6 puts shim sockets under /run/containerd/s whatever its state dir: remove the
# folders at exit when this check created them (rmdir: only if empty, never another's sockets).
RUN_DIRS=()
[[ -e /run/containerd ]] || RUN_DIRS+=(/run/containerd/s /run/containerd)
ctr_() { ctr --address "$SOCK" --namespace k8s.io "$@"; }

cleanup() {
  local id
  set +e
  for id in "${CONTAINERS[@]}"; do
    ctr_ tasks kill --signal SIGKILL "$id" >/dev/null 2>&1
  done
  for id in "${CONTAINERS[@]}"; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      ctr_ tasks delete "$id" >/dev/null 2>&1 && break
      ctr_ tasks ls -q 2>/dev/null | grep -qx "$id" || break
      sleep 0.3
    done
    ctr_ containers delete "$id" >/dev/null 2>&1
  done
  if [[ -n "$CONTAINERD_PID" ]]; then
    kill "$CONTAINERD_PID" 2>/dev/null
    wait "$CONTAINERD_PID" 2>/dev/null
  fi
  ip netns delete "$NETNS" 2>/dev/null
  ip netns delete "$NETNS-tekton" 2>/dev/null
  ip netns delete "$NETNS_CI" 2>/dev/null
  # Nothing of ours may stay mounted (the snapshots' overlay mounts go with their tasks).
  local left
  left="$(grep -F "$TMP" /proc/self/mountinfo | cut -d' ' -f5 || true)"
  if [[ -n "$left" ]]; then
    echo "check.sh: unmounting leftovers: $left" >&2
    sort -r <<<"$left" | xargs -r -n1 umount -l
  fi
  rm -rf "$TMP"
  for dir in "${RUN_DIRS[@]}"; do rmdir "$dir" 2>/dev/null; done
  return 0
}
trap cleanup EXIT

cat >"$TMP/config.toml" <<EOF
version = 2
root = "$TMP/root"
state = "$TMP/state"
# No CRI (and so no CNI, no stream server) and no /opt installer: only images, snapshots, tasks.
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.internal.v1.opt"]
[grpc]
  address = "$SOCK"
  tcp_address = ""
[ttrpc]
  address = "$SOCK.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
EOF
containerd --config "$TMP/config.toml" >"$TMP/containerd.log" 2>&1 &
CONTAINERD_PID=$!
for _ in $(seq 1 50); do
  ctr_ version >/dev/null 2>&1 && break
  sleep 0.1
done
ctr_ version >/dev/null || {
  tail -20 "$TMP/containerd.log"
  exit 1
}

while IFS=$'\t' read -r reference archive; do
  ctr_ images import "$OUT_DIR/$archive" >/dev/null
  expect "ctr -n k8s.io images import $archive names it $reference" "$(ctr_ images ls -q)" "^${reference//./\\.}\$"
done < <(jq -r '.images[] | [.reference, .archive] | @tsv' "$INDEX")

ref() { jq -r --arg name "$1" '.images[] | select(.name == $name) | .reference' "$SPEC"; }
PAUSE="$(ref pause)"
NGINX="$(ref nginx)"
BUSYBOX="$(ref busybox)"

ip netns add "$NETNS"
ip -n "$NETNS" link set lo up
mkdir -p "$TMP/runc" "$TMP/fifo"
# run ID IMAGE [ctr run options...] -- [command...]: a detached container in the test's network
# namespace ($RUN_NETNS, else $NETNS). A command replaces the image's entrypoint and cmd (as a
# pod's `command` does).
# split_run_args [ctr run options...] -- [command...]: sets RUN_OPTS and RUN_COMMAND (run, run_once).
split_run_args() {
  RUN_OPTS=()
  while [[ $# -gt 0 && "$1" != -- ]]; do
    RUN_OPTS+=("$1")
    shift
  done
  [[ $# -gt 0 ]] && shift
  RUN_COMMAND=("$@")
}
run() {
  local id="$1" image="$2"
  shift 2
  split_run_args "$@"
  CONTAINERS+=("$id")
  ctr_ run --detach --runc-root "$TMP/runc" --fifo-dir "$TMP/fifo" --log-uri "file://$TMP/$id.log" \
    --seccomp --read-only --with-ns "network:/var/run/netns/${RUN_NETNS:-$NETNS}" "${RUN_OPTS[@]}" "$image" "$id" "${RUN_COMMAND[@]}"
}
task_pid() { ctr_ tasks ls | awk -v id="$1" '$1 == id { print $2 }'; }
exec_in() {
  local id="$1" user="$2"
  shift 2
  ctr_ tasks exec --fifo-dir "$TMP/fifo" --exec-id "check-$RANDOM" --user "$user" "$id" "$@" 2>&1 || true
}
uid_of() { awk '/^Uid:/ { print $2 }' "/proc/$1/status"; }

# ctr 1.6 has no `--cap-drop ALL`: drop each of its default capabilities (the pods drop ALL).
DROP_ALL=()
for cap in CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID SETUID SETFCAP SETPCAP NET_BIND_SERVICE SYS_CHROOT KILL AUDIT_WRITE; do
  DROP_ALL+=(--cap-drop "CAP_$cap")
done
run check-pause "$PAUSE" "${DROP_ALL[@]}" --
sleep 0.5
pause_pid="$(task_pid check-pause)"
expect "pause runs as uid 65535" "$(uid_of "$pause_pid")" '^65535$'
run check-nginx "$NGINX" "${DROP_ALL[@]}" --with-ns "pid:/proc/$pause_pid/ns/pid" \
  --mount type=tmpfs,src=tmpfs,dst=/tmp,options=rw:nosuid:nodev:mode=1777 --
run check-busybox "$BUSYBOX" --with-ns "pid:/proc/$pause_pid/ns/pid" -- sleep 600
page=""
for _ in $(seq 1 30); do
  page="$(exec_in check-nginx 101 wget -qO- -T 3 http://127.0.0.1:8080/)"
  grep -q 'Welcome to nginx' <<<"$page" && break
  sleep 0.3
done
expect "nginx serves its page on 8080 (read-only root, /tmp tmpfs); wget -T inside the nginx container" "$page" 'Welcome to nginx'
expect "nginx runs as uid 101" "$(uid_of "$(task_pid check-nginx)")" '^101$'
expect "wget from the busybox container" "$(exec_in check-busybox 65534 wget -qO- -T 3 http://127.0.0.1:8080/)" 'Welcome to nginx'
ps_out="$(exec_in check-busybox 101 ps ax)"
awk '{ print "    " $0 }' <<<"$ps_out"
expect "ps ax (uid 101) shows /pause as PID 1" "$ps_out" '^ +1 +65535 +[0-9:]+ /pause$|^ +1 65535 .*/pause'
expect "ps ax shows the nginx master" "$ps_out" 'nginx: master process'
master="$(awk '/nginx: master process/ { print $1; exit }' <<<"$ps_out")"
exec_in check-busybox 101 kill -HUP "$master" >/dev/null
sleep 1
expect "kill -HUP from the busybox container reloads nginx" "$(cat "$TMP/check-nginx.log")" 'SIGHUP|reconfiguring'
expect "nginx writes its pid file and temp paths under /tmp" "$(exec_in check-nginx 101 ls /tmp)" 'nginx\.pid'
expect "the access log goes to the container's output" "$(cat "$TMP/check-nginx.log")" '"GET / HTTP/1\.1" 200'
# (single quotes: the container's shell expands these)
# shellcheck disable=SC2016
timeout_out="$(exec_in check-busybox 65534 sh -c 'sleep 10 | nc -l -p 9000 >/dev/null & sleep 0.5; start=$(date +%s); wget -qO- -T 2 http://127.0.0.1:9000/; echo "rc=$? after $(($(date +%s) - start)) s"')"
expect "busybox wget -T 2 times out (no crash)" "$timeout_out" 'rc=1 after [2-4] s'
expect "exercise 6's tools as uid 65534 on a read-only root (env, sort, ls, cat)" \
  "$(exec_in check-busybox 65534 sh -c 'env | sort | head -1; ls -ld /tmp; cat /etc/passwd | cut -d: -f1 | tr "\n" " "')" 'root nobody'

echo "== nginx's output"
sed 's/^/    /' "$TMP/check-nginx.log"

# shellcheck source=tools/images/check-ci.sh
source "$IMAGES_DIR/check-ci.sh"
# shellcheck source=tools/images/check-tekton.sh
source "$IMAGES_DIR/check-tekton.sh"
echo "== $failures failure(s)"
[[ $failures == 0 ]]
