# shellcheck shell=bash
# Exercise 8's images, sourced by tools/images/check.sh (after the exercise-5 "pod"): the CI
# pipeline of dist/08-ci-pipeline.k8s.yaml in miniature, in a second private network namespace
# (loopback only), each container run the way dist/08 runs it (user, read-only root filesystem,
# capabilities dropped, emptyDirs as tmpfs) with the files of dist/08's ConfigMaps:
#  - registry as uid 1000 (data: a folder of group 1000, as the PVC with fsGroup 1000) with dist's config.yml and notification endpoint (pointed at a BusyBox
#    `nc -l` standing in for the EventListener) answers /v2/; the nginx stand-in is pushed into
#    it as the demo app's base image (base/nginx-unprivileged:1.27-alpine);
#  - gogs as uid 1000 with dist's command and app.ini answers /healthcheck and SSH on 2222 (host
#    keys made by ssh-keygen); an admin and a repository are made, and the git image, as uid
#    65532, pushes a Dockerfile (FROM the base) and an index.html;
#  - dist's git-clone script runs in the git image as uid 65532 and checks the commit out;
#  - kaniko, as root with dist's flags, builds the checkout and pushes it to the registry, which
#    notifies the endpoint; the pushed image is pulled and serves the new page;
#  - node as uid 1000 runs dist's interceptor script: a signed request passes, a forged one not;
#  - kubectl as uid 65532 with HOME=/tmp prints its version and sets an image (--local).
# Parts whose images were not built (optional ones, without their binary) print SKIP.
# Uses check.sh's ctr_, run, exec_in, expect, pass, fail, ref, DROP_ALL, TMP and cleanup.

DIST8="$REPO_DIR/dist/08-ci-pipeline.k8s.yaml"
CI="$TMP/ci"
# (an emptyDir; runc keeps the mode of the folder it covers when the image has one)
TMPFS=",options=rw:nosuid:nodev:mode=1777"
REGISTRY_TOKEN="check-registry-token"
GOGS_PASSWORD="check-Passw0rd"
WEBHOOK_SECRET="check-webhook-secret"
BASE_IMAGE="127.0.0.1:5000/$(jq -r .demoAppBase.repository "$SPEC")"
WEB_ROOT="$(jq -r .demoAppBase.webRoot "$SPEC")"
APP_IMAGE="127.0.0.1:5000/gitadmin/demo-app:check"

skip() { echo "SKIP $*"; }
# have NAME — whether the image NAME of the spec was built (is in the index).
have() { jq -e --arg ref "$(ref "$1")" '.images[] | select(.reference == $ref)' "$INDEX" >/dev/null; }
archive_of() { jq -r --arg ref "$(ref "$1")" '.images[] | select(.reference == $ref) | .archive' "$INDEX"; }
# dist_block KEY INDENT — the literal block `KEY: |` (the first one at INDENT spaces) of dist/08.
dist_block() {
  awk -v head="$(printf '%*s' "$2" '')$1: |" -v ind="$(($2 + 2))" '
    $0 == head { on = 1; next }
    on && /^$/ { print; next }
    on && substr($0, 1, ind) == sprintf("%*s", ind, "") { print substr($0, ind + 1); next }
    on { exit }' "$DIST8"
}
# poll PATTERN TRIES COMMAND... — COMMAND every 0.5 s until its output matches PATTERN, at most
# TRIES times; prints the last output.
poll() {
  local pattern="$1" tries="$2" out="" i
  shift 2
  for ((i = 0; i < tries; i++)); do
    out="$("$@")"
    grep -qE -- "$pattern" <<<"$out" && break
    sleep 0.5
  done
  printf '%s' "$out"
}
# exec_bg ID USER LOG COMMAND... — a detached process in a running container, output to LOG.
exec_bg() {
  local id="$1" user="$2" log="$3"
  shift 3
  ctr_ tasks exec --detach --log-uri "file://$log" --exec-id "bg-$RANDOM" --user "$user" "$id" "$@"
}
# volume NAME — a folder for a PersistentVolumeClaim that the pod's fsGroup 1000 can write (not a
# tmpfs: runc gives a tmpfs the mode of the image's folder under it, root's 0755 here).
volume() {
  install -d -o 0 -g 1000 -m 2775 "$CI/$1"
  echo "$CI/$1"
}
ci_get() { exec_in ci-shell 65534 wget -qO- -T 5 "$@"; }
in_ci_netns() { ip netns exec "$NETNS_CI" "$@"; }

echo "== exercise 8 (dist/08-ci-pipeline.k8s.yaml), network namespace $NETNS_CI"
ip netns add "$NETNS_CI"
ip -n "$NETNS_CI" link set lo up
# shellcheck disable=SC2034 # read by check.sh's run
RUN_NETNS="$NETNS_CI"
mkdir -p "$CI"
run ci-shell "$BUSYBOX" -- sleep 3600

# --- registry
registry_up=0
if have registry; then
  mkdir -p "$CI/registry-etc"
  dist_block config.yml 2 >"$CI/registry-etc/config.yml"
  endpoints="$(sed -n "s/^ *value: '\(\[{\"name\":\"tekton\".*\)'\$/\1/p" "$DIST8")"
  endpoints="${endpoints//\$(ENDPOINT_TOKEN_0)/$REGISTRY_TOKEN}"
  endpoints="${endpoints//http:\/\/el-registry-push.ci.svc.cluster.local:8080\//http://127.0.0.1:8089/}"
  expect "dist/08 has the registry's config.yml and notification endpoint" "$(grep -c . "$CI/registry-etc/config.yml") $endpoints" '^[1-9][0-9]* \[\{"name":"tekton","url":"http://127\.0\.0\.1:8089/"'
  # (stdin kept open: BusyBox nc quits at its end of input, before the request arrives)
  run ci-listener "$BUSYBOX" -- sh -c 'sleep 600 | nc -l -p 8089'
  run ci-registry "$(ref registry)" "${DROP_ALL[@]}" --mount "type=bind,src=$(volume registry-data),dst=/var/lib/registry,options=rbind:rw" \
    --mount "type=tmpfs,src=tmpfs,dst=/tmp$TMPFS" --mount "type=bind,src=$CI/registry-etc,dst=/etc/docker/registry,options=rbind:ro" \
    --env "REGISTRY_NOTIFICATIONS_ENDPOINTS=$endpoints" -- sleep 3600
  # The image's entrypoint and cmd (what the Deployment runs), as the Deployment's user 1000.
  exec_bg ci-registry 1000:1000 "$TMP/ci-registry.log" /entrypoint.sh /etc/docker/registry/config.yml
  out="$(poll '^\{\}$' 40 ci_get http://127.0.0.1:5000/v2/)"
  expect "registry: /entrypoint.sh config.yml serves /v2/ as uid 1000, read-only root, dist's config.yml" "$out" '^\{\}$'
  [[ "$out" == '{}' ]] && registry_up=1
  expect "registry: \`registry --version\` (distribution 2.8)" "$(exec_in ci-registry 1000:1000 registry --version)" ' v?2\.8\.'
  if pushed="$(in_ci_netns skopeo copy --quiet --dest-tls-verify=false \
    "docker-archive:$OUT_DIR/$(archive_of "$(jq -r .demoAppBase.image "$SPEC")")" "docker://$BASE_IMAGE" 2>&1)"; then
    pushed+=pushed
  fi
  expect "the nginx stand-in is pushed into the registry as the demo app's base ($BASE_IMAGE)" "$pushed" 'pushed$'
else
  skip "registry: not built"
fi

# --- the demo app's source: a Dockerfile FROM the base, and a page
mkdir -p "$CI/src" "$CI/workspace" "$CI/results" "$CI/kaniko-results"
printf 'FROM %s\nCOPY index.html %s/index.html\n' "$BASE_IMAGE" "$WEB_ROOT" >"$CI/src/Dockerfile"
echo '<h1>demo app, built by kaniko in tools/images/check.sh</h1>' >"$CI/src/index.html"
# The workspace volume: root's, group 65532 (the PipelineRun's fsGroup); results: Tekton's.
chown 0:65532 "$CI/workspace"
chmod 2775 "$CI/workspace"
touch "$CI/workspace/.left-by-an-earlier-run"
chmod 1777 "$CI/results" "$CI/kaniko-results"

# --- gogs, then git: push, and dist's git-clone script
cloned=0
if have gogs && have git; then
  mkdir -p "$CI/gogs-etc"
  dist_block app.ini 2 >"$CI/gogs-etc/app.ini"
  gogs_command="$(grep -A1 -- '^ *- -c$' "$DIST8" | sed -n 's/^ *- \(mkdir .*gogs web.*\)$/\1/p')"
  expect "dist/08 has Gogs' app.ini and command" "$(grep -c . "$CI/gogs-etc/app.ini") $gogs_command" '^[1-9][0-9]* mkdir -p /data/gogs /data/git && exec /app/gogs/gogs web'
  run ci-gogs "$(ref gogs)" "${DROP_ALL[@]}" --mount "type=bind,src=$(volume gogs-data),dst=/data,options=rbind:rw" \
    --mount "type=tmpfs,src=tmpfs,dst=/tmp$TMPFS" --mount "type=bind,src=$CI/gogs-etc,dst=/etc/gogs,options=rbind:ro" \
    --env GOGS_CUSTOM=/data/gogs --env USER=git --env HOME=/data/git --env GOGS_SECRET_KEY=check-secret-key \
    -- /bin/sh -c "$gogs_command"
  out="$(poll 'OK' 120 ci_get http://127.0.0.1:3000/healthcheck)"
  expect "gogs: dist's command serves /healthcheck (read-only root, /data and /tmp emptyDirs)" "$out" 'OK'
  expect "gogs runs as uid 1000 (the image's user)" "$(uid_of "$(task_pid ci-gogs)")" '^1000$'
  expect "gogs: ssh-keygen made the built-in SSH server's host keys" "$(exec_in ci-gogs 1000:1000 ls /data/gogs/data/ssh)" 'gogs\.rsa'
  expect "gogs: the SSH server answers on 2222" "$(exec_in ci-shell 65534 sh -c 'nc -w 2 127.0.0.1 2222 </dev/null | head -1')" '^SSH-2\.0-'
  expect "gogs admin create-user" "$(exec_in ci-gogs 1000:1000 /app/gogs/gogs admin create-user --config /etc/gogs/app.ini \
    --name gitadmin --password "$GOGS_PASSWORD" --email gitadmin@example.com --admin)" 'created'
  # Gogs 0.14 takes the password (basic auth) only to make an access token; the token makes the repository.
  token="$(ci_get --header 'Content-Type: application/json' --header "Authorization: Basic $(printf 'gitadmin:%s' "$GOGS_PASSWORD" | base64)" \
    --post-data '{"name":"check"}' http://127.0.0.1:3000/api/v1/users/gitadmin/tokens | jq -r '.sha1 // empty' 2>/dev/null || true)"
  expect "gogs: the API makes gitadmin/demo-app" "$(ci_get --header 'Content-Type: application/json' --header "Authorization: token $token" \
    --post-data '{"name":"demo-app"}' http://127.0.0.1:3000/api/v1/user/repos)" '"full_name":"gitadmin/demo-app"'

  dist_block script 6 >"$CI/clone.sh"
  chmod 0755 "$CI/clone.sh"
  expect "dist/08 has the git-clone script" "$(head -1 "$CI/clone.sh") $(grep -c 'git fetch' "$CI/clone.sh")" '^#!/bin/sh [1-9]'
  run ci-git "$(ref git)" "${DROP_ALL[@]}" --mount "type=tmpfs,src=tmpfs,dst=/home/git$TMPFS" \
    --mount "type=bind,src=$CI/src,dst=/src,options=rbind:ro" --mount "type=bind,src=$CI/clone.sh,dst=/check/clone.sh,options=rbind:ro" \
    --mount "type=bind,src=$CI/workspace,dst=/workspace/output,options=rbind:rw" \
    --mount "type=bind,src=$CI/results,dst=/tekton/results,options=rbind:rw" --env HOME=/home/git -- sleep 3600
  # (single quotes: the container's shell expands these)
  # shellcheck disable=SC2016
  commit="$(exec_in ci-git 65532:65532 sh -c 'set -e; cp -r /src "$HOME/demo-app"; cd "$HOME/demo-app"
    git init -q -b main; git add .; git -c user.name=check -c user.email=check@example.com commit -qm "demo app"
    git push -q "$1" main; git rev-parse HEAD' sh "http://gitadmin:$GOGS_PASSWORD@127.0.0.1:3000/gitadmin/demo-app.git" | tail -1)"
  expect "git (uid 65532, read-only root) pushes the demo app to Gogs (receive-pack and hooks in the Gogs image)" "$commit" '^[0-9a-f]{40}$'
  clone_out="$(exec_in ci-git 65532:65532 env PARAM_URL=http://127.0.0.1:3000/gitadmin/demo-app.git PARAM_REVISION="$commit" \
    PARAM_DEPTH=1 PARAM_SUBMODULES=true PARAM_SSL_VERIFY=true PARAM_SUBDIRECTORY= PARAM_DELETE_EXISTING=true \
    PARAM_VERBOSE=false WORKSPACE_OUTPUT_PATH=/workspace/output RESULT_COMMIT_PATH=/tekton/results/commit \
    RESULT_URL_PATH=/tekton/results/url RESULT_COMMITTER_DATE_PATH=/tekton/results/committer-date /check/clone.sh)"
  printf '    %s\n' "$clone_out"
  expect "dist's git-clone script (uid 65532, HOME on an emptyDir) checks the pushed commit out" "$(cat "$CI/results/commit" 2>/dev/null)" "^$commit\$"
  expect "  ... into the emptied workspace, with its results" \
    "$(find "$CI/workspace" -mindepth 1 -maxdepth 1 -printf '%f\n' | LC_ALL=C sort | tr '\n' ' ')| $(cat "$CI/results/url" 2>&1)" '^\.git Dockerfile index\.html \| http://127\.0\.0\.1:3000/gitadmin/demo-app\.git$'
  [[ -f "$CI/workspace/Dockerfile" ]] && cloned=1
else
  skip "gogs and git: $(have gogs || echo 'gogs ')$(have git || echo 'git ')not built"
fi
if [[ $cloned == 0 ]]; then
  rm -f "$CI/workspace/.left-by-an-earlier-run"
  cp "$CI/src/Dockerfile" "$CI/src/index.html" "$CI/workspace/"
fi

# --- kaniko: build the checkout, push it; the registry notifies; the image runs
if have kaniko && [[ $registry_up == 1 ]]; then
  CONTAINERS+=(ci-kaniko)
  # As the Task's step: command /kaniko/executor, dist's args, root, workingDir the workspace;
  # a writable root filesystem (kaniko unpacks the base image into it).
  kaniko_out="$(timeout 600 ctr --address "$SOCK" --namespace k8s.io run --rm --runc-root "$TMP/runc" --fifo-dir "$TMP/fifo" --seccomp \
    --with-ns "network:/var/run/netns/$NETNS_CI" --cwd /workspace/source --env DOCKER_CONFIG=/kaniko/.docker \
    --mount "type=bind,src=$CI/workspace,dst=/workspace/source,options=rbind:rw" \
    --mount "type=bind,src=$CI/kaniko-results,dst=/tekton/results,options=rbind:rw" \
    "$(ref kaniko)" ci-kaniko /kaniko/executor --insecure --skip-tls-verify --dockerfile=./Dockerfile \
    --context=/workspace/source/./ "--destination=$APP_IMAGE" --digest-file=/tekton/results/IMAGE_DIGEST </dev/null 2>&1 || true)"
  echo "$kaniko_out" | tail -8 | sed 's/^/    /'
  digest="$(cat "$CI/kaniko-results/IMAGE_DIGEST" 2>/dev/null || true)"
  expect "kaniko (root, dist's args) builds FROM the registry's base and pushes $APP_IMAGE" "$digest" '^sha256:[0-9a-f]{64}$'
  expect "  ... the registry holds it at that digest" \
    "$(in_ci_netns skopeo inspect --tls-verify=false "docker://$APP_IMAGE" 2>&1 | jq -r .Digest 2>&1)" "^${digest:-none}\$"
  expect "the registry notified dist's endpoint (X-Registry-Token, a push event)" \
    "$(tr -d '\r' <"$TMP/ci-listener.log" | grep -E "^X-Registry-Token: $REGISTRY_TOKEN\$|\"action\": ?\"push\"" | sort -u | head -2 | tr '\n' ' ')" \
    "X-Registry-Token: $REGISTRY_TOKEN.*push|push.*X-Registry-Token: $REGISTRY_TOKEN"
  if [[ -n "$digest" ]]; then
    in_ci_netns ctr --address "$SOCK" --namespace k8s.io images pull --plain-http "${APP_IMAGE%:*}@$digest" >/dev/null 2>&1 || true
    run ci-demo "${APP_IMAGE%:*}@$digest" "${DROP_ALL[@]}" --mount "type=tmpfs,src=tmpfs,dst=/tmp$TMPFS" --
    expect "the pushed image runs as the demo app (uid 101, read-only root) and serves the new page" \
      "$(poll 'built by kaniko' 30 ci_get http://127.0.0.1:8080/)" 'built by kaniko'
  fi
else
  skip "kaniko: $(have kaniko && echo 'the registry is not up' || echo 'not built')"
fi

# --- node: dist's interceptor
if have node; then
  mkdir -p "$CI/interceptor" "$CI/webhook-secret"
  dist_block server.js 2 >"$CI/interceptor/server.js"
  printf '%s\n' "$WEBHOOK_SECRET" >"$CI/webhook-secret/secret"
  run ci-node "$(ref node)" "${DROP_ALL[@]}" --mount "type=bind,src=$CI/interceptor,dst=/opt/interceptor,options=rbind:ro" \
    --mount "type=bind,src=$CI/webhook-secret,dst=/etc/webhook-secret,options=rbind:ro" -- sleep 3600
  expect "node -e as uid 1000" "$(exec_in ci-node 1000:1000 node -e 'console.log(process.version, process.getuid())')" '^v[0-9]+\.[0-9]+\.[0-9]+ 1000$'
  # The Deployment's command and env (PORT 8081 here: the demo app has 8080).
  exec_bg ci-node 1000:1000 "$TMP/ci-node.log" env PORT=8081 SECRET_FILE=/etc/webhook-secret/secret node /opt/interceptor/server.js
  expect "node runs dist's interceptor script (uid 1000, read-only root)" "$(poll '^ok$' 30 ci_get http://127.0.0.1:8081/ready)" '^ok$'
  answers=()
  body='{"ref":"refs/heads/main","after":"0123456789abcdef0123456789abcdef01234567"}'
  for secret in "$WEBHOOK_SECRET" forged; do
    signature="$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$secret" | awk '{ print $NF }')"
    request="$(jq -nc --arg body "$body" --arg sig "$signature" '{body: $body, header: {"X-Gogs-Signature": [$sig]}}')"
    answers+=("$(ci_get --header 'Content-Type: application/json' --post-data "$request" http://127.0.0.1:8081/)")
  done
  expect "  ... it passes a request signed with the secret" "${answers[0]}" '"continue":true'
  expect "  ... and refuses a forged signature (PERMISSION_DENIED)" "${answers[1]}" '"continue":false.*"code":7'
else
  skip "node: not built"
fi

# --- kubectl
if have kubectl && [[ -x "$OUT_DIR/work/busybox-bin/busybox" ]]; then
  mkdir -p "$CI/manifests"
  cat >"$CI/manifests/deployment.yaml" <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: demo-app, namespace: ci}
spec:
  selector: {matchLabels: {app: demo-app}}
  template:
    metadata: {labels: {app: demo-app}}
    spec:
      containers: [{name: demo-app, image: docker.io/nginxinc/nginx-unprivileged:1.27-alpine}]
EOF
  # kubectl's image has no shell or sleep: a BusyBox from the build keeps the container up.
  run ci-kubectl "$(ref kubectl)" "${DROP_ALL[@]}" --mount "type=tmpfs,src=tmpfs,dst=/tmp$TMPFS" --env HOME=/tmp \
    --mount "type=bind,src=$OUT_DIR/work/busybox-bin/busybox,dst=/check/busybox,options=rbind:ro" \
    --mount "type=bind,src=$CI/manifests,dst=/check/manifests,options=rbind:ro" -- /check/busybox sleep 3600
  expect "kubectl version --client as uid 65532 (HOME=/tmp, read-only root)" \
    "$(exec_in ci-kubectl 65532:65532 /bin/kubectl version --client -o json)" '"gitVersion": "v1\.28\.15"'
  expect "kubectl set image (the deploy Task's command, --local)" "$(exec_in ci-kubectl 65532:65532 /bin/kubectl set image --local \
    -f /check/manifests/deployment.yaml "demo-app=${APP_IMAGE%:*}@sha256:$(printf '0%.0s' {1..64})" -o yaml)" \
    "image: ${APP_IMAGE%:*}@sha256:0{64}"
else
  skip "kubectl: not built (or no BusyBox binary in $OUT_DIR/work/busybox-bin)"
fi

for log in ci-registry ci-gogs ci-node; do
  [[ -s "$TMP/$log.log" ]] || continue
  echo "== $log's output (last lines)"
  tail -"${CHECK_LOG_LINES:-5}" "$TMP/$log.log" | sed 's/^/    /'
done
