# shellcheck shell=bash
# Part 5 of tools/images/check.sh (sourced, not run): Tekton's images (tools/images/ko-app.sh),
# those that were built, each started in the throw-away containerd of check.sh. Uses check.sh's
# run, split_run_args, exec_in, expect, ref and its containerd (SOCK, TMP, NETNS, DROP_ALL, BUSYBOX).
echo "== Tekton images (ko layout)"
ko_built=()
while IFS= read -r name; do
  jq -e --arg ref "$(ref "$name")" '.images[] | select(.reference == $ref)' "$INDEX" >/dev/null && ko_built+=("$name")
done < <(jq -r '.images[] | select(.builder == "ko-app") | .name' "$SPEC")
if [[ ${#ko_built[@]} == 0 ]]; then
  echo "    none built (tools/engines/build.sh tekton-images, then tools/images/build.sh): skipped"
else
  # A network namespace of their own (nginx holds port 8080, which the controllers' probes want).
  ip netns add "$NETNS-tekton"
  ip -n "$NETNS-tekton" link set lo up
  # run_once ID IMAGE [ctr run options...] -- [command...]: runs to its end (at most 40 s) as the
  # image's user, read-only root, capabilities dropped; prints its output, then "rc=N".
  run_once() {
    local id="$1" image="$2"
    shift 2
    split_run_args "$@"
    CONTAINERS+=("$id")
    timeout 40 ctr --address "$SOCK" --namespace k8s.io run --rm --runc-root "$TMP/runc" --fifo-dir "$TMP/fifo" \
      --seccomp --read-only --with-ns "network:/var/run/netns/$NETNS-tekton" "${DROP_ALL[@]}" "${RUN_OPTS[@]}" \
      "$image" "$id" "${RUN_COMMAND[@]}" </dev/null 2>&1 && echo "rc=0" || echo "rc=$?"
  }
  built() { [[ " ${ko_built[*]} " == *" $1 "* ]]; }
  oneline() { tr '\n' ' '; }
  # The flags the release's Deployments (and, for the sink, the Triggers controller) pass.
  CONTROLLER_ARGS=(-entrypoint-image "$(ref tekton-pipeline-entrypoint)" -nop-image "$(ref tekton-pipeline-nop)"
    -sidecarlogresults-image "$(ref tekton-pipeline-sidecarlogresults)" -workingdirinit-image "$(ref tekton-pipeline-workingdirinit)"
    -shell-image "$BUSYBOX" -shell-image-win mcr.microsoft.com/powershell:nanoserver)

  # Without a cluster: each command gets past its flags and start-up to the client configuration.
  for name in "${ko_built[@]}"; do
    case "$name" in
      tekton-pipeline-entrypoint | tekton-pipeline-nop | tekton-pipeline-workingdirinit | tekton-pipeline-sidecarlogresults) continue ;;
      tekton-pipeline-controller) command=(/ko-app/controller "${CONTROLLER_ARGS[@]}") ;;
      tekton-pipeline-resolvers) command=(/sbin/tini -- /ko-app/resolvers) ;; # the Deployment's command
      tekton-triggers-eventlistenersink) command=(/ko-app/eventlistenersink -el-name check -el-namespace default) ;;
      *) command=() ;;
    esac
    out="$(run_once "check-$name" "$(ref "$name")" --env SYSTEM_NAMESPACE=tekton-pipelines -- "${command[@]}" | oneline)"
    expect "$name starts (read-only root, no capabilities) and stops for want of a cluster" "$out" \
      'Error building kubeconfig: .*no configuration has been provided.* rc=1 $'
  done
  # In a pod's environment (SYSTEM_NAMESPACE, the API server's address, the ServiceAccount files: a
  # throw-away CA and token), the controller uses them and waits for the API server, which does not
  # exist in this network namespace (127.0.0.1:6443).
  if built tekton-pipeline-controller; then
    SA="$TMP/serviceaccount"
    mkdir -p "$SA"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=images-check -days 1 \
      -keyout /dev/null -out "$SA/ca.crt" 2>/dev/null
    echo images-check-token >"$SA/token"
    echo tekton-pipelines >"$SA/namespace"
    out="$(run_once check-controller-in-pod "$(ref tekton-pipeline-controller)" --env SYSTEM_NAMESPACE=tekton-pipelines \
      --env KUBERNETES_SERVICE_HOST=127.0.0.1 --env KUBERNETES_SERVICE_PORT=6443 \
      --mount "type=bind,src=$SA,dst=/var/run/secrets/kubernetes.io/serviceaccount,options=rbind:ro" \
      -- /ko-app/controller "${CONTROLLER_ARGS[@]}")"
    # (past the client configuration, it asks the API server for its config-logging ConfigMap)
    expect "the controller, in a pod's environment, builds its client from the ServiceAccount files and waits for the API server" \
      "$(oneline <<<"$out")" 'Readiness and health check server listening on port 8080 .*Error reading/parsing logging configuration: timed out .* rc=1 $'
  fi

  if built tekton-pipeline-entrypoint; then
    expect "entrypoint: /ko-app/entrypoint -help" \
      "$(run_once check-entrypoint-help "$(ref tekton-pipeline-entrypoint)" -- /ko-app/entrypoint -help)" 'Usage of /ko-app/entrypoint'
    # A TaskRun pod: the prepare init container copies the binary into /tekton/bin (an emptyDir).
    mkdir -p "$TMP/tekton/bin" "$TMP/tekton/steps" "$TMP/tekton/run/0"
    chmod -R 0777 "$TMP/tekton"
    out="$(run_once check-entrypoint-init "$(ref tekton-pipeline-entrypoint)" \
      --mount "type=bind,src=$TMP/tekton/bin,dst=/tekton/bin,options=rbind:rw" \
      --mount "type=bind,src=$TMP/tekton/steps,dst=/tekton/steps,options=rbind:rw" --cwd / \
      -- /ko-app/entrypoint init /ko-app/entrypoint /tekton/bin/entrypoint step-build)"
    expect "entrypoint init copies the binary as uid 65532 (the image's user)" \
      "$(oneline <<<"$out") $(stat -c 'owner=%u mode=%a' "$TMP/tekton/bin/entrypoint" 2>&1)" 'rc=0 +owner=65532 mode=311$'
    # The step: a busybox container runs its command under the copied entrypoint, as uid 65534.
    run check-step "$BUSYBOX" --mount "type=bind,src=$TMP/tekton,dst=/tekton,options=rbind:rw" -- sleep 600
    # (single quotes: the step's shell expands them)
    # shellcheck disable=SC2016
    out="$(exec_in check-step 65534 /tekton/bin/entrypoint -post_file /tekton/run/0/out \
      -termination_path /tekton/run/0/termination -step_metadata_dir /tekton/run/0/status \
      -entrypoint sh -- -c 'echo "hello from a step as uid $(id -u)"')"
    expect "the copied entrypoint runs a step in the busybox image and writes its post file" \
      "$(oneline <<<"$out") files: $(cd "$TMP/tekton/run/0" && find . -mindepth 1 -maxdepth 1 | sort | oneline)" 'hello from a step as uid 65534 .*files: .*\./out '
  fi
  if built tekton-pipeline-nop; then
    expect "nop exits 0" "$(run_once check-nop "$(ref tekton-pipeline-nop)" -- | oneline)" 'Exiting\.\.\. rc=0'
  fi
  if built tekton-pipeline-workingdirinit; then
    mkdir -p "$TMP/workspace"
    chmod 0777 "$TMP/workspace"
    out="$(run_once check-workingdirinit "$(ref tekton-pipeline-workingdirinit)" --cwd /workspace \
      --mount "type=bind,src=$TMP/workspace,dst=/workspace,options=rbind:rw" -- /ko-app/workingdirinit src/app /workspace/out)"
    expect "workingdirinit creates the steps' working directories" \
      "$(oneline <<<"$out")$(cd "$TMP/workspace" && find . -mindepth 1 -type d | sort | oneline)" 'rc=0 \./out \./src \./src/app'
  fi
  if built tekton-pipeline-sidecarlogresults; then
    expect "sidecarlogresults: /ko-app/sidecarlogresults -help" \
      "$(run_once check-sidecarlogresults "$(ref tekton-pipeline-sidecarlogresults)" -- /ko-app/sidecarlogresults -help)" '-results-dir'
  fi
  if built tekton-pipeline-resolvers; then
    expect "the resolvers image runs git and tini as uid 65532" \
      "$(run_once check-resolvers-git "$(ref tekton-pipeline-resolvers)" --env HOME=/tmp \
        --mount type=tmpfs,src=tmpfs,dst=/tmp,options=rw:nosuid:nodev:mode=1777 \
        -- /sbin/tini -- sh -c 'git --version; id -u' | oneline)" 'git version 2\.[0-9.]+ 65532 rc=0'
  fi
  # The static base: nonroot in /etc/passwd, the CA bundle, time zone data (read from the archive).
  if built tekton-pipeline-controller; then
    layers="$TMP/layers"
    mkdir -p "$layers"
    tar -xf "$OUT_DIR/$(jq -r --arg ref "$(ref tekton-pipeline-controller)" '.images[] | select(.reference == $ref) | .archive' "$INDEX")" -C "$layers"
    files="$(jq -r '.[].Layers[]' "$layers/manifest.json" | while IFS= read -r layer; do tar -tvf "$layers/$layer"; done)"
    expect "the controller image has ko's layout and static base" \
      "$(grep -oE '(etc/passwd|etc/nsswitch\.conf|etc/ssl/certs/ca-certificates\.crt|usr/share/zoneinfo/Etc/UTC|ko-app/controller|var/run/ko/LICENSE)$' <<<"$files" | sort | oneline)" \
      '^etc/nsswitch\.conf etc/passwd etc/ssl/certs/ca-certificates\.crt ko-app/controller usr/share/zoneinfo/Etc/UTC var/run/ko/LICENSE $'
  fi
fi
