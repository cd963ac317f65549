#!/usr/bin/env bash
# CI job for the production-shaped Nova target: stands it up (prod-up.sh), runs the conformance suites with
# default settings against the catalog's compute endpoint (nova-api as Debian's init script serves it,
# --http-socket) and against the http11-socket front end (METACONFORM_COMPUTE_URL override), both with the
# reader credential (METACONFORM_READER_CLOUD), a seeded explore (exit 4 on a divergence from the reference
# model, counted as non-conformance), then the Keystone flows (password, clouds.yaml with
# secure.yaml, application credential, token exchange, internal interface, an unknown region and a wrong
# password as usage errors, a run that boots its own server and leaves none behind), prints the timings,
# stops the target (prod-down.sh) and exits with the worst status (0 conformant, 1 non-conformant, 2 usage,
# 3 no verdict; 3 as well when the target could not be stood up, a run timed out or a flow ended otherwise
# than expected). Each step is bounded with timeout. Needs root on Debian 12; called by .ci/run.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
secs() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
UP_TIMEOUT=${METACONFORM_PROD_UP_TIMEOUT:-1800}
RUN_TIMEOUT=${METACONFORM_PROD_RUN_TIMEOUT:-900}
RESULTS=${METACONFORM_PROD_RESULTS:-results/nova-prod}

[[ -d node_modules ]] || npm ci --no-audit --no-fund || exit 3
trap 'bash targets/nova/prod-down.sh' EXIT

started=$(date +%s.%N)
if ! settings=$(timeout "$UP_TIMEOUT" bash targets/nova/prod-up.sh); then
  echo "prod-ci: the production-shaped Nova target could not be stood up (after $(secs "$started")s); see the lines above" >&2
  exit 3
fi
setup=$(secs "$started")
eval "$settings"
export METACONFORM_PROFILE=nova

export METACONFORM_READER_CLOUD=metaconform-reader
export METACONFORM_STATE_DIR="${METACONFORM_STATE_DIR:-$RESULTS/state}"
FLOWS=()
flow_worst=0

# run NAME COMPUTE_URL [VAR=VALUE...]: one conformance run into $RESULTS/NAME; sets status and wall
run() {
  local name=$1 url=$2 s; shift 2
  echo "prod-ci: conformance run against the $name front end${url:+ ($url)}" >&2
  s=$(date +%s.%N)
  env ${url:+METACONFORM_COMPUTE_URL=$url} "$@" timeout "$RUN_TIMEOUT" npm run conformance -- --results-dir "$RESULTS/$name"
  status=$?
  wall=$(secs "$s")
  ((status == 124)) && { echo "prod-ci: the conformance run against $name timed out" >&2; status=3; }
}

# flow NAME EXPECTED COMMAND...: one Keystone flow (a short run, or a negative case) with the OS_* of prod-up.sh unset
flow() {
  local name=$1 expected=$2 s got; shift 2
  s=$(date +%s.%N)
  env -u OS_AUTH_URL -u OS_USERNAME -u OS_PASSWORD -u OS_USER_DOMAIN_NAME -u OS_PROJECT_NAME -u OS_PROJECT_DOMAIN_NAME \
    -u OS_REGION_NAME -u OS_INTERFACE "$@" >"$RESULTS/flow-$name.log" 2>&1
  got=$?
  FLOWS+=("$name: exit $got (expected $expected), $(secs "$s")s")
  if ((got != expected)); then
    echo "prod-ci: Keystone flow '$name' exited $got, expected $expected:" >&2
    tail -15 "$RESULTS/flow-$name.log" >&2
    flow_worst=3
  fi
}

mkdir -p "$RESULTS"
# both front ends with default settings: nothing to tune
run catalog ""
catalog_status=$status catalog_wall=$wall
run http11 "$METACONFORM_NOVA_HTTP11_URL"
http11_status=$status http11_wall=$wall

# explore: seeded random sequences on both bases, compared with the reference model after every step (SM-SEQ-001)
s=$(date +%s.%N)
timeout "$RUN_TIMEOUT" node bin/metaconform.mjs explore --seed 20261201 --requests 300 --results-dir "$RESULTS/explore"
explore_status=$?
explore_wall=$(secs "$s")
((explore_status == 124)) && { echo "prod-ci: explore timed out" >&2; explore_status=3; }

# Keystone for real: each flow logs in, reads the catalog, snapshots, writes and restores (one behaviour each)
ONE=(node bin/metaconform.mjs run --behaviour SM-LIST-001,SM-MERGE-001)
SERVER=(METACONFORM_SERVER_ID="$METACONFORM_SERVER_ID")
flow password 0 env "${SERVER[@]}" OS_AUTH_URL="$OS_AUTH_URL" OS_USERNAME="$OS_USERNAME" OS_PASSWORD="$OS_PASSWORD" OS_USER_DOMAIN_NAME=Default \
  OS_PROJECT_NAME=metaconform OS_PROJECT_DOMAIN_NAME=Default OS_REGION_NAME=RegionOne "${ONE[@]}" --results-dir "$RESULTS/flow-password"
flow clouds-yaml 0 env "${SERVER[@]}" OS_CLOUD=metaconform "${ONE[@]}" --results-dir "$RESULTS/flow-clouds-yaml"
flow application-credential 0 env "${SERVER[@]}" OS_CLOUD=metaconform-appcred "${ONE[@]}" --results-dir "$RESULTS/flow-appcred"
flow internal-interface 0 env "${SERVER[@]}" OS_CLOUD=metaconform OS_INTERFACE=internal "${ONE[@]}" --results-dir "$RESULTS/flow-internal"
flow unknown-region 2 env "${SERVER[@]}" OS_CLOUD=metaconform OS_REGION_NAME=NoSuchRegion "${ONE[@]}" --results-dir "$RESULTS/flow-region"
flow wrong-password 2 env "${SERVER[@]}" OS_CLOUD=metaconform OS_PASSWORD=not-the-password "${ONE[@]}" --results-dir "$RESULTS/flow-wrong-password"
# a token exchanged at Keystone for a scoped one (OS_TOKEN with OS_AUTH_URL)
TOKEN=$(/usr/bin/python3 - "$OS_AUTH_URL" "$OS_USERNAME" "$OS_PASSWORD" <<'PY'
import json, sys, urllib.request
url, user, password = sys.argv[1:4]
body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": user, "domain": {"name": "Default"}, "password": password}}},
                 "scope": {"project": {"name": "metaconform", "domain": {"name": "Default"}}}}}
req = urllib.request.Request(url.rstrip("/") + "/auth/tokens", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
print(urllib.request.urlopen(req).headers["X-Subject-Token"])
PY
)
flow token 0 env "${SERVER[@]}" OS_AUTH_URL="$OS_AUTH_URL" OS_TOKEN="$TOKEN" OS_PROJECT_NAME=metaconform OS_PROJECT_DOMAIN_NAME=Default "${ONE[@]}" --results-dir "$RESULTS/flow-token"
# a run that boots its own server, and leaves none behind
flow boot 0 env -u METACONFORM_SERVER_ID OS_CLOUD=metaconform METACONFORM_FLAVOR="$METACONFORM_FLAVOR" METACONFORM_BOOT_IMAGE="$METACONFORM_BOOT_IMAGE" \
  METACONFORM_NETWORK=none "${ONE[@]}" --results-dir "$RESULTS/flow-boot"
flow nothing-left-behind 0 bash -c "env -u METACONFORM_SERVER_ID OS_CLOUD=metaconform node bin/metaconform.mjs cleanup | tee /dev/stderr | grep -q 'no server named metaconform-'"

printf 'prod-ci: Keystone flow %s\n' "${FLOWS[@]}" >&2
echo "prod-ci: production-shaped nova target setup ${setup}s ($(sed 's/$/s/' "${METACONFORM_NOVA_PROD_STATE:-/var/tmp/metaconform-nova-prod}/last-setup-seconds" 2>/dev/null || echo '?') by prod-up.sh);" \
  "catalog front end (--http-socket) ${catalog_wall}s, exit status ${catalog_status};" \
  "http11 front end ${http11_wall}s, exit status ${http11_status}; explore ${explore_wall}s, exit status ${explore_status}"
# the worse status: a usage error (2) before non-conformance (1) before no verdict (3)
worst=0
for s in "$catalog_status" "$http11_status" "$explore_status" "$flow_worst"; do
  case "$s" in
    0) ;;
    4) ((worst == 0)) && worst=1 ;;
    2) worst=2 ;;
    1) ((worst == 2)) || worst=1 ;;
    *) ((worst == 0)) && worst=3 ;;
  esac
done
exit "$worst"
