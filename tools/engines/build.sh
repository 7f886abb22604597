#!/usr/bin/env bash
# Builds the real engines used by `npm run test:cluster` into .engines/bin (ignored by git).
#
#   tools/engines/build.sh            build every group that is missing or stale
#   tools/engines/build.sh k8s kwok   build only these groups
#
# Groups (module in tools/engines/ -> binaries):
#   k8s          k8s128      -> kube-apiserver kube-controller-manager kube-scheduler kubectl
#   node         k8s128      -> kubelet kube-proxy (a real node; same k8s.io/kubernetes v1.28.15)
#   kwok         kwok        -> kwok (fake nodes), plus its stock Stage configs
#   tekton       tekton      -> pipelines-controller el-sink core-interceptors tekton-admission
#   tekton-admission tekton  -> tekton-admission alone (Tekton's admission offline; `k8s-practice
#                               validate` runs it; the tekton group builds it too)
#   gogs         gogs        -> gogs
#   kube-router  kube-router -> kube-router (run only as the NetworkPolicy firewall)
#   coredns      coredns     -> coredns (minimal: kubernetes cache errors log health ready)
#   tekton-images tekton     -> Tekton's own commands, static, for the images a real node runs
#                               (tools/images): .engines/bin/tekton/pipeline/{controller webhook
#                               entrypoint nop workingdirinit sidecarlogresults resolvers events}
#                               and .engines/bin/tekton/triggers/{controller webhook
#                               eventlistenersink interceptors}
#   kaniko       kaniko      -> executor (kaniko's image builder; static, for its stand-in image)
#   kubectl-static k8s128    -> static/kubectl (CGO_ENABLED=0, as Kubernetes releases it: the
#                               kubectl stand-in image has no libc; .engines/bin/kubectl stays)
#   validation   validation  -> validation-engine (kube-apiserver 1.28.15's create/update path, offline;
#                               `k8s-practice validate` runs it)
#   validation-wasm validation -> .engines/wasm/validation-engine.wasm (the same, GOOS=wasip1)
#   tekton-wasm  tekton      -> .engines/wasm/tekton-admission.wasm (tekton-admission, GOOS=wasip1)
#
# Go's module and build caches (GOMODCACHE, GOCACHE) are reused, so a warm rebuild links only.
# Each group prints its wall time. The binaries are rebuilt when go.mod/go.sum of their module
# or their own Go sources changed since the last build (a stamp file per group records the hash).
set -euo pipefail
ENGINES_DIR="$(cd "$(dirname "$0")" && pwd)"
REPO_DIR="$(cd "$ENGINES_DIR/../.." && pwd)"
BIN_DIR="$REPO_DIR/.engines/bin"
STAMP_DIR="$REPO_DIR/.engines/stamps"
mkdir -p "$BIN_DIR" "$STAMP_DIR"
export GOTOOLCHAIN=local
export GOFLAGS="${GOFLAGS:-} -trimpath"

if ! command -v go >/dev/null; then
  echo "build.sh: Go is not installed. Install Go >= 1.22 (this project is tested with Go 1.26)." >&2
  exit 3
fi

K8S_VERSION=v1.28.15
# Without these the binaries report v0.0.0-master, and clients that check the server version
# (kubectl skew warnings, knative-based Tekton) misbehave.
k8s_ldflags() {
  local flags="" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=28"
    flags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  echo "-s -w$flags"
}

# build_group NAME MODULE_DIR LDFLAGS PACKAGE... — into $BIN_DIR, or into $GROUP_BIN_DIR when set
# (a folder of its own: static variants, and commands whose names clash: controller, webhook).
build_group() {
  local name="$1" module="$2" ldflags="$3"
  shift 3
  local stamp="$STAMP_DIR/$name" out="${GROUP_BIN_DIR:-$BIN_DIR}"
  local want
  # Stale when the module's pins, its own Go sources or this script change.
  want="$(cat "$0" "$ENGINES_DIR/$module/go.mod" "$ENGINES_DIR/$module/go.sum" \
    $(find "$ENGINES_DIR/$module" -name '*.go' | LC_ALL=C sort) | sha256sum | cut -d' ' -f1)"
  local missing=0 pkg
  for pkg in "$@"; do [[ -x "$out/$(basename "$pkg")" ]] || missing=1; done
  if [[ $missing == 0 && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "engines: $name is up to date"
    return
  fi
  local start=$SECONDS
  echo "engines: building $name ($*)"
  mkdir -p "$out"
  (cd "$ENGINES_DIR/$module" && go build -ldflags "$ldflags" -o "$out/" "$@")
  echo "$want" >"$stamp"
  echo "engines: built $name in $((SECONDS - start)) s"
}

# kube-router's --version reports what its Makefile stamps in; take the pinned module version.
kube_router_ldflags() {
  local pkg=github.com/cloudnativelabs/kube-router/v2 version
  version="$(cd "$ENGINES_DIR/kube-router" && go list -m -f '{{.Version}}' "$pkg")"
  echo "-s -w -X $pkg/pkg/version.Version=$version -X $pkg/pkg/version.BuildDate=1970-01-01T00:00:00Z"
}

# kaniko's `executor version` prints what its Makefile stamps in; take the pinned module version.
kaniko_ldflags() {
  local pkg=github.com/GoogleContainerTools/kaniko version
  version="$(cd "$ENGINES_DIR/kaniko" && go list -m -f '{{.Version}}' "$pkg")"
  echo "-s -w -X $pkg/pkg/version.version=$version"
}

# build_wasm NAME MODULE_DIR PACKAGE OUTPUT LDFLAGS [PREPARE [SNAPSHOT]] — one command as WebAssembly
# (GOOS=wasip1, run by Node's WASI) into .engines/wasm/OUTPUT, from the same sources as the
# native build. PREPARE, when given, is a script of the module (run there with a build folder,
# .engines/wasm-build, ignored by git) that writes a go.mod for the build (-modfile): the
# validation engine's (validation/wasm/prepare.sh) points six dependencies at copies in which
# the files that cannot build for wasip1 (Unix syscalls) or that only the etcd storage needs
# are replaced by our stand-ins (validation/wasm/stubs). SNAPSHOT, when given, is a script of
# the module: the command is then built as a WASI reactor (-buildmode=c-shared, Go >= 1.24),
# and the script runs its package initialisation once here and keeps it in the module, so that
# a run starts initialised (validation/wasm/snapshot.js). GOWASM=satconv,signext: two
# WebAssembly features every Node the package supports has (about 10% faster here). Stale when
# the module, its sources, the stubs, its scripts or this script change.
build_wasm() {
  local name="$1" module="$ENGINES_DIR/$2" pkg="$3" output="$4" ldflags="$5" prepare="${6:-}" snapshot="${7:-}"
  local out="$REPO_DIR/.engines/wasm" work="$REPO_DIR/.engines/wasm-build"
  local stamp="$STAMP_DIR/$name" want
  want="$(cat "$0" "$module/go.mod" "$module/go.sum" \
    $(find "$module" \( -name '*.go' -o -name '*.stub' -o -name '*.sh' -o -name '*.js' \) | LC_ALL=C sort) | sha256sum | cut -d' ' -f1)"
  if [[ -f "$out/$output" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "engines: $name is up to date"
    return
  fi
  if [[ -n "$snapshot" ]]; then
    local minor
    minor="$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')"
    if [[ "$minor" =~ ^[0-9]+$ ]] && ((minor < 24)); then
      echo "build.sh: $name needs Go >= 1.24 (go:wasmexport, c-shared for wasip1); this is $(go env GOVERSION)" >&2
      exit 3
    fi
  fi
  local start=$SECONDS
  echo "engines: building $name ($pkg, GOOS=wasip1 GOARCH=wasm)"
  mkdir -p "$out" "$work"
  local modfile=()
  if [[ -n "$prepare" ]]; then
    (cd "$module" && bash "$prepare" "$work")
    modfile=(-modfile "$work/go.mod")
  fi
  if [[ -n "$snapshot" ]]; then
    (cd "$module" && GOWASM=satconv,signext GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared "${modfile[@]}" \
      -ldflags "$ldflags" -o "$work/$output.reactor" "$pkg")
    node --no-warnings "$module/$snapshot" "$work/$output.reactor" "$out/$output.tmp"
  else
    (cd "$module" && GOWASM=satconv,signext GOOS=wasip1 GOARCH=wasm go build "${modfile[@]}" -ldflags "$ldflags" \
      -o "$out/$output.tmp" "$pkg")
  fi
  mv "$out/$output.tmp" "$out/$output"
  echo "$want" >"$stamp"
  echo "engines: built $name in $((SECONDS - start)) s ($(du -m "$out/$output" | cut -f1) MB)"
}

known_groups=(k8s node kwok tekton tekton-admission gogs kube-router coredns tekton-images kaniko kubectl-static validation validation-wasm
  tekton-wasm)
groups=("$@")
[[ ${#groups[@]} -gt 0 ]] || groups=("${known_groups[@]}")
# Refuse a misspelt group before building anything.
for group in "${groups[@]}"; do
  if [[ " ${known_groups[*]} " != *" $group "* ]]; then
    echo "build.sh: unknown group '$group' (known: ${known_groups[*]})" >&2
    exit 2
  fi
done
for group in "${groups[@]}"; do
  case "$group" in
    k8s)
      build_group k8s k8s128 "$(k8s_ldflags)" \
        k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
        k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
      ;;
    kubectl-static)
      # The kubectl of the registry.k8s.io/kubectl stand-in: static, as hack/lib/golang.sh builds
      # it for a release (KUBE_STATIC_LIBRARIES). Its own folder: the cluster tooling keeps the
      # cgo kubectl of the k8s group in .engines/bin.
      GROUP_BIN_DIR="$BIN_DIR/static" CGO_ENABLED=0 build_group kubectl-static k8s128 "$(k8s_ldflags)" \
        k8s.io/kubernetes/cmd/kubectl
      ;;
    node)
      # A real node's kubelet and kube-proxy, from the same module and version as the control
      # plane. A group of its own so that kwok-only users do not pay for building the kubelet.
      build_group node k8s128 "$(k8s_ldflags)" \
        k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-proxy
      ;;
    kwok)
      build_group kwok kwok "-s -w" sigs.k8s.io/kwok/cmd/kwok
      # kwok refuses to start without Stage configurations; the stock ones ship in its module.
      kwok_dir="$(cd "$ENGINES_DIR/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)"
      mkdir -p "$REPO_DIR/.engines/kwok-stages"
      install -m 0644 "$kwok_dir"/kustomize/stage/node/fast/node-initialize.yaml \
        "$kwok_dir"/kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
        "$kwok_dir"/kustomize/stage/pod/fast/pod-ready.yaml \
        "$kwok_dir"/kustomize/stage/pod/fast/pod-complete.yaml \
        "$kwok_dir"/kustomize/stage/pod/fast/pod-delete.yaml \
        "$REPO_DIR/.engines/kwok-stages/"
      ;;
    tekton)
      # Our loopback wrappers of Tekton's Pipelines controller and of Triggers' sink and core
      # interceptors, and the in-process admission check (tools/engines/tekton/cmd/*). Static, as
      # tekton-images is: one compiled copy of the module's packages in Go's cache serves both
      # (with cgo every package above net would be compiled twice).
      CGO_ENABLED=0 build_group tekton tekton "-s -w" ./cmd/pipelines-controller \
        ./cmd/el-sink ./cmd/core-interceptors ./cmd/tekton-admission
      # The Triggers release's ClusterRoles and core ClusterInterceptors, from its module.
      triggers_dir="$(cd "$ENGINES_DIR/tekton" && go list -m -f '{{.Dir}}' github.com/tektoncd/triggers)"
      mkdir -p "$REPO_DIR/.engines/tekton-release"
      install -m 0644 "$triggers_dir"/config/200-clusterrole.yaml "$REPO_DIR/.engines/tekton-release/"
      # The Pipelines release's namespace and config-* ConfigMaps, which its controller reads.
      pipeline_dir="$(cd "$ENGINES_DIR/tekton" && go list -m -f '{{.Dir}}' github.com/tektoncd/pipeline)"
      mkdir -p "$REPO_DIR/.engines/tekton-release/pipeline-config"
      install -m 0644 "$pipeline_dir"/config/100-namespace/100-namespace.yaml "$pipeline_dir"/config/config-*.yaml \
        "$REPO_DIR/.engines/tekton-release/pipeline-config/"
      ;;
    tekton-admission)
      CGO_ENABLED=0 build_group tekton-admission tekton "-s -w" ./cmd/tekton-admission
      ;;
    tekton-wasm)
      # Every dependency of tekton-admission builds for wasip1 as it is: no stand-ins.
      build_wasm tekton-wasm tekton ./cmd/tekton-admission tekton-admission.wasm "-s -w"
      ;;
    gogs)
      build_group gogs gogs "-s -w" gogs.io/gogs
      ;;
    kube-router)
      build_group kube-router kube-router "$(kube_router_ldflags)" \
        github.com/cloudnativelabs/kube-router/v2/cmd/kube-router
      ;;
    coredns)
      # Our own main package (tools/engines/coredns/cmd/coredns), not CoreDNS's all-plugin build.
      # Static (no cgo): it runs in an image that holds nothing but this file, without a libc.
      CGO_ENABLED=0 build_group coredns coredns "-s -w" ./cmd/coredns
      ;;
    tekton-images)
      # Tekton's upstream commands, as its release builds them with ko (one image per command,
      # the binary at /ko-app/<command>; tools/images packs them): every cmd/* the release
      # manifests in tools/cluster/tekton-release/ reference. Static (no cgo): the entrypoint
      # binary is copied into every step container and must run in any image; the others run
      # in images without a libc. Own folders: pipeline and triggers both have a controller
      # and a webhook.
      CGO_ENABLED=0 GROUP_BIN_DIR="$BIN_DIR/tekton/pipeline" build_group tekton-images-pipeline tekton "-s -w" \
        github.com/tektoncd/pipeline/cmd/controller github.com/tektoncd/pipeline/cmd/webhook \
        github.com/tektoncd/pipeline/cmd/entrypoint github.com/tektoncd/pipeline/cmd/nop \
        github.com/tektoncd/pipeline/cmd/workingdirinit github.com/tektoncd/pipeline/cmd/sidecarlogresults \
        github.com/tektoncd/pipeline/cmd/resolvers github.com/tektoncd/pipeline/cmd/events
      CGO_ENABLED=0 GROUP_BIN_DIR="$BIN_DIR/tekton/triggers" build_group tekton-images-triggers tekton "-s -w" \
        github.com/tektoncd/triggers/cmd/controller github.com/tektoncd/triggers/cmd/webhook \
        github.com/tektoncd/triggers/cmd/eventlistenersink github.com/tektoncd/triggers/cmd/interceptors
      ;;
    kaniko)
      # Static (no cgo), as kaniko's own Makefile builds it: its image has no libc.
      CGO_ENABLED=0 build_group kaniko kaniko "$(kaniko_ldflags)" github.com/GoogleContainerTools/kaniko/cmd/executor
      ;;
    validation)
      build_group validation validation "$(k8s_ldflags)" ./cmd/validation-engine
      ;;
    validation-wasm)
      build_wasm validation-wasm validation ./cmd/validation-engine validation-engine.wasm "$(k8s_ldflags)" wasm/prepare.sh wasm/snapshot.js
      ;;
    *)
      echo "build.sh: group '$group' has no build steps" >&2
      exit 2
      ;;
  esac
done
