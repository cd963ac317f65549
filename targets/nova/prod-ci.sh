#!/usr/bin/env bash
# CI job for the production-shaped Nova target: stands it up (prod-up.sh), runs the conformance suites
# against the catalog's compute endpoint (nova-api as Debian's init script serves it, --http-socket),
# then once more against the http11-socket front end (METACONFORM_COMPUTE_URL override; one request at
# a time unless METACONFORM_PROD_HTTP11_CONCURRENCY says otherwise: its 2 single-threaded workers stall a
# third kept-alive connection), prints the timings, stops the target (prod-down.sh) and exits with the worse
# of the two runs' statuses (0 conformant, 1 non-conformant, 2 usage, 3 no verdict; 3 as well when the
# target could not be stood up or a run timed out). Each step is bounded with timeout.
# Needs root on Debian 12. Not called from .ci/run (yet).
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

run catalog ""
catalog_status=$status catalog_wall=$wall
run http11 "$METACONFORM_NOVA_HTTP11_URL" "METACONFORM_CONCURRENCY=${METACONFORM_PROD_HTTP11_CONCURRENCY:-1}"
http11_status=$status http11_wall=$wall

echo "prod-ci: production-shaped nova target setup ${setup}s ($(sed 's/$/s/' "${METACONFORM_NOVA_PROD_STATE:-/var/tmp/metaconform-nova-prod}/last-setup-seconds" 2>/dev/null || echo '?') by prod-up.sh);" \
  "catalog front end (--http-socket) ${catalog_wall}s, exit status ${catalog_status};" \
  "http11 front end ${http11_wall}s, exit status ${http11_status}"
# the worse status: a usage error (2) before non-conformance (1) before no verdict (3)
worst=0
for s in "$catalog_status" "$http11_status"; do
  case "$s" in
    0) ;;
    2) worst=2 ;;
    1) ((worst == 2)) || worst=1 ;;
    *) ((worst == 0)) && worst=3 ;;
  esac
done
exit "$worst"
