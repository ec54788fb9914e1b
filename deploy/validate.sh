#!/usr/bin/env bash
# Offline validation of the deployment files (no Docker engine, no cluster):
#   1. docker-compose.yml with docker-compose v1 (`apt-get install -y docker-compose`) or Compose v2;
#   2. the Docker build files: COPY sources exist and are not excluded by .dockerignore; shell syntax
#      and behaviour of the image's healthcheck script against a throwaway local HTTP server;
#   3. deploy/k8s: every kustomization rendered (kustomize or kubectl kustomize, when present) and
#      every manifest and rendered object validated with kubernetes-models (deploy/validate/k8s-validate.cjs).
# Usage: deploy/validate.sh            (from anywhere; npm packages go to $K8S_VALIDATE_PREFIX, default /tmp/k8s-validate)
# Ends with "N passed, N failed, N skipped"; exit status 1 when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0 failed=0 skipped=0
pass() { passed=$((passed + 1)); echo "ok   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
skip() { skipped=$((skipped + 1)); echo "SKIP $*"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ---- 1. compose -------------------------------------------------------------------------------
compose=()
if command -v docker-compose >/dev/null 2>&1; then compose=(docker-compose)
elif docker compose version >/dev/null 2>&1; then compose=(docker compose)
fi
if [ ${#compose[@]} -eq 0 ]; then
  skip "compose: neither docker-compose nor 'docker compose' installed (apt-get install -y docker-compose)"
else
  for profile in "" cpu gpu; do
    args=(-f docker-compose.yml); [ -n "$profile" ] && args+=(--profile "$profile")
    if out=$("${compose[@]}" "${args[@]}" config -q 2>&1); then pass "compose: ${compose[*]} config -q ${profile:+(profile $profile)}"
    else fail "compose: ${compose[*]} config -q ${profile:+(profile $profile)}: $out"; fi
  done
  # segmenter must scale: no container_name, no fixed host port.
  seg=$("${compose[@]}" -f docker-compose.yml config 2>/dev/null | awk '/^  segmenter:/{f=1;next} /^  [a-z]/{f=0} f')
  if [ -n "$seg" ] && ! grep -q 'container_name\|published\|ports:' <<<"$seg"; then pass "compose: segmenter has no container_name/host port (--scale works)"
  else fail "compose: segmenter must have no container_name or published port"; fi
fi

# ---- 2. Docker build files ----------------------------------------------------------------------
for df in deploy/docker/Dockerfile deploy/docker/Dockerfile.cuda; do
  # COPY lines without --from: each source must exist in the build context.
  while read -r src; do
    if [ -e "$src" ]; then pass "$df: COPY source $src exists"; else fail "$df: COPY source $src missing"; fi
  done < <(grep -E '^COPY ' "$df" | grep -v -- '--from' | awk '{for (i = 2; i < NF; i++) print $i}')
  grep -q '^USER 10001' "$df" && pass "$df: runs as non-root" || fail "$df: USER 10001 missing"
  grep -q '^HEALTHCHECK' "$df" && pass "$df: HEALTHCHECK" || fail "$df: HEALTHCHECK missing"
done
# .dockerignore must not hide what the Dockerfiles copy (last matching rule wins, as in Docker).
for f in pom.xml schemas services deploy/docker/healthcheck.sh; do
  verdict=keep
  while read -r rule; do
    case "$rule" in ''|'#'*) continue ;; esac
    neg=0; [ "${rule#!}" != "$rule" ] && { neg=1; rule=${rule#!}; }
    rule=${rule%/}
    # shellcheck disable=SC2053
    if [[ $f == $rule || $f == $rule/* ]]; then [ $neg = 1 ] && verdict=keep || verdict=drop; fi
  done < .dockerignore
  [ $verdict = keep ] && pass ".dockerignore keeps $f" || fail ".dockerignore excludes $f, which a Dockerfile copies"
done
hc=deploy/docker/healthcheck.sh
bash -n "$hc" && pass "$hc: bash syntax" || fail "$hc: bash syntax"
[ -x "$hc" ] && pass "$hc: executable" || fail "$hc: not executable"
if command -v node >/dev/null 2>&1; then
  # A local server answering like the services: 200 on /health/live. Bounded: exits after 20 s.
  node -e '
    const s = require("http").createServer((q, r) => { r.statusCode = q.url === "/health/live" ? 200 : 404; r.end("ok\n"); });
    s.listen(0, "127.0.0.1", () => { require("fs").writeFileSync(process.argv[1], String(s.address().port)); });
    setTimeout(() => process.exit(0), 20000);' "$work/port" &
  srv=$!
  for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
  port=$(cat "$work/port" 2>/dev/null)
  free=1   # tcp/1 on loopback: nothing listens there
  WSOL_METRICS_PORT=$port WSOL_RESULTS_HTTP_PORT=$free "$hc" && pass "$hc: healthy via metrics port" || fail "$hc: metrics port"
  WSOL_METRICS_PORT=$free WSOL_RESULTS_HTTP_PORT=$port "$hc" && pass "$hc: healthy via results port" || fail "$hc: results port"
  WSOL_METRICS_PORT=$free WSOL_RESULTS_HTTP_PORT=$free "$hc" && fail "$hc: reports healthy with nothing listening" || pass "$hc: unhealthy when nothing listens"
  kill "$srv" 2>/dev/null; wait "$srv" 2>/dev/null
else
  skip "$hc: behaviour test needs node"
fi

# ---- 3. Kubernetes -----------------------------------------------------------------------------
render=()
if command -v kustomize >/dev/null 2>&1; then render=(kustomize build)
elif command -v kubectl >/dev/null 2>&1 && kubectl kustomize --help >/dev/null 2>&1; then render=(kubectl kustomize)
fi
rendered=()
if [ ${#render[@]} -eq 0 ]; then
  skip "k8s render: no kustomize or kubectl; patch targets are still checked by k8s-validate.cjs"
else
  for o in deploy/k8s/overlays/*/; do
    name=$(basename "$o")
    if out=$("${render[@]}" "$o" 2>&1 >"$work/$name.yaml"); then pass "k8s render: ${render[*]} $o"; rendered+=("$work/$name.yaml")
    else fail "k8s render: ${render[*]} $o: $out"; fi
  done
fi
if ! command -v node >/dev/null 2>&1; then
  skip "k8s validate: node not installed"
else
  prefix=${K8S_VALIDATE_PREFIX:-/tmp/k8s-validate}
  if [ ! -d "$prefix/node_modules/kubernetes-models" ] || [ ! -d "$prefix/node_modules/yaml" ]; then
    npm install --silent --no-audit --no-fund --prefix "$prefix" kubernetes-models@4 yaml@2 >"$work/npm.log" 2>&1 \
      || { cat "$work/npm.log"; }
  fi
  if [ -d "$prefix/node_modules/kubernetes-models" ]; then
    out=$(K8S_VALIDATE_PREFIX=$prefix node deploy/validate/k8s-validate.cjs deploy/k8s "${rendered[@]}" 2>&1)
    rc=$?
    echo "$out" | grep -v '^[0-9]* passed, [0-9]* failed$'
    summary=$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -1)
    if [ $rc -eq 0 ]; then pass "k8s validate (kubernetes-models): $summary"; else fail "k8s validate (kubernetes-models): $summary"; fi
  else
    fail "k8s validate: npm install of kubernetes-models and yaml into $prefix failed"
  fi
fi

# ---- 4. environment variables ------------------------------------------------------------------
# Every WSOL_* variable the files set must be read by the services: a setting named in SettingKeys.java
# (SettingKeysTest holds it equal to Defaults.java's entries), a Kafka client property passed through
# (WSOL_KAFKA_*), or one of the launcher's own (WSOL_CONFIG, WSOL_JAVA_OPTS).
# (The formatter may break a constant and its value over two lines: read the file as one line.)
known=$(tr '\n' ' ' < services/common/src/main/java/org/wsol/common/config/SettingKeys.java \
  | grep -oE '= *"[a-z0-9.]+";' | sed -E 's/= *"//; s/";$//')
# Comments and compose's own ${VAR:-default} interpolations are not service settings.
envs=$(grep -rhvE '^\s*#' docker-compose.yml deploy/docker deploy/k8s | sed -E 's/\$\{WSOL_[A-Z0-9_]+//g' \
  | grep -oE '\bWSOL_[A-Z0-9_]+' | sort -u)
unknown=()
for v in $envs; do
  case "$v" in WSOL_KAFKA_*|WSOL_CONFIG|WSOL_JAVA_OPTS) continue ;; esac
  key=$(echo "${v#WSOL_}" | tr 'A-Z_' 'a-z.')
  grep -qxF "$key" <<<"$known" || unknown+=("$v")
done
if [ ${#unknown[@]} -eq 0 ]; then pass "env: every WSOL_* variable set by compose/k8s/docker ($(wc -w <<<"$envs")) is a known setting"
else fail "env: variables no service reads: ${unknown[*]} (add them to SettingKeys.java and Defaults.java or remove them)"; fi

echo "deploy: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
